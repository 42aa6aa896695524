"""How a notice's mails fared (`GET /api/v1/notices/{notice_id}/deliveries`): per notice
event (published, each follow-up, the all-clear) how many of its mails are queued, sent
or failed, and the failed addresses with the mail server's reason. Read from the mail
outbox with one grouped query; no event is written per recipient.

The addresses are employees' work addresses from the directory (work contact data, not
personal: domain/personal.py), shown only to roles that read the directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select

from halt_desk.central.auth import READ_RULES, NotAllowed, User
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.mail_queue import FAILED, STATES
from halt_desk.central.schema import events, mail_outbox

#: The notice events that send mail, in the order a notice has them.
NOTICE_MAIL_EVENTS = ("notice_published", "notice_updated", "notice_closed")


class UnknownNotice(LookupError):
    """No notice with this id, or one of an organisation the user does not work for."""


@dataclass
class EventDeliveries:
    """The mails of one notice event: counts per state, the failed ones."""

    event_id: str
    type: str
    at: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    failed: list[dict[str, str]] = field(default_factory=list)

    def to_json(self, with_addresses: bool) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "event_id": self.event_id,
            "type": self.type,
            "at": self.at,
            "queued": self.counts["queued"],
            "sent": self.counts["sent"],
            "failed": self.counts["failed"],
            "skipped": self.counts["skipped"],
        }
        if with_addresses:
            answer["failures"] = sorted(self.failed, key=lambda f: (f["to"], f["reason"]))
        return answer


def check_may_read_deliveries(user: User) -> None:
    """Whoever reads the notice stream (the changes feed, every role of its organisation)."""
    if user.role not in READ_RULES["changes"]:
        raise NotAllowed(f"role {user.role} may not read notices")


def notice_deliveries(db: CentralDatabase, user: User, notice_id: str) -> dict[str, Any]:
    """The deliveries of notice `notice_id` as `user` may see them; UnknownNotice when
    there is no such notice or it is another organisation's."""
    check_may_read_deliveries(user)
    stream = f"notice:{notice_id}"
    with db.reader.connect() as conn:
        rows = conn.execute(
            select(events.c.id, events.c.type, events.c.at, events.c.org)
            .where(events.c.stream == stream)
            .order_by(events.c.seq)
        ).all()
        org = rows[0].org if rows else None
        if not rows or not user.works_for(org):
            raise UnknownNotice(f"unknown notice {notice_id!r}")
        failed = mail_outbox.c.state == FAILED
        grouped = conn.execute(
            select(
                mail_outbox.c.event_id,
                mail_outbox.c.state,
                case((failed, mail_outbox.c.to_addr)).label("to"),
                case((failed, mail_outbox.c.reason)).label("reason"),
                func.count().label("n"),
            )
            .where(mail_outbox.c.stream == stream)
            .group_by(
                mail_outbox.c.event_id,
                mail_outbox.c.state,
                case((failed, mail_outbox.c.to_addr)),
                case((failed, mail_outbox.c.reason)),
            )
        ).all()
    found = {
        row.id: EventDeliveries(row.id, row.type, row.at)
        for row in rows
        if row.type in NOTICE_MAIL_EVENTS
    }
    for row in grouped:
        item = found.get(row.event_id)
        if item is None or row.state not in item.counts:
            continue
        item.counts[row.state] += int(row.n)
        if row.state == FAILED:
            reason = str(row.reason or "")
            item.failed.extend({"to": str(row.to), "reason": reason} for _ in range(int(row.n)))
    shows = user.role in READ_RULES["directory"]
    return {
        "notice": notice_id,
        "org": org,
        "events": [item.to_json(shows) for item in found.values()],
        "addresses_shown": shows,
    }
