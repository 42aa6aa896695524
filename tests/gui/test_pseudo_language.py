"""Pseudo-localisation (as Vorta does): every text of the catalogue made ~30 % longer, with
accented letters, between ⟦ ⟧, and every window and dialog of ui/ opened in it. A visible
text with letters outside the brackets did not go through the catalogue: a leak, unless
the letters are data (names, organisations, summaries from the store).
"""

from __future__ import annotations

import gettext
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from halt_desk import i18n
from halt_desk.couriers.registry import carriers
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.loaners import suggest_loaner
from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
from halt_desk.store import Store
from halt_desk.sync.credentials import KeychainTokens
from halt_desk.sync.settings import load_settings
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.report_dialog import ReportDialog
from ui.sign_in import SignInDialog
from ui.swap_queue import PlanDialog
from ui.sync_issues import SyncIssuesDialog
from ui.ticket_dialog import TicketDialog
from ui.uplift_dialog import UpliftDialog

PSEUDO = "x-pseudo"
OPEN, CLOSE = "⟦", "⟧"
LATER = NOW + timedelta(hours=1)
ENGINEER = "field:jan"
_ACCENTED = str.maketrans(
    "abcdeghiklnorstuyzABCDEGHIKLNORSTUYZ", "áƀçđéğĥíķłñóŕšţúýžÁƁÇĐÉĞĤÍĶŁÑÓŔŠŢÚÝŽ"
)
#: What pseudo-localisation leaves alone: placeholders, markup, entities, %-formats, and
#: the `&` that marks a shortcut letter.
_KEEP = re.compile(r"\{[^{}]*\}|<[^<>]*>|&[a-z]+;|&#?\w+;|%\w|&&|\n")
#: Key names in shortcut hints ("F2", "Alt+1", "Ctrl+Shift+R") are the keyboard's, not ours.
_KEYS = re.compile(r"\b(?:(?:Ctrl|Alt|Shift|Meta)\+)+\w+\b|\b(?:Esc|Enter|F\d{1,2})\b")


def pseudo(text: str) -> str:
    """⟦Ŝćáñ ţĥé áššéţ ţáğ…·····⟧: accented, ~30 % longer, bracketed."""
    if not text:
        return text
    parts, last = [], 0
    for match in _KEEP.finditer(text):
        parts.append(text[last : match.start()].translate(_ACCENTED))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(_ACCENTED))
    body = "".join(parts)
    return f"{OPEN}{body}{'·' * max(1, len(text) * 3 // 10)}{CLOSE}"


def pseudo_catalogue() -> gettext.GNUTranslations:
    """The Dutch catalogue with every translation made pseudo."""
    with (i18n.locale_dir() / "nl" / "LC_MESSAGES" / "halt_desk.po").open("rb") as handle:
        dutch = read_po(handle)
    catalog = Catalog(locale="nl", domain=i18n.DOMAIN)
    for message in dutch:
        if message.id:
            forms = message.string
            made = pseudo(forms) if isinstance(forms, str) else tuple(pseudo(f) for f in forms)
            catalog.add(message.id, made, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@pytest.fixture
def in_pseudo() -> Iterator[None]:
    i18n.add_language(PSEUDO, pseudo_catalogue())
    i18n.set_language(PSEUDO)
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


# ------------------------------------------------------------------ what the screen shows


def _model_texts(model: QAbstractItemModel, rows: int = 30) -> Iterator[str]:
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = model.columnCount() if orientation is Qt.Orientation.Horizontal else 0
        for section in range(count):
            yield str(model.headerData(section, orientation) or "")
    for row in range(min(rows, model.rowCount())):
        for column in range(model.columnCount()):
            index = model.index(row, column, QModelIndex())
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if isinstance(value, str):
                    yield value


def _actions(actions: list[QAction]) -> Iterator[str]:
    for action in actions:
        yield action.text()
        yield action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield menu.title()
            yield from _actions(menu.actions())


def _standard_button(widget: QWidget) -> bool:
    """A QDialogButtonBox standard button or a tab bar's scroll arrow: Qt's words (its own
    translation), not ours."""
    box = widget.parent()
    if isinstance(box, QTabBar):
        return True
    return (
        isinstance(box, QDialogButtonBox)
        and isinstance(widget, QAbstractButton)
        and (box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton)
    )


def _widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    name = type(widget).__name__
    if isinstance(widget, QCalendarWidget) or _standard_button(widget):
        return
    if widget.isWindow():
        yield f"{name}.windowTitle", widget.windowTitle()
    yield f"{name}.toolTip", widget.toolTip()
    yield f"{name}.accessibleName", widget.accessibleName()
    yield from ((f"{name}.action", t) for t in _actions(widget.actions()))
    if isinstance(widget, QLabel):
        yield f"{name}.text", widget.text()
    if isinstance(widget, QAbstractButton):
        yield f"{name}.text", widget.text()
    if isinstance(widget, QGroupBox):
        yield f"{name}.title", widget.title()
    if isinstance(widget, QLineEdit):
        yield f"{name}.placeholder", widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        yield f"{name}.placeholder", widget.placeholderText()
        yield f"{name}.text", widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        yield f"{name}.special", widget.specialValueText()
        for part in ("prefix", "suffix"):
            if hasattr(widget, part):
                yield f"{name}.{part}", getattr(widget, part)()
    if isinstance(widget, QComboBox):
        yield from ((f"{name}.item", widget.itemText(i)) for i in range(widget.count()))
    if isinstance(widget, QTabWidget):
        yield from ((f"{name}.tab", widget.tabText(i)) for i in range(widget.count()))
    if isinstance(widget, QListWidget):
        yield from ((f"{name}.item", widget.item(i).text()) for i in range(widget.count()))
    elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        yield from ((f"{name}.cell", t) for t in _model_texts(widget.model()))
    if isinstance(widget, QToolBar):
        yield f"{name}.title", widget.windowTitle()
    if isinstance(widget, QMainWindow) and widget.statusBar() is not None:
        yield f"{name}.status", widget.statusBar().currentMessage()


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    for widget in [root, *root.findChildren(QWidget)]:
        for where, text in _widget_texts(widget):
            if text:
                yield where, text


# ------------------------------------------------------------------ data is not a leak


def data_words(cache: Path) -> set[str]:
    """Every word of the data in the cache: the text values of the events (names,
    organisations, summaries, addresses, models; not their keys, and not codes such as
    `phone` or `in_stock`, which the screen must word), the ids in their streams, the actors,
    and the carriers' names."""
    texts = [f"{c.name} {key}" for key, c in carriers().items()]
    with sqlite3.connect(cache) as db:
        for stream, actor, data in db.execute("SELECT stream, actor, data FROM events"):
            texts += [stream.partition(":")[2], actor, *_values(json.loads(data))]
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    return words


def _values(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value)
    elif isinstance(data, str) and not re.fullmatch(r"[a-z0-9_]+", data):
        yield data


def leaks(root: QWidget, allowed: set[str]) -> list[str]:
    found = []
    for where, text in visible_texts(root):
        rest = text
        while True:  # innermost first: a translated text may carry translated words
            stripped = re.sub(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", rest)
            if stripped == rest:
                break
            rest = stripped
        rest = _KEYS.sub(" ", re.sub(r"<[^<>]*>|&[a-z]+;", " ", rest))
        words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in allowed]
        if words:
            found.append(f"{where}: {text!r} ({' '.join(words)})")
    return sorted(set(found))


# ------------------------------------------------------------------ the windows


def _desk_tickets(store: Store) -> tuple[str, str]:
    """Three tickets: one resolved, one waiting on the user, one with a history of actions
    (the first and the last returned)."""
    intake = Intake("e1", "Laptop start niet op", "phone", "werkplek", "one", "stopped")
    done = record_intake(store, intake, "agent-1", NOW - timedelta(hours=3))
    for action in (Action.FIRST_RESPONSE, Action.PRODUCTIVE_AGAIN, Action.RESOLVED):
        request = ActionRequest(
            action, channel="phone", text="Nieuw profiel", extra={"confirmed_by": "Anna de Vries"}
        )
        record_action(store, done, request, "agent-1", NOW - timedelta(hours=1))
    waiting = record_intake(store, replace(intake, summary="VPN valt weg"), "agent-1", NOW)
    record_action(store, waiting, ActionRequest(Action.WAITING_ON_USER), "agent-1", NOW)
    ticket = record_intake(store, replace(intake, summary="Geen mail"), "agent-1", NOW)
    for action in (Action.FIRST_RESPONSE, Action.STATUS_UPDATE, Action.ONSITE_REQUESTED):
        request = ActionRequest(action, channel="phone", text="Gebeld")
        record_action(store, ticket, request, "agent-1", NOW + timedelta(minutes=5))
    request = ActionRequest(Action.COMMENT, text="Monteur onderweg")
    record_action(store, ticket, request, "agent-1", NOW + timedelta(minutes=9))
    return ticket, done


def _assigned_ticket(store: Store) -> str:
    ticket = swap_ticket(store, NOW)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), "agent", NOW)
    return ticket


def _swaps(store: Store) -> str:
    """A shipped courier swap and an open request (its ticket returned)."""
    courier = swap_ticket(store, NOW)
    swap, _ignored = open_swap(
        store, courier, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW
    )
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", NOW)
    return swap_ticket(store, NOW)


def test_the_desk_windows_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    ticket, resolved = _desk_tickets(store)
    allowed = data_words(tmp_path / "cache.sqlite3")
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    windows: list[QWidget] = [
        main,
        main.new_intake(),
        TicketDialog(store, ticket, "agent-1", lambda: NOW),
        TicketDialog(store, resolved, "agent-1", lambda: NOW),
        UpliftDialog(store, ticket, "agent-1", lambda: NOW),
        ReportDialog(store, {"halt": "Stichting Halt"}, lambda: NOW),
        SyncIssuesDialog(store, "agent-1"),
        SignInDialog(load_settings(tmp_path / "sync.toml"), _NoTokens()),  # type: ignore[arg-type]
    ]
    found = []
    for window in windows:
        qtbot.addWidget(window)
        window.show()
        qtbot.wait(50)
        found += leaks(window, allowed)
    assert found == [], "\n".join(found)


def test_the_logistics_windows_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    request = _swaps(store)
    allowed = data_words(tmp_path / "cache.sqlite3")
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded and window.devices.loaded)
    found = []
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        qtbot.wait(50)
        found += leaks(window, allowed)
    window.show_scan()
    for code in ("HALT-XX-12345", "HALT-LT-00002", "3SHLTD999999999", "X" * 500):
        done = len(window.scan.outcomes)
        window.scan.input.setText(code)
        window.scan.submit()
        qtbot.waitUntil(lambda done=done: len(window.scan.outcomes) > done)
        found += leaks(window.scan, allowed)
    window.scan.camera_button.click()  # the webcam view (no camera here: it says so)
    found += leaks(window.scan, allowed)
    window.scan.camera_button.click()
    found += leaks(window.scan, allowed)
    window.devices.view.selectRow(0)
    qtbot.waitUntil(lambda: window.devices.record is not None)
    found += leaks(window.devices, allowed)
    asked: list[str] = []

    def ask(*args: object, **_kwargs: object) -> tuple[str, bool]:
        asked.extend(str(a) for a in args[1:3])
        asked.extend(str(item) for item in (args[3] if len(args) > 3 else []))  # type: ignore[union-attr]
        return "", False

    monkeypatch.setattr(QInputDialog, "getItem", ask)
    monkeypatch.setattr(QInputDialog, "getText", ask)
    window.tabs.setCurrentWidget(window.queue_view)
    window.queue_view.selectRow(0)
    window.emergency_selected()
    window.status_selected()
    window.tabs.setCurrentWidget(window.stock_view)
    window.stock_view.selectRow(0)
    window.mitigate_selected()
    found += [f"QInputDialog: {t!r}" for t in asked if leaks(_label(t), allowed)]
    readiness = window.devices.check_selected()
    assert readiness is not None
    suggestion = suggest_loaner(store, request, LATER)
    dialogs = [window.devices.new_device(), readiness, PlanDialog(suggestion, "Voorbeeldstraat 1")]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        found += leaks(dialog, allowed)
    assert found == [], "\n".join(found)


def test_the_field_view_says_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    ticket = _assigned_ticket(store)
    allowed = data_words(tmp_path / "cache.sqlite3")
    view = FieldView(store, ENGINEER, lambda: NOW + timedelta(minutes=40))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded, timeout=10_000)
    row = next(i for i, item in enumerate(view.items) if item.id == ticket)
    view.list.setCurrentRow(row)
    qtbot.wait(50)
    found = leaks(view, allowed)
    view.take_work_along()
    qtbot.waitUntil(lambda: view.readiness is not None, timeout=10_000)
    found += leaks(view, allowed)
    assert found == [], "\n".join(found)


def _label(text: str) -> QLabel:
    return QLabel(text)


class _NoTokens:
    description = "—"
    place = KeychainTokens.place

    def get(self, *_args: object) -> None:
        return None


def test_pseudo_text_keeps_placeholders_and_markup() -> None:
    text = pseudo("Step: {step}. <b>Scan</b> &Save")
    assert text.startswith(OPEN) and text.endswith(CLOSE) and len(text) > 30
    assert "{step}" in text and "<b>" in text and "</b>" in text and "&Š" in text
    assert not re.search(
        r"[a-z]{2}", text.replace("step", "").replace("<b>", "").replace("</b>", "")
    )
