"""Defect 3 of the new user: every time on screen is the contract's (Europe/Amsterdam), also
on a computer whose own zone is UTC — the device history, the device list, the field view's
deadlines, its "Om" field and its action times, the ticket list's deadline."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTime
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.field.onsite import FieldRequest, record_field_action
from halt_desk.field.route import FieldAction
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.contract_time import ContractZones
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow
from ui.report_dialog import previous_month

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ENGINEER = "field:jan"
LATER = NOW + timedelta(minutes=40)


@pytest.fixture
def utc_machine() -> Iterator[None]:
    """This computer's own time zone is UTC (an hour off Amsterdam in winter)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    assert NOW.astimezone().utcoffset() == timedelta(0)  # a bare astimezone() is UTC now
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def amsterdam(instant: datetime, fmt: str) -> str:
    return instant.astimezone(AMSTERDAM).strftime(fmt)


def test_the_device_list_and_history_show_amsterdam_time_on_a_utc_machine(
    qtbot: QtBot, store: Store, utc_machine: None
) -> None:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded and window.devices.loaded)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    page = window.devices
    registered = SETUP.strftime("%d-%m-%Y %H:%M")  # 04-01-2027 09:00, as the depot saw it
    assert registered == "04-01-2027 09:00"
    updated = page.model.data(page.model.index(0, 6, QModelIndex()))
    assert updated == registered
    qtbot.keyClicks(page.search, "HALT-LT-00002")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.record is not None)
    assert f"{registered} · Geregistreerd" in page.details.text()
    assert "08:00" not in page.details.text()


def field_day(store: Store) -> str:
    """A ticket assigned to the engineer, on site requested, arrival recorded at 10:05."""
    ticket = swap_ticket(store, NOW)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), "agent", NOW)
    arrival = FieldRequest(FieldAction.ARRIVED)
    record_field_action(store, ticket, arrival, ENGINEER, NOW + timedelta(minutes=5))
    return ticket


def test_the_field_view_shows_amsterdam_time_on_a_utc_machine(
    qtbot: QtBot, store: Store, utc_machine: None
) -> None:
    field_day(store)
    view = FieldView(store, ENGINEER, lambda: LATER)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded, timeout=10_000)
    item = view.current_ticket()
    assert item is not None and item.swap_clock.due is not None
    swap_due = amsterdam(item.swap_clock.due, "%d-%m %H:%M")
    assert f"(uiterlijk {swap_due})" in view.list.item(0).text()
    assert f"gehaald {amsterdam(NOW + timedelta(minutes=5), '%d-%m %H:%M')}" in (
        view.list.item(0).text()
    )
    assert view.action_table.item(0, 0).text() == "12-01 10:05:00"  # the arrival
    # "Om": the time the employee was productive again, on the contract's clock.
    assert view.productive_time.time() == QTime(10, 40)
    request = view.request_for(FieldAction.PRODUCTIVE_AGAIN)
    assert request.productive_at == LATER


def test_the_ticket_lists_deadline_and_the_report_month_follow_the_contract(
    store: Store, utc_machine: None
) -> None:
    zones = ContractZones(store)
    assert zones.shown(NOW, "halt") == "12-01-2027 10:00"
    assert zones.shown(NOW) == "12-01-2027 10:00"  # no organisation yet: the contracts' zone
    assert zones.shown(None) == ""
    # Half past midnight on 1 December in Amsterdam is still 30 November in UTC.
    first_of_december = datetime(2026, 12, 1, 0, 30, tzinfo=AMSTERDAM)
    assert previous_month(first_of_december.astimezone()) == "2026-11"
