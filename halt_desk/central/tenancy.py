"""Organisations kept apart at the central: the organisation each event concerns, resolved
when it is recorded (stored in `events.org`), checked against the user's organisations,
and the swaps projection that ties a swap to its ticket, organisation and engineer.

The organisation of an event, from what the group commit's `Batch` holds already (its
opening reads and the process's StreamCache), so a push costs no extra round trip:

* `ticket:` the ticket's organisation (`ticket_reported`: its `org`);
* `swap:` the organisation of the swap's ticket (swaps projection);
* `device:` the `org` of its `device_registered` (devices projection);
* `employee:` / `location:` / `staff:` their record's `org`; `org:X` X (a staff record
  without one is the provider's colleague, which every organisation reads: reads.py);
* `escalation:` the `org` of its `escalation_registered` or `escalation_suggested` (an
  organisation central knows); later events: the organisation of the stream's fold;
* the provider's own streams (stock, depots, contract profiles): None, which only users of
  the provider see. A bound user reads a profile its organisations use (reads.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column

from halt_desk.central.auth import NotAllowed, Role, User, check_org
from halt_desk.central.batch import Batch
from halt_desk.central.schema import events, swaps
from halt_desk.central.validation import Rejected, column_text
from halt_desk.domain.escalations import (
    EscalationState,
    apply_escalation_event,
    fold_escalation,
)
from halt_desk.domain.events import Event, event_text

_ORG: Column[Any] = events.c.org
#: Reference records that belong to one organisation (their data carries `org`).
ORG_RECORDS = frozenset({"employee", "location", "staff"})


def check_event_org(batch: Batch, user: User, event: Event) -> str | None:
    """The organisation `event` concerns (None: the provider's own). Raises NotAllowed if
    `user` does not work for it (nor, for a record moved to another organisation, for
    the one it leaves), Rejected/InvalidEvent if it cannot be told."""
    kind = event.stream_kind
    if kind == "ticket":
        org = _ticket_org(batch, event)
    elif kind == "swap":
        org = _swap_org(batch, event)
    elif kind == "device":
        org = _device_org(batch, event)
        if event.type == "device_taken_back":
            _check_taken_back(batch, user, event, org)
        elif _field_registers_loaner(user, event):
            raise NotAllowed("a field engineer registers only an employee's own device")
    elif kind == "org":
        org = event.stream_key
    elif kind == "escalation":
        org = _escalation_org(batch, event)
    elif kind in ORG_RECORDS:
        existing = batch.reference(event.stream)
        before = existing.get("org") if existing is not None else None
        org = column_text(event, "org", _ORG) if "org" in event.data else None
        org = org if org is not None else (before if isinstance(before, str) else None)
        if isinstance(before, str) and before != org:
            check_org(user, before, event.stream)
    else:
        org = None
    if org is None and _unknown_target(batch, event):
        return None  # refused by the stream's own rules, with their reason
    check_org(user, org, event.stream)
    return org


def _escalation_fold(batch: Batch, stream: str) -> EscalationState | None:
    """The escalation as central holds it; its events were checked when accepted."""
    return fold_escalation(batch.history(stream))


def _escalation_org(batch: Batch, event: Event) -> str | None:
    """The stream's organisation once it exists (a suggestion's decides: registering it
    for another is refused by the fold); else the `org` its first event names."""
    state = _escalation_fold(batch, event.stream)
    if state is not None:
        return state.org
    if event.type not in ("escalation_registered", "escalation_suggested"):
        return None
    org = column_text(event, "org", _ORG)
    if org is not None and batch.profile_of(org) is None:
        raise Rejected(f"{event.stream}: unknown organisation {org!r}")
    return org


def check_escalation(batch: Batch, event: Event) -> None:
    """An escalation event must fit its stream (`domain.escalations`, the rules the desk
    applies when it records); kept in the batch's history of the stream once accepted."""
    history = batch.history(event.stream)
    apply_escalation_event(fold_escalation(history), event)
    history.append(event)


def _unknown_target(batch: Batch, event: Event) -> bool:
    """Whether `event` goes to a ticket, swap or device central does not hold."""
    kind = event.stream_kind
    if kind == "ticket" and event.type != "ticket_reported":
        return batch.ticket(event.stream_key) is None
    if kind == "swap" and event.type != "swap_opened":
        return batch.swap(event.stream_key) is None
    if kind == "device" and event.type != "device_registered":
        return batch.device(event.stream_key) is None
    if kind == "escalation" and event.type not in ("escalation_registered", "escalation_suggested"):
        return not batch.history(event.stream)
    return False


def _ticket_org(batch: Batch, event: Event) -> str | None:
    if event.type == "ticket_reported":
        return column_text(event, "org", _ORG)
    ticket = batch.ticket(event.stream_key)
    return str(ticket["org"]) if ticket is not None else None


def _swap_org(batch: Batch, event: Event) -> str | None:
    if event.type in ("swap_opened", "swap_updated"):
        _engineer(event)  # checked before anything of the event is kept
    if event.type == "swap_opened":
        ticket_id = column_text(event, "ticket", swaps.c.ticket)
        ticket = batch.ticket(ticket_id) if ticket_id is not None else None
        if ticket is not None:
            return str(ticket["org"])
        return column_text(event, "org", _ORG)  # a swap of a ticket central does not hold
    swap = batch.swap(event.stream_key)
    return swap["org"] if swap is not None else None


def _device_org(batch: Batch, event: Event) -> str | None:
    if event.type == "device_registered":
        return column_text(event, "org", _ORG)
    fold = batch.device(event.stream_key)
    return fold.org if fold is not None else None


def _field_registers_loaner(user: User, event: Event) -> bool:
    return (
        event.type == "device_registered"
        and user.role is Role.FIELD
        and event.data.get("owned") is not True
    )


def _check_taken_back(batch: Batch, user: User, event: Event, org: str | None) -> None:
    """An employee's own device is taken back for an open swap central holds, of the
    device's own organisation, which the user works for."""
    swap_id = event_text(event, "swap")
    if swap_id is None:
        return  # refused by the life cycle, naming the field
    swap = batch.swap(swap_id)
    if swap is None:
        raise Rejected(f"device_taken_back for swap {swap_id}, which central does not hold")
    if swap["closed"]:
        raise Rejected(f"device_taken_back for swap {swap_id}, which is closed")
    check_org(user, swap["org"], f"swap:{swap_id}")
    if org is not None and swap["org"] is not None and swap["org"] != org:
        problem = f"device of organisation {org} taken back for swap {swap_id} of {swap['org']}"
        raise Rejected(problem)


def project_swap(batch: Batch, event: Event, org: str | None) -> None:
    """Keeps the swaps projection after an accepted swap event (checked by the domain's
    fold and `check_event_org` already): its engineer and whether it is closed."""
    key = event.stream_key
    if event.type == "swap_opened":
        ticket = event_text(event, "ticket") or ""
        row = {"id": key, "ticket": ticket, "org": org, "engineer": _engineer(event)}
        batch.put_swap(key, {**row, "closed": False}, True)
        return
    swap = batch.swap(key)
    if swap is None:  # pragma: no cover - the fold refuses an event before swap_opened
        return
    if event.type == "swap_updated" and "engineer" in event.data:
        batch.put_swap(key, {**swap, "engineer": _engineer(event)}, False)
    elif event.type == "swap_closed":
        batch.put_swap(key, {**swap, "closed": True}, False)


def _engineer(event: Event) -> str | None:
    return column_text(event, "engineer", swaps.c.engineer)
