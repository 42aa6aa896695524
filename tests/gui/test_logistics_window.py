"""The logistics window on the real widgets: a scanner's key bursts through ship and
receive, the queue by deadline, and Ctrl+L from the desk's main window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.scan_station import ScanStep, Verdict
from halt_desk.logistics.swap_steps import SwapPlan, deliver, open_swap
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.scan_widget import ScanWidget

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def logistics(qtbot: QtBot, store: Store) -> LogisticsWindow:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    return window


def scan(qtbot: QtBot, widget: ScanWidget, code: str) -> None:
    """What a keyboard-wedge scanner does: a burst of keys, then Enter."""
    done = len(widget.outcomes)
    qtbot.keyClicks(widget.input, code)
    qtbot.keyClick(widget.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(widget.outcomes) > done)


def test_ship_and_receive_by_scanning(qtbot: QtBot, store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW)
    window = logistics(qtbot, store)
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the scan tab
    widget = window.scan
    heard: list[Verdict] = []
    widget.sound = heard.append
    qtbot.waitUntil(widget.input.hasFocus)
    scan(qtbot, widget, "HALT-LT-00001")
    assert widget.outcomes[-1].verdict is Verdict.NEXT
    assert "verzendlabel" in widget.feedback.text()
    scan(qtbot, widget, "3SHLTD123456789")
    assert widget.outcomes[-1].verdict is Verdict.GOOD
    assert "verzonden met PostNL" in widget.feedback.text()
    assert widget.answer_colour() == "#1b5e20"  # green
    assert store.device("HALT-LT-00001").state == "shipped"  # type: ignore[union-attr]
    deliver(store, swap, "d", NOW)
    qtbot.keyClick(widget.input, Qt.Key.Key_F3)  # step: receive
    qtbot.waitUntil(lambda: window.session.step is ScanStep.RECEIVE)
    scan(qtbot, widget, "halt-lt-00001")
    assert widget.outcomes[-1].verdict is Verdict.GOOD
    assert store.device("HALT-LT-00001").state == "received"  # type: ignore[union-attr]
    scan(qtbot, widget, "NOT A CODE")
    assert widget.outcomes[-1].verdict is Verdict.UNKNOWN
    assert widget.answer_colour() == "#546e7a"  # grey: not ours, nothing wrong
    assert widget.input.hasFocus() and widget.input.text() == ""
    assert heard == [Verdict.NEXT, Verdict.GOOD, Verdict.GOOD, Verdict.UNKNOWN]  # one sound each


def test_a_wrong_state_is_said_in_dutch_and_in_red(qtbot: QtBot, store: Store) -> None:
    window = logistics(qtbot, store)
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the scan tab
    window.scan.sound = lambda verdict: None
    scan(qtbot, window.scan, "HALT-LT-00002")
    assert window.scan.outcomes[-1].verdict is Verdict.WRONG_STATE
    assert "HALT-LT-00002 is op voorraad" in window.scan.feedback.text()
    assert window.scan.answer_colour() == "#b3261e"  # red
    assert window.scan.heading.text() == "Kan nu niet"


def test_the_queue_shows_the_most_urgent_swap_first_with_a_countdown(
    qtbot: QtBot, store: Store
) -> None:
    late = swap_ticket(store, NOW)
    early = swap_ticket(store, NOW, priority="P1")
    window = logistics(qtbot, store)
    model = window.queue
    assert [row.ticket for row in model.rows] == [early, late]
    countdown = model.data(model.index(0, 0))
    assert countdown.startswith("nog ") and "noodwerkplek" in countdown.lower()
    assert model.data(model.index(0, 3)) == "plannen"
    stock = window.stock
    assert any(level.shortage for level in stock.rows)  # Zwolle has none of its one


def test_ctrl_l_opens_the_logistics_window_from_the_desk(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # a window shortcut needs its window active
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    window = getattr(main, "_logistics_window", None)
    assert isinstance(window, LogisticsWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.loaded)
