"""Users, tokens and roles of the central API (who may record and read what)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import (
    DEVICE_EVENT_TYPES,
    REFERENCE_EVENT_TYPES,
    STOCK_EVENT_TYPES,
    SWAP_EVENT_TYPES,
    TICKET_EVENT_TYPES,
)


class Role(StrEnum):
    AGENT = "agent"  # servicedesk: every ticket event, swap requests, reads devices
    FIELD = "field"  # field engineer: events on tickets assigned to them, onsite devices
    LOGISTICS = "logistics"  # depot: device, shipment and sanitisation events
    REGIE = "regie"  # the customer's service manager: read only, never home addresses
    ADMIN = "admin"  # users, profiles, reference data


class NotAllowed(HaltDeskError):
    """The user's role does not allow this action (HTTP 403, or `rejected` in a batch)."""


#: Data fields that hold a home address (personal data, DESIGN §2.6).
HOME_ADDRESS_FIELDS = frozenset({"home_address", "address"})
#: Device events a field engineer records on the spot.
FIELD_DEVICE_EVENTS = frozenset({"device_issued_onsite", "device_delivered", "device_received"})
REFERENCE_STREAMS = frozenset(REFERENCE_EVENT_TYPES)
#: Ticket events logistics records on a swap's ticket: the delivery that stops the swap
#: clock, the alternative workplace that stops the emergency clock, and a note.
LOGISTICS_TICKET_EVENTS = frozenset({"swap_delivered", "emergency_workplace", "comment"})


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    org: str | None


def new_token() -> str:
    """A random bearer token (shown once; only its hash is stored)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


#: How long the API trusts a token it has looked up. A user revoked by another process (the
#: `halt-desk central user revoke` command, another server worker) is locked out within
#: this time; one revoked through the same `Central` at once.
TOKEN_CACHE_SECONDS = 1.0


class TokenCache:
    """Users of recently checked tokens, so that a request needs no database read to know
    who sent it. Keyed by the token's hash (no token is kept in memory); an entry is used
    for at most `ttl` seconds, and all are dropped when the users version given to `get`
    differs from the one they were stored under (a user was added or revoked)."""

    MAX_ENTRIES = 10_000

    def __init__(
        self, ttl: float = TOKEN_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._version = 0
        self._entries: dict[str, tuple[float, User]] = {}

    def get(self, token: str, version: int) -> User | None:
        """The cached user of `token`, or None: unknown, expired or possibly revoked."""
        key = token_hash(token)
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._entries[key]
                return None
            return entry[1]

    def put(self, token: str, user: User, version: int) -> None:
        """Keeps `user` for `token`, as looked up while the users version was `version`."""
        key = token_hash(token)
        with self._lock:
            if version != self._version:
                return  # users changed during the look-up: it may already be stale
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (self._clock() + self.ttl, user)


def check_may_record(
    user: User, stream_kind: str, event_type: str, ticket_assignee: str | None
) -> None:
    """Raises NotAllowed unless `user` may record this event (DESIGN §3.2, issue roles)."""
    role = user.role
    if role is Role.ADMIN and stream_kind in REFERENCE_STREAMS:
        return
    if stream_kind == "ticket" and event_type in TICKET_EVENT_TYPES:
        if role is Role.AGENT:
            return
        if role is Role.FIELD:
            if event_type != "ticket_reported" and ticket_assignee == user.name:
                return
            raise NotAllowed(
                f"role field may only record events on tickets assigned to {user.name}"
            )
    logistics, agent = role is Role.LOGISTICS, role is Role.AGENT
    if stream_kind == "ticket" and logistics and event_type in LOGISTICS_TICKET_EVENTS:
        return
    if stream_kind == "swap" and event_type in SWAP_EVENT_TYPES and (logistics or agent):
        return
    if stream_kind == "stock" and event_type in STOCK_EVENT_TYPES and logistics:
        return
    if stream_kind == "device" and event_type in DEVICE_EVENT_TYPES:
        if role is Role.LOGISTICS:
            return
        if role is Role.FIELD and event_type in FIELD_DEVICE_EVENTS:
            return
    raise NotAllowed(f"role {role} may not record {event_type} on a {stream_kind} stream")


def may_see_home_address(user: User, ticket_assignee: str | None) -> bool:
    """Logistics always; a field engineer on the tickets assigned to them; nobody else."""
    if user.role is Role.LOGISTICS:
        return True
    return user.role is Role.FIELD and ticket_assignee == user.name


def check_may_read(user: User, what: str) -> None:
    """Reads: everyone reads tickets, changes and devices; audit is for admin and regie."""
    if what == "audit" and user.role not in (Role.ADMIN, Role.REGIE):
        raise NotAllowed(f"role {user.role} may not read the audit log")
