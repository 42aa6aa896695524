"""How central asks each carrier (`halt-desk central courier configure CARRIER`): every
`interval` minutes per open shipment, at most `rate` requests a second, at `base_url`
(the carrier's public API unless configured otherwise, e.g. a test server), with the API
key and the webhook secret kept as central secrets (central_secrets.py), never in a
table of their own, a file or a log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from halt_desk.central import central_secrets
from halt_desk.central.schema import courier_settings
from halt_desk.couriers.registry import carriers
from halt_desk.domain.errors import HaltDeskError

DEFAULT_INTERVAL_MINUTES = 15
#: Requests a second by default: well under what the carriers allow a contract.
DEFAULT_RATE = 5.0
MAX_RATE = 1000.0
#: The shortest interval (minutes): a few seconds, for a test carrier.
MIN_INTERVAL = 0.01


@dataclass(frozen=True, slots=True)
class CourierSettings:
    carrier: str
    interval_minutes: float
    base_url: str
    rate: float
    api_key: str = ""  # never printed: repr leaves it out
    webhook_secret: str = ""

    def __repr__(self) -> str:
        return (
            f"CourierSettings({self.carrier!r}, every {self.interval_minutes} min, "
            f"{self.base_url!r}, {self.rate}/s)"
        )


def _secret_name(carrier: str, what: str) -> str:
    return f"courier:{carrier}:{what}"


def check_carrier(carrier: str) -> str:
    if carrier not in carriers():
        raise HaltDeskError(f"unknown carrier {carrier!r}: choose {', '.join(carriers())}")
    return carrier


def configure(
    engine: Engine,
    carrier: str,
    api_key: str,
    *,
    interval_minutes: float | None = None,
    base_url: str | None = None,
    rate: float | None = None,
) -> tuple[CourierSettings, str]:
    """Stores the settings of `carrier` (what is not given stays as it was, or takes its
    default) and its API key; returns them with the webhook secret (made the first time)."""
    check_carrier(carrier)
    if not api_key.strip():
        raise HaltDeskError("no API key on standard input")
    known = load(engine).get(carrier)
    interval = interval_minutes or (known.interval_minutes if known else DEFAULT_INTERVAL_MINUTES)
    rate = rate or (known.rate if known else DEFAULT_RATE)
    url = base_url or (known.base_url if known else carriers()[carrier].base_url)
    if not MIN_INTERVAL <= interval <= 24 * 60:
        raise HaltDeskError(f"--interval: between {MIN_INTERVAL:g} and 1440 minutes")
    if not 0 < rate <= MAX_RATE:
        raise HaltDeskError(f"--rate: more than 0 and at most {MAX_RATE:g} requests a second")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query:
        raise HaltDeskError(f"--base-url: an http(s) address without query, not {url!r}")
    row = {
        "carrier": carrier,
        "interval_minutes": float(interval),
        "base_url": url.rstrip("/"),
        "rate": float(rate),
        "updated_at": datetime.now(UTC).isoformat(),
    }
    with engine.begin() as conn:
        if known is None:
            conn.execute(courier_settings.insert().values(row))
        else:
            conn.execute(
                courier_settings.update().where(courier_settings.c.carrier == carrier).values(row)
            )
    central_secrets.put_secret(engine, _secret_name(carrier, "api_key"), api_key.strip())
    hook = central_secrets.get_secret(engine, _secret_name(carrier, "webhook_secret"))
    if not hook:
        hook = secrets.token_urlsafe(32)
        central_secrets.put_secret(engine, _secret_name(carrier, "webhook_secret"), hook)
    return load(engine)[carrier], hook


def load(engine: Engine) -> dict[str, CourierSettings]:
    """The configured carriers with their key and webhook secret."""
    with engine.connect() as conn:
        rows = conn.execute(select(courier_settings).order_by(courier_settings.c.carrier)).all()
    found: dict[str, CourierSettings] = {}
    for row in rows:
        key = central_secrets.get_secret(engine, _secret_name(row.carrier, "api_key")) or ""
        hook = central_secrets.get_secret(engine, _secret_name(row.carrier, "webhook_secret"))
        found[row.carrier] = CourierSettings(
            row.carrier, row.interval_minutes, row.base_url, row.rate, key, hook or ""
        )
    return found


@dataclass(frozen=True, slots=True)
class CarrierState:
    """What `central courier list` shows of one configured carrier."""

    settings: CourierSettings
    shipments: int  # open shipments with a turn
    failing: list[tuple[str, str]]  # (tracking code, last problem) of those that failed


def states(engine: Engine) -> list[CarrierState]:
    from halt_desk.central.schema import courier_polls

    found: list[CarrierState] = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(courier_polls.c.carrier, courier_polls.c.tracking, courier_polls.c.problem)
        ).all()
    for carrier, settings in load(engine).items():
        mine = [row for row in rows if row.carrier == carrier]
        failing = [(row.tracking, row.problem) for row in mine if row.problem]
        found.append(CarrierState(settings, len(mine), failing))
    return found
