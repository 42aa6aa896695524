"""The core (`halt_desk`) never loads Qt: every user action is testable without a window."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import halt_desk
for module in pkgutil.walk_packages(halt_desk.__path__, "halt_desk."):
    if module.name.endswith("__main__"):
        continue
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {"PySide6", "ui"})
print(",".join(loaded))
"""


def test_importing_every_module_of_the_core_loads_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
