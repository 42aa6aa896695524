"""The engine's hot modules compiled to C by mypyc, used only while they match their source.

`scripts/build-native.sh` (run by `scripts/setup.sh`) compiles `NATIVE_MODULES` in place:
next to each `.py` file lies its `.so`, which Python imports first, and `native.stamp`
holds the SHA-256 of every source the build read. The sources stay the reference: without
a C compiler nothing is built and they run as they are. The compiled modules are one
group (they call each other natively), so they are used all together or not at all: when
any source differs from its stamp (edited since the build, or a checkout of another
commit), or `HALT_DESK_NATIVE=0` asks for the sources, `use_sources_if_stale` (called as
`halt_desk.domain` is imported, before any of them) makes Python import the `.py` files.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: The modules of the engine that `sla check` spends its time in, by name in this package.
NATIVE_MODULES = (
    "calendar",
    "clocktimes",
    "clockintervals",
    "timeline",
    "timeline_block",
    "clocks",
)
PACKAGE = "halt_desk.domain"
HERE = Path(__file__).resolve().parent
STAMP = HERE / "native.stamp"


def source_digests(folder: Path = HERE) -> dict[str, str]:
    """SHA-256 of each native module's source, by module name."""
    return {
        name: hashlib.sha256((folder / f"{name}.py").read_bytes()).hexdigest()
        for name in NATIVE_MODULES
    }


def stamp_text(digests: dict[str, str]) -> str:
    """The stamp file's text: one `name sha256` line per module."""
    return "".join(f"{name} {digest}\n" for name, digest in sorted(digests.items()))


def built(folder: Path = HERE) -> bool:
    """True when a compiled module lies next to the sources."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return any(
        (folder / f"{name}{suffix}").exists() for name in NATIVE_MODULES for suffix in suffixes
    )


def current(folder: Path = HERE) -> bool:
    """True when the compiled modules were built from the sources as they are now."""
    try:
        stamp = (folder / STAMP.name).read_text(encoding="ascii")
    except OSError:
        return False
    return stamp == stamp_text(source_digests(folder))


def compiled(module: ModuleType) -> bool:
    """True when `module` was loaded from a compiled extension."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the native modules' `.py` files, ahead of their compiled twins."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        source = HERE / f"{name}.py"
        if package != PACKAGE or name not in NATIVE_MODULES or not source.exists():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def use_sources_if_stale() -> None:
    """Makes the sources win over a build that no longer matches them (or when
    `HALT_DESK_NATIVE=0`); does nothing when nothing is built, nor in a frozen bundle
    (PyInstaller's: it has no sources, and takes the modules as they were when it was made)."""
    if getattr(sys, "frozen", False) or not built():
        return
    if os.environ.get("HALT_DESK_NATIVE") != "0" and current():
        return
    if not any(isinstance(finder, _SourceFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())
