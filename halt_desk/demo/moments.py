"""When the demo's tickets are reported: weighted by weekday, mostly in the service window
and about 10 % outside it (evenings, early mornings, weekends)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter

from halt_desk.demo.business_minutes import BusinessMinutes
from halt_desk.demo.planning import Draws

#: Share of reports made outside the service window (evenings, early mornings, weekends).
OUTSIDE_SHARE = 0.10
#: Relative report volume Monday … Sunday (on the window days of the profile).
WEEKDAY_WEIGHTS = (1.3, 1.1, 1.0, 1.0, 0.75, 0.3, 0.2)
#: A report: (UTC epoch seconds, business minute at which its clocks start, outside the window).
Report = tuple[float, int, bool]


def report_moments(
    rng: random.Random, cal: BusinessMinutes, start: date, end: date, count: int
) -> list[Report]:
    """`count` reports in [start, end], about 10 % outside the window, in time order."""
    draw = Draws(rng)
    width = cal.width
    days = cal.business_days(start, end)
    cum = list(accumulate(WEEKDAY_WEIGHTS[cal.day_date(i).weekday()] for i in days))
    outside = round(count * OUTSIDE_SHARE) if days else 0
    moments: list[Report] = []
    if days:
        first_minute = [cal.day_start(i) for i in days]
        opening_ts = [cal.instant(b, at_opening=True) for b in first_minute]
        for j in rng.choices(range(len(days)), cum_weights=cum, k=count - outside):
            minute = int(draw.triangular(0, width - 1, width * 0.25))
            moments.append((opening_ts[j] + 60 * minute, first_minute[j] + minute, False))
    moments.extend(_outside_window(rng, cal, start, end, outside))
    moments.sort(key=itemgetter(0))
    return moments


def _outside_window(
    rng: random.Random, cal: BusinessMinutes, start: date, end: date, count: int
) -> list[Report]:
    """`count` reports outside the window: early or late on a window day, or a day off."""
    span = (end - start).days + 1
    moments: list[Report] = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(span))
        if cal.is_business_day(day):
            if rng.random() < 0.35:
                minute = rng.randint(6 * 60 + 30, cal.opens - 1)
            else:
                minute = rng.randint(cal.closes, 22 * 60 + 30)
        else:
            minute = rng.randint(8 * 60 + 30, 21 * 60 + 30)
        at = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=cal.tz)
        ts = at.timestamp()
        moments.append((ts, cal.index(ts), True))
    return moments
