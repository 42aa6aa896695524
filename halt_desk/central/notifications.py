"""`GET /api/v1/notifications`: what the customer's regie hears of at once (a P1 reported,
a P1-uplift granted, a mail not delivered, a notice published or closed), of the user's own
organisations only, paged by `seq` like the changes feed. The rule which events notify is
domain.notifications, the same the desk's list reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from halt_desk.central.auth import NotAllowed, Role, User
from halt_desk.central.batch import event_from_row
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import events
from halt_desk.domain.notifications import NOTIFYING_TYPES, NotificationKind, notification_of

#: Who reads the notifications: the customer's regie (and the provider's admin).
READERS = frozenset({Role.REGIE, Role.ADMIN})
MAX_NOTIFICATIONS = 500
#: Rows read per round while looking for notifications (most events of these types are
#: not one: a ticket reported as P3).
_CHUNK = 1000
#: What a notification may show the regie: a mail's address and the mail server's answer
#: (which quotes it) are the caller's personal data, so a failed mail shows its kind only.
_DETAIL_SHOWN = {NotificationKind.MAIL_FAILED: frozenset({"kind"})}


@dataclass(frozen=True, slots=True)
class NotificationsPage:
    notifications: list[dict[str, Any]]
    next: int
    more: bool


def notifications_page(
    db: CentralDatabase, user: User, since: int, limit: int
) -> NotificationsPage:
    """The notifications after `since` (a seq), at most `limit`, of the user's
    organisations; `next` is the seq to ask from next time, `more` whether there are more."""
    if user.role not in READERS:
        raise NotAllowed(f"role {user.role} may not read the notifications")
    limit = max(1, min(limit, MAX_NOTIFICATIONS))
    query = select(events).where(events.c.type.in_(sorted(NOTIFYING_TYPES)))
    if user.bound:
        query = query.where(events.c.org.in_(sorted(user.orgs)))
    found: list[dict[str, Any]] = []
    position = since
    with db.reader.connect() as conn:
        while len(found) < limit:
            chunk = list(
                conn.execute(
                    query.where(events.c.seq > position).order_by(events.c.seq).limit(_CHUNK)
                ).mappings()
            )
            for row in chunk:
                position = int(row["seq"])
                notification = notification_of(event_from_row(row))
                if notification is not None:
                    shown = _DETAIL_SHOWN.get(notification.kind)
                    item = notification.to_json()
                    if shown is not None:
                        item["detail"] = {k: v for k, v in item["detail"].items() if k in shown}
                    found.append({**item, "seq": position, "org": row["org"]})
                    if len(found) == limit:
                        break
            if len(chunk) < _CHUNK:
                break
        more = conn.execute(query.where(events.c.seq > position).limit(1)).first() is not None
    return NotificationsPage(found, position, more)
