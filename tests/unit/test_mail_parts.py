"""The parts of central's mail without a server: the templates (autoescaped HTML, every
built-in kind in Dutch and English, an error naming its line), the Message-ID, the rules'
triggers, the composed message, the encrypted secrets and the desk's words for a mail's
delivery state."""

from __future__ import annotations

import email
import email.policy
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from halt_desk.central import central_secrets
from halt_desk.central.mail_facts import TicketFacts
from halt_desk.central.mail_queue import message_id_for
from halt_desk.central.mail_rules import MAIL_KINDS, TRIGGER_TYPES, current_address, triggers
from halt_desk.central.mail_smtp import SmtpSettings, compose, retry_delay
from halt_desk.central.mail_templates import (
    BUILT_IN_KINDS,
    MailTemplateError,
    built_in_source,
    check_template,
    render_source,
)
from halt_desk.central.service import Central
from halt_desk.desk.names import Names
from halt_desk.desk.staff import StaffDirectory
from halt_desk.desk.ticket_mail import ticket_mails
from halt_desk.desk.ticket_story import ticket_story
from halt_desk.domain.events import Event
from halt_desk.i18n import set_language

NOW = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
CONTEXT = {
    "number": "HALT-2027-000042",
    "summary": "Laptop <start> niet & op",
    "caller_name": "Anna de Vries",
    "text": "Monteur komt om 10:00 <b>vandaag</b>",
    "resolution": "Accu vervangen",
    "agent_name": "Sanne Visser",
    "desk_name": "Servicedesk",
    "org_name": "Stichting Halt",
    "role_type": "Zitting",
    "motivation": "Rechtszaak",
    "decided_by": "Sanne Visser",
    "clock": "reactie",
    "location": "Kantoor Utrecht",
    "deadline": "12 januari 2027 13:00",
    "engineer_name": "Bram Veld",
}


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", BUILT_IN_KINDS)
def test_every_built_in_template_renders_and_escapes_html(kind: str, lang: str) -> None:
    assert kind in MAIL_KINDS
    mail = render_source(built_in_source(kind, lang), CONTEXT)
    assert "HALT-2027-000042" in mail.subject and "\n" not in mail.subject
    assert "<start>" not in mail.html and "<b>vandaag" not in mail.html
    assert "Laptop &lt;start&gt; niet &amp; op" in mail.html or kind.startswith("engineer")
    assert mail.text.strip() and mail.html.startswith("<!DOCTYPE html>")
    check_template(built_in_source(kind, lang))


def test_a_broken_template_is_refused_naming_its_line() -> None:
    broken = "{% block subject %}x{% endblock %}\n{% block text %}\n{{ number }\n{% endblock %}"
    with pytest.raises(MailTemplateError, match="line 3"):
        check_template(broken)
    with pytest.raises(MailTemplateError, match="no block html"):
        check_template("{% block subject %}{% endblock %}{% block text %}{% endblock %}")


def test_message_id_is_stable_per_event_kind_and_recipient() -> None:
    event = str(uuid.uuid4())
    first = message_id_for(event, "caller_registered", "A@halt.nl", "provider.nl")
    assert first == message_id_for(event, "caller_registered", "a@halt.nl", "provider.nl")
    assert first != message_id_for(event, "caller_resolved", "a@halt.nl", "provider.nl")
    assert first != message_id_for(event, "caller_registered", "b@halt.nl", "provider.nl")
    assert first.startswith("<") and first.endswith("@provider.nl>") and event not in first


def test_only_ticket_events_of_mail_types_leave_a_trigger() -> None:
    email, phone = '{"channel":"email","text":"x"}', '{"channel":"phone","text":"x"}'
    rows: list[dict[str, Any]] = [
        {"seq": 1, "id": "a", "stream": "ticket:T1", "type": "status_update", "data": email},
        {"seq": 2, "id": "b", "stream": "ticket:T1", "type": "comment", "data": "{}"},
        {"seq": 3, "id": "c", "stream": "org:halt", "type": "organisation_updated", "data": "{}"},
        {"seq": 4, "id": "d", "stream": "ticket:T1", "type": "mail_sent", "data": "{}"},
        {"seq": 5, "id": "e", "stream": "ticket:T1", "type": "status_update", "data": phone},
        {"seq": 6, "id": "f", "stream": "ticket:T1", "type": "resolved", "data": "{}"},
    ]
    assert [t["seq"] for t in triggers([{**r, "org": "halt"} for r in rows])] == [1, 6]
    assert "mail_sent" not in TRIGGER_TYPES and "comment" not in TRIGGER_TYPES


def test_composed_message_reads_back_with_both_parts() -> None:
    settings = SmtpSettings("h", 25, "none", "sd@provider.nl", sender_name="Servicedesk Hält")
    mail = render_source(built_in_source("caller_status_update", "nl"), CONTEXT)
    raw = compose(settings, "anna@halt.nl", "<m1@provider.nl>", mail)
    assert b"\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b"")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Message-ID"] == "<m1@provider.nl>"
    assert message["Subject"] == "Stand van zaken melding HALT-2027-000042"
    assert message["From"] == "Servicedesk Hält <sd@provider.nl>"
    plain = message.get_body(("plain",))
    assert plain is not None and "Monteur komt om 10:00 <b>vandaag</b>" in plain.get_content()
    assert retry_delay(settings, 1) == 30 and retry_delay(settings, 20) == 1800


def test_secrets_are_encrypted_and_need_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "central.key"
    # A host without a keychain, whatever the machine (or an earlier test) has: the key file.
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    monkeypatch.setenv(central_secrets.KEY_FILE_ENV, str(key))
    monkeypatch.delenv(central_secrets.KEY_ENV, raising=False)
    with Central.open(f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}") as central:
        central_secrets.put_secret(central.engine, "smtp.password", "geheim-wachtwoord")
        assert central_secrets.get_secret(central.engine, "smtp.password") == "geheim-wachtwoord"
        assert central_secrets.get_secret(central.engine, "courier.postnl") is None
        assert os.stat(key).st_mode & 0o077 == 0
        with central.reader.connect() as conn:
            stored = conn.exec_driver_sql("SELECT value FROM central_secrets").scalar_one()
        assert "geheim" not in stored
        key.chmod(0o644)
        with pytest.raises(central_secrets.SecretKeyError, match="chmod 600"):
            central_secrets.get_secret(central.engine, "smtp.password")
        key.chmod(0o600)
        monkeypatch.setenv(central_secrets.KEY_ENV, central_secrets.Fernet.generate_key().decode())
        with pytest.raises(central_secrets.SecretKeyError, match="another key"):
            central_secrets.get_secret(central.engine, "smtp.password")


def _mail_event(state: str, minutes: int, **data: Any) -> Event:
    values = {"kind": "caller_status_update", "to": "anna@halt.nl", "reason": None, **data}
    at = NOW + timedelta(minutes=minutes)
    return Event(str(uuid.uuid4()), "ticket:T1", state, at, "central", values)


def test_desk_words_a_mails_delivery_state_in_dutch() -> None:
    names = Names(orgs={}, locations={}, depots={}, employees={}, staff=StaffDirectory([]))
    events = [
        _mail_event("mail_queued", 0, message_id="<a@x>"),
        _mail_event("mail_sent", 1, message_id="<a@x>"),
        _mail_event("mail_queued", 2, message_id="<b@x>", kind="caller_resolved"),
        _mail_event("mail_failed", 3, message_id="<c@x>", reason="550 mailbox unavailable"),
    ]
    story = ticket_story(events, names)
    assert [e.body.splitlines()[0] for e in story] == [
        "E-mail verstuurd aan anna@halt.nl",
        "E-mail aan anna@halt.nl wacht op verzending",
        "Niet afgeleverd: 550 mailbox unavailable",
    ]
    assert story[0].body.splitlines()[1] == "Statusupdate aan de melder"
    assert story[1].body.splitlines()[1] == "Oplossing aan de melder"
    mails = ticket_mails(events)
    assert [m.state for m in mails] == ["failed", "queued", "sent"]
    assert mails[0].words() == (
        "Niet afgeleverd: Statusupdate aan de melder – anna@halt.nl (550 mailbox unavailable)"
    )


def test_a_resend_takes_the_address_the_directory_has_now() -> None:
    facts = TicketFacts(
        number="HALT-1",
        org="halt",
        assignee="field-b",
        history=[],
        evaluation={},
        tz=UTC,
        org_record={"regie_emails": ["regie@halt.nl"]},
        caller={"email": "new@halt.nl"},
        location=None,
        staff={
            "field-a": {"role": "field", "email": "a@provider.nl"},
            "field-b": {"role": "field", "email": "b@provider.nl"},
        },
    )
    assert current_address(facts, "caller_registered", "old@halt.nl") == "new@halt.nl"
    # An engineer whose address is still known keeps it; one whose address is gone: the
    # assigned field engineer's.
    assert current_address(facts, "engineer_onsite", "a@provider.nl") == "a@provider.nl"
    assert current_address(facts, "engineer_onsite", "gone@provider.nl") == "b@provider.nl"
    assert current_address(facts, "regie_p1", "regie@halt.nl") == "regie@halt.nl"
    without = replace(facts, caller={})
    assert current_address(without, "caller_resolved", "old@halt.nl") == ""
