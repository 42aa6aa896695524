"""Which events someone at the desk or at the customer's regie should hear of at once (DESIGN
§2.3: "regie is notified at once" of a P1-uplift): a P1 reported, a P1-uplift granted, a
mail that could not be delivered, a disruption notice published or closed, a carrier that
reports a problem with a swap's shipment (delivery failed, address problem, returned), an
escalation suggested by a trigger (central's escalation job, issue 23). One
rule, read by central's `GET /api/v1/notifications` and by the desk's notification list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from halt_desk.domain.events import Event

#: Event types that can be a notification (what to read from a store or the events table).
NOTIFYING_TYPES: frozenset[str] = frozenset(
    {
        "ticket_reported",
        "priority_changed",
        "uplift_decided",
        "mail_failed",
        "notice_published",
        "notice_closed",
        "shipment_status",
        "escalation_suggested",
    }
)

#: The fact in `data` an event of these types must show to notify (the rest of
#: NOTIFYING_TYPES always does): (key, value), value None meaning "any non-empty text".
#: For the stores' queries, so that a busy list is not filled with events that do not
#: notify (every ticket reported, every shipment status); `notification_of` decides.
NOTIFYING_FACTS: dict[str, tuple[str, object]] = {
    "ticket_reported": ("priority", "P1"),
    "priority_changed": ("priority", "P1"),
    "uplift_decided": ("granted", True),
    "shipment_status": ("problem", None),
}


class NotificationKind(StrEnum):
    P1_REPORTED = "p1_reported"
    UPLIFT_GRANTED = "uplift_granted"
    MAIL_FAILED = "mail_failed"
    NOTICE_PUBLISHED = "notice_published"
    NOTICE_CLOSED = "notice_closed"
    SHIPMENT_PROBLEM = "shipment_problem"
    ESCALATION_SUGGESTED = "escalation_suggested"


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification: what happened (`kind`), to which ticket or notice (`subject`, the
    stream's key), by whom and when; `detail` holds the words to show (role type, reason,
    the notice's title, the address a mail did not reach)."""

    event_id: str
    kind: NotificationKind
    stream: str
    at: str
    actor: str
    detail: dict[str, Any]

    @property
    def subject(self) -> str:
        return self.stream.partition(":")[2]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "kind": str(self.kind),
            "stream": self.stream,
            "at": self.at,
            "actor": self.actor,
            "detail": dict(self.detail),
        }


def _text(data: dict[str, Any] | Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _suggestion_detail(data: dict[str, Any]) -> dict[str, Any]:
    """A suggestion's trigger, level, tickets and the category or location it names."""
    detail: dict[str, Any] = {k: v for k in ("trigger", "level", "org") if (v := _text(data, k))}
    evidence = data.get("evidence")
    if isinstance(evidence, dict):
        tickets = evidence.get("tickets")
        if isinstance(tickets, list):
            detail["tickets"] = [t for t in tickets if isinstance(t, str)]
        breaches = evidence.get("breaches")
        if isinstance(breaches, list):  # "<ticket>:<clock>", earliest first
            clocks = [b.rpartition(":")[2] for b in breaches if isinstance(b, str)]
            detail["clocks"] = list(dict.fromkeys(clocks))
        detail.update({k: v for k in ("category", "location") if (v := _text(evidence, k))})
    return detail


def notification_of(event: Event) -> Notification | None:
    """The notification `event` gives, or None."""
    data = dict(event.data)
    kind: NotificationKind | None = None
    detail: dict[str, Any] = {}
    if event.type in ("ticket_reported", "priority_changed") and data.get("priority") == "P1":
        kind = NotificationKind.P1_REPORTED
        detail = {k: v for k in ("summary", "org") if (v := _text(data, k))}
    elif event.type == "uplift_decided" and data.get("granted") is True:
        kind = NotificationKind.UPLIFT_GRANTED
        detail = {k: v for k in ("role_type", "motivation") if (v := _text(data, k))}
    elif event.type == "mail_failed":
        kind = NotificationKind.MAIL_FAILED
        detail = {k: v for k in ("kind", "to", "reason") if (v := _text(data, k))}
    elif event.type in ("notice_published", "notice_closed"):
        kind = NotificationKind(event.type)
        detail = {k: v for k in ("title", "kind", "text") if (v := _text(data, k))}
    elif event.type == "shipment_status" and _text(data, "problem"):
        kind = NotificationKind.SHIPMENT_PROBLEM
        detail = {k: v for k in ("problem", "carrier", "tracking", "leg") if (v := _text(data, k))}
    elif event.type == "escalation_suggested":
        kind = NotificationKind.ESCALATION_SUGGESTED
        detail = _suggestion_detail(data)
    if kind is None or event.stream_kind not in ("ticket", "notice", "swap", "escalation"):
        return None
    return Notification(event.id, kind, event.stream, event.at.isoformat(), event.actor, detail)
