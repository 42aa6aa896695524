"""Writes report files all or nothing: each to a temporary file beside it, then renamed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from halt_desk.reports.errors import OutputNotWritten


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_files(outputs: Sequence[tuple[Path, bytes]]) -> None:
    """Writes every (path, content); on any failure no output file is created or changed
    and the temporary files are removed. Raises OutputNotWritten naming the file."""
    temporary: list[tuple[str, Path]] = []
    current = outputs[0][0] if outputs else Path()
    try:
        for path, content in outputs:
            current = path
            if path.is_dir():
                raise IsADirectoryError(21, "is a folder")
            folder = path.parent if str(path.parent) else Path(".")
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
            temporary.append((name, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, 0o666 & ~_umask())
        for name, path in temporary:
            current = path
            os.replace(name, path)
    except OSError as exc:
        for name, _ in temporary:
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise OutputNotWritten(str(current), exc.strerror or str(exc)) from None
