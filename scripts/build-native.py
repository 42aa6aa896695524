"""Compiles the engine's hot modules with mypyc (see halt_desk/domain/native.py).

Run by scripts/setup.sh as `.venv/bin/python scripts/build-native.py`; again by hand after
editing one of the modules (until then the sources are used). Builds in a scratch folder
from a copy of the sources, then puts each module's `.so` next to its `.py` and writes
`native.stamp` with the digests of the sources it read. Without mypyc or a C compiler it
says so and leaves the sources alone. `--clean` removes a build.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from halt_desk.domain import native  # noqa: E402

FOLDER = ROOT / "halt_desk" / "domain"
#: The shared library of the group, next to the modules: `<GROUP>__mypyc.*.so`.
GROUP = "halt_desk.domain.native_engine"

SETUP = """
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="halt-desk-native",
    packages=[],
    py_modules=[],
    ext_modules=mypycify({paths!r}, opt_level="3", group_name={group!r}),
)
"""


def clean() -> None:
    """Removes every compiled module and the stamp (the sources are used again)."""
    names = [*native.NATIVE_MODULES, GROUP.rpartition(".")[2] + "__mypyc"]
    for name in names:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            (FOLDER / f"{name}{suffix}").unlink(missing_ok=True)
    native.STAMP.unlink(missing_ok=True)


def can_build() -> str | None:
    """Why a build cannot run here, or None."""
    if shutil.which("mypyc", path=str(Path(sys.executable).parent)) is None:
        try:
            import mypyc  # noqa: F401
        except ImportError:
            return "mypyc is not installed"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not Path(sysconfig.get_paths()["include"], "Python.h").exists():
        return "no Python headers (Python.h)"
    return None


def build() -> None:
    digests = native.source_digests()
    with tempfile.TemporaryDirectory(prefix="halt-desk-native-") as scratch:
        work = Path(scratch)
        # the whole package as it is, so that mypy sees the modules' imports
        shutil.copytree(
            ROOT / "halt_desk",
            work / "halt_desk",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "native.stamp"),
        )
        paths = [f"halt_desk/domain/{name}.py" for name in native.NATIVE_MODULES]
        (work / "setup.py").write_text(SETUP.format(paths=paths, group=GROUP))
        env = dict(os.environ, MYPY_CACHE_DIR=str(work / ".mypy_cache"))
        command = [sys.executable, "setup.py", "-q", "build_ext", "--inplace"]
        result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise SystemExit("build-native: mypyc failed; the sources stay in use")
        if native.source_digests() != digests:
            raise SystemExit("build-native: the sources changed during the build; run again")
        clean()
        for built in (work / "halt_desk" / "domain").iterdir():
            if built.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                shutil.copy2(built, FOLDER / built.name)
    native.STAMP.write_text(native.stamp_text(digests), encoding="ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--force", action="store_true", help="build even when up to date")
    args = parser.parse_args()
    if args.clean:
        clean()
        return
    if native.built() and native.current() and not args.force:
        print("build-native: the compiled engine is up to date")
        return
    problem = can_build()
    if problem is not None:
        print(f"build-native: {problem}; the engine runs from its Python sources")
        return
    print("build-native: compiling the engine with mypyc (about a minute)")
    build()
    print("build-native: done (" + ", ".join(native.NATIVE_MODULES) + ")")


if __name__ == "__main__":
    main()
