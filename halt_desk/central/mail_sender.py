"""The mail job: a built-in background job (leases.py) that one central process at a time
runs. Each round it

1. turns the triggers the writer left with events into mails (mail_rules.py) and queues
   them (mail_queue.py), leaving out an event sent again after a restore from backup that
   is more than an hour old (history.is_replay);
2. queues the regie's mail for a watched P1/P2 clock that has passed its deadline;
3. sends what is due over SMTP (mail_smtp.py), recording acceptances as they come (a
   few to a commit: at most SENT_GROUP, or what came in SENT_GROUP_SECONDS, longer
   while pushes flow);
4. records the delivery state on the ticket's stream with an audit entry per mail sent
   or failed: `mail_sent` / `mail_failed` {kind, to, message_id, reason}, and
   `mail_queued` for a mail that still waits (the SMTP server down or slow).

A kill between the server's acceptance and step 3's record sends that mail again at the
next round, with the same Message-ID; the log names both moments ("accepted", "recorded").
Rounds follow each other within POLL_SECONDS, at once when this process queued mail.
While pushes come in fast, the job keeps to a CPU budget (mail_pace.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, select, update

from halt_desk.central import audit, mail_rules
from halt_desk.central.audit_trail import now_iso
from halt_desk.central.auth import Role, User
from halt_desk.central.bulk import insert_rows
from halt_desk.central.central_secrets import SMTP_PASSWORD, SecretKeyError, get_secret
from halt_desk.central.history import is_replay
from halt_desk.central.leases import Job, Lease
from halt_desk.central.mail_facts import load_facts
from halt_desk.central.mail_pace import Pacer
from halt_desk.central.mail_queue import (
    FAILED,
    MAIL_SETTINGS,
    QUEUED,
    SENT,
    MailDraft,
    mail_settings,
    mail_waiting,
    queue_mails,
    resend_draft,
)
from halt_desk.central.mail_smtp import SendFailure, SmtpConnection, SmtpSettings, compose
from halt_desk.central.mail_smtp import retry_delay as _retry_delay
from halt_desk.central.mail_templates import (
    DEFAULT_LANG,
    LANGUAGES,
    MailTemplateError,
    published_template,
    render_with,
)
from halt_desk.central.notices import notice_drafts
from halt_desk.central.schema import (
    audit_log,
    central_settings,
    events,
    mail_clock_watch,
    mail_outbox,
    mail_triggers,
    seq_counter,
)
from halt_desk.central.service import Central
from halt_desk.domain.events import MAIL_RESEND, Event, new_event

log = logging.getLogger(__name__)

JOB_NAME = "mail"
#: The actor of the delivery-state events and audit entries.
CENTRAL_ACTOR = "central"
_CENTRAL_USER = User(0, CENTRAL_ACTOR, Role.ADMIN)
#: The longest a round waits for work when nothing woke it.
POLL_SECONDS = 0.5
#: Rows each step takes at a time; triggers while pushes come in fast (mail_pace.py).
BATCH = 200
BUSY_BATCH = 20
#: While pushes come in fast: the longest a sending step goes on before the round's
#: other steps get their turn (the rest of its rows waits for the next round).
SEND_STEP_SECONDS = 2.0
#: The longest the delivery states wait for pushes to pause before they are recorded.
RECORD_DEFER = 2.0
#: Delivery states recorded at a time: a short hold of the writers' lock, so pushes
#: that arrive meanwhile wait little.
RECORD_BATCH = 50
#: An event older than this when it arrives again after a restore sends no mail.
REPLAY_AGE = timedelta(hours=1)
#: The reason of a mail to someone the directory has no e-mail address for.
NO_ADDRESS = "no e-mail address in the directory"
#: Acceptances recorded in one commit: at most this many, or what came in this long.
#: A kill before the record sends these again (same Message-IDs).
SENT_GROUP = 20
SENT_GROUP_SECONDS = 0.05
#: While pushes come in fast the group may take this long (fewer commits in their way;
#: still at most SENT_GROUP mails sent again after a kill).
SENT_GROUP_BUSY_SECONDS = 1.0
_ACCEPTED, _DONE, _UNREACHABLE = "accepted", "done", "unreachable"
#: A recipient as the SMTP envelope and the To header take it.
_ADDRESS = re.compile(r"[!-~]+@[!-~]+")
#: A mail still not accepted after this long is given up (failed).
GIVE_UP_AFTER = timedelta(days=2)


def mail_job(central: Central) -> Job:
    """The built-in job the server runs (central/api.py)."""
    return Job(
        JOB_NAME, partial(run, central), every=1.0, lease_seconds=30.0, idle=partial(idle, central)
    )


def idle(central: Central) -> bool:
    """Mail is off and no event left a trigger to drop: nothing to do (one read)."""
    configured = select(central_settings.c.name).where(central_settings.c.name == MAIL_SETTINGS)
    with central.reader.connect() as conn:
        if conn.execute(configured).first() is not None:
            return False
        return conn.execute(select(mail_triggers.c.seq).limit(1)).first() is None


def run(central: Central, lease: Lease) -> None:
    """Rounds while this process holds the lease, renewing it halfway; ends when mail is
    off and nothing is left to drop (the runner then leaves the lease alone)."""
    sender = MailSender(central)
    try:
        while lease.held():
            busy = sender.round(lease)
            if not busy and idle(central):
                break
            if lease.seconds_left() < lease.job.lease_seconds * 0.4 and not lease.renew():
                break
            if not busy and mail_waiting.wait(POLL_SECONDS):
                mail_waiting.clear()
                time.sleep(0.02)  # the queuing transaction commits meanwhile
    finally:
        sender.close()


class MailSender:
    """One process's sender: its SMTP session lasts while mail keeps coming."""

    def __init__(self, central: Central) -> None:
        self.central = central
        self.engine = central.engine
        self._smtp: SmtpConnection | None = None
        self._deferred = 0.0  # since when recording the states waits for pushes to pause
        # The CPU and the writers' lock are the pushes' first (mail_pace.py).
        self.pacer = Pacer(self._seq_head)

    def _seq_head(self) -> int:
        """The events' seq (through any central process)."""
        with self.central.reader.connect() as conn:
            return int(conn.execute(select(seq_counter.c.value)).scalar_one())

    def close(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def round(self, lease: Lease | None = None) -> bool:
        """One round of the four steps; whether there was anything to do."""
        with self.central.reader.connect() as conn:
            raw = mail_settings(conn)
        if raw is None:  # mail is off: what events would have caused is not kept
            return self._drop_triggers()
        settings = SmtpSettings.from_json(raw)
        steps: list[Callable[[], bool]] = [
            partial(self._expand, raw),
            partial(self._watch, raw),
            partial(self._send, settings, lease),
            self._record,
        ]
        busy = False
        for step in steps:
            busy = step() or busy
            self.pacer.pace()
        return busy

    # ------------------------------------------------------------------ 1. triggers
    def _expand(self, settings: dict[str, Any]) -> bool:
        now = datetime.now(UTC)
        with self.central.reader.connect() as conn:
            # While pushes come in fast, a few at a time: sending keeps its turn.
            limit = BUSY_BATCH if self.pacer.busy() else BATCH
            rows = conn.execute(select(mail_triggers).order_by(mail_triggers.c.seq).limit(limit))
            triggers = list(rows.mappings())
            if not triggers:
                return False
            restored = _restore_moment(conn)
            facts = load_facts(conn, {t["stream"] for t in triggers}, now)
            stored = _stored_events(conn, [t["seq"] for t in triggers])
            common = _common(settings)
            drafts: list[MailDraft] = []
            watches: dict[tuple[str, str], dict[str, Any]] = {}
            for trigger in triggers:
                row = stored.get(trigger["seq"])
                if trigger["stream"].startswith("notice:"):  # every employee in scope
                    if row is not None and not _replayed(row, restored):
                        drafts += notice_drafts(
                            conn, trigger["event_id"], trigger["stream"], common
                        )
                    continue
                ticket = facts.get(trigger["stream"])
                if ticket is None or row is None or _replayed(row, restored):
                    continue
                event = next((e for e in ticket.history if e.id == trigger["event_id"]), None)
                if event is not None and event.type == MAIL_RESEND:
                    copy = resend_draft(conn, event.stream, event.id, _text(event, "message_id"))
                    if copy is not None:  # to the address the directory has now
                        to = mail_rules.current_address(ticket, copy.kind, copy.to)
                        drafts.append(replace(copy, to=to))
                elif event is not None:
                    drafts += mail_rules.drafts_for(conn, event, ticket, common)
                for clock, due in mail_rules.watched_dues(ticket).items():
                    watches[(trigger["stream"], clock)] = _watch_row(ticket, clock, due)
        with self._write() as conn:
            queue_mails(conn, drafts)
            _put_watches(conn, list(watches.values()))
            seqs = [t["seq"] for t in triggers]
            conn.execute(delete(mail_triggers).where(mail_triggers.c.seq.in_(seqs)))
        return True

    def _drop_triggers(self) -> bool:
        with self.central.reader.connect() as conn:
            if conn.execute(select(mail_triggers.c.seq).limit(1)).first() is None:
                return False
        with self._write() as conn:
            conn.execute(delete(mail_triggers))
            conn.execute(delete(mail_clock_watch))
        return False

    # ------------------------------------------------------------------ 2. clocks
    def _watch(self, settings: dict[str, Any]) -> bool:
        now = datetime.now(UTC)
        with self.central.reader.connect() as conn:
            due = conn.execute(
                select(mail_clock_watch)
                .where(mail_clock_watch.c.due_ms <= _ms(now))
                .order_by(mail_clock_watch.c.due_ms)
                .limit(BATCH)
            ).mappings()
            watched = list(due)
            if not watched:
                return False
            facts = load_facts(conn, {w["stream"] for w in watched}, now)
            common = _common(settings)
            drafts: list[MailDraft] = []
            later: list[dict[str, Any]] = []
            for watch in watched:
                ticket = facts.get(watch["stream"])
                if ticket is None:
                    continue
                state = ticket.clock(watch["clock"])
                dues = mail_rules.watched_dues(ticket)
                if state.get("state") == "breached" and ticket.priority in ("P1", "P2"):
                    drafts += mail_rules.breach_draft(conn, ticket, watch["clock"], common)
                elif watch["clock"] in dues and _ms(_instant(dues[watch["clock"]])) > _ms(now):
                    later.append(_watch_row(ticket, watch["clock"], dues[watch["clock"]]))
        with self._write() as conn:
            queue_mails(conn, drafts)
            for watch in watched:
                conn.execute(
                    delete(mail_clock_watch).where(
                        mail_clock_watch.c.stream == watch["stream"],
                        mail_clock_watch.c.clock == watch["clock"],
                        mail_clock_watch.c.due_ms == watch["due_ms"],
                    )
                )
            _put_watches(conn, later)
        return True

    # ------------------------------------------------------------------ 3. sending
    def _send(self, settings: SmtpSettings, lease: Lease | None) -> bool:
        now_ms = _ms(datetime.now(UTC))
        with self.central.reader.connect() as conn:
            rows = list(
                conn.execute(
                    select(mail_outbox)
                    .where(mail_outbox.c.state == QUEUED, mail_outbox.c.next_try_ms <= now_ms)
                    .order_by(mail_outbox.c.id)
                    .limit(BATCH)
                ).mappings()
            )
            # An organisation's own wording, read once per kind and language for the run
            # (the read transaction ends before the first mail goes out).
            keys = {_template_key(row) for row in rows}
            wording = {key: published_template(conn, *key) for key in keys}
        if not rows:
            self.close()  # the session ends while no mail waits
            return False
        smtp = self._session(settings)
        accepted: list[RowMapping] = []
        started = since = time.monotonic()
        try:
            for row in rows:
                if lease is not None and not lease.held():
                    break
                outcome = self._send_one(smtp, settings, row, wording[_template_key(row)])
                self.pacer.pace()
                if outcome == _UNREACHABLE:
                    break  # no connection: the rest waits for the retry
                if outcome == _ACCEPTED:
                    since = since if accepted else time.monotonic()
                    accepted.append(row)
                busy = self.pacer.busy()
                group_seconds = SENT_GROUP_BUSY_SECONDS if busy else SENT_GROUP_SECONDS
                if accepted and (
                    len(accepted) >= SENT_GROUP or time.monotonic() - since >= group_seconds
                ):
                    self._record_sent(accepted)
                    accepted = []
                if busy and time.monotonic() - started >= SEND_STEP_SECONDS:
                    break  # the round's other steps get their turn; the rest comes next
        finally:
            self._record_sent(accepted)
        return True

    def _record_sent(self, rows: list[RowMapping]) -> None:
        """Records acceptances, a few in one commit (a disk flush each)."""
        if not rows:
            return
        with self._write() as conn:
            conn.execute(
                update(mail_outbox)
                .where(mail_outbox.c.id.in_([row["id"] for row in rows]))
                .values(state=SENT, reason=None, sent_at=datetime.now(UTC).isoformat())
            )
        for row in rows:
            log.info("mail %s: recorded as sent", row["message_id"])

    def _send_one(
        self, smtp: SmtpConnection, settings: SmtpSettings, row: RowMapping, wording: str | None
    ) -> str:
        """Sends one row: _ACCEPTED (to be recorded), _DONE (failed or to be tried again),
        _UNREACHABLE (no connection: stop this run)."""
        message_id, to = str(row["message_id"]), str(row["to_addr"])
        if not to:
            self._set_state(row, FAILED, NO_ADDRESS)
            return _DONE
        if not _ADDRESS.fullmatch(to):
            self._set_state(row, FAILED, f"not an e-mail address: {to!r}")
            return _DONE
        try:
            context = json.loads(row["context"])
            mail = render_with(wording, row["org"], row["kind"], row["lang"], context)
        except (MailTemplateError, ValueError) as exc:
            self._set_state(row, FAILED, f"template: {exc}")
            return _DONE
        try:
            smtp.send(compose(settings, to, message_id, mail), to)
        except SendFailure as failure:
            if failure.permanent:
                self._set_state(row, FAILED, failure.reason)
                return _DONE
            self._retry(row, settings, failure.reason)
            return _UNREACHABLE if failure.reason.startswith("no connection") else _DONE
        log.info("mail %s (%s): accepted by the server", message_id, row["kind"])
        return _ACCEPTED

    def _set_state(self, row: RowMapping, state: str, reason: str | None) -> None:
        values = {"state": state, "reason": reason, "sent_at": datetime.now(UTC).isoformat()}
        with self._write() as conn:
            conn.execute(update(mail_outbox).where(mail_outbox.c.id == row["id"]).values(values))

    def _retry(self, row: RowMapping, settings: SmtpSettings, reason: str) -> None:
        attempts = int(row["attempts"]) + 1
        queued = datetime.fromisoformat(str(row["queued_at"]))
        if datetime.now(UTC) - queued > GIVE_UP_AFTER:
            self._set_state(row, FAILED, f"given up after {attempts} attempts: {reason}")
            return
        next_ms = _ms(datetime.now(UTC)) + int(_retry_delay(settings, attempts) * 1000)
        log.warning("mail %s: %s (try %d again later)", row["message_id"], reason, attempts + 1)
        with self._write() as conn:
            conn.execute(
                update(mail_outbox)
                .where(mail_outbox.c.id == row["id"])
                .values(attempts=attempts, next_try_ms=next_ms, reason=reason)
            )

    def _session(self, settings: SmtpSettings) -> SmtpConnection:
        if self._smtp is not None and self._smtp.settings == settings:
            return self._smtp
        self.close()
        try:
            password = get_secret(self.engine, SMTP_PASSWORD) if settings.user else None
        except SecretKeyError as exc:
            log.error("mail: the SMTP password cannot be read: %s", exc)
            password = None
        self._smtp = SmtpConnection(settings, password)
        return self._smtp

    # ------------------------------------------------------------------ 4. state
    def _record(self) -> bool:
        # While pushes flow, the states wait (at most RECORD_DEFER): recording them takes
        # the writers' lock the pushes need.
        if self.pacer.flowing():
            self._deferred = self._deferred or time.monotonic()
            if time.monotonic() - self._deferred < RECORD_DEFER:
                return False
        self._deferred = 0.0
        with self.central.reader.connect() as conn:
            rows = list(
                conn.execute(
                    select(mail_outbox)
                    .where(
                        mail_outbox.c.state.in_((QUEUED, SENT, FAILED)),
                        func.coalesce(mail_outbox.c.recorded, "") != mail_outbox.c.state,
                    )
                    .order_by(mail_outbox.c.id)
                    .limit(RECORD_BATCH)
                ).mappings()
            )
        if not rows:
            return False
        # State events on tickets only; a notice's mails are in the audit log alone.
        batch = [
            e for row in rows if row["stream"].startswith("ticket:") for e in _state_events(row)
        ]
        results = self.central.record(_CENTRAL_USER, batch, "local")
        self.pacer.recorded(sum(1 for result in results if result.status == "accepted"))
        for result in results:
            if result.status == "rejected":
                log.warning("mail state event %s refused: %s", result.id, result.reason)
        with self.central.db.write() as conn:
            _audit(conn, [row for row in rows if row["state"] in (SENT, FAILED)])
            for state in {row["state"] for row in rows}:
                ids = [row["id"] for row in rows if row["state"] == state]
                conn.execute(
                    update(mail_outbox)
                    .where(mail_outbox.c.id.in_(ids), mail_outbox.c.state == state)
                    .values(recorded=state)
                )
        return True

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write of the outbox: on SQLite in turn with the event writers (one writer at a
        time); PostgreSQL locks the rows alone."""
        if self.engine.dialect.name == "sqlite":
            with self.central.db.writer_lock(), self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.begin() as conn:
                yield conn


def _audit(conn: Connection, rows: list[RowMapping]) -> None:
    """An audit entry per mail sent or failed (`mail.sent`, `mail.failed`), appended to
    the chain with one read of its head and one insert."""
    if not rows:
        return
    postgresql = conn.dialect.name == "postgresql"
    *locks, last = audit.head_reads(audit_log, postgresql)
    for statement in locks:
        conn.execute(statement)
    head = [dict(row) for row in conn.execute(last).mappings()]
    entries = []
    for row in rows:
        detail = {**_state_data(row), "org": row["org"]} if row["org"] else _state_data(row)
        action = f"mail.{row['state']}"
        entries.append(
            audit.Entry(now_iso(), CENTRAL_ACTOR, action, row["stream"], "local", detail)
        )
    chained = audit.chained_rows(audit.head_hash(head), entries)
    for entry_row, row in zip(chained, rows, strict=True):
        entry_row["org"] = row["org"]
    insert_rows(conn, audit_log, chained)


def _state_events(row: RowMapping) -> list[dict[str, Any]]:
    """The `mail_*` event a row still needs on its ticket: its state now (a mail sent or
    failed before its waiting was recorded shows only that: the usual case, one event per
    mail; "mail_queued" is for mail that waits, the SMTP server down or slow)."""
    states = [row["state"]]
    # The same content each time it is built (its id is fixed, and central refuses an id
    # again with other content): the moment the mail reached the state.
    at = _instant(str(row["sent_at"] if row["state"] != QUEUED else row["queued_at"]))
    found = []
    for state in states:
        data = _state_data(row) if state != QUEUED else {**_state_data(row), "reason": None}
        event = new_event(str(row["stream"]), f"mail_{state}", at, CENTRAL_ACTOR, data)
        found.append(
            {**event.to_json(), "id": mail_rules.state_event_id(str(row["message_id"]), state)}
        )
    return found


def _state_data(row: RowMapping) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "to": row["to_addr"],
        "message_id": row["message_id"],
        "reason": row["reason"],
    }


def _template_key(row: RowMapping) -> tuple[str | None, str, str]:
    """The organisation, kind and language whose published wording a row's mail uses."""
    lang = row["lang"] if row["lang"] in LANGUAGES else DEFAULT_LANG
    return (row["org"], str(row["kind"]), str(lang))


def _text(event: Event, key: str) -> str:
    value = event.data.get(key)
    return value if isinstance(value, str) else ""


def _common(settings: dict[str, Any]) -> dict[str, Any]:
    return {"desk_name": str(settings.get("sender_name") or "Servicedesk")}


def _stored_events(conn: Connection, seqs: Sequence[int]) -> dict[int, RowMapping]:
    query = select(events.c.seq, events.c.at_utc_us, events.c.received_at).where(
        events.c.seq.in_(list(seqs))
    )
    return {int(row["seq"]): row for row in conn.execute(query).mappings()}


def _restore_moment(conn: Connection) -> int | None:
    """When a restore from backup was last found (µs since 1970), or None."""
    at = conn.execute(
        select(func.max(audit_log.c.at)).where(audit_log.c.action == "central.restore_found")
    ).scalar_one_or_none()
    return int(_instant(str(at)).timestamp() * 1_000_000) if at else None


def _replayed(row: RowMapping, restored_us: int | None) -> bool:
    """An event sent again after a restore, more than REPLAY_AGE old when it arrived."""
    received = _instant(str(row["received_at"]))
    age_us = received.timestamp() * 1_000_000 - int(row["at_utc_us"])
    old = age_us > REPLAY_AGE.total_seconds() * 1_000_000
    return old and is_replay(int(row["at_utc_us"]), restored_us)


def _watch_row(ticket: Any, clock: str, due: str) -> dict[str, Any]:
    return {
        "stream": f"ticket:{ticket.number}",
        "clock": clock,
        "due_ms": _ms(_instant(due)),
        "org": ticket.org,
    }


def _put_watches(conn: Connection, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        conn.execute(
            delete(mail_clock_watch).where(
                mail_clock_watch.c.stream == row["stream"],
                mail_clock_watch.c.clock == row["clock"],
            )
        )
    if rows:
        conn.execute(mail_clock_watch.insert(), rows)


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
