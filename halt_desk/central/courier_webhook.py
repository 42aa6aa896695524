"""Pushes from carriers: `POST /api/v1/couriers/{carrier}/webhook`.

Only a carrier that pushes has a webhook (its module's `push` reads the body: DHL's
Shipment Tracking – Unified – Push sends the `shipments[]` of its tracking API). Each
carrier's push is authenticated by its own webhook secret (made by `central courier
configure`, given to the carrier in the subscription as the header `SECRET_HEADER`, as
DHL's `ApiKeyAuthentication` does); where a carrier signs its pushes (`signature_header`
of its module), the HMAC-SHA256 of the body with that secret must match as well. What a
push reports is recorded exactly as a poll's answer, with source `webhook`; a status
recorded already (by a poll or an earlier push) is not recorded again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import orjson
from fastapi import FastAPI, HTTPException, Path, Request
from starlette.concurrency import run_in_threadpool

from halt_desk.central.courier_events import open_shipments, record, status_events
from halt_desk.central.courier_settings import load
from halt_desk.central.openapi import declared
from halt_desk.central.service import Central
from halt_desk.couriers.base import CourierError
from halt_desk.couriers.registry import carriers

SECRET_HEADER = "x-halt-webhook-secret"
MAX_PUSH_BYTES = 1_000_000


class PushRefused(Exception):
    """The push is not taken: HTTP `status` with the reason (never the secret)."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class PushTaken:
    shipments: int  # shipments in the push
    recorded: int  # events recorded
    unknown: list[str]  # tracking codes of no open shipment

    def to_json(self) -> dict[str, object]:
        return {"shipments": self.shipments, "recorded": self.recorded, "unknown": self.unknown}


def receive_push(
    central: Central, carrier: str, headers: Mapping[str, str], body: bytes
) -> PushTaken:
    """Checks a push (carrier, secret, signature, body) and records what it reports."""
    known = carriers().get(carrier)
    if known is None or known.push is None:
        raise PushRefused(404, f"no webhook for carrier {carrier!r}")
    settings = load(central.engine).get(carrier)
    if settings is None or not settings.webhook_secret:
        raise PushRefused(404, f"carrier {carrier} is not configured at this central")
    secret = settings.webhook_secret.encode()
    given = headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, secret):
        raise PushRefused(403, "the webhook secret is missing or wrong")
    if known.signature_header is not None:
        signature = headers.get(known.signature_header.lower(), "")
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.lower().encode(), expected.encode()):
            raise PushRefused(403, "the carrier's signature does not match the body")
    if len(body) > MAX_PUSH_BYTES:
        raise PushRefused(413, "push too large")
    try:
        results = known.push(orjson.loads(body))
    except orjson.JSONDecodeError:
        raise PushRefused(400, "the push is not JSON") from None
    except CourierError as exc:
        raise PushRefused(400, exc.problem) from None
    shipments = {s.key: s for s in open_shipments(central) if s.carrier == carrier}
    recorded, unknown = 0, []
    for result in results:
        shipment = shipments.get((carrier, result.tracking))
        if shipment is None:
            unknown.append(result.tracking)
            continue
        recorded += record(central, status_events(central, shipment, result, "webhook"), carrier)
    return PushTaken(len(results), recorded, unknown)


def add_webhook_route(app: FastAPI, central: Central) -> None:
    """`POST /api/v1/couriers/{carrier}/webhook` on the central API."""

    @app.post("/api/v1/couriers/{carrier}/webhook", **declared(400, 403, 404, 413, 503))
    async def courier_webhook(
        carrier: Annotated[str, Path(max_length=20, examples=["dhl"])], request: Request
    ) -> dict[str, object]:
        # A carrier's push, authenticated by its webhook secret, not by a user's token.
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            taken = await run_in_threadpool(receive_push, central, carrier, headers, body)
        except PushRefused as exc:
            raise HTTPException(exc.status, str(exc)) from None
        return taken.to_json()
