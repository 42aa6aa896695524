"""The profile's calendar and clock targets in whole business minutes, as the demo planner counts.

The planner says "45 business minutes after the report". This adapter turns such minutes
into instants and back with the profile's own `BusinessCalendar` (service window, holidays,
time zone) and reads every target from the profile, so the demo has no rule of its own.
A minute index `b` is the calendar's business ordinal divided by 60.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from halt_desk.domain.calendar import BusinessCalendar
from halt_desk.domain.profiles import Profile, Target

_SECONDS_PER_MINUTE = 60


class BusinessMinutes:
    """Whole business minutes on top of one `BusinessCalendar`."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.tz = calendar.tz
        #: Business minutes in one window day.
        self.width = calendar.day_minutes
        opens, closes = calendar.window.opens, calendar.window.closes
        #: Opening and closing of the window as minutes after local midnight.
        self.opens = opens.hour * 60 + opens.minute
        self.closes = closes.hour * 60 + closes.minute
        #: ISO texts of minute indexes: a day boundary as the closing, or as the opening.
        self.iso_texts = IsoTexts(self, at_opening=False)
        self.iso_at_opening = IsoTexts(self, at_opening=True)

    # ---------------------------------------------------------- instants
    def index(self, ts: float) -> int:
        """The minute index of UTC epoch `ts` (outside the window: the next opening)."""
        return int(self.calendar.ordinal(ts) // _SECONDS_PER_MINUTE)

    def index_of(self, at: datetime) -> int:
        return self.index(at.timestamp())

    def instant(self, b: int, at_opening: bool = False) -> float:
        """The UTC epoch of index `b`; a day boundary is the closing unless `at_opening`."""
        return self.calendar.instant_ts(b * _SECONDS_PER_MINUTE, at_opening)

    def at(self, b: int, at_opening: bool = False) -> datetime:
        return self.calendar.to_datetime(self.instant(b, at_opening))

    # -------------------------------------------------------------- days
    def day_of(self, b: int) -> int:
        """The business day that index `b` counts for (a closing counts for the next day)."""
        return self.calendar.day_index(b * _SECONDS_PER_MINUTE)

    def day_start(self, day: int) -> int:
        """The index of the opening of business day `day`."""
        if day <= 0:
            return 0
        return int(self.calendar.day_end_ordinal(day - 1) // _SECONDS_PER_MINUTE)

    def day_end(self, day: int) -> int:
        """The index of the closing of business day `day`."""
        return int(self.calendar.day_end_ordinal(day) // _SECONDS_PER_MINUTE)

    def day_date(self, day: int) -> date:
        return self.at(self.day_start(day), at_opening=True).date()

    def first_day_from(self, day: date) -> int:
        """The first business day on or after the calendar date `day`."""
        midnight = datetime.combine(day, time(0, 0), self.tz)
        return self.day_of(self.index_of(midnight))

    def business_days(self, first: date, last: date) -> range:
        """The business days whose dates lie in [first, last]."""
        return range(self.first_day_from(first), self.first_day_from(last + timedelta(days=1)))

    def is_business_day(self, day: date) -> bool:
        return self.calendar.is_business_day(day)

    # --------------------------------------------------------- rendering
    def iso(self, b: int, at_opening: bool = False) -> str:
        """`self.at(b, at_opening).isoformat()`, from a cache (see `IsoTexts`)."""
        return (self.iso_at_opening if at_opening else self.iso_texts)[b]

    def render_day(self, texts: dict[int, str], b: int, at_opening: bool) -> None:
        """Renders every minute of the business day of `b` into `texts`."""
        day = self.day_of(b)
        start = self.day_start(day)
        if b == start and day > 0 and not at_opening:
            # A day boundary renders as the closing of the earlier day (as `at` does).
            day -= 1
            start = self.day_start(day)
        end = self.day_end(day)
        minutes = range(start, end) if at_opening else range(start + 1, end + 1)
        opening = self.at(start, at_opening=True)
        closing = self.at(end)
        if opening.utcoffset() != closing.utcoffset() or opening.second or opening.microsecond:
            # The offset changes inside the window (or it opens off the minute): convert
            # each instant on its own.
            for m in minutes:
                texts[m] = self.at(m, at_opening).isoformat()
            return
        head = opening.date().isoformat() + "T"
        tail = opening.isoformat()[19:]
        first = opening.hour * 60 + opening.minute - start
        clock_texts = _CLOCK_TEXTS
        for m in minutes:
            texts[m] = head + clock_texts[first + m] + tail


class IsoTexts(dict[int, str]):
    """ISO 8601 texts of minute indexes, rendered a whole business day at a time on the
    first miss; a plain subscript on a hit, which is what the benchmark generator needs."""

    def __init__(self, clock: BusinessMinutes, at_opening: bool) -> None:
        super().__init__()
        self._clock = clock
        self._at_opening = at_opening

    def __missing__(self, b: int) -> str:
        self._clock.render_day(self, b, self._at_opening)
        return self[b]


#: "HH:MM:00" for every minute of a day (and of the next, for windows past midnight).
_CLOCK_TEXTS = tuple(f"{m // 60 % 24:02d}:{m % 60:02d}:00" for m in range(2 * 24 * 60))


class Terms:
    """What the planner steers by: a profile's priorities, matrix and clock targets, the
    targets in whole business minutes. A clock or priority the profile leaves out is
    missing from its table (None in `update`)."""

    def __init__(self, profile: Profile, clock: BusinessMinutes) -> None:
        self.clock = clock
        clocks = profile.clocks
        self.width = clock.width
        #: 0 for the most urgent priority.
        self.rank = {p: n for n, p in enumerate(profile.priorities)}
        #: The priority a granted uplift raises a ticket to.
        self.top = profile.priorities[0]
        self.matrix = dict(profile.matrix)
        self.reaction = _durations(clocks["reaction"].targets)
        self.resolution = _durations(clocks["resolution"].targets)
        self.cells = {cell: _minutes(target) for cell, target in clocks["resolution"].cells.items()}
        update = _durations(clocks["update"].targets) if "update" in clocks else {}
        self.update: dict[str, int | None] = {p: update.get(p) for p in profile.priorities}
        self.onsite = _durations(clocks["onsite"].targets) if "onsite" in clocks else {}
        self._swap = dict(clocks["swap"].targets) if "swap" in clocks else {}

    def swap_due(self, priority: str, start: int) -> int:
        """The swap deadline for a request at index `start` (a day's closing or a duration)."""
        target = self._swap[priority]
        if target.days_later is not None:
            clock = self.clock
            return clock.day_end(clock.day_of(start) + target.days_later)
        return start + _minutes(target)


def _minutes(target: Target) -> int:
    return round(target.seconds / _SECONDS_PER_MINUTE)


def _durations(targets: Mapping[str, Target]) -> dict[str, int]:
    return {p: _minutes(t) for p, t in targets.items() if not t.is_day_end}
