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
    ESCALATION_EVENT_TYPES,
    MAIL_EVENT_TYPES,
    MAIL_RESEND,
    NOTICE_EVENT_TYPES,
    REFERENCE_EVENT_TYPES,
    STOCK_EVENT_TYPES,
    SWAP_EVENT_TYPES,
    TICKET_EVENT_TYPES,
)


class Role(StrEnum):
    AGENT = "agent"  # servicedesk: every ticket event, swap requests, reads devices
    FIELD = "field"  # field engineer: events on tickets assigned to them, onsite devices
    LOGISTICS = "logistics"  # depot: device, shipment and sanitisation events
    REGIE = "regie"  # the customer's service manager: reads; its escalation register
    ADMIN = "admin"  # users, profiles, reference data


class NotAllowed(HaltDeskError):
    """The user's role does not allow this action (HTTP 403, or `rejected` in a batch)."""


REFERENCE_STREAMS = frozenset(REFERENCE_EVENT_TYPES)
#: Device events a field engineer records on the spot: the loaner handed over, and the
#: employee's own device taken back (registered on the spot when unknown: only as an
#: employee's own device, tenancy.py).
FIELD_DEVICE_EVENTS = frozenset(
    {
        "device_issued_onsite",
        "device_delivered",
        "device_received",
        "device_taken_back",
        "device_registered",
    }
)
#: Ticket events logistics records on a swap's ticket: the delivery that stops the swap
#: clock, the alternative workplace that stops the emergency clock, and a note.
LOGISTICS_TICKET_EVENTS = frozenset({"swap_delivered", "emergency_workplace", "comment"})


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of the role matrix: `roles` may record `event_types` on streams of
    `stream_kind`; with `assigned_only`, only on tickets assigned to the user. Every rule
    holds within the user's organisations (a user bound to none: all of them)."""

    name: str
    roles: frozenset[Role]
    stream_kind: str
    event_types: frozenset[str]
    assigned_only: bool = False


def _rule(
    name: str, roles: set[Role], kind: str, types: frozenset[str], assigned: bool = False
) -> Rule:
    return Rule(name, frozenset(roles), kind, types, assigned)


A, F, L, R, M = Role.AGENT, Role.FIELD, Role.LOGISTICS, Role.REGIE, Role.ADMIN
#: Named rule: the customer's service manager keeps the escalation register of its own
#: organisation (the only thing regie records).
REGIE_ESCALATION_REGISTER = "regie.escalation_register"
#: Named rule: the provider's service manager (an admin) keeps it too.
ADMIN_ESCALATION_REGISTER = "admin.escalation_register"
#: Who may record what (DESIGN §3.2, issue 3). Anything not listed is refused.
RECORD_RULES: tuple[Rule, ...] = (
    _rule("agent.tickets", {A}, "ticket", TICKET_EVENT_TYPES - MAIL_EVENT_TYPES),
    _rule(
        "field.assigned_tickets",
        {F},
        "ticket",
        TICKET_EVENT_TYPES - MAIL_EVENT_TYPES - {"ticket_reported"},
        True,
    ),
    # A mail's delivery state: central's mail job records it (as an admin), nobody else.
    _rule("central.mail_state", {M}, "ticket", MAIL_EVENT_TYPES | {MAIL_RESEND}),
    _rule("logistics.swap_ticket_events", {L}, "ticket", LOGISTICS_TICKET_EVENTS),
    _rule("desk.swaps", {A, L}, "swap", SWAP_EVENT_TYPES),
    _rule("logistics.stock", {L}, "stock", STOCK_EVENT_TYPES),
    _rule("logistics.devices", {L}, "device", DEVICE_EVENT_TYPES),
    _rule("field.onsite_devices", {F}, "device", FIELD_DEVICE_EVENTS),
    *(
        _rule(f"admin.{kind}", {M}, kind, types)
        for kind, types in sorted(REFERENCE_EVENT_TYPES.items())
    ),
    _rule(REGIE_ESCALATION_REGISTER, {R}, "escalation", ESCALATION_EVENT_TYPES),
    # Disruption and maintenance notices to an organisation's employees (within its orgs).
    _rule("desk.notices", {A, R}, "notice", NOTICE_EVENT_TYPES),
    # The provider's service manager keeps the same register (issue 23); agents read it.
    _rule(ADMIN_ESCALATION_REGISTER, {M}, "escalation", ESCALATION_EVENT_TYPES),
)
_RULES_BY_KIND: dict[str, tuple[Rule, ...]] = {
    kind: tuple(r for r in RECORD_RULES if r.stream_kind == kind)
    for kind in {r.stream_kind for r in RECORD_RULES}
}
#: Who may read what; every read holds within the user's organisations.
READ_RULES: dict[str, frozenset[Role]] = {
    "changes": frozenset(Role),
    "ticket": frozenset(Role),
    "audit": frozenset({M, R}),
    # The employee directory (work contact data: domain/personal.py) reaches every role
    # of its organisation through the changes feed; what else shows an employee's work
    # address (a notice mail not delivered) follows it.
    "directory": frozenset(Role),
}


def rule_named(name: str) -> Rule:
    return next(rule for rule in RECORD_RULES if rule.name == name)


@dataclass(frozen=True, slots=True)
class User:
    """A user of the central API. `orgs`: the organisations it is bound to; empty for a
    user of the provider, who works across all organisations."""

    id: int
    name: str
    role: Role
    orgs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        orgs: object = self.orgs
        if not isinstance(orgs, frozenset):  # None or another iterable of names
            object.__setattr__(self, "orgs", frozenset(orgs or ()))  # type: ignore[call-overload]

    @property
    def bound(self) -> bool:
        return bool(self.orgs)

    def works_for(self, org: str | None) -> bool:
        """Whether this user may see and change what concerns `org` (None: the provider's
        own data, for users of the provider only)."""
        return not self.orgs or org in self.orgs


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
    """Raises NotAllowed unless a rule of RECORD_RULES lets `user` record this event.
    (The organisation is checked apart: `check_org`.)"""
    for rule in _RULES_BY_KIND.get(stream_kind, ()):
        if user.role not in rule.roles or event_type not in rule.event_types:
            continue
        if rule.assigned_only and ticket_assignee != user.name:
            raise NotAllowed(
                f"role {user.role} may only record events on tickets assigned to {user.name}"
            )
        return
    raise NotAllowed(f"role {user.role} may not record {event_type} on a {stream_kind} stream")


def check_org(user: User, org: str | None, what: str) -> None:
    """Raises NotAllowed unless `user` works for `org` (what `what` concerns)."""
    if user.works_for(org):
        return
    mine = ", ".join(sorted(user.orgs))
    if org is None:
        raise NotAllowed(f"{what} is the provider's own; {user.name} works for {mine}")
    raise NotAllowed(f"{what} belongs to organisation {org}; {user.name} works for {mine}")


def may_see_personal(user: User, org: str | None, engineers: frozenset[str] = frozenset()) -> bool:
    """DESIGN §2.6: logistics (within its organisations), and a field engineer named in
    `engineers` (the engineer of an active swap or the assignee of its ticket); nobody
    else, and nobody but logistics once the swap is closed (the caller passes no
    engineers then)."""
    if not user.works_for(org):
        return False
    if user.role is Role.LOGISTICS:
        return True
    return user.role is Role.FIELD and user.name in engineers


def check_may_read(user: User, what: str) -> None:
    """Reads: everyone reads tickets and changes (within their organisations); the audit
    log is for admin and regie."""
    if user.role not in READ_RULES.get(what, frozenset()):
        label = "audit log" if what == "audit" else what
        raise NotAllowed(f"role {user.role} may not read the {label}")
