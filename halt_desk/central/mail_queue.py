"""The central's mail outbox: one row per message and recipient, written inside the
caller's open transaction (the event that causes a mail and its mail commit together, or
neither does). The mail job (mail_sender.py) delivers what is queued.

A message's Message-ID comes from its event, its mail kind and its recipient
(`message_id_for`): a mail sent again (central killed between the server's acceptance and
recording it) carries the same one, so mail programs drop the copy; queuing the same mail
twice keeps the first row.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, select
from sqlalchemy.dialects import postgresql, sqlite

from halt_desk.central.schema import central_settings, mail_outbox

#: Message states in the outbox.
QUEUED = "queued"
SENT = "sent"
FAILED = "failed"
#: Not sent on purpose (an event sent again after a restore, see history.is_replay).
SKIPPED = "skipped"
STATES = (QUEUED, SENT, FAILED, SKIPPED)
#: The right-hand side of a Message-ID when no sender address is configured yet.
DEFAULT_DOMAIN = "halt-desk.localdomain"
#: The settings row of `central mail configure` (central_settings).
MAIL_SETTINGS = "mail"

#: Set when this process queued mail: the mail job of this process wakes up at once
#: (another process's job finds it by polling the outbox).
mail_waiting = threading.Event()


@dataclass(frozen=True)
class MailDraft:
    """One mail to queue: `kind` names the template (mail_templates.py), `to` the
    recipient's address, `lang` its language (nl, en), `stream` the stream the delivery
    state is recorded on (`ticket:<id>`; another kind of stream records none),
    `event_id` what caused it (with kind and recipient: the Message-ID), `context` what
    the template fills in (JSON-serialisable; nothing personal beyond what the mail says).
    """

    org: str | None
    kind: str
    to: str
    lang: str
    stream: str
    event_id: str
    context: dict[str, Any] = field(default_factory=dict)


def message_id_for(event_id: str, kind: str, to: str, domain: str = DEFAULT_DOMAIN) -> str:
    """The Message-ID of the mail of `kind` to `to` caused by `event_id` (stable)."""
    digest = hashlib.sha256(f"{event_id}\x00{kind}\x00{to.lower()}".encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def mail_settings(conn: Connection) -> dict[str, Any] | None:
    """What `central mail configure` stored (host, port, tls, from, user), or None."""
    value = conn.execute(
        select(central_settings.c.value).where(central_settings.c.name == MAIL_SETTINGS)
    ).scalar_one_or_none()
    return json.loads(value) if value is not None else None


def message_domain(settings: Mapping[str, Any] | None) -> str:
    """The domain of the configured sender address (the Message-IDs' right-hand side)."""
    sender = str((settings or {}).get("from") or "")
    domain = sender.rpartition("@")[2].strip(" >")
    return domain or DEFAULT_DOMAIN


def queue_mails(conn: Connection, drafts: Iterable[MailDraft]) -> list[str]:
    """Writes an outbox row per draft in the caller's transaction (`conn` inside
    `engine.begin()`); returns the Message-IDs of the rows written (a draft queued before,
    same event, kind and recipient, is left out). Nothing is sent before the commit."""
    drafts = list(drafts)
    if not drafts:
        return []
    domain = message_domain(mail_settings(conn))
    now = datetime.now(UTC).isoformat()
    rows: dict[str, dict[str, Any]] = {}
    for draft in drafts:
        message_id = message_id_for(draft.event_id, draft.kind, draft.to, domain)
        rows.setdefault(message_id, _row(draft, message_id, now))
    known = set(
        conn.execute(
            select(mail_outbox.c.message_id).where(mail_outbox.c.message_id.in_(list(rows)))
        ).scalars()
    )
    new = [row for message_id, row in rows.items() if message_id not in known]
    if new:
        conn.execute(_insert_new(conn), new)
        mail_waiting.set()
    return [str(row["message_id"]) for row in new]


def _row(draft: MailDraft, message_id: str, now: str) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "org": draft.org,
        "kind": draft.kind,
        "to_addr": draft.to,
        "lang": draft.lang,
        "stream": draft.stream,
        "event_id": draft.event_id,
        "context": json.dumps(draft.context, ensure_ascii=False, sort_keys=True),
        "state": QUEUED,
        "attempts": 0,
        "next_try_ms": 0,
        "reason": None,
        "queued_at": now,
        "sent_at": None,
        "recorded": None,
    }


def _insert_new(conn: Connection) -> Insert:
    """An insert that leaves a Message-ID queued meanwhile by another transaction alone."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(mail_outbox).on_conflict_do_nothing(index_elements=["message_id"])
    return sqlite.insert(mail_outbox).on_conflict_do_nothing(index_elements=["message_id"])


def resend_draft(conn: Connection, stream: str, cause: str, message_id: str) -> MailDraft | None:
    """A copy of the mail `message_id` of `stream`, caused by `cause` (the id of the
    `mail_resend_requested` event: the copy's own Message-ID); None when the stream has
    no such mail."""
    row = (
        conn.execute(
            select(mail_outbox).where(
                mail_outbox.c.message_id == message_id, mail_outbox.c.stream == stream
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return MailDraft(
        org=row["org"],
        kind=row["kind"],
        to=row["to_addr"],
        lang=row["lang"],
        stream=stream,
        event_id=cause,
        context=json.loads(row["context"]),
    )
