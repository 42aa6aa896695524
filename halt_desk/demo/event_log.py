"""The demo's event log: every generated event, with ids from their own seeded generator."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from typing import Any

from halt_desk.domain.events import Event

#: The actor of the reference data that the demo registers.
SYSTEM_ACTOR = "system:demo-import"


class EventLog:
    """Collects events with deterministic ids, leaving out anything after `now`."""

    def __init__(self, id_rng: random.Random, now: datetime) -> None:
        self._ids = id_rng
        self._now = now
        self.events: list[Event] = []

    def add(
        self, stream: str, event_type: str, at: datetime, actor: str, data: dict[str, Any]
    ) -> None:
        if at > self._now:
            return
        event_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
        self.events.append(Event(event_id, stream, event_type, at, actor, data))
