"""Business calendar: windows, holidays, DST and the arithmetic the clocks rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.domain.errors import OutOfCalendarRange
from halt_desk.domain.profiles import load_profile

AMS = ZoneInfo("Europe/Amsterdam")
HALT = load_profile("halt").calendar
DESOM = load_profile("desom").calendar


def at(text: str) -> datetime:
    """Local Amsterdam time 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


def test_instants_outside_the_supported_years_are_refused_by_name() -> None:
    with pytest.raises(OutOfCalendarRange, match="after 2199"):
        HALT.ordinal(datetime(9999, 12, 31, 23, 30, tzinfo=UTC).timestamp())
    with pytest.raises(OutOfCalendarRange, match="after 2199"):
        HALT.ordinal(datetime(2300, 1, 1, tzinfo=UTC).timestamp())
    with pytest.raises(OutOfCalendarRange, match="before 2010"):
        HALT.ordinal(datetime(2009, 12, 31, tzinfo=UTC).timestamp())


def test_adding_inside_one_day_stays_on_that_day() -> None:
    assert HALT.add_business_minutes(at("2027-01-05 10:00"), 60) == at("2027-01-05 11:00")


def test_adding_past_closing_continues_next_morning() -> None:
    assert HALT.add_business_minutes(at("2027-01-05 16:30"), 60) == at("2027-01-06 08:30")


def test_instant_after_closing_counts_from_next_opening() -> None:
    assert HALT.add_business_minutes(at("2027-01-05 18:00"), 15) == at("2027-01-06 08:15")


def test_friday_afternoon_runs_into_monday() -> None:
    assert HALT.add_business_minutes(at("2027-01-08 16:50"), 15) == at("2027-01-11 08:05")


def test_new_years_day_is_skipped() -> None:
    assert HALT.add_business_minutes(at("2026-12-31 16:30"), 60) == at("2027-01-04 08:30")


def test_good_friday_is_a_working_day_for_halt() -> None:
    assert HALT.is_business_day(date(2027, 3, 26))
    assert HALT.add_business_minutes(at("2027-03-25 16:00"), 120) == at("2027-03-26 09:00")


def test_easter_monday_and_kings_day_are_holidays() -> None:
    assert not HALT.is_business_day(date(2027, 3, 29))
    assert not HALT.is_business_day(date(2027, 4, 27))
    assert HALT.add_business_minutes(at("2027-04-26 16:00"), 120) == at("2027-04-28 09:00")


def test_spring_dst_weekend_keeps_business_minutes_exact() -> None:
    start = at("2027-03-26 16:00")  # +01:00
    due = HALT.add_business_minutes(start, 240)
    assert due == at("2027-03-30 11:00")  # Easter Monday skipped, now +02:00
    assert due.utcoffset() == timedelta(hours=2)
    assert HALT.business_minutes_between(start, due) == 240


def test_autumn_dst_weekend_keeps_business_minutes_exact() -> None:
    start = at("2027-10-29 15:00")  # +02:00
    due = HALT.add_business_minutes(start, 180)
    assert due == at("2027-11-01 09:00")
    assert due.utcoffset() == timedelta(hours=1)


def test_minutes_between_skip_nights_and_weekends() -> None:
    assert HALT.business_minutes_between(at("2027-01-08 16:00"), at("2027-01-11 09:00")) == 120
    assert HALT.business_minutes_between(at("2027-01-11 09:00"), at("2027-01-08 16:00")) == -120


def test_a_whole_day_ends_at_closing_not_next_opening() -> None:
    assert HALT.add_business_minutes(at("2027-01-05 08:00"), 540) == at("2027-01-05 17:00")


def test_one_working_day_is_the_same_time_next_working_day() -> None:
    day = HALT.day_minutes
    assert day == 540
    assert HALT.add_business_minutes(at("2027-01-05 10:00"), day) == at("2027-01-06 10:00")


def test_adding_nothing_outside_the_window_gives_the_next_opening() -> None:
    assert HALT.add_business_minutes(at("2027-01-09 12:00"), 0) == at("2027-01-11 08:00")
    assert HALT.add_business_minutes(at("2027-03-26 08:00"), 0) == at("2027-03-26 08:00")


def test_end_of_window_is_the_closing_of_the_day_that_counts() -> None:
    assert HALT.end_of_window(at("2027-01-05 16:30")) == at("2027-01-05 17:00")
    assert HALT.end_of_window(at("2027-01-05 18:00")) == at("2027-01-06 17:00")
    assert HALT.end_of_window(at("2027-01-09 10:00")) == at("2027-01-11 17:00")
    assert HALT.end_of_window(at("2027-01-01 10:00")) == at("2027-01-04 17:00")
    assert HALT.end_of_window(at("2027-01-08 10:00"), 1) == at("2027-01-11 17:00")


def test_window_opens_inclusive_and_closes_exclusive() -> None:
    assert HALT.is_open(at("2027-01-05 08:00"))
    assert not HALT.is_open(at("2027-01-05 17:00"))
    assert not HALT.is_open(at("2027-01-09 10:00"))


def test_desom_window_is_eight_hours() -> None:
    assert DESOM.day_minutes == 480
    assert DESOM.add_business_minutes(at("2027-01-05 15:00"), 120) == at("2027-01-06 09:00")


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        HALT.add_business_minutes(datetime(2027, 1, 5, 10, 0), 10)


def test_far_future_extends_the_tables() -> None:
    assert HALT.add_business_minutes(at("2060-01-05 10:00"), 60) == at("2060-01-05 11:00")


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(AMS)
)


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(min_value=0, max_value=30_000))
def test_adding_then_measuring_gives_back_the_same_minutes(start: datetime, minutes: int) -> None:
    end = HALT.add_business_minutes(start, minutes)
    assert HALT.business_minutes_between(start, end) == minutes


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(min_value=0, max_value=30_000))
def test_results_never_fall_outside_the_window_or_on_a_holiday(
    start: datetime, minutes: int
) -> None:
    end = HALT.add_business_minutes(start, minutes).astimezone(AMS)
    assert HALT.is_business_day(end.date())
    opens = end.replace(hour=8, minute=0, second=0, microsecond=0)
    closes = end.replace(hour=17, minute=0, second=0, microsecond=0)
    assert opens <= end <= closes


@settings(max_examples=200, deadline=None)
@given(instants, st.integers(min_value=0, max_value=5_000), st.integers(0, 5_000))
def test_adding_is_monotonic_and_additive(start: datetime, first: int, second: int) -> None:
    if second > 0:  # adding zero moves a closing instant to the next opening, by design
        step = HALT.add_business_minutes(HALT.add_business_minutes(start, first), second)
        assert step == HALT.add_business_minutes(start, first + second)
    assert HALT.add_business_minutes(start, first) <= HALT.add_business_minutes(
        start, first + second
    )


@settings(max_examples=200, deadline=None)
@given(instants)
def test_desom_results_stay_inside_its_window(start: datetime) -> None:
    end = DESOM.add_business_minutes(start, 77).astimezone(AMS)
    assert DESOM.is_business_day(end.date())
    assert end.replace(hour=8, minute=0, second=0, microsecond=0) <= end
    assert end <= end.replace(hour=16, minute=0, second=0, microsecond=0)
