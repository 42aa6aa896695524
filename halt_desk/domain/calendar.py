"""Business calendar: service window, holidays and arithmetic in business time.

Business time is kept as an *ordinal*: the number of business seconds elapsed since the
calendar's epoch (the first window opening of its first year). Every instant maps to an
ordinal (an instant outside the window maps to the next opening), and adding business
time is adding to the ordinal and mapping back. Both directions are a binary search over
precomputed window openings, so the hot paths of the SLA engine stay cheap.

The holidays come from the `holidays` library, whose import alone loads every country it
knows (about a fifth of a second); the days it gives are remembered in a small file per
country and year range (`holiday_cache`), so a command that needs one calendar does not
pay for the library again until it is upgraded.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from halt_desk.domain.errors import OutOfCalendarRange
from halt_desk.domain.holiday_cache import cached_holidays

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The first year a calendar covers. Tickets older than this are not supported.
FIRST_YEAR = 2010
#: How far ahead of the current year the tables are built at first use; extended on demand.
YEARS_AHEAD = 12
LAST_YEAR = 2199


@dataclass(frozen=True, slots=True)
class ServiceWindow:
    """The hours a contract counts in: the same opening and closing time on each window day."""

    weekdays: frozenset[int]  # 0 = Monday
    opens: time
    closes: time

    @property
    def day_seconds(self) -> int:
        return (self.closes.hour * 3600 + self.closes.minute * 60 + self.closes.second) - (
            self.opens.hour * 3600 + self.opens.minute * 60 + self.opens.second
        )


class BusinessCalendar:
    """Business-time arithmetic for one service window, time zone and holiday set."""

    def __init__(
        self,
        window: ServiceWindow,
        tz: ZoneInfo,
        holiday_country: str | None = "NL",
        excluded_holidays: Iterable[str] = (),
        extra_holidays: Iterable[date] = (),
    ) -> None:
        if window.day_seconds <= 0:
            raise ValueError("the service window must close after it opens")
        if not window.weekdays:
            raise ValueError("the service window needs at least one weekday")
        self.window = window
        self.tz = tz
        self.holiday_country = holiday_country
        self.excluded_holidays = frozenset(excluded_holidays)
        self.extra_holidays = frozenset(extra_holidays)
        self._lock = threading.Lock()
        # Parallel tables over business days, in order: UTC epoch of the opening, length in
        # seconds, and the ordinal at the opening (cumulative business seconds before it).
        self._open_ts: list[float] = []
        self._length: list[float] = []
        self._cum: list[float] = []
        self._ends: list[float] = []  # ordinal at the closing of each day
        self._days: list[date] = []
        self._last_year = FIRST_YEAR - 1
        self._first_open = self._last_open = self._last_end = 0.0
        self._extend_to(date.today().year + YEARS_AHEAD)

    # ----------------------------------------------------------------- tables
    def _holidays(self, years: range) -> set[date]:
        if self.holiday_country is None:
            return set(self.extra_holidays)
        days = cached_holidays(self.holiday_country, years, self.excluded_holidays)
        return days | set(self.extra_holidays)

    def _extend_to(self, year: int) -> None:
        """Appends business days up to the end of `year` (tables only ever grow forward)."""
        if year <= self._last_year:
            return
        with self._lock:
            if year <= self._last_year:
                return
            if year > LAST_YEAR:
                raise OutOfCalendarRange(f"dates after {LAST_YEAR} are not supported")
            first = self._last_year + 1
            off_days = self._holidays(range(first, year + 1))
            opens, closes, tz = self.window.opens, self.window.closes, self.tz
            weekdays = self.window.weekdays
            day = date(first, 1, 1)
            end = date(year, 12, 31)
            one = timedelta(days=1)
            cum = self._ends[-1] if self._ends else 0.0
            while day <= end:
                if day.weekday() in weekdays and day not in off_days:
                    open_ts = datetime.combine(day, opens, tz).timestamp()
                    close_ts = datetime.combine(day, closes, tz).timestamp()
                    length = close_ts - open_ts
                    self._open_ts.append(open_ts)
                    self._length.append(length)
                    self._cum.append(cum)
                    cum += length
                    self._ends.append(cum)
                    self._days.append(day)
                day += one
            self._last_year = year
            self._first_open = self._open_ts[0]
            self._last_open = self._open_ts[-1]
            self._last_end = self._ends[-1]

    def _ensure_ts(self, ts: float) -> None:
        if ts >= self._open_ts[-1]:
            try:
                year = datetime.fromtimestamp(ts, self.tz).year
            except (OverflowError, ValueError, OSError):  # beyond the year 9999 locally
                raise OutOfCalendarRange(f"dates after {LAST_YEAR} are not supported") from None
            self._extend_to(year + 1)
        elif ts < self._open_ts[0]:
            raise OutOfCalendarRange(f"dates before {FIRST_YEAR} are not supported")

    def _ensure_ordinal(self, ordinal: float) -> None:
        while ordinal >= self._ends[-1]:
            self._extend_to(self._last_year + YEARS_AHEAD)

    # --------------------------------------------------------------- ordinals
    def ordinal(self, ts: float) -> float:
        """Business seconds since the calendar epoch at UTC epoch `ts` (outside → next opening)."""
        open_ts = self._open_ts
        if not self._first_open <= ts < self._last_open:
            self._ensure_ts(ts)
        i = bisect.bisect_right(open_ts, ts) - 1
        into = ts - open_ts[i]
        length = self._length[i]
        return self._cum[i] + (into if into < length else length)

    def instant_ts(self, ordinal: float, at_opening: bool = False) -> float:
        """The UTC epoch at which business time reaches `ordinal`.

        An ordinal at a day boundary maps to the *closing* of the earlier day, so that a
        deadline that uses up a whole day reads "17:00" rather than "08:00 next day";
        with `at_opening` it maps to the next opening instead (where a clock *starts*).
        """
        if ordinal >= self._last_end:
            self._ensure_ordinal(ordinal + 1)
        if at_opening:
            i = bisect.bisect_right(self._cum, ordinal) - 1
        else:
            i = bisect.bisect_left(self._ends, ordinal)
        return self._open_ts[i] + (ordinal - self._cum[i])

    def day_index(self, ordinal: float) -> int:
        """Index of the business day that an instant with this ordinal counts for.

        An ordinal at a closing (an instant at or after 17:00) counts for the next day.
        """
        if ordinal >= self._ends[-1]:
            self._ensure_ordinal(ordinal + 1)
        return bisect.bisect_right(self._cum, ordinal) - 1

    def day_end_ordinal(self, index: int) -> float:
        """Ordinal at the closing of business day `index` (extends the tables as needed)."""
        while index >= len(self._ends):
            self._extend_to(self._last_year + YEARS_AHEAD)
        return self._ends[index]

    def to_datetime(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.tz)

    # ------------------------------------------------------------ public API
    @property
    def day_minutes(self) -> int:
        """Business minutes in one window day ("one working day")."""
        return self.window.day_seconds // 60

    def is_business_day(self, day: date) -> bool:
        self._extend_to(day.year)
        i = bisect.bisect_left(self._days, day)
        return i < len(self._days) and self._days[i] == day

    def is_open(self, instant: datetime) -> bool:
        """True while the service window is open (opening inclusive, closing exclusive)."""
        ts = _epoch(instant)
        self._ensure_ts(ts)
        i = bisect.bisect_right(self._open_ts, ts) - 1
        return i >= 0 and ts - self._open_ts[i] < self._length[i]

    def add_business_minutes(self, instant: datetime, minutes: float) -> datetime:
        """The instant `minutes` of business time after `instant` (which may lie outside)."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        if instant.tzinfo is None:  # `_epoch` inlined: this is the calendar's hottest entry
            raise ValueError(f"naive datetime {instant.isoformat()} has no time zone")
        ordinal = self.ordinal(instant.timestamp()) + minutes * 60
        return datetime.fromtimestamp(self.instant_ts(ordinal, minutes == 0), self.tz)

    def business_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole business minutes from `start` to `end` (negative when `end` comes first)."""
        delta = self.ordinal(_epoch(end)) - self.ordinal(_epoch(start))
        return int(delta // 60) if delta >= 0 else -int(-delta // 60)

    def next_opening(self, instant: datetime) -> datetime:
        """`instant` itself when the window is open, else the next opening."""
        return self.to_datetime(self.instant_ts(self.ordinal(_epoch(instant)), at_opening=True))

    def end_of_window(self, instant: datetime, business_days_later: int = 0) -> datetime:
        """Closing time of the business day `instant` counts for (plus N business days).

        A moment outside the window counts for the next business day, so a report on
        Saturday or at 18:00 has "same business day" = the next working day's closing.
        """
        index = self.day_index(self.ordinal(_epoch(instant))) + business_days_later
        return self.to_datetime(self.instant_ts(self.day_end_ordinal(index)))


def _epoch(instant: datetime) -> float:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant.isoformat()} has no time zone")
    return instant.timestamp()
