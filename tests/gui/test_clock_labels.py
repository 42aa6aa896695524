"""Every clock of the clock table (halt_desk/domain/clockspec.py) has its words on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from halt_desk.domain.clockspec import CLOCK_NAMES
from ui import labels


def test_every_clock_of_the_table_has_a_label(qapp: QApplication) -> None:
    missing = [name for name in CLOCK_NAMES if labels.clock(name) == name]
    assert not missing, f"add the label text of {missing} to ui/labels.clock"
