"""The desk's notification list: what an agent hears of at once (a P1 reported, a P1-uplift
granted by a colleague, a mail that was not delivered, a notice published or closed, an
escalation suggested), from
this computer's cache, newest first, with what the agent has not seen yet. The rule which
events notify is domain.notifications (central's `GET /api/v1/notifications` reads it too).
What was seen is kept per user in a small file beside the cache."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from halt_desk.desk.staff import role_of
from halt_desk.domain.notifications import Notification, NotificationKind, notification_of

if TYPE_CHECKING:  # the main window imports this before the store loads (start time)
    from halt_desk.store import Store

#: How many notifications the list shows at most.
SHOWN = 200
#: Kinds only those who act on them hear of: an escalation suggestion goes to the service
#: managers who accept or dismiss it (regie, admin), as central's notifications do.
FOR_ROLES = {NotificationKind.ESCALATION_SUGGESTED: frozenset({"regie", "admin"})}


@dataclass(frozen=True, slots=True)
class DeskNotification:
    order: int  # the event's order in this cache: newer is higher
    notification: Notification
    unread: bool


def _seen_file(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".notifications-seen.json")


def seen_up_to(store: Store, user: str) -> int:
    """The order of the newest notification `user` has seen on this computer (0: none)."""
    try:
        seen = json.loads(_seen_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    value = seen.get(user) if isinstance(seen, dict) else None
    return value if isinstance(value, int) else 0


def mark_seen(store: Store, user: str, order: int) -> None:
    """Remembers that `user` has seen every notification up to `order`."""
    path = _seen_file(store)
    try:
        seen = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    if not isinstance(seen, dict):
        seen = {}
    seen[user] = max(order, int(seen.get(user) or 0))
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(seen), encoding="utf-8")
    os.replace(partial, path)


def desk_notifications(store: Store, user: str, limit: int = SHOWN) -> list[DeskNotification]:
    """The notifications for `user`, newest first: not what `user` did personally, nor
    what only other roles act on (`FOR_ROLES`)."""
    seen = seen_up_to(store, user)
    role = role_of(user)
    found: list[DeskNotification] = []
    for order, event in store.latest_notifying(user, limit):
        notification = notification_of(event)
        if notification is None or event.actor == user:
            continue
        if role not in FOR_ROLES.get(notification.kind, {role}):
            continue
        found.append(DeskNotification(order, notification, order > seen))
        if len(found) == limit:
            break
    return found


def swap_ticket(store: Store, stream: str) -> str | None:
    """The ticket a swap (`swap:<id>`) serves, from its `swap_opened`: where a carrier's
    problem with the swap's shipment is opened."""
    for event in store.events_for_streams([stream]).get(stream, []):
        ticket = event.data.get("ticket") if event.type == "swap_opened" else None
        if isinstance(ticket, str):
            return ticket
    return None


def unread_count(items: list[DeskNotification]) -> int:
    return sum(1 for item in items if item.unread)
