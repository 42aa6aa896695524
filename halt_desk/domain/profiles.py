"""Contract profiles (resources/profiles/*.toml): calendar, priorities, clock targets, norms."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from halt_desk.domain.calendar import WEEKDAY_NAMES, BusinessCalendar, ServiceWindow
from halt_desk.domain.clockspec import CLOCK_NAMES as CLOCK_NAMES  # the screens import it here
from halt_desk.domain.clockspec import CLOCK_SPECS, CLOCKS, REQUIRED_CLOCKS
from halt_desk.domain.errors import InvalidProfile, UnknownProfile
from halt_desk.domain.events import FIRST_RESPONSE_CHANNELS

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|h|wd)\s*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DAY_END_TARGETS = {"same_day": 0, "next_day": 1}


@dataclass(frozen=True, slots=True)
class Target:
    """A clock target: business seconds after the start, or the closing of a business day."""

    seconds: float = 0.0
    days_later: int | None = None  # set for "same_day" (0) and "next_day" (1)
    text: str = ""

    @property
    def is_day_end(self) -> bool:
        return self.days_later is not None


@dataclass(frozen=True, slots=True)
class ClockRule:
    """Targets of one clock per priority; a missing priority means "does not apply"."""

    name: str
    targets: Mapping[str, Target]
    channels: Mapping[str, frozenset[str]] = field(default_factory=dict)
    warn: Mapping[str, Target] = field(default_factory=dict)
    stop_on_workaround: frozenset[str] = frozenset()
    cells: Mapping[tuple[str, str], Target] = field(default_factory=dict)


#: The categories of a ticket when a profile names none (the customers' own words).
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "werkplek",
    "m365",
    "netwerk",
    "kernapplicatie",
    "applicatie",
    "account",
    "telefonie",
    "security",
    "verzoek",
    "vraag",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """One customer's contract: everything the SLA engine needs to know about it."""

    name: str
    title: str
    priorities: tuple[str, ...]
    uplift: bool
    calendar: BusinessCalendar
    impacts: tuple[str, ...]
    urgencies: tuple[str, ...]
    aliases: Mapping[str, str]
    matrix: Mapping[tuple[str, str], str]
    security_priority: str | None
    clocks: Mapping[str, ClockRule]
    norms: Mapping[str, float]
    csat_norm: float
    #: Agreed MTTP per priority in business seconds (seed 003 §10.5 C); empty when the
    #: contract names none, and a priority without one has no MTTP norm.
    mttp_norms: Mapping[str, float] = field(default_factory=dict)
    #: The service provider's name as reports show it ("" when the profile names none).
    provider: str = ""
    #: The ticket categories of the contract (`[intake] categories`; default: the desk's).
    categories: tuple[str, ...] = DEFAULT_CATEGORIES

    def rank(self, priority: str) -> int:
        """0 for the most urgent priority; raises KeyError for an unknown one."""
        return self.priorities.index(priority)

    def impact_level(self, value: str) -> str:
        """The canonical impact key for `value` (aliases allowed); ValueError otherwise."""
        return self._level("impact", value, self.impacts)

    def urgency_level(self, value: str) -> str:
        """The canonical urgency key for `value` (aliases allowed); ValueError otherwise."""
        return self._level("urgency", value, self.urgencies)

    def _level(self, kind: str, value: str, levels: tuple[str, ...]) -> str:
        level = self.aliases.get(value, value)
        if level not in levels:
            raise ValueError(
                f"unknown {kind} {value!r} for profile {self.name} "
                f"(expected one of {', '.join(levels)})"
            )
        return level

    def suggest_priority(self, impact: str, urgency: str, security: bool = False) -> str:
        """The priority the contract matrix gives (DESIGN §2.2); security may raise it."""
        suggested = self.matrix[(self.impact_level(impact), self.urgency_level(urgency))]
        if security and self.security_priority is not None:
            return min(suggested, self.security_priority, key=self.rank)
        return suggested


def profiles_dir() -> Path:
    from halt_desk.paths import resources_dir

    return resources_dir() / "profiles"


def available_profiles() -> list[str]:
    return sorted(path.stem for path in profiles_dir().glob("*.toml"))


@cache
def load_profile(name: str) -> Profile:
    """The profile `name` from resources/profiles (cached; profiles are immutable)."""
    path = profiles_dir() / f"{name}.toml"
    if not re.fullmatch(r"[a-z0-9_-]+", name) or not path.is_file():
        raise UnknownProfile(name, available_profiles())
    return load_profile_file(path)


def load_profile_file(path: Path) -> Profile:
    return parse_profile_text(path.read_text(encoding="utf-8"), path.stem)


@cache
def parse_profile_text(text: str, name: str) -> Profile:
    """A profile from its TOML text (cached on the text: published documents are read for
    every ticket evaluated). Its `name`, when the document gives one, must be `name`."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidProfile(name, "file", f"not valid TOML: {exc}") from None
    profile = parse_profile(raw, default_name=name)
    if profile.name != name:
        raise InvalidProfile(name, "name", f"the document names itself {profile.name!r}")
    return profile


def profile_document(data: Mapping[str, Any], name: str) -> str:
    """The TOML text of a published profile (`data` of a `profile_registered` or
    `profile_updated` event, DESIGN §3.4 reference data); InvalidProfile if it is missing."""
    text = data.get("toml")
    if not isinstance(text, str) or not text.strip():
        raise InvalidProfile(name, "toml", "a published profile carries its TOML text")
    return text


def resolve_profile(name: str, document: str | None) -> Profile:
    """The profile `name`: the published document when there is one (it travels through the
    changes feed and may override a built-in profile), else the built-in resource file."""
    if document is None:
        return load_profile(name)
    return parse_profile_text(document, name)


def parse_profile(raw: Mapping[str, Any], default_name: str = "profile") -> Profile:
    """Validates a profile document; every problem names the setting at fault."""
    name = raw.get("name", default_name)
    if not isinstance(name, str) or not name:
        raise InvalidProfile(default_name, "name", "must be a non-empty string")
    p = _Parser(name)
    priorities = p.str_list(raw, "priorities")
    if not priorities or len(set(priorities)) != len(priorities):
        raise InvalidProfile(name, "priorities", "must list distinct priority names")
    p.priorities = tuple(priorities)
    cal = p.table(raw, "calendar")
    calendar = p.calendar(cal)
    p.day_seconds = calendar.window.day_seconds

    intake_raw = p.table(raw, "intake")
    intake = p.intake(intake_raw)
    clocks = p.clocks(p.table(raw, "clocks"), intake.impacts, intake.urgencies)
    norms, csat, mttp_norms = p.norms(p.table(raw, "norms"))
    uplift = raw.get("uplift", False)
    if not isinstance(uplift, bool):
        raise InvalidProfile(name, "uplift", "must be true or false")
    title = raw.get("title", name)
    provider = raw.get("provider", "")
    if not isinstance(provider, str):
        raise InvalidProfile(name, "provider", "must be a string")
    categories = DEFAULT_CATEGORIES
    if "categories" in intake_raw:
        categories = tuple(p.str_list(intake_raw, "categories", "intake.categories"))
        if not categories:
            raise InvalidProfile(name, "intake.categories", "must list category names")
    return Profile(
        name=name,
        title=str(title),
        priorities=p.priorities,
        uplift=uplift,
        calendar=calendar,
        impacts=intake.impacts,
        urgencies=intake.urgencies,
        aliases=intake.aliases,
        matrix=intake.matrix,
        security_priority=intake.security_priority,
        clocks=clocks,
        norms=norms,
        csat_norm=csat,
        mttp_norms=mttp_norms,
        provider=provider,
        categories=categories,
    )


class _Intake(NamedTuple):
    impacts: tuple[str, ...]
    urgencies: tuple[str, ...]
    aliases: dict[str, str]
    matrix: dict[tuple[str, str], str]
    security_priority: str | None


class _Parser:
    """Validation helpers that know the profile name for their error messages."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.priorities: tuple[str, ...] = ()
        self.day_seconds = 0

    def fail(self, where: str, problem: str) -> InvalidProfile:
        return InvalidProfile(self.name, where, problem)

    def intake(self, intake: Mapping[str, Any]) -> _Intake:
        impacts = tuple(self.str_list(intake, "impact", "intake.impact"))
        urgencies = tuple(self.str_list(intake, "urgency", "intake.urgency"))
        aliases_raw = intake.get("aliases", {})
        if not isinstance(aliases_raw, Mapping) or not all(
            isinstance(v, str) and (v in impacts or v in urgencies) for v in aliases_raw.values()
        ):
            raise self.fail("intake.aliases", "must map names to impact/urgency levels")
        matrix_raw = self.table(intake, "matrix", "intake.matrix")
        matrix: dict[tuple[str, str], str] = {}
        for impact in impacts:
            row = self.table(matrix_raw, impact, f"intake.matrix.{impact}")
            for urgency in urgencies:
                where = f"intake.matrix.{impact}.{urgency}"
                if urgency not in row:
                    raise self.fail(where, "missing")
                matrix[(impact, urgency)] = self.priority(row[urgency], where)
        security = intake.get("security_priority")
        security_priority = (
            None if security is None else self.priority(security, "intake.security_priority")
        )
        return _Intake(impacts, urgencies, dict(aliases_raw), matrix, security_priority)

    def clocks(
        self, clocks_raw: Mapping[str, Any], impacts: tuple[str, ...], urgencies: tuple[str, ...]
    ) -> dict[str, ClockRule]:
        clocks: dict[str, ClockRule] = {}
        for clock_name, clock_raw in clocks_raw.items():
            if clock_name not in CLOCK_NAMES:
                raise self.fail(
                    f"clocks.{clock_name}", f"unknown clock (known: {', '.join(CLOCK_NAMES)})"
                )
            if not isinstance(clock_raw, Mapping):
                raise self.fail(f"clocks.{clock_name}", "must be a table")
            clocks[clock_name] = self.clock(clock_name, clock_raw, impacts, urgencies)
        for required in REQUIRED_CLOCKS:
            if required not in clocks:
                raise self.fail(f"clocks.{required}", "missing")
        return clocks

    def norms(
        self, norms_raw: Mapping[str, Any]
    ) -> tuple[dict[str, float], float, dict[str, float]]:
        """Within-norm percentages per priority, the CSAT norm, and MTTP norms (seconds)."""
        within = self.table(norms_raw, "within_norm", "norms.within_norm")
        norms: dict[str, float] = {}
        for key, value in within.items():
            where = f"norms.within_norm.{key}"
            self.priority(key, where)
            if not isinstance(value, int | float) or not 0 <= value <= 100:
                raise self.fail(where, "must be a percentage from 0 to 100")
            norms[key] = float(value)
        for priority in self.priorities:
            if priority not in norms:
                raise self.fail(f"norms.within_norm.{priority}", "missing")
        csat = norms_raw.get("csat", 8)
        if not isinstance(csat, int | float) or not 1 <= csat <= 10:
            raise self.fail("norms.csat", "must be a score from 1 to 10")
        mttp_raw = norms_raw.get("mttp", {})
        if not isinstance(mttp_raw, Mapping):
            raise self.fail("norms.mttp", "must be a table of priority = duration")
        mttp_norms: dict[str, float] = {}
        for key, value in mttp_raw.items():
            where = f"norms.mttp.{key}"
            self.priority(key, where)
            mttp_target = self.target(value, where, allow_day_end=False)
            if mttp_target is not None:
                mttp_norms[key] = mttp_target.seconds
        return norms, float(csat), mttp_norms

    def table(
        self, raw: Mapping[str, Any], key: str, where: str | None = None
    ) -> Mapping[str, Any]:
        value = raw.get(key)
        if not isinstance(value, Mapping):
            raise self.fail(where or key, "missing or not a table")
        return value

    def str_list(self, raw: Mapping[str, Any], key: str, where: str | None = None) -> list[str]:
        value = raw.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where or key, "missing or not a list of names")
        return value

    def priority(self, value: object, where: str) -> str:
        if not isinstance(value, str) or value not in self.priorities:
            raise self.fail(
                where, f"unknown priority {value!r} (expected one of {', '.join(self.priorities)})"
            )
        return value

    def clock_time(self, value: object, where: str) -> time:
        if not isinstance(value, str) or not _TIME.match(value):
            raise self.fail(where, f"{value!r} is not a time of day HH:MM")
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    def calendar(self, cal: Mapping[str, Any]) -> BusinessCalendar:
        tz_name = cal.get("timezone")
        try:
            tz = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail("calendar.timezone", f"unknown time zone {tz_name!r}") from None
        days = self.str_list(cal, "weekdays", "calendar.weekdays")
        unknown = [d for d in days if d not in WEEKDAY_NAMES]
        if unknown or not days:
            raise self.fail("calendar.weekdays", f"expected names from {', '.join(WEEKDAY_NAMES)}")
        opens = self.clock_time(cal.get("opens"), "calendar.opens")
        closes = self.clock_time(cal.get("closes"), "calendar.closes")
        if closes <= opens:
            raise self.fail("calendar.closes", "the window must close after it opens")
        country = cal.get("holidays")
        if country is not None and not isinstance(country, str):
            raise self.fail("calendar.holidays", "must be a country code such as 'NL'")
        excluded = cal.get("exclude_holidays", [])
        if not isinstance(excluded, list):
            raise self.fail("calendar.exclude_holidays", "must be a list of holiday names")
        window = ServiceWindow(frozenset(WEEKDAY_NAMES.index(d) for d in days), opens, closes)
        try:
            return BusinessCalendar(window, tz, country, excluded)
        except (NotImplementedError, KeyError, AttributeError):
            raise self.fail("calendar.holidays", f"unknown holiday country {country!r}") from None

    def target(self, value: object, where: str, allow_day_end: bool) -> Target | None:
        if value == "none":
            return None
        if isinstance(value, str) and value in _DAY_END_TARGETS:
            if not allow_day_end:
                allowed = " and ".join(s.name for s in CLOCKS if s.day_end_targets)
                raise self.fail(where, f"{value!r} is only allowed on the {allowed} clock")
            return Target(days_later=_DAY_END_TARGETS[value], text=value)
        match = _DURATION.match(value) if isinstance(value, str) else None
        if match is None:
            raise self.fail(
                where,
                f"{value!r} is not a target (use e.g. '15m', '4h', '2wd', 'same_day', 'none')",
            )
        amount, unit = float(match.group(1)), match.group(2)
        if amount <= 0:
            raise self.fail(where, "must be more than zero")
        unit_seconds = {"m": 60, "h": 3600, "wd": self.day_seconds}[unit]
        seconds = amount * unit_seconds
        return Target(seconds=seconds, text=str(value))

    def clock(
        self,
        clock_name: str,
        raw: Mapping[str, Any],
        impacts: tuple[str, ...],
        urgencies: tuple[str, ...],
    ) -> ClockRule:
        base = f"clocks.{clock_name}"
        targets_raw = self.table(raw, "targets", f"{base}.targets")
        spec = CLOCK_SPECS[clock_name]
        allow_day_end = spec.day_end_targets
        targets: dict[str, Target] = {}
        for key, value in targets_raw.items():
            self.priority(key, f"{base}.targets.{key}")
            target = self.target(value, f"{base}.targets.{key}", allow_day_end)
            if target is not None:
                targets[key] = target
        missing = [p for p in self.priorities if p not in targets_raw]
        if missing:
            raise self.fail(
                f"{base}.targets",
                f"no target for {', '.join(missing)} (use 'none' if it does not apply)",
            )
        channels: dict[str, frozenset[str]] = {}
        for key, value in dict(raw.get("channels", {})).items():
            where = f"{base}.channels.{key}"
            self.priority(key, where)
            if not isinstance(value, list) or not set(value) <= FIRST_RESPONSE_CHANNELS:
                raise self.fail(
                    where, f"must list channels from {', '.join(sorted(FIRST_RESPONSE_CHANNELS))}"
                )
            channels[key] = frozenset(value)
        warn: dict[str, Target] = {}
        for key, value in dict(raw.get("warn", {})).items():
            where = f"{base}.warn.{key}"
            self.priority(key, where)
            warn_target = self.target(value, where, allow_day_end=False)
            if warn_target is not None:
                warn[key] = warn_target
        stop_raw = raw.get("stop_on_workaround", [])
        if not isinstance(stop_raw, list):
            raise self.fail(f"{base}.stop_on_workaround", "must be a list of priorities")
        stop = frozenset(self.priority(v, f"{base}.stop_on_workaround") for v in stop_raw)
        cells: dict[tuple[str, str], Target] = {}
        if "cells" in raw:
            cells_raw = self.table(raw, "cells", f"{base}.cells")
            for impact in impacts:
                row = self.table(cells_raw, impact, f"{base}.cells.{impact}")
                for urgency in urgencies:
                    where = f"{base}.cells.{impact}.{urgency}"
                    if urgency not in row:
                        raise self.fail(where, "missing")
                    cell = self.target(row[urgency], where, allow_day_end=False)
                    if cell is None:
                        raise self.fail(where, "a cell needs a target")
                    cells[(impact, urgency)] = cell
        if spec.pausable and any(t.is_day_end for t in targets.values()):
            raise self.fail(f"{base}.targets", f"the {clock_name} clock needs durations")
        return ClockRule(
            name=clock_name,
            targets=targets,
            channels=channels,
            warn=warn,
            stop_on_workaround=stop,
            cells=cells,
        )
