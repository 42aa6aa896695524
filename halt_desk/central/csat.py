"""The satisfaction survey of a resolved ticket (issue 20): a personal link in the resolved
mail to `/csat/<token>` (csat_page.py), answered once within 14 days, recorded by central
as `csat_recorded` {score, servicedesk, information} on the ticket's stream.

The token is the ticket's `resolved` event id encrypted (one AES block) with a key only
central holds, plus a MAC: the same on every render of that mail (a resend too), opaque to
anyone without the key (no ticket number, no event id readable in it), and checked
without a table of issued links. It may be answered for 14 days after central received
the resolution. The answer goes through the central's normal write path with an event id
derived from the token: a second answer (another tab, a double tap, two processes) meets
that id and is refused, so one link gives one `csat_recorded`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from halt_desk.central.schema import central_settings, csat_key, events

#: How long a link may be answered after central received the resolution.
VALID_FOR = timedelta(days=14)
#: The actor of the survey's answers (reports/kpi.py and the demo's planned scores too).
SURVEY_ACTOR = "system:survey"
#: The central_settings row of `central survey configure` (the public address).
SURVEY_SETTINGS = "survey"
#: 16 bytes of encrypted event id and 8 of MAC, in URL-safe base64: 32 characters.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}\Z")
_MAC_BYTES = 8
#: The namespace of the answers' event ids (uuid5 of the token's hash).
_ANSWER_IDS = uuid.UUID("6f1d2a44-8c1b-4f7e-9a53-0c2d7e5b9a10")
#: The dimensions of the seed's XLA asked besides the overall score (both optional).
DIMENSIONS = ("servicedesk", "information")


class Refusal(StrEnum):
    """Why a link cannot be answered (the page says it in words, with a 4xx)."""

    UNKNOWN = "unknown"
    ANSWERED = "answered"
    EXPIRED = "expired"
    REOPENED = "reopened"  # the ticket was reopened after this resolution


@dataclass(frozen=True, slots=True)
class Invitation:
    """An open link: the ticket it rates (its number, as the caller's mail showed it)."""

    ticket: str
    expires_at: datetime
    answer_id: str


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


# ------------------------------------------------------------------ links
def survey_token(conn: Connection, resolved_event: str) -> str:
    """The token of the survey of the resolution `resolved_event` (its id): the same
    every time. Makes central's survey key the first time (`conn` may write then)."""
    key = _key(conn, create=True)
    assert key is not None
    return _token_with(key, resolved_event)


def survey_url(base_url: str, token: str, lang: str = "nl") -> str:
    """The link in the mail: central's public address, the token, and the caller's
    language when it is not Dutch."""
    url = f"{base_url.rstrip('/')}/csat/{token}"
    return url if lang == "nl" else f"{url}?lang={lang}"


def survey_link(conn: Connection, resolved_event: str, lang: str = "nl") -> str | None:
    """The survey link of a resolved mail, or None while central has no public address
    (`central survey configure --url`) or the key is not made yet and `conn` cannot."""
    base = survey_base_url(conn)
    if base is None:
        return None
    key = _key(conn, create=False)
    if key is None:
        return None
    return survey_url(base, _token_with(key, resolved_event), lang)


def survey_base_url(conn: Connection) -> str | None:
    value = conn.execute(
        select(central_settings.c.value).where(central_settings.c.name == SURVEY_SETTINGS)
    ).scalar_one_or_none()
    url = json.loads(value).get("url") if value else None
    return str(url) if url else None


def configure_survey(conn: Connection, url: str) -> None:
    """Stores central's public address for the links (and makes the key)."""
    value = json.dumps({"url": url.rstrip("/")})
    statement = _insert(conn, central_settings).values(name=SURVEY_SETTINGS, value=value)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["name"], set_={"value": statement.excluded.value}
        )
    )
    _key(conn, create=True)


# ------------------------------------------------------------------ answers
def look_up(conn: Connection, token: str, now: datetime | None = None) -> Invitation | Refusal:
    """The open link of `token`, or why it cannot be answered."""
    resolved = _resolved_event_id(conn, token)
    if resolved is None:
        return Refusal.UNKNOWN
    row = conn.execute(
        select(events.c.seq, events.c.stream, events.c.type, events.c.received_at).where(
            events.c.id == resolved
        )
    ).first()
    if row is None or row.type != "resolved" or not row.stream.startswith("ticket:"):
        return Refusal.UNKNOWN
    answer_id = str(uuid.uuid5(_ANSWER_IDS, hashlib.sha256(token.encode()).hexdigest()))
    answered = conn.execute(select(events.c.seq).where(events.c.id == answer_id)).first()
    if answered is not None:
        return Refusal.ANSWERED
    expires_at = datetime.fromisoformat(row.received_at) + VALID_FOR
    if (now or datetime.now(UTC)) >= expires_at:
        return Refusal.EXPIRED
    reopened = conn.execute(
        select(events.c.seq)
        .where(events.c.stream == row.stream, events.c.type == "reopened", events.c.seq > row.seq)
        .limit(1)
    ).first()
    if reopened is not None:  # this resolution did not hold; the next one brings a new link
        return Refusal.REOPENED
    return Invitation(row.stream.partition(":")[2], expires_at, answer_id)


# ------------------------------------------------------------------ key
def _resolved_event_id(conn: Connection, token: str) -> str | None:
    """The event id in `token` if central made it; None for anything else."""
    if not _TOKEN.match(token):
        return None
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):
        return None
    key = _key(conn, create=False)
    if key is None:
        return None
    cipher_key, mac_key = _keys(key)
    encrypted, mac = raw[:16], raw[16:]
    expected = hmac.new(mac_key, encrypted, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        return None
    return str(uuid.UUID(bytes=_aes(cipher_key).decryptor().update(encrypted)))


def _token_with(key: bytes, resolved_event: str) -> str:
    cipher_key, mac_key = _keys(key)
    encrypted = _aes(cipher_key).encryptor().update(uuid.UUID(resolved_event).bytes)
    mac = hmac.new(mac_key, encrypted, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(encrypted + mac).decode("ascii")


def _keys(key: bytes) -> tuple[bytes, bytes]:
    """An encryption key and a MAC key, both derived from central's survey key."""
    return (
        hmac.new(key, b"csat-encrypt", hashlib.sha256).digest(),
        hmac.new(key, b"csat-mac", hashlib.sha256).digest(),
    )


def _aes(key: bytes) -> Cipher[modes.ECB]:
    # One block: the event id's 16 random bytes (a permutation, nothing to chain).
    return Cipher(algorithms.AES(key), modes.ECB())


def _key(conn: Connection, create: bool) -> bytes | None:
    """The survey's key; made first when `create` and there is none."""
    query = select(csat_key.c.secret).where(csat_key.c.id == 1)
    secret = conn.execute(query).scalar()
    if secret is None and create:
        row = {"id": 1, "secret": secrets.token_hex(32)}
        conn.execute(_insert(conn, csat_key).on_conflict_do_nothing(), row)
        secret = conn.execute(query).scalar_one()
    return bytes.fromhex(secret) if secret is not None else None


def _insert(conn: Connection, table: Any) -> Any:
    """An INSERT with ON CONFLICT of the dialect of `conn`."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
