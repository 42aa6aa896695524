"""Registers the demo's reference data as events: organisations, locations, depots, staff
and employees, then the loaners with their first readiness checks, before the first ticket."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from halt_desk.demo.business_minutes import BusinessMinutes
from halt_desk.demo.event_log import SYSTEM_ACTOR, EventLog
from halt_desk.demo.reference import (
    DEPOT_MINIMUM,
    DEPOTS,
    DESOM_LOCATIONS,
    HALT_LOCATIONS,
    LOGISTICS_STAFF,
    ORGANISATIONS,
    STAFF_NAMES,
    Device,
    Employee,
)


def register_reference_data(
    rng: random.Random,
    log: EventLog,
    cal: BusinessMinutes,
    start: date,
    employees: tuple[Employee, ...],
    devices: tuple[Device, ...],
) -> dict[str, int]:
    """Registers organisations, locations, employees, depots and loaners two weeks before
    `start`; returns, per ready loaner, the business index from which it is in stock."""
    base = datetime.combine(start - timedelta(days=14), time(9, 0), cal.tz)
    tick = count()
    _register_organisations(log, lambda: base + timedelta(seconds=next(tick)), employees)
    return _register_loaners(rng, log, cal, start, devices)


def _register_organisations(
    log: EventLog, at: Callable[[], datetime], employees: tuple[Employee, ...]
) -> None:
    """Organisations, locations, depots and employees, one second apart from `at()`."""
    data: dict[str, Any]
    for org in ORGANISATIONS:
        data = {"name": org.name, "profile": org.profile}
        log.add(f"org:{org.id}", "organisation_registered", at(), SYSTEM_ACTOR, data)
    for loc in HALT_LOCATIONS + DESOM_LOCATIONS:
        data = {"org": loc.org, "name": loc.name, "city": loc.city, "region": loc.region}
        log.add(f"location:{loc.id}", "location_registered", at(), SYSTEM_ACTOR, data)
    for depot in DEPOTS:
        data = {"name": depot.name, "city": depot.city, "minimum": DEPOT_MINIMUM[depot.id]}
        log.add(f"depot:{depot.id}", "depot_registered", at(), SYSTEM_ACTOR, data)
    for user, name in STAFF_NAMES.items():
        data = {"name": name, "role": user.partition(":")[0]}
        log.add(f"staff:{user}", "staff_registered", at(), SYSTEM_ACTOR, data)
    for emp in employees:
        data = {
            "org": emp.org,
            "name": emp.name,
            "email": emp.email,
            "phone": emp.phone,
            "team": emp.team,
            "region": emp.region,
            "location": emp.location,
            "role": emp.role,
        }
        log.add(f"employee:{emp.id}", "employee_registered", at(), SYSTEM_ACTOR, data)


def _register_loaners(
    rng: random.Random,
    log: EventLog,
    cal: BusinessMinutes,
    start: date,
    devices: tuple[Device, ...],
) -> dict[str, int]:
    """Each loaner registered and checked a minute apart; returns when each is ready."""
    registered = datetime.combine(start - timedelta(days=10), time(10, 0), cal.tz)
    checked = datetime.combine(start - timedelta(days=7), time(10, 0), cal.tz)
    # Two loaners fail one readiness check at first and are fixed in the first weeks.
    not_ready = set(rng.sample(range(len(devices)), k=min(2, len(devices))))
    ready_from: dict[str, int] = {}
    for n, dev in enumerate(devices):
        stream = f"device:{dev.asset_tag}"
        staff = LOGISTICS_STAFF[n % len(LOGISTICS_STAFF)]
        data = {
            "serial": dev.serial,
            "model": dev.model,
            "type": dev.type,
            "org": dev.org,
            "depot": dev.depot,
        }
        log.add(stream, "device_registered", registered + timedelta(minutes=n), staff, data)
        checks = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
        check_at = checked + timedelta(minutes=n)
        if n in not_ready:
            checks[rng.choice(("bitlocker", "base_apps"))] = False
            log.add(stream, "readiness_checked", check_at, staff, checks)
            fixed = cal.index_of(check_at) + rng.randint(5 * cal.width, 15 * cal.width)
            passed = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
            log.add(stream, "readiness_checked", cal.at(fixed), staff, passed)
            ready_from[dev.asset_tag] = fixed
        else:
            log.add(stream, "readiness_checked", check_at, staff, checks)
            ready_from[dev.asset_tag] = cal.index_of(check_at)
    return ready_from
