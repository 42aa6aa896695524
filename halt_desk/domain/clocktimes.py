"""The instants of the SLA engine's results, made once and remembered while they repeat.

`sla check` turns about nine UTC epochs per ticket into aware datetimes of the contract's
zone and prints about seven of them as ISO text; each of the two steps costs more than a
clock's arithmetic (about 0.8 and 1.6 µs). Deadlines and event moments repeat across the
tickets of a file (whole minutes, closing times), so a look-up (about 0.1 µs) usually
answers instead. Both memos are bounded: cleared whenever full.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

#: Entries per memo before it is cleared.
MEMO_MAX = 1 << 16

_from_ts = datetime.fromtimestamp
_zones: dict[tzinfo, Callable[[float], datetime]] = {}
#: id(instant) → (instant, its ISO text in quotes). By identity rather than by equality:
#: two equal datetimes of one zone may print differently (the hour that repeats when
#: summer time ends); and an entry holds its instant, so no other object has that id
#: while the entry is there.
TEXTS: dict[int, tuple[datetime, str]] = {}


def local_times(tz: tzinfo) -> Callable[[float], datetime]:
    """`datetime.fromtimestamp(ts, tz)` as a function of `ts` that remembers its answers
    (one memo per zone; the same object for the same epoch)."""
    known = _zones.get(tz)
    if known is not None:
        return known
    cache: dict[float, datetime] = {}
    get = cache.get

    def local(ts: float) -> datetime:
        value = get(ts)
        if value is None:
            if len(cache) >= MEMO_MAX:
                cache.clear()
            value = cache[ts] = _from_ts(ts, tz)
        return value

    _zones[tz] = local
    return local


def quoted_iso(instant: datetime) -> str:
    """`'"' + instant.isoformat() + '"'`, remembered for this object (see `TEXTS`)."""
    entry = TEXTS.get(id(instant))
    if entry is not None and entry[0] is instant:
        return entry[1]
    text = f'"{instant.isoformat()}"'
    if len(TEXTS) >= MEMO_MAX:
        TEXTS.clear()
    TEXTS[id(instant)] = (instant, text)
    return text
