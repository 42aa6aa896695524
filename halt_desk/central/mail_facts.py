"""What the mail rules read about a ticket, loaded for many tickets at once: its events,
its clocks, its organisation (with the regie addresses), the caller's directory record
and location, and the staff records of the people it names.

A home address is only ever read for the engineer who may see it (`home_address_for`,
the tenancy rule of DESIGN §2.6: the engineer of an active swap of the ticket, or the
ticket's assignee while a swap is active).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from halt_desk.central.batch import event_from_row
from halt_desk.central.schema import events, organisations, reference_records, swaps, tickets
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.personal import home_address
from halt_desk.domain.profiles import Profile, resolve_profile
from halt_desk.domain.timeline import timeline_from_events

_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass
class TicketFacts:
    """One ticket as the mail rules see it."""

    number: str
    org: str
    assignee: str | None
    history: list[Event]
    evaluation: dict[str, Any]
    tz: tzinfo
    org_record: dict[str, Any]
    caller: dict[str, Any]
    location: dict[str, Any] | None
    staff: dict[str, dict[str, Any]] = field(default_factory=dict)
    swaps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report(self) -> Event:
        return next(e for e in self.history if e.type == "ticket_reported")

    @property
    def priority(self) -> str:
        return str(self.evaluation.get("priority") or "")

    def clock(self, name: str) -> dict[str, Any]:
        clocks = self.evaluation.get("clocks") or {}
        value = clocks.get(name)
        return value if isinstance(value, dict) else {}

    def person(self, user_name: str | None) -> dict[str, Any]:
        """The staff record of `user_name` ({} when there is none)."""
        return self.staff.get(user_name or "", {})

    def display_name(self, user_name: str | None) -> str:
        """A colleague by name (the user name itself when the directory has none)."""
        return str(self.person(user_name).get("name") or user_name or "")

    def home_address_for(self, engineer: str) -> str | None:
        """The home address of an active swap of this ticket, only for an engineer who may
        see it: the swap's engineer, or the ticket's assignee (DESIGN §2.6)."""
        for swap in self.swaps:
            if swap["closed"] or engineer not in {swap["engineer"], self.assignee}:
                continue
            if swap.get("address"):
                return str(swap["address"])
        return None


def load_facts(conn: Connection, streams: Iterable[str], now: datetime) -> dict[str, TicketFacts]:
    """The facts of each ticket stream of `streams` central holds (others are left out)."""
    ids = sorted({s.partition(":")[2] for s in streams if s.startswith("ticket:")})
    if not ids:
        return {}
    rows = conn.execute(select(tickets).where(tickets.c.id.in_(ids))).mappings().all()
    histories: dict[str, list[Event]] = {}
    for row in conn.execute(
        select(events)
        .where(events.c.stream.in_([f"ticket:{i}" for i in ids]))
        .order_by(events.c.seq)
    ).mappings():
        histories.setdefault(row["stream"], []).append(event_from_row(row))
    profiles = dict(conn.execute(select(organisations.c.id, organisations.c.profile)).all())
    wanted: set[str] = set()
    for row in rows:
        history = histories.get(f"ticket:{row['id']}", [])
        wanted.add(f"org:{row['org']}")
        wanted.update(f"staff:{e.actor}" for e in history)
        if row["assignee"]:
            wanted.add(f"staff:{row['assignee']}")
        wanted.update(f"employee:{e.data['caller']}" for e in history if _caller_of(e))
    records = _records(conn, wanted)
    places = {r["location"] for r in records.values() if isinstance(r.get("location"), str)}
    locations = _records(conn, {f"location:{place}" for place in places})
    active = _swaps(conn, ids)
    found: dict[str, TicketFacts] = {}
    for row in rows:
        stream = f"ticket:{row['id']}"
        facts = _facts(conn, row, histories.get(stream, []), profiles, records, locations, now)
        if facts is not None:
            facts.swaps = active.get(row["id"], [])
            found[stream] = facts
    return found


def _facts(
    conn: Connection,
    row: Mapping[Any, Any],
    history: list[Event],
    profiles: Mapping[str, Any],
    records: Mapping[str, dict[str, Any]],
    locations: Mapping[str, dict[str, Any]],
    now: datetime,
) -> TicketFacts | None:
    if not any(e.type == "ticket_reported" for e in history):
        return None
    profile = _profile(conn, str(profiles.get(row["org"]) or "halt"))
    try:
        evaluation = evaluate(profile, timeline_from_events(row["id"], history), now).to_json()
    except HaltDeskError:
        evaluation = {}
    report = next(e for e in history if e.type == "ticket_reported")
    caller = records.get(f"employee:{report.data.get('caller')}", {})
    location = locations.get(f"location:{caller.get('location')}")
    staff = {s.partition(":")[2]: data for s, data in records.items() if s.startswith("staff:")}
    return TicketFacts(
        number=str(row["id"]),
        org=str(row["org"]),
        assignee=row["assignee"],
        history=history,
        evaluation=evaluation,
        tz=_zone(profile),
        org_record=records.get(f"org:{row['org']}", {}),
        caller=caller,
        location=location,
        staff=staff,
    )


def _caller_of(event: Event) -> bool:
    return event.type == "ticket_reported" and isinstance(event.data.get("caller"), str)


def _records(conn: Connection, streams: set[str]) -> dict[str, dict[str, Any]]:
    if not streams:
        return {}
    query = select(reference_records.c.stream, reference_records.c.data).where(
        reference_records.c.stream.in_(sorted(streams))
    )
    return {stream: json.loads(data) for stream, data in conn.execute(query)}


def _swaps(conn: Connection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The swaps of these tickets with the home address their plan names (read only to
    decide what an engineer who may see it is told)."""
    rows = conn.execute(select(swaps).where(swaps.c.ticket.in_(list(ids)))).mappings().all()
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        address = None
        for stored in conn.execute(
            select(events.c.type, events.c.data)
            .where(events.c.stream == f"swap:{row['id']}")
            .order_by(events.c.seq)
        ):
            address = home_address(stored.type, json.loads(stored.data)) or address
        found.setdefault(row["ticket"], []).append({**row, "address": address})
    return found


def _profile(conn: Connection, name: str) -> Profile:
    document = conn.execute(
        select(reference_records.c.data).where(reference_records.c.stream == f"profile:{name}")
    ).scalar_one_or_none()
    toml = json.loads(document)["toml"] if document is not None else None
    return _resolved(name, toml)


@lru_cache(maxsize=32)
def _resolved(name: str, toml: str | None) -> Profile:
    return resolve_profile(name, toml)


def _zone(profile: Profile) -> tzinfo:
    zone = getattr(getattr(profile, "calendar", None), "tz", None)
    return zone if isinstance(zone, tzinfo) else _AMSTERDAM


_MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}


def when(value: str | datetime | None, tz: tzinfo, lang: str) -> str:
    """A moment for a mail: `7 december 2026 14:30` in the contract's time zone."""
    if value is None or value == "":
        return ""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(tz)
    month = _MONTHS.get(lang, _MONTHS["nl"]).split()[local.month - 1]
    return f"{local.day} {month} {local.year} {local:%H:%M}"
