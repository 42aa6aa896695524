"""The engine compiled by mypyc (`halt_desk/domain/native.py`, `scripts/build-native.py`):
used when it matches its sources, the same answers as the sources, never used stale."""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from halt_desk.demo import generate_timelines
from halt_desk.domain import native

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_the_engine_in_use_is_the_current_build() -> None:
    """Tests run against what users run: the compiled modules whenever setup built them,
    and a build older than its sources fails here (rebuild: scripts/build-native.py)."""
    if not native.built():
        pytest.skip("no compiled engine here (setup found no C compiler): the sources run")
    assert native.current(), "the sources changed since the build: run scripts/build-native.py"
    for name in native.NATIVE_MODULES:
        module = importlib.import_module(f"halt_desk.domain.{name}")
        assert native.compiled(module), f"{module.__name__} runs from {module.__file__}"


def _sla_check(path: Path, **env: str) -> tuple[bytes, str]:
    code = (
        "import sys, halt_desk.domain.clocks as c, halt_desk.domain.native as n\n"
        "from halt_desk.cli import main\n"
        "sys.stderr.write('compiled' if n.compiled(c) else 'sources')\n"
        f"sys.argv = ['halt-desk', 'sla', 'check', {str(path)!r}]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        check=True,
        env={**os.environ, **env},
        timeout=300,
    )
    return result.stdout, result.stderr.decode().strip().splitlines()[-1]


def test_sources_and_build_give_the_same_bytes(tmp_path: Path) -> None:
    document = generate_timelines(600, seed=3, profile="desom")
    path = tmp_path / "timelines.json"
    path.write_text(json.dumps(document))
    sources, which = _sla_check(path, HALT_DESK_NATIVE="0")
    assert which == "sources"
    default, which = _sla_check(path)
    assert which == ("compiled" if native.built() and native.current() else "sources")
    assert default == sources
    assert json.loads(default)["tickets"][0]["id"] == document["tickets"][0]["id"]


def _copy_sources(folder: Path) -> None:
    for name in native.NATIVE_MODULES:
        shutil.copy(native.HERE / f"{name}.py", folder / f"{name}.py")


def test_a_build_counts_only_while_every_source_matches_its_stamp(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    assert not native.built(tmp_path)
    (tmp_path / f"clocks{SUFFIX}").write_bytes(b"")
    assert native.built(tmp_path)
    assert not native.current(tmp_path)  # no stamp
    (tmp_path / "native.stamp").write_text(native.stamp_text(native.source_digests(tmp_path)))
    assert native.current(tmp_path)
    calendar = tmp_path / "calendar.py"
    calendar.write_text(calendar.read_text() + "\n# edited\n")
    assert not native.current(tmp_path)


def test_the_source_finder_takes_the_py_file_of_an_engine_module_only() -> None:
    finder = native._SourceFinder()
    spec = finder.find_spec("halt_desk.domain.clocks", None)
    assert spec is not None and spec.origin == str(native.HERE / "clocks.py")
    assert finder.find_spec("halt_desk.domain.profiles", None) is None
    assert finder.find_spec("clocks", None) is None
