"""Escalaties (issue 23) driven by the keyboard on real widgets (offscreen) over a real
cache: register (refused first, then recorded), change the level, add an action, a weekly
update, close, accept and dismiss a suggestion; an agent reads only; the ticket window's
escalation line; the monthly report's entry; and a change that arrives from elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.domain.events import Event, new_event
from halt_desk.i18n import set_language
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events, staff_events
from tests.escalation_data import (
    CLOSED,
    N1,
    N2,
    REGIE,
    SUGGESTION,
    TICKETS,
    at,
    register_store_events,
)  # fmt: skip
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from ui.changes import ChangeHub
from ui.escalation_dialogs import (
    ActionDialog,
    CloseDialog,
    DismissDialog,
    LevelDialog,
    RegisterDialog,
    TextDialog,
)  # fmt: skip
from ui.escalation_window import EscalationWindow
from ui.main_window import MainWindow
from ui.report_dialog import ReportDialog
from ui.ticket_dialog import TicketDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
__all__ = ["in_pseudo"]  # a fixture of the pseudo-language test, used here
AGENT = "agent:sanne.visser"
WAIT = 30_000
W = TypeVar("W", bound=QWidget)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    set_language("nl")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        events = [*reference_events(), *staff_events(), *register_store_events()]
        opened.record_events(events, bulk=True)
        yield opened


def active(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=WAIT)


def opened(qtbot: QtBot, store: Store, user: str = REGIE) -> EscalationWindow:
    window = EscalationWindow(store, user, lambda: NOW)
    qtbot.addWidget(window)
    active(qtbot, window)
    qtbot.waitUntil(lambda: window.loaded, timeout=WAIT)
    return window


def dialog_of(qtbot: QtBot, parent: QWidget, kind: type[W]) -> W:
    qtbot.waitUntil(lambda: any(w.isVisible() for w in parent.findChildren(kind)), timeout=WAIT)
    found = next(w for w in parent.findChildren(kind) if w.isVisible())
    active(qtbot, found)
    return found


def events_of(store: Store, escalation: str) -> list[Event]:
    return store.events_for(f"escalation:{escalation}")


#: What the store adds to every event it records (not the dialog's fields).
STAMPS = frozenset({"base_seq", "clock_offset_ms", "device_at"})


def fields(event: Event) -> dict[str, object]:
    return {key: value for key, value in event.data.items() if key not in STAMPS}


def record(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return, CTRL)


def press(qtbot: QtBot, window: QWidget, key: Qt.Key, modifiers: object) -> None:
    """A shortcut of `window` (active again after a dialog closed)."""
    active(qtbot, window)
    qtbot.keyClick(window.focusWidget() or window, key, modifiers)  # type: ignore[arg-type]


def choose(qtbot: QtBot, window: EscalationWindow, escalation: str) -> None:
    window.show_escalation(escalation)
    qtbot.waitUntil(lambda: getattr(window.current(), "id", None) == escalation, timeout=WAIT)


def test_the_register_lists_suggestions_first_with_countdowns(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    assert [e.id for e in window.shown] == [SUGGESTION, N1, N2]  # open and suggested
    texts = [[window.table.item(r, c).text() for c in range(8)] for r in range(3)]
    assert texts[0][:4] == [SUGGESTION, "Stichting Halt", "N1", "voorgesteld"]
    assert texts[1][6] == "Start: nog 4 u 00 min"
    assert texts[2][7] == "Weekupdate gemist (1×)"
    assert texts[2][5] == f"{TICKETS[0]} (+1)"
    qtbot.keyClick(window.table, Qt.Key.Key_G, ALT)  # Gesloten
    qtbot.waitUntil(lambda: [e.id for e in window.shown] == [CLOSED], timeout=WAIT)
    assert "kwaliteit 7, snelheid 6, samenwerking 8" in window.detail.toPlainText()
    qtbot.keyClick(window.table, Qt.Key.Key_A, ALT)  # Alles
    qtbot.waitUntil(lambda: len(window.shown) == 4, timeout=WAIT)


def test_register_a_new_escalation_refused_then_recorded(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    before = store.streams_of_kind("escalation")
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    form = dialog_of(qtbot, window, RegisterDialog)
    assert form.org.currentText() == "Stichting Halt"
    qtbot.keyClick(form, Qt.Key.Key_L, ALT)
    qtbot.keyClicks(form.supplier, "Netwerkpartner BV")
    qtbot.keyClick(form, Qt.Key.Key_R, ALT)
    qtbot.keyClicks(form.description, "Datalek door verkeerd ingestelde VPN-toegang")
    qtbot.keyClick(form.classification, Qt.Key.Key_End)  # strategisch
    qtbot.keyClick(form, Qt.Key.Key_M, ALT)
    qtbot.keyClicks(form.tickets, TICKETS[0])
    qtbot.keyClick(form.tickets, Qt.Key.Key_Tab)  # the breached norms of the ticket
    qtbot.waitUntil(lambda: form.chosen_breaches() != [], timeout=WAIT)
    record(qtbot, form.tickets)
    qtbot.waitUntil(lambda: "ten minste op niveau N2" in form.message.text(), timeout=WAIT)
    assert form.isVisible() and store.streams_of_kind("escalation") == before  # nothing
    qtbot.keyClick(form, Qt.Key.Key_N, ALT)  # Niveau
    qtbot.keyClick(form.level, Qt.Key.Key_Down)  # N2
    record(qtbot, form.level)
    record(qtbot, form.level)  # twice: recorded once
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
    (new,) = set(store.streams_of_kind("escalation")) - set(before)
    (registered,) = store.events_for(new)
    assert registered.type == "escalation_registered" and registered.actor == REGIE
    assert fields(registered) == {
        "org": "halt",
        "supplier": "Netwerkpartner BV",
        "description": "Datalek door verkeerd ingestelde VPN-toegang",
        "classification": "strategic",
        "level": "N2",
        "tickets": [TICKETS[0]],
        "breaches": [f"{TICKETS[0]}:reaction", f"{TICKETS[0]}:resolution"],
    }
    key = new.partition(":")[2]
    qtbot.waitUntil(lambda: getattr(window.current(), "id", None) == key, timeout=WAIT)


def test_level_action_weekly_update_and_close(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    choose(qtbot, window, N2)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    level = dialog_of(qtbot, window, LevelDialog)
    assert level.level.currentText() == "N3"
    qtbot.keyClick(level, Qt.Key.Key_R, ALT)
    qtbot.keyClicks(level.reason, "Geen verbetering na twee weken")
    record(qtbot, level.reason)
    qtbot.waitUntil(lambda: not level.isVisible(), timeout=WAIT)
    assert fields(events_of(store, N2)[-1]) == {
        "level": "N3",
        "reason": "Geen verbetering na twee weken",
    }
    qtbot.waitUntil(lambda: getattr(window.current(), "level", "") == "N3", timeout=WAIT)

    press(qtbot, window, Qt.Key.Key_T, CTRL)
    action = dialog_of(qtbot, window, ActionDialog)
    qtbot.waitUntil(lambda: action.owner.count() > 0, timeout=WAIT)
    qtbot.keyClicks(action.action, "Tweede VPN-concentrator plaatsen")
    qtbot.keyClick(action, Qt.Key.Key_E, ALT)
    qtbot.keyClicks(action.owner.lineEdit(), "Linda Dekker")
    record(qtbot, action.owner)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=WAIT)
    added = events_of(store, N2)[-1]
    assert added.type == "escalation_action_added"
    assert fields(added) == {"action": "Tweede VPN-concentrator plaatsen",
                          "owner": "agent:linda.dekker", "due": "2027-01-19"}  # fmt: skip
    qtbot.waitUntil(lambda: "Tweede VPN-concentrator" in window.detail.toPlainText(), timeout=WAIT)

    press(qtbot, window, Qt.Key.Key_U, CTRL)
    update = dialog_of(qtbot, window, TextDialog)
    record(qtbot, update.text)  # empty: refused in words, nothing recorded
    qtbot.waitUntil(
        lambda: update.message.text() == "Vul de tekst van de escalatie in.", timeout=WAIT
    )
    count = len(events_of(store, N2))
    qtbot.keyClicks(update.text, "Leverancier plaatst nieuwe firmware vrijdag")
    record(qtbot, update.text)
    qtbot.waitUntil(lambda: not update.isVisible(), timeout=WAIT)
    assert len(events_of(store, N2)) == count + 1
    assert events_of(store, N2)[-1].type == "escalation_update"
    qtbot.waitUntil(lambda: window.current() is not None and window.current().reminder == "",  # type: ignore[union-attr]
                    timeout=WAIT)  # fmt: skip

    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    close = dialog_of(qtbot, window, CloseDialog)
    record(qtbot, close.lessons)
    refusal = "De kwaliteit is een cijfer van 1 tot en met 10."
    qtbot.waitUntil(lambda: close.message.text() == refusal, timeout=WAIT)
    for key, presses in (("quality", 8), ("speed", 5), ("cooperation", 7)):
        for _ in range(presses):
            qtbot.keyClick(close.scores[key], Qt.Key.Key_Up)
    qtbot.keyClick(close, Qt.Key.Key_L, ALT)
    qtbot.keyClicks(close.lessons, "Eerder opschalen naar N2")
    record(qtbot, close.lessons)
    qtbot.waitUntil(lambda: not close.isVisible(), timeout=WAIT)
    closed = events_of(store, N2)[-1]
    evaluation = {"quality": 8, "speed": 5, "cooperation": 7, "lessons": "Eerder opschalen naar N2"}
    assert (closed.type, fields(closed)) == ("escalation_closed", evaluation)
    qtbot.waitUntil(lambda: N2 not in [e.id for e in window.shown], timeout=WAIT)


def test_accept_and_dismiss_a_suggestion(qtbot: QtBot, store: Store) -> None:
    second = new_event(
        "escalation:ESC-2027000009", "escalation_suggested", at("2027-01-12 09:30"), "system",
        {"org": "halt", "trigger": "repeated_breaches", "level": "N2",
         "evidence": {"tickets": [TICKETS[0]], "breaches": [], "detail": "3 breaches"}},
    )  # fmt: skip
    store.record_events([second], bulk=True)
    window = opened(qtbot, store)
    choose(qtbot, window, SUGGESTION)
    press(qtbot, window, Qt.Key.Key_A, CTRL | SHIFT)
    accept = dialog_of(qtbot, window, RegisterDialog)
    assert accept.tickets.text() == TICKETS[2] and accept.tickets.isReadOnly()
    assert not accept.org.isEnabled()
    qtbot.keyClicks(accept.supplier, "Netwerkpartner BV")
    qtbot.keyClick(accept, Qt.Key.Key_R, ALT)
    qtbot.keyClicks(accept.description, "P1 zonder reactie")
    record(qtbot, accept.description)
    qtbot.waitUntil(lambda: not accept.isVisible(), timeout=WAIT)
    registered = events_of(store, SUGGESTION)[-1]
    assert registered.type == "escalation_registered"
    assert registered.data["tickets"] == [TICKETS[2]]
    assert registered.data["breaches"] == [f"{TICKETS[2]}:reaction"]
    assert registered.data["level"] == "N1"

    choose(qtbot, window, "ESC-2027000009")
    press(qtbot, window, Qt.Key.Key_D, CTRL | SHIFT)
    dismiss = dialog_of(qtbot, window, DismissDialog)
    record(qtbot, dismiss.reason)
    qtbot.waitUntil(lambda: dismiss.message.text() == "Vul de reden van de escalatie in.",
                    timeout=WAIT)  # fmt: skip
    assert len(events_of(store, "ESC-2027000009")) == 1
    qtbot.keyClicks(dismiss.reason, "Besproken in het maandoverleg")
    record(qtbot, dismiss.reason)
    qtbot.waitUntil(lambda: not dismiss.isVisible(), timeout=WAIT)
    dismissed = events_of(store, "ESC-2027000009")[-1]
    assert (dismissed.type, fields(dismissed)) == (
        "escalation_suggestion_dismissed", {"reason": "Besproken in het maandoverleg"})  # fmt: skip
    qtbot.waitUntil(lambda: "ESC-2027000009" not in [e.id for e in window.shown], timeout=WAIT)


def test_an_agent_reads_the_register_only(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store, AGENT)
    assert window.read_only_note.isVisible()
    assert "regie" in window.read_only_note.text()
    assert not any(button.isVisible() for button in window.buttons.values())
    count = len(store.streams_of_kind("escalation"))
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    QApplication.processEvents()
    assert window.findChildren(RegisterDialog) == [] and window.findChildren(LevelDialog) == []
    assert window.record_on("update") is None
    assert window.message.text() == "Alleen de regie en beheerders leggen escalaties vast."
    assert len(store.streams_of_kind("escalation")) == count
    assert "Weekupdate gemist" in window.table.item(2, 7).text()  # reading works as for regie


def test_the_ticket_window_shows_and_starts_escalations(qtbot: QtBot, store: Store) -> None:
    dialog = TicketDialog(store, TICKETS[1], REGIE, lambda: NOW)
    qtbot.addWidget(dialog)
    active(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.escalations.line.isVisible(), timeout=WAIT)
    assert dialog.escalations.line.full_text() == (
        f"Escalatie {N1} · N1 · open | Escalatie {N2} · N2 · open"
    )
    qtbot.keyClick(dialog.note, Qt.Key.Key_X, CTRL | SHIFT)
    register = dialog_of(qtbot, dialog, EscalationWindow)
    qtbot.waitUntil(lambda: getattr(register.current(), "id", None) == N1, timeout=WAIT)
    register.close()
    active(qtbot, dialog)
    qtbot.keyClick(dialog.note, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(
        lambda: any(w.isVisible() for w in QApplication.topLevelWidgets()
                    if isinstance(w, RegisterDialog)) or any(
            d.isVisible() for w in dialog.findChildren(EscalationWindow)
            for d in w.findChildren(RegisterDialog)), timeout=WAIT)  # fmt: skip
    form = next(
        d
        for w in dialog.findChildren(EscalationWindow)
        for d in w.findChildren(RegisterDialog)
        if d.isVisible()
    )
    assert form.tickets.text() == TICKETS[1] and form.org.currentData() == "halt"


def test_an_agent_has_no_start_in_the_ticket_window(qtbot: QtBot, store: Store) -> None:
    dialog = TicketDialog(store, TICKETS[1], AGENT, lambda: NOW)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.escalations.show_button.isEnabled(), timeout=WAIT)
    assert dialog.escalations.start_button is None


def test_the_monthly_report_opens_the_register_of_its_month(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, REGIE, lambda: NOW)
    qtbot.addWidget(main)
    active(qtbot, main)
    qtbot.waitUntil(lambda: main.loaded, timeout=WAIT)
    report = main.open_report()
    assert isinstance(report, ReportDialog)
    active(qtbot, report)
    report.month.setText("2026-12")
    qtbot.keyClick(report.org, Qt.Key.Key_E, ALT)  # the button's mnemonic (an animated click)
    qtbot.waitUntil(lambda: report.escalations is not None, timeout=WAIT)
    register = report.escalations
    assert isinstance(register, EscalationWindow)
    qtbot.waitUntil(lambda: register.loaded, timeout=WAIT)
    assert register.scope.text() == "Stichting Halt · 12-2026"
    active(qtbot, register)
    qtbot.keyClick(register.table, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: [e.id for e in register.shown] == [CLOSED], timeout=WAIT)
    register.close()
    main.close()


def test_the_main_window_opens_the_register_with_its_key(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, AGENT, lambda: NOW)
    qtbot.addWidget(main)
    active(qtbot, main)
    qtbot.waitUntil(lambda: main.loaded, timeout=WAIT)
    qtbot.keyClick(main.table, Qt.Key.Key_E, CTRL | SHIFT)
    register = dialog_of(qtbot, main, EscalationWindow)
    qtbot.waitUntil(lambda: register.loaded, timeout=WAIT)
    assert len(register.shown) == 3
    register.close()
    main.close()


def test_a_change_from_elsewhere_reaches_the_open_register(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    pulled = new_event(
        f"escalation:{N1}", "escalation_level_changed", at("2027-01-12 09:45"), "admin:joost.smit",
        {"level": "N2", "reason": "Tweede P1 vandaag"},
    )  # fmt: skip
    store.record_events([pulled], bulk=True)  # as a sync round stores what it pulled
    ChangeHub.of(store).notice()  # … and then broadcasts it
    qtbot.waitUntil(
        lambda: next(e for e in window.entries if e.id == N1).level == "N2", timeout=WAIT
    )
    choose(qtbot, window, N1)
    assert "Joost Smit wijzigde het niveau in N2: Tweede P1 vandaag" in window.detail.toPlainText()


def test_the_register_and_its_dialogs_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    allowed = data_words(tmp_path / "cache.sqlite3")
    window = opened(qtbot, store)
    window.filters["all"].setChecked(True)
    found: list[str] = []
    for escalation in (SUGGESTION, N1, N2, CLOSED):
        choose(qtbot, window, escalation)
        found += leaks(window, allowed)
    choose(qtbot, window, N2)
    for kind in ("level", "informed", "request", "meeting", "action", "action_status",
                 "update", "close"):  # fmt: skip
        dialog = window.record_on(kind)
        assert dialog is not None
        qtbot.wait(100)
        found += leaks(dialog, allowed)
        dialog.reject()
    for dialog in (window.new_escalation(), window.accept_suggestion()):
        if dialog is not None:
            found += leaks(dialog, allowed)
            dialog.reject()
    choose(qtbot, window, SUGGESTION)
    for dialog in (window.accept_suggestion(), window.dismiss_suggestion()):
        assert dialog is not None
        qtbot.wait(100)
        found += leaks(dialog, allowed)
        dialog.reject()
    assert found == [], "\n".join(found)


def test_look_for_suggestions_records_them_as_suggestions(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    before = {e.id for e in window.entries}
    press(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.outcome.text().startswith("Nieuwe voorstellen: "), timeout=WAIT)
    qtbot.waitUntil(lambda: {e.id for e in window.entries} > before, timeout=WAIT)
    new = [e for e in window.entries if e.id not in before]
    assert new and {e.state.status for e in new} == {"suggested"}  # nothing applied
    assert window.outcome.text() == f"Nieuwe voorstellen: {len(new)}."
    for entry in new:
        (suggested,) = events_of(store, entry.id)
        assert suggested.type == "escalation_suggested" and suggested.actor == REGIE
    press(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)  # once recorded, not suggested again
    qtbot.waitUntil(lambda: window.outcome.text() == "Geen nieuwe voorstellen.", timeout=WAIT)


def test_tab_walks_the_rows_before_record_and_cancel(qtbot: QtBot, store: Store) -> None:
    window = opened(qtbot, store)
    choose(qtbot, window, N2)
    press(qtbot, window, Qt.Key.Key_T, CTRL)  # new action: action, owner, due date
    form = dialog_of(qtbot, window, ActionDialog)
    qtbot.waitUntil(lambda: form.focusWidget() is not None, timeout=WAIT)
    seen: list[QWidget] = []
    for _step in range(8):
        focused = form.focusWidget()
        assert focused is not None
        seen.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    ok, cancel = form.buttons.buttons()
    assert ok in seen and cancel in seen
    first_button = min(seen.index(ok), seen.index(cancel))
    fields = [w.accessibleName() for w in seen[:first_button]]
    assert fields[:3] == ["Actie", "Eigenaar", "Uiterlijk op"], fields  # the rows first
    assert seen[first_button : first_button + 2] == [ok, cancel]
