"""One interface for courier track-and-trace: a carrier's answer mapped onto the shipment
statuses of DESIGN §2.6 (booked … returned).

An adapter gets its HTTP through a `Fetch` function (URL, headers, query → parsed JSON), so
tests feed it recorded answers and central the real `http_fetch`; its base URL is
configuration (`halt-desk central courier configure CARRIER --base-url`). Central polls the
carriers (central/courier_poll.py) with the keys it keeps as secrets, never in a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.swaps import ShipmentStatus

#: (url, headers, query parameters) → the answer's JSON.
Fetch = Callable[[str, Mapping[str, str], Mapping[str, str]], Any]


class CourierError(HaltDeskError):
    """The carrier could not be asked or gave an answer we cannot read: names the carrier
    and the tracking code (never the key)."""

    def __init__(self, carrier: str, tracking: str, problem: str) -> None:
        self.carrier, self.tracking, self.problem = carrier, tracking, problem
        super().__init__(f"{carrier} {tracking}: {problem}")


class ShipmentUnknown(CourierError):
    """The carrier does not know this tracking code (yet)."""


class CourierBusy(CourierError):
    """Ask again later: the carrier refused for its rate limit (429, with the seconds of its
    Retry-After when it gave them), failed on its side (5xx) or did not answer in time."""

    def __init__(
        self, carrier: str, tracking: str, problem: str, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(carrier, tracking, problem)


class ShipmentProblem:
    """What the logistics queue flags at once (DESIGN §2.6 statuses say what happened; a
    problem says what needs a person)."""

    DELIVERY_FAILED = "delivery_failed"
    ADDRESS = "address_problem"
    RETURNED = "returned_to_sender"


_ADDRESS_WORDS = ("adres", "address", "adresse")


def problem_of(status: ShipmentStatus, text: str) -> str | None:
    """The problem a carrier status reports, if any: returned to sender, an address problem
    (a failed delivery whose text names the address), or a failed delivery."""
    if status is ShipmentStatus.RETURNED:
        return ShipmentProblem.RETURNED
    if status is ShipmentStatus.FAILED_ATTEMPT:
        lowered = text.lower()
        if any(word in lowered for word in _ADDRESS_WORDS):
            return ShipmentProblem.ADDRESS
        return ShipmentProblem.DELIVERY_FAILED
    return None


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    """One status of a shipment as the carrier reported it."""

    status: ShipmentStatus
    at: datetime
    description: str  # the carrier's own words (no personal data)
    code: str  # the carrier's status code
    location: str = ""  # the place the carrier names (a town or depot), if any

    @property
    def problem(self) -> str | None:
        return problem_of(self.status, self.description)


@dataclass(frozen=True, slots=True)
class TrackingResult:
    carrier: str
    tracking: str
    updates: tuple[TrackingUpdate, ...]  # oldest first
    expected: datetime | None = None  # the carrier's expected delivery (end of its window)

    @property
    def current(self) -> TrackingUpdate | None:
        return self.updates[-1] if self.updates else None


class CourierAdapter(Protocol):
    """A carrier's public tracking API behind one call."""

    carrier: str

    def track(self, tracking: str) -> TrackingResult: ...


def http_fetch(timeout: float = 15.0, carrier: str = "http") -> Fetch:
    """The real `Fetch`: a GET with urllib3 over kept-alive connections (TLS verified), JSON
    back; half the CPU of `requests` per call, which counts when central asks thousands.
    A 404 is ShipmentUnknown; 429, 5xx, a timeout or a lost connection CourierBusy (with
    Retry-After); any other failure, or an answer that is not JSON, a CourierError. The
    errors name the URL's last part, never a header (the key is in one)."""
    import orjson
    import urllib3

    pool = urllib3.PoolManager(num_pools=4, maxsize=1, retries=False)

    def fetch(url: str, headers: Mapping[str, str], params: Mapping[str, str]) -> Any:
        where = url.rsplit("/", 1)[-1] or url
        try:
            response = pool.request(
                "GET", url, headers=dict(headers), fields=dict(params) or None, timeout=timeout
            )
        except urllib3.exceptions.HTTPError as exc:
            raise CourierBusy(carrier, where, f"not reachable ({type(exc).__name__})") from None
        status = response.status
        if status == 404:
            raise ShipmentUnknown(carrier, where, "not found")
        if status == 429 or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise CourierBusy(carrier, where, f"HTTP {status}", wait)
        if status >= 400:
            raise CourierError(carrier, where, f"HTTP {status}")
        try:
            return orjson.loads(response.data)
        except orjson.JSONDecodeError:
            raise CourierError(carrier, where, "the answer is not JSON") from None

    return fetch


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds of a Retry-After header (a number of seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())
