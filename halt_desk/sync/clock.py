"""Clock offset to central: measured from the HTTP `Date` header at each contact.

The laptop's clock may be wrong (field laptops off the domain for weeks). At every answer
from central the offset central − device is estimated from the `Date` header (1 s
resolution) against the request's send and receive times (the middle of the range they
allow, kept while later answers agree with it), and kept in the store with the moment it
was measured. Events are stamped with device time + the last known offset
(`Store.record(..., clock=ServerClock)`), so the SLA clocks run on central's time while the
event keeps the device time the user saw.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from halt_desk.store import Store

#: A device clock further off than this is shown as a warning in the sync status.
CLOCK_WARNING_LIMIT = timedelta(minutes=2)

#: How far a `Date` header may lag central's clock (truncation plus a cached header).
_DATE_SLACK = timedelta(seconds=2)

DeviceClock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC).astimezone()


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP `Date` header as an aware datetime, or None if missing or malformed."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def offset_bounds(
    server_date: datetime, sent: datetime, received: datetime
) -> tuple[timedelta, timedelta]:
    """The range central − device must lie in, given one answer: central stamped `Date`
    somewhere between the device times `sent` and `received`. The header is truncated to
    the second, and servers (uvicorn among them) refresh it once a second, so it may be up
    to 2 s behind central's clock."""
    return server_date - received, server_date + _DATE_SLACK - sent


def estimate_offset(
    server_date: datetime, sent: datetime, received: datetime, previous: timedelta
) -> timedelta:
    """central − device after one answer: the previous estimate while the answer agrees
    with it (a correct clock stays at exactly 0 instead of jittering by the header's
    1 s resolution), else the middle of what the answer allows, in whole milliseconds."""
    low, high = offset_bounds(server_date, sent, received)
    if low <= previous <= high:
        return previous
    middle = low + (high - low) / 2
    return timedelta(milliseconds=round(middle / timedelta(milliseconds=1)))


class ServerClock:
    """The device clock plus the last known offset to central; what the store stamps events
    with and what ticket clocks are evaluated at. Thread-safe.

    `device_clock` is injectable (tests set a laptop clock that is 10 minutes wrong).
    """

    def __init__(self, device_clock: DeviceClock = system_clock) -> None:
        self._device_clock = device_clock
        self._offset = timedelta(0)
        self._measured_at: datetime | None = None
        self._store: Store | None = None
        self._lock = threading.Lock()

    def attach(self, store: Store) -> None:
        """Loads the offset last measured on this machine and keeps new ones in `store`."""
        known = store.clock_offset()
        with self._lock:
            self._store = store
            if known is not None:
                self._offset, self._measured_at = known.offset, known.measured_at

    def adopt(self, offset: timedelta, measured_at: datetime) -> None:
        """Takes an offset measured by another process on the same store (the desktop app's
        sync process, which keeps it in the store itself)."""
        with self._lock:
            self._offset, self._measured_at = offset, measured_at

    def device_now(self) -> datetime:
        """What the laptop's clock says (the time the user sees)."""
        return self._device_clock()

    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    @property
    def measured_at(self) -> datetime | None:
        with self._lock:
            return self._measured_at

    def now(self) -> datetime:
        """Central's time as well as this machine knows it."""
        return self.device_now() + self.offset()

    @property
    def warning(self) -> bool:
        """True when the laptop's clock is more than CLOCK_WARNING_LIMIT off."""
        return abs(self.offset()) > CLOCK_WARNING_LIMIT

    def observe(self, date_header: str | None, sent: datetime, received: datetime) -> None:
        """Takes one answer's `Date` header (with device times around the request)."""
        server_date = parse_http_date(date_header)
        if server_date is None:
            return
        with self._lock:
            offset = estimate_offset(server_date, sent, received, self._offset)
            self._offset, self._measured_at = offset, received
            store = self._store
        if store is not None:
            store.save_clock_offset(offset, received)


def describe_offset(offset: timedelta) -> str:
    """'3 min 5 s behind central' / 'ahead of' / 'in step with'."""
    seconds = round(offset.total_seconds())
    if abs(seconds) < 1:
        return "in step with central"
    minutes, rest = divmod(abs(seconds), 60)
    amount = f"{minutes} min {rest} s" if minutes else f"{rest} s"
    # offset = central − device: positive means the device is behind.
    return f"{amount} {'behind' if seconds > 0 else 'ahead of'} central"
