"""SQLAlchemy models of the local cache: the event log, the outbox and the projections.

The event log (`events`) is the truth; every other table except `outbox` and `sync_cursor`
is a projection that `halt_desk.store.projections` rebuilds from the events of one stream.
Times are ISO-8601 text with the offset the user saw, plus an integer UTC epoch in
microseconds where rows are ordered or filtered by time. A schema change needs a new
Alembic revision in `migrations/versions/` (a released one is never edited).
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names that stay stable, so Alembic batch migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- the event log ---------------------------------------------------------------------------


class EventRow(Base):
    """One event as recorded here or pulled from central; never updated except `seq`."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    stream: Mapped[str]
    type: Mapped[str]
    #: ISO-8601 with the offset the user saw (never rewritten).
    at: Mapped[str]
    #: `at` in UTC microseconds since 1970, for ordering across offsets.
    at_utc_us: Mapped[int]
    actor: Mapped[str]
    #: The event's `data` as JSON text (keys sorted).
    data: Mapped[str]
    #: When this cache stored the event (UTC, ISO-8601).
    recorded_at: Mapped[str]
    #: Insertion order in this cache: ties on `at` are broken by it. Assigned under the write
    #: lock (BEGIN IMMEDIATE), so it is gap-free and unique; SQLite's rowid is not used because
    #: VACUUM may renumber it.
    local_order: Mapped[int] = mapped_column(unique=True)
    #: Global sequence number assigned by the central API; None until central has it.
    seq: Mapped[int | None]
    origin: Mapped[str]
    #: For an event recorded here: the sync cursor when it was recorded (every central
    #: event up to this `seq` had been seen). Tells concurrent edits from informed ones.
    base_seq: Mapped[int | None]

    __table_args__ = (
        CheckConstraint("origin IN ('local', 'remote')", name="origin"),
        Index("ix_events_stream_at", "stream", "at_utc_us", "local_order"),
        Index("ix_events_seq", "seq", unique=True),
    )


class OutboxRow(Base):
    """An event recorded here that central has not confirmed yet: `pending` until it is
    sent, or `rejected` (kept, with central's reason, never sent again by itself)."""

    __tablename__ = "outbox"

    event_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    created: Mapped[str]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None]
    status: Mapped[str] = mapped_column(default="pending", server_default="pending", index=True)
    #: Central's reason for a rejection.
    reason: Mapped[str | None]
    rejected_at: Mapped[str | None]

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'rejected', 'dismissed')", name="status"),
    )


class SyncCursor(Base):
    """The single row with the last central `seq` this cache has pulled."""

    __tablename__ = "sync_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[str | None]
    #: Last known offset of central's clock from this machine's clock (central − device),
    #: in milliseconds, and when (device time, ISO-8601) it was measured.
    clock_offset_ms: Mapped[int | None]
    clock_measured_at: Mapped[str | None]
    #: The identity of the central this cache syncs with (history_marks.py).
    central: Mapped[str | None]
    #: What the user is to be told once after central was found restored (JSON), until told.
    restore_notice: Mapped[str | None]

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class SyncMark(Base):
    """Central's hash chain at the last `seq` of a page pulled (history_marks.py): tells
    whether central still has the history this cache pulled."""

    __tablename__ = "sync_marks"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chain: Mapped[str]


class ConflictRow(Base):
    """Two concurrent edits of one field of a ticket: one recorded here, one by another
    client. Open until a person's `conflict_resolved` event settles it."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket: Mapped[str] = mapped_column(index=True)
    field: Mapped[str]
    local_event_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("events.id", ondelete="CASCADE")
    )
    remote_event_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("events.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(default="open", server_default="open", index=True)
    detected_at: Mapped[str]
    #: The `conflict_resolved` event that settled it.
    resolved_by: Mapped[str | None]

    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        Index("ix_conflicts_pair", "local_event_id", "remote_event_id", "field", unique=True),
    )


# --- reference data (projections of `org:`, `employee:`, `location:`, `depot:` streams) -------


class ReferenceRow(Base):
    """Common shape of a reference record: known fields as columns, everything in `fields`."""

    __abstract__ = True

    #: The stream kind whose events this table projects.
    STREAM_KIND: ClassVar[str]
    #: The `data` fields that have a column of their own.
    COLUMNS: ClassVar[tuple[str, ...]]

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    #: All fields of the record as JSON text, including those without a column.
    fields: Mapped[str]
    #: `at` of the latest event of the record.
    updated_at: Mapped[str]


class Organisation(ReferenceRow):
    __tablename__ = "organisations"
    STREAM_KIND = "org"
    COLUMNS = ("name", "profile")

    #: Name of the contract profile (resources/profiles/<name>.toml) of its tickets.
    profile: Mapped[str]


class Employee(ReferenceRow):
    __tablename__ = "employees"
    STREAM_KIND = "employee"
    COLUMNS = ("org", "name", "email", "phone", "team", "region", "location", "role")

    org: Mapped[str | None] = mapped_column(index=True)
    email: Mapped[str | None]
    phone: Mapped[str | None]
    team: Mapped[str | None]
    region: Mapped[str | None]
    location: Mapped[str | None]
    role: Mapped[str | None]


class Location(ReferenceRow):
    __tablename__ = "locations"
    STREAM_KIND = "location"
    COLUMNS = ("org", "name", "city", "region")

    org: Mapped[str | None] = mapped_column(index=True)
    city: Mapped[str | None]
    region: Mapped[str | None]


class Depot(ReferenceRow):
    __tablename__ = "depots"
    STREAM_KIND = "depot"
    COLUMNS = ("name", "city")

    city: Mapped[str | None]


class StaffMember(ReferenceRow):
    """A colleague by user name (the `actor` of their events): agent, field engineer,
    logistics, or a customer's regie user (then `org`)."""

    __tablename__ = "staff"
    STREAM_KIND = "staff"
    COLUMNS = ("name", "role", "email", "org")

    role: Mapped[str | None]
    email: Mapped[str | None]
    org: Mapped[str | None]


REFERENCE_MODELS: dict[str, type[ReferenceRow]] = {
    model.STREAM_KIND: model for model in (Organisation, Employee, Location, Depot, StaffMember)
}


# --- operational projections -----------------------------------------------------------------


class TicketRow(Base):
    """Fold of a `ticket:<id>` stream through the domain's timeline and clock rules."""

    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(primary_key=True)
    org: Mapped[str] = mapped_column(index=True)
    caller: Mapped[str | None]
    summary: Mapped[str | None]
    category: Mapped[str | None]
    channel: Mapped[str | None]
    priority: Mapped[str]
    uplift: Mapped[bool]
    status: Mapped[str] = mapped_column(index=True)
    reported_at: Mapped[str]
    reported_at_utc_us: Mapped[int]
    next_due: Mapped[str | None]
    next_due_utc_us: Mapped[int | None] = mapped_column(index=True)
    assignee: Mapped[str | None]
    resolved_at: Mapped[str | None]
    mttr_business_minutes: Mapped[int | None]
    mttp_business_minutes: Mapped[int | None]
    mttp_wall_minutes: Mapped[int | None]
    within_norm: Mapped[bool | None]
    #: A clock breached and still open at the last fold (NULL: folded before this was kept).
    overdue: Mapped[bool | None]
    #: `at` of the latest event of the ticket.
    updated_at: Mapped[str]


class DeviceRow(Base):
    """Fold of a `device:<asset tag>` stream: what the device is and where it is."""

    __tablename__ = "devices"

    asset_tag: Mapped[str] = mapped_column(primary_key=True)
    serial: Mapped[str | None] = mapped_column(index=True)
    model: Mapped[str | None]
    type: Mapped[str | None]
    org: Mapped[str | None]
    depot: Mapped[str | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(index=True)
    #: `at` of the latest event of the device.
    updated_at: Mapped[str]


# --- ticket numbers ---------------------------------------------------------------------------


class NumberBlockRow(Base):
    """A block of ticket numbers central reserved for this desk (`number_blocks.py`):
    numbers `first` … `last` of the series of `org` in `year`; `next` is the first one not
    taken yet (past `last`: used up). Not a projection: kept as it is, never rebuilt."""

    __tablename__ = "number_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    org: Mapped[str]
    year: Mapped[int]
    first: Mapped[int]
    last: Mapped[int]
    next: Mapped[int]
    #: When central handed it out (UTC, ISO-8601).
    reserved_at: Mapped[str]

    __table_args__ = (
        CheckConstraint("first <= next AND next <= last + 1", name="within"),
        Index("ix_number_blocks_series", "org", "year", "first"),
    )


# --- housekeeping -------------------------------------------------------------------------


class RefoldRow(Base):
    """A stream whose projection a migration found stale (folded by rules since changed):
    folded again once when the store opens (housekeeping.fold_pending), then removed."""

    __tablename__ = "refold_pending"

    stream: Mapped[str] = mapped_column(primary_key=True)
