"""Ticket numbers: the ticket's number in its organisation's series per year
(`HALT-2026-000862`), the provisional form a desk gives when its block of numbers ran out
offline (`HALT-2026-VKMPQRT`), and the rule both forms keep wherever a ticket is reported.

A series is one organisation's numbers of one year, counted at central; desks reserve
blocks of it (`POST /api/v1/numbers`). The year is the year in the contract's time zone
(Europe/Amsterdam for every profile), of the moment the ticket was reported.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event

#: The time zone that says which year a ticket's number belongs to.
SERIES_ZONE = ZoneInfo("Europe/Amsterdam")
#: Digits of a series number (zero-padded; a series past 999,999 simply gets longer).
NUMBER_DIGITS = 6
#: Marks a provisional id: a letter where a series number has a digit.
PROVISIONAL_MARK = "V"
#: Letters of a provisional id: no I, L or O to misread as 1 or 0 on the phone.
PROVISIONAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"
PROVISIONAL_LENGTH = 6
#: From this day of December on, numbers of next year's series can be reserved too, so a
#: desk that is offline around New Year still numbers its January tickets.
NEXT_YEAR_FROM_DECEMBER = 15

_FORM = re.compile(
    rf"^(?P<org>[A-Z0-9][A-Z0-9_.-]*)-(?P<year>[0-9]{{4}})-"
    rf"(?:(?P<number>[0-9]{{{NUMBER_DIGITS},}})"
    rf"|{PROVISIONAL_MARK}(?P<provisional>[{PROVISIONAL_ALPHABET}]{{{PROVISIONAL_LENGTH}}}))$"
)


@dataclass(frozen=True, slots=True)
class TicketNumber:
    """What a ticket id in one of the two forms says: the organisation (upper case), the
    year and the series number (None for a provisional id)."""

    org: str
    year: int
    number: int | None

    @property
    def provisional(self) -> bool:
        return self.number is None

    @property
    def series(self) -> str:
        return series_name(self.org, self.year)


def series_year(at: datetime) -> int:
    """The year of the series a ticket reported at `at` is numbered in."""
    if at.tzinfo is None:
        raise ValueError(f"{at.isoformat()!r} has no UTC offset")
    return at.astimezone(SERIES_ZONE).year


def reservable_years(at: datetime) -> tuple[int, ...]:
    """The years whose series can be reserved at `at`: this year, and from
    NEXT_YEAR_FROM_DECEMBER December on also the next."""
    local = at.astimezone(SERIES_ZONE)
    if local.month == 12 and local.day >= NEXT_YEAR_FROM_DECEMBER:
        return (local.year, local.year + 1)
    return (local.year,)


def series_name(org: str, year: int) -> str:
    """`HALT-2026`: the prefix every id of the series starts with."""
    return f"{org.upper()}-{year}"


def series_id(org: str, year: int, number: int) -> str:
    """`HALT-2026-000862`."""
    if number < 1:
        raise ValueError(f"a series number starts at 1, not {number}")
    return f"{series_name(org, year)}-{number:0{NUMBER_DIGITS}d}"


def provisional_id(org: str, year: int) -> str:
    """`HALT-2026-VKMPQRT`: an id made without central, visibly not a series number
    (about 1.5·10^8 per organisation and year; a clash is refused by central and shown)."""
    letters = "".join(secrets.choice(PROVISIONAL_ALPHABET) for _ in range(PROVISIONAL_LENGTH))
    return f"{series_name(org, year)}-{PROVISIONAL_MARK}{letters}"


def parse_ticket_id(ticket_id: str) -> TicketNumber | None:
    """The parts of a series or provisional id; None for any other form (ids made before
    numbering, such as `HALT-2027-K7M2Q9XW`, stay valid as they are)."""
    match = _FORM.match(ticket_id)
    if match is None:
        return None
    number = match.group("number")
    return TicketNumber(
        match.group("org"), int(match.group("year")), int(number) if number else None
    )


def check_ticket_number(event: Event) -> None:
    """A `ticket_reported` whose id is in the series or provisional form must name the
    ticket's own organisation and the year it is reported in; raises InvalidEvent."""
    if event.type != "ticket_reported":
        return
    parsed = parse_ticket_id(event.stream_key)
    if parsed is None:
        return
    org = event.data.get("org")
    if not isinstance(org, str) or parsed.org != org.upper():
        problem = f"{event.stream_key} is a number of series {parsed.series}, not of {org!r}"
        raise InvalidEvent(event.id, "stream", problem)
    year = series_year(event.at)
    if parsed.year != year:
        problem = f"{event.stream_key} is a number of {parsed.year}; the ticket is of {year}"
        raise InvalidEvent(event.id, "stream", problem)
