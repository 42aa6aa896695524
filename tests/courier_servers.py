"""Fake carrier tracking servers on 127.0.0.1, one per carrier, answering in each carrier's
published format (shaped on the recorded answers in tests/fixtures/couriers): PostNL's
Shipping Status v2, DHL's Shipment Tracking – Unified, DPD's parcel life cycle.

Each enforces a rate limit like the carriers' own (LIMIT requests in any second; beyond it
429 with Retry-After), checks the API key, counts the requests per tracking code, and
fails on request: HTTP 500, a slow answer, or a body that is not JSON. A test scripts a
shipment's statuses (`FakeCarrier.add`) and moves it on (`FakeCarrier.advance`), or
replays a recorded answer as it is (`FakeCarrier.replay`).
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "couriers"
LIMIT = 50  # requests a second, per carrier
TZ = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class Step:
    """One carrier status: the carrier's own code and words, when, where."""

    code: str
    at: datetime
    text: str
    location: str = ""


@dataclass
class Scripted:
    steps: list[Step]
    shown: int  # how many of `steps` the carrier reports now
    expected: datetime | None = None


@dataclass
class FakeCarrier:
    """One carrier's tracking server: `url` is its base URL (configuration of central)."""

    carrier: str
    api_key: str = "test-key"
    limit: int = LIMIT
    shipments: dict[str, Scripted] = field(default_factory=dict)
    recorded: dict[str, Any] = field(default_factory=dict)
    requests: collections.Counter[str] = field(default_factory=collections.Counter)
    refused: int = 0  # 429s given
    faults: list[str] = field(default_factory=list)  # "500", "slow", "malformed", next first
    slow_seconds: float = 3.0
    _window: collections.deque[float] = field(default_factory=collections.deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ script
    def add(
        self, tracking: str, steps: list[Step], shown: int = 1, expected: datetime | None = None
    ) -> None:
        self.shipments[tracking] = Scripted(list(steps), shown, expected)

    def advance(self, tracking: str, to: int | None = None) -> None:
        """The carrier reports one more status (or the first `to`)."""
        scripted = self.shipments[tracking]
        scripted.shown = to if to is not None else scripted.shown + 1

    def replay(self, tracking: str, fixture: str) -> None:
        self.recorded[tracking] = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))

    def fail(self, *faults: str) -> None:
        self.faults.extend(faults)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ------------------------------------------------------------------ serving
    def start(self) -> FakeCarrier:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, headers, body = fake.answer(self.path, dict(self.headers.items()))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up on a slow answer: nothing to report

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        json_type = {"Content-Type": "application/json"}
        with self._lock:
            now = time.monotonic()
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.limit:
                self.refused += 1
                return 429, {**json_type, "Retry-After": "1"}, b'{"title": "Too Many Requests"}'
            self._window.append(now)
            fault = self.faults.pop(0) if self.faults else None
        if not self._key_ok(headers):
            return 401, json_type, b'{"title": "Unauthorized"}'
        tracking = self._tracking(path)
        with self._lock:
            self.requests[tracking] += 1
        if fault == "500":
            return 500, json_type, b'{"title": "Internal Server Error"}'
        if fault == "slow":
            time.sleep(self.slow_seconds)
        if fault == "malformed":
            return 200, json_type, b'{"shipments": [{"id": '
        body = self._body(tracking)
        if body is None:
            return 404, json_type, b'{"title": "Not Found"}'
        return 200, json_type, json.dumps(body).encode()

    def _key_ok(self, headers: dict[str, str]) -> bool:
        lowered = {k.lower(): v for k, v in headers.items()}
        given = {
            "postnl": lowered.get("apikey"),
            "dhl": lowered.get("dhl-api-key"),
            "dpd": (lowered.get("authorization") or "").removeprefix("Bearer "),
        }[self.carrier]
        return given == self.api_key

    def _tracking(self, path: str) -> str:
        parts = urlsplit(path)
        if self.carrier == "dhl":
            return parse_qs(parts.query).get("trackingNumber", [""])[0]
        return parts.path.rsplit("/", 1)[-1]

    def _body(self, tracking: str) -> Any:
        if tracking in self.recorded:
            return self.recorded[tracking]
        scripted = self.shipments.get(tracking)
        if scripted is None:
            return None
        shown = scripted.steps[: scripted.shown]
        return FORMATS[self.carrier](tracking, shown, scripted.expected)


# ---------------------------------------------------------------------- formats
def postnl_body(tracking: str, steps: list[Step], expected: datetime | None) -> Any:
    def status(step: Step) -> dict[str, str]:
        return {
            "StatusCode": step.code,
            "StatusDescription": step.text,
            "PhaseCode": "",
            "TimeStamp": step.at.astimezone(TZ).strftime("%d-%m-%Y %H:%M:%S"),
        }

    if not steps:
        return {"Warnings": [{"Code": "1", "Message": "No shipment found for barcode"}]}
    shipment: dict[str, Any] = {
        "MainBarcode": tracking,
        "Barcode": tracking,
        "Status": status(steps[-1]),
        "OldStatuses": [status(s) for s in steps[:-1]],
    }
    if expected is not None:
        when = expected.astimezone(TZ).strftime("%d-%m-%Y %H:%M:%S")
        shipment["Expectation"] = {"ETAFrom": when, "ETATo": when}
    return {"CompleteStatus": {"Shipment": shipment}}


def dhl_body(tracking: str, steps: list[Step], expected: datetime | None) -> Any:
    def event(step: Step) -> dict[str, Any]:
        item: dict[str, Any] = {
            "timestamp": step.at.isoformat(),
            "statusCode": step.code,
            "description": step.text,
        }
        if step.location:
            item["location"] = {"address": {"addressLocality": step.location}}
        return item

    if not steps:
        return {"shipments": []}
    shipment: dict[str, Any] = {
        "id": tracking,
        "service": "parcel-nl",
        "status": event(steps[-1]),
        "events": [event(s) for s in reversed(steps)],  # DHL: newest first
    }
    if expected is not None:
        shipment["estimatedTimeOfDelivery"] = expected.isoformat()
    return {"shipments": [shipment]}


DPD_ORDER = ["ACCEPTED", "AT_SENDING_DEPOT", "ON_THE_ROAD", "AT_DELIVERY_DEPOT",
             "OUT_FOR_DELIVERY", "DELIVERED"]  # fmt: skip


def dpd_body(tracking: str, steps: list[Step], expected: datetime | None) -> Any:
    if not steps:
        return {"parcellifecycleResponse": {"parcelLifeCycleData": None}}
    reached = {s.code: s for s in steps}
    info = [
        {
            "status": step.code,
            "label": step.text,
            "statusHasBeenReached": True,
            "isCurrentStatus": step is steps[-1],
            "date": step.at.astimezone(TZ).replace(tzinfo=None).isoformat(),
            "location": step.location,
        }
        for step in steps
    ]
    info += [
        {"status": code, "label": code, "statusHasBeenReached": False, "isCurrentStatus": False}
        for code in DPD_ORDER
        if code not in reached
    ]
    shipment = {"parcelLabelNumber": tracking}
    return {
        "parcellifecycleResponse": {
            "parcelLifeCycleData": {"shipmentInfo": shipment, "statusInfo": info}
        }
    }


FORMATS = {"postnl": postnl_body, "dhl": dhl_body, "dpd": dpd_body}


class CarrierServers:
    """One fake per carrier (`servers["dhl"]`), started and stopped together."""

    def __init__(self) -> None:
        self.fakes = {code: FakeCarrier(code) for code in FORMATS}

    def __getitem__(self, carrier: str) -> FakeCarrier:
        return self.fakes[carrier]

    def __enter__(self) -> CarrierServers:
        for fake in self.fakes.values():
            fake.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for fake in self.fakes.values():
            fake.stop()


def carrier_servers() -> Iterator[CarrierServers]:
    """The body of a pytest fixture: the three fakes on loopback for one test."""
    with CarrierServers() as servers:
        yield servers
