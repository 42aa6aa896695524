"""The demo's desk cache, written as the demo user's first pull from the demo central
leaves it (see `halt_desk.demo.desk_session`): no central, no HTTP, so the window's list
fills while central is still being filled. Imports nothing of the central (its imports
alone cost half a second before the list)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from halt_desk.demo.dataset import generate
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.personal import may_hold_personal, without_personal
from halt_desk.store import Store

#: The demo's customers are Dutch: its days are Amsterdam days.
DEMO_TZ = ZoneInfo("Europe/Amsterdam")
#: The demo's signed-in user: a desk agent of the demo data set.
DEMO_USER = "agent:sanne.visser"
#: Events per transaction while the cache is filled (the largest page central answers).
CACHE_PAGE = 5000


def demo_events(seed: int, months: int, tickets_per_month: int, now: datetime) -> list[Event]:
    """The demo data set's events up to `now` (none from the future)."""
    dataset = generate(
        seed=seed,
        months=months,
        end=now.astimezone(DEMO_TZ).date(),
        tickets_per_month=tickets_per_month,
        moment=now,
    )
    return [e for e in dataset.events if e.at <= now]


@dataclass(frozen=True)
class DemoData:
    """The demo events in the order central records them (so event n gets seq n + 1), and
    each as the demo user's first pull delivers it."""

    events: tuple[Event, ...]
    pulled: tuple[dict[str, Any], ...]


def demo_data(
    seed: int = 1, months: int = 3, tickets_per_month: int = 400, now: datetime | None = None
) -> DemoData:
    """The demo data set up to `now`, in central's order, and as the demo user pulls it."""
    events = tuple(
        sorted(
            demo_events(seed, months, tickets_per_month, now or datetime.now(UTC)),
            key=attrgetter("at"),
        )
    )
    pulled = tuple({**_as_pulled(event), "seq": seq} for seq, event in enumerate(events, start=1))
    return DemoData(events, pulled)


def _as_pulled(event: Event) -> dict[str, Any]:
    """The event as central's changes feed hands it to an agent, who never sees a personal
    field (central.reads: only logistics and a swap's engineer do)."""
    raw = event.to_json()
    if may_hold_personal(event.type):
        raw["data"] = without_personal(event.type, raw["data"])[0]
    return raw


def prepare_demo_cache(
    store: Store,
    *,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    now: datetime | None = None,
) -> DemoData:
    """Fills the fresh, empty cache `store` with the demo data as the first pull of the
    demo user leaves it (events with their seq, folds, pull cursor); returns the data for
    `start_demo_central`."""
    data = demo_data(seed, months, tickets_per_month, now)
    if store.last_pulled_seq() != 0 or store.outbox_size() != 0:
        raise HaltDeskError("the demo cache must be new and empty")
    # The events as `Event.from_json` makes them of the pulled JSON (the same values), the
    # unchanged ones not built again.
    events = [
        event if raw["data"] == event.data else replace(event, data=raw["data"])
        for event, raw in zip(data.events, data.pulled, strict=True)
    ]
    for first in range(0, len(events), CACHE_PAGE):
        page = range(first, min(first + CACHE_PAGE, len(events)))
        store.ingest_remote(((n + 1, events[n]) for n in page), parsed=True)
    return data
