"""The satisfaction survey of a resolved ticket (issue 20): a personal link in the resolved
mail to `/csat/<token>` (csat_page.py), answered once within 14 days, recorded by central
as `csat_recorded` {score, servicedesk, information} on the ticket's stream.

The token is derived from a key only central holds and the ticket's `resolved` event, so
every render of that mail (a resend too) carries the same link; central keeps only its
hash, beside the ticket it is for. Nothing in the token tells the ticket, its number or
any other id. The answer is recorded through the central's normal write path with an
event id derived from the token: a second answer (another tab, a double tap, two
processes) meets that id and is refused, so one invitation gives one `csat_recorded`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Insert, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from halt_desk.central.auth import Role, User
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import csat_invitations, csat_key
from halt_desk.central.service import Central
from halt_desk.domain.events import Event

log = logging.getLogger(__name__)

#: How long a link may be answered after it was first handed out.
VALID_FOR = timedelta(days=14)
#: The actor of the survey's answers (the demo's planned scores use it too).
SURVEY_ACTOR = "system:survey"
#: What a token looks like (24 characters of URL-safe base64); anything else is unknown
#: without asking the database (PostgreSQL cannot even compare a NUL).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}\Z")
#: The namespace of the answers' event ids (uuid5 of the token's hash).
_ANSWER_IDS = uuid.UUID("6f1d2a44-8c1b-4f7e-9a53-0c2d7e5b9a10")
#: The dimensions of the seed's XLA asked besides the overall score (both optional).
DIMENSIONS = ("servicedesk", "information")


class Refusal(StrEnum):
    """Why a link cannot be answered (the page says it in words, with a 4xx)."""

    UNKNOWN = "unknown"
    ANSWERED = "answered"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Invitation:
    ticket: str
    org: str | None
    lang: str
    expires_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Answer:
    """Scores 1–10; the two dimensions may be left open."""

    score: int
    servicedesk: int | None = None
    information: int | None = None

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"score": self.score}
        for name in DIMENSIONS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue(
    db: CentralDatabase,
    resolved_event: str,
    ticket: str,
    org: str | None,
    lang: str = "nl",
    now: datetime | None = None,
) -> str:
    """`survey_token` in a write transaction of its own."""
    with db.write() as conn:
        return survey_token(conn, resolved_event, ticket, org, lang, now)


def survey_token(
    conn: Connection,
    resolved_event: str,
    ticket: str,
    org: str | None,
    lang: str = "nl",
    now: datetime | None = None,
) -> str:
    """The token of the survey of `ticket`'s resolution `resolved_event` (its id), in the
    write transaction of `conn` (that of the resolved mail's event): the same every time;
    the invitation is kept the first time, valid for 14 days from then."""
    now = now or datetime.now(UTC)
    token = _derive(_key(conn), resolved_event)
    row = {
        "token_hash": token_hash(token),
        "source_event": resolved_event,
        "ticket": ticket,
        "org": org,
        "lang": lang,
        "issued_at": now.isoformat(),
        "expires_at": (now + VALID_FOR).isoformat(),
        "answered_at": None,
    }
    conn.execute(_insert_once(conn, csat_invitations, "token_hash"), row)
    return token


def survey_url(base_url: str, token: str) -> str:
    """The link in the mail: central's public address and the token."""
    return f"{base_url.rstrip('/')}/csat/{token}"


def look_up(db: CentralDatabase, token: str, now: datetime | None = None) -> Invitation | Refusal:
    """The open invitation of `token`, or why it cannot be answered."""
    row = _invitation_row(db, token) if _TOKEN.match(token) else None
    if row is None:
        return Refusal.UNKNOWN
    invitation = Invitation(
        ticket=row.ticket,
        org=row.org,
        lang=row.lang,
        expires_at=datetime.fromisoformat(row.expires_at),
        answered_at=datetime.fromisoformat(row.answered_at) if row.answered_at else None,
    )
    if invitation.answered_at is not None:
        return Refusal.ANSWERED
    if (now or datetime.now(UTC)) >= invitation.expires_at:
        return Refusal.EXPIRED
    return invitation


def record_answer(
    central: Central, token: str, answer: Answer, address: str, now: datetime | None = None
) -> Invitation | Refusal:
    """Records `answer` as `csat_recorded` on the ticket of `token`; the invitation, or
    why nothing was recorded (unknown, answered before, expired)."""
    now = now or datetime.now(UTC)
    found = look_up(central.db, token, now)
    if isinstance(found, Refusal):
        return found
    hashed = token_hash(token)
    event = Event(
        id=str(uuid.uuid5(_ANSWER_IDS, hashed)),
        stream=f"ticket:{found.ticket}",
        type="csat_recorded",
        at=now,
        actor=SURVEY_ACTOR,
        data=answer.data(),
    )
    survey = User(0, SURVEY_ACTOR, Role.AGENT, frozenset({found.org}) if found.org else frozenset())
    (result,) = central.record(survey, [event.to_json()], address)
    if result.status == "rejected" and "id reused" not in (result.reason or ""):
        # The ticket is gone from central (a restore from a backup): nothing to rate.
        log.warning("survey answer for ticket %s not recorded: %s", found.ticket, result.reason)
        return Refusal.UNKNOWN
    # Accepted now, or by an answer that came first (its event id): answered either way.
    with central.db.write() as conn:
        conn.execute(
            update(csat_invitations)
            .where(csat_invitations.c.token_hash == hashed)
            .where(csat_invitations.c.answered_at.is_(None))
            .values(answered_at=now.isoformat())
        )
    return found if result.status == "accepted" else Refusal.ANSWERED


def _invitation_row(db: CentralDatabase, token: str) -> Any:
    query = select(csat_invitations).where(csat_invitations.c.token_hash == token_hash(token))
    return db.read(lambda conn: conn.execute(query).first())


def _derive(key: bytes, resolved_event: str) -> str:
    digest = hmac.new(key, f"csat:{resolved_event}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def _key(conn: Connection) -> bytes:
    """The survey's key, made the first time it is needed."""
    query = select(csat_key.c.secret).where(csat_key.c.id == 1)
    secret = conn.execute(query).scalar()
    if secret is None:
        conn.execute(_insert_once(conn, csat_key, "id"), {"id": 1, "secret": secrets.token_hex(32)})
        secret = conn.execute(query).scalar_one()
    return bytes.fromhex(secret)


def _insert_once(conn: Connection, table: Table, key: str) -> Insert:
    """An insert that leaves a row another transaction wrote meanwhile alone."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=[key])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=[key])
