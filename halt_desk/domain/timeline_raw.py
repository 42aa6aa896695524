"""The typed shape `sla check` decodes a block of §3.3 tickets into (`timeline_block`).

msgspec structs, in a module of their own: `timeline_block` is compiled by mypyc
(`native.py`), and msgspec reads a struct's field types from annotations that a
compiled module does not keep as it wrote them.
"""

from __future__ import annotations

from typing import Any

import msgspec

_UNSET = msgspec.UNSET


class RawEvent(msgspec.Struct, gc=False):
    """The fields of one event that a clock reads (`data` may carry more; they are skipped)."""

    type: Any = _UNSET
    at: Any = _UNSET
    channel: Any = _UNSET
    priority: Any = _UNSET
    impact: Any = _UNSET
    urgency: Any = _UNSET
    granted: Any = _UNSET


class RawTicket(msgspec.Struct, gc=False):
    """The fields of a ticket that `parse_ticket` reads."""

    id: Any = _UNSET
    reported_at: Any = _UNSET
    priority: Any = _UNSET
    impact: Any = _UNSET
    urgency: Any = _UNSET
    security: Any = _UNSET
    events: list[RawEvent] | msgspec.UnsetType = _UNSET


decode = msgspec.json.Decoder(list[RawTicket]).decode
EVENT_FIELDS = RawEvent.__struct_fields__
