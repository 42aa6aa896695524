"""The one way a test runs a screenshot module (tests/gui/screenshots*.py and the test
modules with a `main`) under a real X server, and checks what it wrote: `run_shots`, then
`assert_shots` (the PNGs by name, none a blank grab). Mark such a test `slow` and
`needs_xvfb`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
#: Skips the test where there is no Xvfb to run the screenshots on.
needs_xvfb = pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh"
)


def run_shots(module: str, out: Path, timeout: int, env: dict[str, str] | None = None) -> str:
    """Runs `python -m <module> <out>` from the repository root on a 1400×900 Xvfb
    screen (with `env` added to the environment); a failing run fails the test with the
    end of what the module printed on standard error. Its standard output."""
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", module, str(out)],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **env} if env else None,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"{module} ended with {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def assert_not_blank(
    path: Path,
    size: tuple[int, int] = (300, 200),
    rows: Sequence[int] | None = None,
    step: tuple[int, int] = (7, 23),
    colours: int = 3,
) -> None:
    """The PNG at `path` is larger than `size` and not a blank grab: more than `colours`
    colours in every `step[0]`th pixel of `rows` (default: every `step[1]`th row)."""
    image = QImage(str(path))
    assert image.width() > size[0] and image.height() > size[1], path.name
    ys = rows if rows is not None else range(0, image.height(), step[1])
    found = {image.pixel(x, y) for x in range(0, image.width(), step[0]) for y in ys}
    assert len(found) > colours, path.name  # not a blank grab


def assert_shots(
    out: Path,
    names: Sequence[str],
    size: tuple[int, int] = (300, 200),
    rows: Sequence[int] | None = None,
    step: tuple[int, int] = (7, 23),
    colours: int = 3,
) -> None:
    """`out` holds exactly the PNGs `names`, none of them blank (`assert_not_blank`)."""
    assert sorted(path.name for path in out.glob("*.png")) == sorted(names)
    for name in names:
        assert_not_blank(out / name, size, rows, step, colours)
