"""Personal data by schema (DESIGN §2.6, seed 001 §5.1 l): which fields of which event type
are personal (a home address, a private phone number or e-mail address).

Each event type declares its fields. On the streams that carry personal data (employees,
swaps, a device's shipping to a home) a type is *closed*: a field it does not declare as
public is treated as personal, so `Home_Address` or a nested `contact.address` are never
handed out by accident. On the other streams only the declared personal fields are
personal. No field is judged by its name anywhere. Paths are dotted for nested objects
(`contact.address`); a public path `contact.name` keeps `contact` with only that field.

Who may see personal fields is the central's business (central/auth.py); this module only
says which fields they are and takes them out. The desk reads them through this module
too: the screens that show a home address (`home_address`), the 30-day purge of a closed
swap (`purged`), and what it writes out (`without_personal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: What a client's store stamps into every event it records (never personal).
CLIENT_STAMPS: frozenset[str] = frozenset({"device_at", "clock_offset_ms", "base_seq"})
#: The home address of a swap or swap request.
HOME_ADDRESS = "home_address"
#: The mark the desk's purge leaves in an event's data: the paths it took out (DESIGN §2.6).
PURGED = "purged"
#: Streams about one person (the employee directory): every read of one is a read of
#: personal data, whatever its fields.
PERSONAL_RECORD_KINDS: frozenset[str] = frozenset({"employee"})


@dataclass(frozen=True, slots=True)
class DataSchema:
    """The fields of one event type: `public` and `personal` dotted paths; `closed`: any
    other field is personal too; `address`: the personal paths that hold the home address,
    in order of preference (what a screen showing the address reads)."""

    public: frozenset[str] = frozenset()
    personal: frozenset[str] = frozenset()
    closed: bool = False
    address: tuple[str, ...] = ()

    @property
    def may_hold_personal(self) -> bool:
        return self.closed or bool(self.personal)


def _open(*personal: str, address: tuple[str, ...] = ()) -> DataSchema:
    return DataSchema(personal=frozenset(personal), address=address)


def _closed(
    public: set[str], personal: set[str] | None = None, address: tuple[str, ...] = ()
) -> DataSchema:
    return DataSchema(
        public=frozenset(public) | CLIENT_STAMPS,
        personal=frozenset(personal or ()),
        closed=True,
        address=address,
    )


_SWAP_PLAN = {"ticket", "org", "mode", "depot", "due", "engineer", "reason", "note"}
_SHIPMENT = {
    *("leg", "carrier", "tracking", "status", "source", "detail", "code", "text", "time"),
    *("problem", "expected"),  # the carrier's exception and expected delivery (couriers)
}
#: The employee directory (`central import employees`): work contact data, which the desk
#: needs to find a caller, and the language mail to the employee is written in; private
#: contact data and the home address are personal.
_EMPLOYEE = {"id", "org", "name", "email", "phone", "team", "region", "location", "role", "lang"}
_PRIVATE_CONTACT = {HOME_ADDRESS, "private_email", "private_phone"}
#: The staff directory (`central user add --display-name`): names and work contact, which
#: every colleague's desk shows; anything else is personal.
_STAFF = {"name", "role", "email", "phone", "org", "active"}

#: Every event type that may carry personal data, with its schema; any other type carries
#: none (tickets, devices in the depot, organisations, locations, depots, profiles, stock).
SCHEMAS: Mapping[str, DataSchema] = {
    # A ticket's swap request may name the home address the loaner goes to (the desk's
    # swap board reads it under either name).
    "swap_requested": _open(HOME_ADDRESS, "address", address=(HOME_ADDRESS, "address")),
    # Swap streams: closed.
    "swap_opened": _closed(_SWAP_PLAN, {HOME_ADDRESS}, (HOME_ADDRESS,)),
    "swap_updated": _closed(_SWAP_PLAN, {HOME_ADDRESS}, (HOME_ADDRESS,)),
    "shipment_status": _closed(_SHIPMENT | {"location"}),
    "swap_closed": _closed({"outcome", "device", "own_device", "reason"}),
    # A device on its way to or from a home: closed.
    "device_shipped": _closed({"swap", "ticket", "carrier", "tracking"}),
    "device_return_shipped": _closed({"swap", "ticket", "carrier", "tracking"}),
    "device_issued_onsite": _closed({"swap", "ticket", "asset"}),
    "device_delivered": _closed({"swap", "ticket"}),
    # Employees: closed.
    "employee_registered": _closed(_EMPLOYEE, _PRIVATE_CONTACT, (HOME_ADDRESS,)),
    "employee_updated": _closed(_EMPLOYEE, _PRIVATE_CONTACT, (HOME_ADDRESS,)),
    # Staff: closed.
    "staff_registered": _closed(_STAFF),
    "staff_updated": _closed(_STAFF),
}
_NONE = DataSchema()


def schema_of(event_type: str) -> DataSchema:
    return SCHEMAS.get(event_type, _NONE)


def may_hold_personal(event_type: str) -> bool:
    """Whether an event of this type can carry personal data at all (cheap, per row)."""
    schema = SCHEMAS.get(event_type)
    return schema is not None and schema.may_hold_personal


def personal_paths(event_type: str, data: Mapping[str, Any]) -> list[str]:
    """The dotted paths of `data` that are personal under the type's schema."""
    schema = SCHEMAS.get(event_type)
    if schema is None or not schema.may_hold_personal:
        return []
    found: list[str] = []
    _walk(schema, data, "", found, None)
    return found


def without_personal(event_type: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """`data` without its personal fields, and whether any were taken out."""
    schema = SCHEMAS.get(event_type)
    if schema is None or not schema.may_hold_personal:
        return dict(data), False
    kept: dict[str, Any] = {}
    found: list[str] = []
    _walk(schema, data, "", found, kept)
    return kept, bool(found)


def purged(event_type: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """`data` without its personal fields, its `PURGED` mark naming the paths taken out (with
    those of an earlier purge); None if it holds nothing personal (nothing to rewrite). A
    mark that is not a list of paths is judged like any other field."""
    mark = data.get(PURGED)
    earlier = mark if isinstance(mark, list) and all(isinstance(p, str) for p in mark) else None
    rest = {k: v for k, v in data.items() if k != PURGED} if earlier is not None else data
    schema = SCHEMAS.get(event_type)
    if schema is None or not schema.may_hold_personal:
        return None
    kept: dict[str, Any] = {}
    found: list[str] = []
    _walk(schema, rest, "", found, kept)
    if not found:
        return None
    kept[PURGED] = sorted({*found, *(earlier or ())})
    return kept


def address_fields(event_type: str, data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The declared home-address paths present in `data`, with their values, in order of
    preference (a value may be anything: the caller judges it)."""
    schema = SCHEMAS.get(event_type)
    if schema is None:
        return []
    found: list[tuple[str, Any]] = []
    for path in schema.address:
        node: Any = data
        for key in path.split("."):
            node = node.get(key, _ABSENT) if isinstance(node, Mapping) else _ABSENT
        if node is not _ABSENT:
            found.append((path, node))
    return found


def home_address(event_type: str, data: Mapping[str, Any]) -> str | None:
    """The home address an event names at its declared paths: the first non-blank text;
    None if it names none (or it was redacted by central or purged)."""
    for _, value in address_fields(event_type, data):
        if isinstance(value, str) and value.strip():
            return value
    return None


_ABSENT = object()


def _walk(
    schema: DataSchema,
    data: Mapping[str, Any],
    prefix: str,
    found: list[str],
    kept: dict[str, Any] | None,
) -> None:
    for key, value in data.items():
        path = prefix + key
        if path in schema.personal:
            found.append(path)
        elif path in schema.public or not schema.closed:
            if kept is not None:
                kept[key] = value
        elif isinstance(value, Mapping) and _has_public_below(schema, path):
            inner: dict[str, Any] | None = {} if kept is not None else None
            _walk(schema, value, path + ".", found, inner)
            if kept is not None:
                kept[key] = inner
        else:
            found.append(path)


def _has_public_below(schema: DataSchema, path: str) -> bool:
    start = path + "."
    return any(public.startswith(start) for public in schema.public)


def is_redaction_of(event_type: str, full: Mapping[str, Any], offered: Mapping[str, Any]) -> bool:
    """Whether `offered` is `full` with some of its personal fields left out (what the
    central hands to a user who may not see them), and nothing else changed."""
    if offered == full:
        return False
    stripped, _ = without_personal(event_type, full)
    return _between(stripped, offered, full)


def _between(low: Mapping[str, Any], offered: Mapping[str, Any], high: Mapping[str, Any]) -> bool:
    """`offered` holds at least `low` and at most `high`, key by key (nested objects too)."""
    for key, value in offered.items():
        if key not in high:
            return False
        whole = high[key]
        if value == whole:
            continue
        inner = low.get(key)
        if not (isinstance(value, Mapping) and isinstance(whole, Mapping)):
            return False
        if not _between(inner if isinstance(inner, Mapping) else {}, value, whole):
            return False
    return all(key in offered for key in low)
