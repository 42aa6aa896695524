"""The central database (SQLite file or PostgreSQL): SQLAlchemy Core tables.

`events` is the shared truth; every other table but `users`, `audit_log` and
`seq_counter` is a projection kept in the same transaction as the event that changed it,
so that permissions and invariants can be checked without re-reading whole streams.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False, unique=True),
    Column("stream", String(200), nullable=False),
    Column("type", String(64), nullable=False),
    Column("at", String(40), nullable=False),  # ISO-8601 with the offset the client sent
    Column("at_utc_us", BigInteger, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("data", Text, nullable=False),  # JSON
    Column("content_hash", String(64), nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("received_by", String(200), nullable=False),
    Column("clock_ahead_seconds", Integer, nullable=True),  # set when `at` is > 5 min ahead
    # The organisation the event concerns, resolved when it was recorded (central/tenancy.py);
    # NULL for the provider's own streams (stock, depots, contract profiles).
    Column("org", String(100), nullable=True),
    Column("chain", String(64), nullable=False),  # hash chain over the events (event_chain.py)
    Index("ix_events_stream", "stream"),
    Index("ix_events_org_seq", "org", "seq"),
)

#: One row (id 1): the last `seq` handed out, and the chain of that event (the head of the
#: events' hash chain). Taking the next value locks this row until commit, so sequence
#: numbers become visible in the order they were given out.
seq_counter = Table(
    "seq_counter",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
    Column("chain_head", String(64), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("org", String(100), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
)

#: The organisations a user is bound to (`central user add --org X`, repeatable); a user
#: without a row here works for the provider, across all organisations.
user_orgs = Table(
    "user_orgs",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("org", String(100), primary_key=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object", String(200), nullable=False),
    Column("address", String(64), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The organisation the entry concerns (also in `detail`, which the hash covers); NULL
    # for the provider's own entries. Users bound to organisations read only theirs.
    Column("org", String(100), nullable=True),
    Index("ix_audit_log_org_id", "org", "id"),
)

# ------------------------------------------------------------------ projections
organisations = Table(
    "organisations",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(200), nullable=True),
    Column("profile", String(50), nullable=True),
)

reference_records = Table(
    "reference_records",
    metadata,
    Column("stream", String(200), primary_key=True),  # employee:…, location:…, depot:…
    Column("data", Text, nullable=False),  # JSON: the record as its events left it
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("org", String(100), nullable=False),
    Column("assignee", String(200), nullable=True),
    Column("closed", Boolean, nullable=False, default=False),
)

devices = Table(
    "devices",
    metadata,
    Column("asset_tag", String(100), primary_key=True),
    Column("state", String(30), nullable=False),
    Column("swap", String(100), nullable=True),
    Column("fold", Text, nullable=False),  # JSON of the domain's DeviceFold
    Column("org", String(100), nullable=True),  # device_registered's org
)

#: Loaner swaps: whose ticket, whose organisation, which engineer, still open or not (who
#: may see a swap's home address, DESIGN §2.6).
swaps = Table(
    "swaps",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("ticket", String(100), nullable=False),
    Column("org", String(100), nullable=True),
    Column("engineer", String(200), nullable=True),
    Column("closed", Boolean, nullable=False, default=False),
    Index("ix_swaps_ticket", "ticket"),
)


#: One row per background job (`leases.py`): which process holds it and until when, in
#: milliseconds since 1970 by the database's clock.
job_leases = Table(
    "job_leases",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("renewed_at", BigInteger, nullable=False),
)

#: Ticket number series (`HALT-2026-000862`): per organisation and year (Europe/Amsterdam),
#: the last number handed out in a reserved block or taken by an accepted ticket
#: (number_series.py). Only grows, so no number is ever handed out twice.
number_series = Table(
    "number_series",
    metadata,
    Column("org", String(100), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_number", BigInteger, nullable=False),
)

#: Each block of numbers handed out (`POST /api/v1/numbers`): which series, which numbers,
#: to whom and when.
number_blocks = Table(
    "number_blocks",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("org", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("first_number", BigInteger, nullable=False),
    Column("last_number", BigInteger, nullable=False),
    Column("reserved_by", String(200), nullable=False),
    Column("reserved_at", String(40), nullable=False),
    Index("ix_number_blocks_series", "org", "year", "first_number"),
)


#: One row (id 1): this central database's identity, a random id made when it was created.
#: A restore from a backup keeps it; laptops compare it with the one they synced with
#: (central/history.py).
central_identity = Table(
    "central_identity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("instance", String(36), nullable=False),
    Column("created_at", String(40), nullable=False),
)


# ------------------------------------------------------------------ mail (issue 20)
#: Events that should notify someone, written by the writer in the event's own transaction
#: (mail_rules.py decides which): the mail job turns each into mails (recipients, text)
#: and deletes the row. One row per event; nothing here is personal.
mail_triggers = Table(
    "mail_triggers",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False),
    Column("stream", String(200), nullable=False),
    Column("type", String(64), nullable=False),
    Column("org", String(100), nullable=True),
)

#: Clocks the regie hears of when they are breached (a P1/P2 reaction or resolution
#: clock): the mail job looks at the ticket again at `due_ms` (ms since 1970).
mail_clock_watch = Table(
    "mail_clock_watch",
    metadata,
    Column("stream", String(200), primary_key=True),
    Column("clock", String(30), primary_key=True),
    Column("due_ms", BigInteger, nullable=False),
    Column("org", String(100), nullable=True),
    Index("ix_mail_clock_watch_due", "due_ms"),
)

#: The mail outbox (mail_queue.py): one row per message and recipient. `message_id` comes
#: from the event, the mail kind and the recipient, so a message sent again carries the
#: same one. `state`: queued, sent, failed or skipped; `recorded`: the state last recorded
#: on the ticket's stream (mail_queued / mail_sent / mail_failed).
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("message_id", String(250), nullable=False, unique=True),
    Column("org", String(100), nullable=True),
    Column("kind", String(64), nullable=False),
    Column("to_addr", String(254), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("stream", String(200), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("context", Text, nullable=False),  # JSON: what the template fills in
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_try_ms", BigInteger, nullable=False),  # ms since 1970
    Column("reason", Text, nullable=True),
    Column("queued_at", String(40), nullable=False),
    Column("sent_at", String(40), nullable=True),  # when it was sent, or failed
    Column("recorded", String(16), nullable=True),
    Index("ix_mail_outbox_state", "state", "next_try_ms"),
    Index("ix_mail_outbox_recorded", "recorded", "state"),
    Index("ix_mail_outbox_stream", "stream", "event_id"),
)

#: Central's settings that are no secret (`central mail configure`: host, port, TLS mode,
#: sender), by name, as JSON.
central_settings = Table(
    "central_settings",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Central's secrets (the SMTP password, courier API keys), encrypted with a key that
#: never is in the database (central_secrets.py).
central_secrets = Table(
    "central_secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # Fernet token
    Column("updated_at", String(40), nullable=False),
)

#: Courier polling (`halt-desk central courier configure CARRIER`): how often and how fast
#: central asks each carrier, at which address. The API key and the webhook secret are
#: central secrets (central_secrets.py), never in this table.
courier_settings = Table(
    "courier_settings",
    metadata,
    Column("carrier", String(20), primary_key=True),
    Column("interval_minutes", Float, nullable=False),
    Column("base_url", String(300), nullable=False),
    Column("rate", Float, nullable=False),  # requests per second at most
    Column("updated_at", String(40), nullable=False),
)

#: When each open shipment is asked next (courier_poll.py): a round asks the shipments whose
#: `next_at` has come (milliseconds since 1970) and moves it on as it goes, so a second
#: process that takes the job over mid-round asks only what the first did not.
courier_polls = Table(
    "courier_polls",
    metadata,
    Column("carrier", String(20), primary_key=True),
    Column("tracking", String(100), primary_key=True),
    Column("next_at", BigInteger, nullable=False),
    Column("polled_at", String(40), nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("problem", String(200), nullable=True),  # the last failure, for the operator
)

#: What the courier poller keeps between rounds (name → number): `audit_seen`, the last
#: audit entry it looked through for `central.restore_found` (a restore from a backup).
courier_poller_state = Table(
    "courier_poller_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: One row (id 1, made by the migration): the key of the satisfaction survey's links
#: (csat.py: a link is the resolved event's id encrypted with it, the same on every render).
csat_key = Table(
    "csat_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("secret", String(64), nullable=False),
)

#: Mail templates an organisation published (`central template publish`, mail_org.py):
#: the newest version of each kind and language; the renderer prefers it to the built-in.
mail_templates = Table(
    "mail_templates",
    metadata,
    Column("org", String(100), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("lang", String(8), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("published_at", String(40), nullable=False),
    Column("published_by", String(200), nullable=False),
)
