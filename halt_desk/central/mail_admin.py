"""Running central's mail: `central mail configure` (settings, the password as a secret),
`central mail status` (the queue), and resending a mail of a ticket through the API or
`central mail resend` (the desk records the same event itself, offline too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.auth import NotAllowed, User
from halt_desk.central.central_secrets import SMTP_PASSWORD, delete_secret, put_secret
from halt_desk.central.mail_facts import load_facts
from halt_desk.central.mail_queue import (
    FAILED,
    MAIL_SETTINGS,
    STATES,
    mail_settings,
    message_domain,
    message_id_for,
    resend_draft,
)
from halt_desk.central.mail_rules import current_address
from halt_desk.central.mail_smtp import TLS_MODES, SmtpSettings
from halt_desk.central.schema import central_settings, mail_outbox, tickets
from halt_desk.central.service import Central
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import MAIL_RESEND, new_event

#: Failures `mail status` lists.
LAST_FAILURES = 10


class MailAdminError(HaltDeskError):
    """A refused mail setting or resend (the message says why)."""


def configure_mail(
    central: Central, settings: SmtpSettings, password: str | None, actor: str = "cli"
) -> None:
    """Stores the SMTP settings for every central process; the password (if a user is
    given) as an encrypted secret, never in the settings or the audit log."""
    if settings.tls not in TLS_MODES:
        raise MailAdminError(f"--tls: one of {', '.join(TLS_MODES)}")
    if not 0 < settings.port < 65536:
        raise MailAdminError("--port: 1 to 65535")
    if "@" not in settings.sender:
        raise MailAdminError(f"--from: {settings.sender!r} is not an e-mail address")
    if settings.user and password:
        put_secret(central.engine, SMTP_PASSWORD, password)
    elif not settings.user:
        delete_secret(central.engine, SMTP_PASSWORD)
    value = json.dumps(settings.to_json(), sort_keys=True)
    insert = postgresql.insert if central.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(central_settings).values(name=MAIL_SETTINGS, value=value)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"value": statement.excluded.value}
    )
    with central.db.write() as conn:
        conn.execute(statement)
        detail = {**settings.to_json(), "password": "set" if password else "not set"}
        append_entry(conn, actor, "mail.configured", "mail", "local", detail)


@dataclass(frozen=True, slots=True)
class MailStatus:
    settings: dict[str, Any] | None
    counts: dict[str, int]
    waiting_retry: int
    failures: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "configured": self.settings is not None,
            "settings": self.settings,
            "counts": self.counts,
            "waiting_retry": self.waiting_retry,
            "last_failures": self.failures,
        }


def mail_status(central: Central) -> MailStatus:
    """The queue: how many mails in each state, how many wait for a retry, the last
    failures (kind, recipient, Message-ID, reason, ticket)."""
    with central.reader.connect() as conn:
        counts = dict.fromkeys(STATES, 0)
        rows = conn.execute(
            select(mail_outbox.c.state, func.count()).group_by(mail_outbox.c.state)
        ).all()
        counts.update({str(state): int(n) for state, n in rows})
        retry = conn.execute(
            select(func.count())
            .select_from(mail_outbox)
            .where(mail_outbox.c.state == "queued", mail_outbox.c.attempts > 0)
        ).scalar_one()
        failures = [
            {
                "kind": row.kind,
                "to": row.to_addr,
                "message_id": row.message_id,
                "reason": row.reason,
                "stream": row.stream,
            }
            for row in conn.execute(
                select(mail_outbox)
                .where(mail_outbox.c.state == FAILED)
                .order_by(mail_outbox.c.id.desc())
                .limit(LAST_FAILURES)
            )
        ]
        settings = mail_settings(conn)
    return MailStatus(settings, counts, int(retry), failures)


def resend_mail(central: Central, user: User, ticket_id: str, message_id: str, address: str) -> str:
    """Asks for a copy of a mail of ticket `ticket_id` (after "niet afgeleverd", or when
    the caller lost it): records `mail_resend_requested` as `user`, whose rights the
    writer checks as for any event; the mail job queues the copy. Returns the copy's
    Message-ID (a new one: a mail program must not drop the copy the caller asked for).
    The copy goes to the address the directory has now (mail_rules.current_address)."""
    stream = f"ticket:{ticket_id}"
    with central.reader.connect() as conn:
        org = conn.execute(select(tickets.c.org).where(tickets.c.id == ticket_id)).scalar()
        draft = resend_draft(conn, stream, "", message_id)
        domain = message_domain(mail_settings(conn))
        facts = load_facts(conn, {stream}, datetime.now(UTC)).get(stream)
    if org is None or draft is None or not user.works_for(org):
        raise MailAdminError(f"ticket {ticket_id} has no mail {message_id}")
    to = current_address(facts, draft.kind, draft.to) if facts is not None else draft.to
    draft = replace(draft, to=to)
    data = {"message_id": message_id, "kind": draft.kind, "to": draft.to}
    event = new_event(stream, MAIL_RESEND, datetime.now(UTC), user.name, data)
    (result,) = central.record(user, [event.to_json()], address)
    if result.status != "accepted":
        raise NotAllowed(f"{ticket_id}: {result.reason or result.status}")
    return message_id_for(event.id, draft.kind, draft.to, domain)
