"""The mails central sent about a ticket, as the desk knows them from the ticket's
`mail_queued` / `mail_sent` / `mail_failed` events, and asking for one again: the agent's
`mail_resend_requested` is recorded like any action (offline too) and central queues a
copy when it arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.desk.ticket_words import MAIL_KINDS, word
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import MAIL_RESEND, Event
from halt_desk.domain.messages import Msg
from halt_desk.i18n import N_, _
from halt_desk.store import Store

_STATES = {"mail_queued": "queued", "mail_sent": "sent", "mail_failed": "failed"}


@dataclass(frozen=True, slots=True)
class TicketMail:
    """One mail of a ticket in its latest known state (queued, sent, failed)."""

    message_id: str
    kind: str
    to: str
    state: str
    reason: str
    at: datetime

    def words(self) -> str:
        """ "Niet afgeleverd: Statusupdate aan de melder — a@b (550 …)" for a list."""
        what = word(MAIL_KINDS, self.kind, N_("E-mail"))
        to = self.to or _("(no address)")
        if self.state == "failed":
            reason = self.reason or _("unknown reason")
            return _("Not delivered: {what} to {address} ({reason})").format(
                what=what, address=to, reason=reason
            )
        if self.state == "sent":
            return _("Sent: {what} to {address}").format(what=what, address=to)
        return _("Waiting to be sent: {what} to {address}").format(what=what, address=to)


def ticket_mails(events: list[Event]) -> list[TicketMail]:
    """The ticket's mails, latest state each, the failed ones first, then newest first."""
    latest: dict[str, TicketMail] = {}
    for event in sorted(events, key=lambda e: e.at):
        state = _STATES.get(event.type)
        message_id = _text(event.data, "message_id")
        if state is None or not message_id:
            continue
        latest[message_id] = TicketMail(
            message_id,
            _text(event.data, "kind"),
            _text(event.data, "to"),
            state,
            _text(event.data, "reason"),
            event.at,
        )
    newest = sorted(latest.values(), key=lambda m: m.at, reverse=True)
    return sorted(newest, key=lambda m: m.state != "failed")


def request_resend(
    store: Store, ticket_id: str, message_id: str, actor: str, now: datetime
) -> Event:
    """Records `mail_resend_requested` for a mail of the ticket (also on a closed one).
    A mail to the caller names the caller's address as the directory has it now (central
    sends the copy there, a corrected address included)."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    mails = {m.message_id: m for m in ticket_mails(store.events_for(f"ticket:{ticket_id}"))}
    mail = mails.get(message_id)
    if mail is None:
        raise DeskInputError("mail", Msg.NO_SUCH_MAIL, ticket=ticket_id)
    to = mail.to
    if mail.kind.startswith("caller_") and ticket.caller:
        record = store.reference(f"employee:{ticket.caller}") or {}
        to = str(record.get("email") or to)
    data = {"message_id": mail.message_id, "kind": mail.kind, "to": to}
    event = store.stamped_event(f"ticket:{ticket_id}", MAIL_RESEND, actor, data, at=now)
    store.record_event(event)
    return event


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""
