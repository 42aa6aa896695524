"""E-mail bekijken from the ticket workspace (Ctrl+Shift+M): the agent picks a kind and a
language and sees subject, plain text and HTML rendered with this ticket's data, every
word of the window Dutch, nothing internal and nothing sent; a screenshot under Xvfb."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from halt_desk.central.mail_org import publish_template
from halt_desk.central.organisations import register_organisation
from halt_desk.central.service import Central
from halt_desk.store import Store
from halt_desk.sync.signin import SyncTarget
from tests.central_server import ThreadServer, free_port
from tests.desk_data import NOW
from tests.gui.shot_run import assert_not_blank, needs_xvfb, run_shots
from tests.workspace_data import AGENT, IDS, ORG, busy_ticket, named_store
from ui.mail_preview_dialog import MailPreviewDialog
from ui.ticket_dialog import TicketDialog

LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        named_store(opened)
        yield opened


def _open_preview(qtbot: QtBot, store: Store, ticket: str) -> MailPreviewDialog:
    dialog = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    before = set(QApplication.topLevelWidgets())
    qtbot.keyClick(
        dialog.note,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    def opened() -> MailPreviewDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if w not in before]
        return next((w for w in found if isinstance(w, MailPreviewDialog)), None)

    qtbot.waitUntil(lambda: opened() is not None)
    preview = opened()
    assert preview is not None
    qtbot.addWidget(preview)
    return preview


def test_the_resolution_mail_with_this_tickets_data_in_dutch_and_english(
    qtbot: QtBot, store: Store
) -> None:
    ticket = busy_ticket(store, NOW)
    preview = _open_preview(qtbot, store, ticket)
    assert preview.windowTitle() == f"E-mail bekijken — {ticket}"
    preview.choose("caller_resolved", "nl")
    assert preview.subject.text() == f"Uw melding {ticket} is opgelost"
    text = preview.text.toPlainText()
    assert "Beste Anna de Vries," in text
    assert "Moederbord vervangen; laptop start weer." in text
    assert "(de persoonlijke link van de melder naar de tevredenheidsenquête)" in text
    assert "Sanne Visser" in text  # the agent, by name
    html = preview.html.toPlainText()
    assert "Moederbord vervangen; laptop start weer." in html
    assert "De standaardtekst" in preview.source.text()
    shown = " ".join(
        [preview.windowTitle(), text, html]
        + [label.text() for label in preview.findChildren(QLabel)]
        + [preview.tabs.tabText(i) for i in range(preview.tabs.count())]
    )
    for internal in IDS:
        assert internal not in shown, internal
    assert "Dorpsstraat" not in shown  # the swap's home address never appears

    preview.choose("caller_resolved", "en")
    assert preview.subject.text() == f"Your ticket {ticket} has been resolved"
    assert "(the caller's personal link to the satisfaction survey)" in preview.text.toPlainText()


def test_every_kind_renders_and_the_words_around_it_are_dutch(qtbot: QtBot, store: Store) -> None:
    ticket = busy_ticket(store, NOW)
    preview = _open_preview(qtbot, store, ticket)
    kinds = [preview.kind.itemData(i) for i in range(preview.kind.count())]
    assert len(kinds) == 8
    for kind in kinds:
        for lang in ("nl", "en"):
            preview.choose(kind, lang)
            assert preview.preview is not None, (kind, lang)
            assert preview.subject.text(), (kind, lang)
            assert ticket in preview.subject.text() + preview.text.toPlainText()
    preview.choose("engineer_onsite", "nl")
    onsite = preview.text.toPlainText()
    assert "Pieter de Groot" in onsite
    assert (
        "(thuisadres, alleen voor een monteur die het mag zien)" in onsite or "thuis" not in onsite
    )
    words = [preview.kind.itemText(i) for i in range(preview.kind.count())]
    assert "Oplossing aan de melder" in " ".join(words) or all(words)
    assert [preview.lang.itemText(i) for i in range(2)] == ["Nederlands", "Engels"]
    tabs = preview.findChild(QTabWidget)
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(2)] == [
        "Zoals de ontvanger het ziet (HTML)",
        "Platte tekst",
    ]


ORG_WORDING = """{% block subject %}Halt: {{ number }} is afgerond{% endblock %}
{% block text %}Hoi {{ caller_name }}, je melding is afgerond: {{ resolution }}{% endblock %}
{% block html %}<p>Hoi {{ caller_name }}, je melding is afgerond: {{ resolution }}</p>{% endblock %}
"""


def test_the_organisations_own_wording_comes_from_central(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    ticket = busy_ticket(store, NOW)
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    register_organisation(central, ORG, "Stichting Halt", "halt")
    publish_template(central, ORG_WORDING, ORG, "caller_resolved", "nl")
    token = central.add_user("agent-preview", "agent", [ORG])
    with ThreadServer(central) as server:
        dialog = TicketDialog(store, ticket, AGENT, lambda: LATER)
        qtbot.addWidget(dialog)
        dialog.sync_target = SyncTarget(server.url, token)
        preview = dialog.open_mail_preview()
        qtbot.addWidget(preview)
        preview.choose("caller_resolved", "nl")
        qtbot.waitUntil(lambda: preview.preview is not None and preview.preview.published)
        assert preview.subject.text() == f"Halt: {ticket} is afgerond"
        assert preview.text.toPlainText().startswith("Hoi Anna de Vries, je melding is afgerond")
        assert "De eigen tekst van de organisatie" in preview.source.text()
        preview.choose("caller_resolved", "en")  # published in Dutch only
        qtbot.waitUntil(lambda: "geen eigen tekst" in preview.source.text())
        assert preview.subject.text() == f"Your ticket {ticket} has been resolved"
    central.close()

    offline = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(offline)
    offline.sync_target = SyncTarget(f"http://127.0.0.1:{free_port()}", token)
    unreachable = offline.open_mail_preview()
    qtbot.addWidget(unreachable)
    qtbot.waitUntil(lambda: "niet bereikbaar" in unreachable.source.text(), timeout=30000)
    assert unreachable.subject.text()  # the standard wording meanwhile


@pytest.mark.slow
@needs_xvfb
def test_screenshot_of_the_preview_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.screenshots_mail_preview", tmp_path, timeout=180)
    for name in ("mail-preview-nl.png", "mail-preview-text.png"):
        assert_not_blank(tmp_path / name, size=(699, 499), rows=(60, 200, 400))
