"""The courier registry: each carrier's module declares itself (`CARRIER`: code, name,
barcode formats, tracking adapter); everything that needs a carrier asks here.

Adding a courier is one new module in this package with a `CARRIER = Carrier(...)` and its
recorded-response fixtures; nothing else lists carriers.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from halt_desk.couriers.base import CourierAdapter, Fetch, TrackingResult

#: A carrier's push body → the shipments it reports (CourierError when it cannot be read).
PushParser = Callable[[object], list[TrackingResult]]


@dataclass(frozen=True, slots=True)
class Carrier:
    """One courier: `recognise` takes a cleaned barcode (upper case, no spaces) and gives the
    tracking code it carries, or None when the text is not in this carrier's formats."""

    code: str  # "postnl": stored on shipments, keychain entry `courier:<code>`
    name: str  # "PostNL", as people write it
    recognise: Callable[[str], str | None]
    adapter: Callable[[str, Fetch, str], CourierAdapter]  # (API key, fetch, base URL)
    base_url: str  # the carrier's public API
    #: Reads a push to `POST /api/v1/couriers/{code}/webhook`; None: the carrier has none.
    push: PushParser | None = None
    #: Header with the carrier's signature of the body (HMAC-SHA256 with the webhook
    #: secret, hex) where the carrier signs its pushes; None: it sends our secret instead.
    signature_header: str | None = None


#: Modules of this package that are not carriers.
_NOT_CARRIERS = frozenset({"base", "registry"})


@cache
def carriers() -> Mapping[str, Carrier]:
    """Every carrier of this package by code, in code order (imported once)."""
    found: dict[str, Carrier] = {}
    package = importlib.import_module(__package__ or "halt_desk.couriers")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in _NOT_CARRIERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        carrier = getattr(module, "CARRIER", None)
        if isinstance(carrier, Carrier):
            found[carrier.code] = carrier
    return found


def carrier_name(code: str) -> str:
    """A carrier's name as people write it ("PostNL"); an unknown code as it is."""
    found = carriers().get(code)
    return found.name if found is not None else code


def carrier_names() -> str:
    """The carriers as a person lists them: "DHL, DPD of PostNL" (Dutch "or")."""
    names = sorted(c.name for c in carriers().values())
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} of {names[-1]}"


def recognise_tracking(code: str) -> tuple[str, str] | None:
    """(carrier code, tracking code) of a cleaned courier barcode, or None."""
    for carrier in carriers().values():
        tracking = carrier.recognise(code)
        if tracking is not None:
            return carrier.code, tracking
    return None
