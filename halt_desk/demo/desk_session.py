"""`halt-desk demo` without any set-up: a central API in this process with the demo data,
and a local cache signed in to it.

The window must show a filled list within seconds, so the work is done in the order the
user sees it (DESIGN §1: the cache is the desk's truth, central its source):

1. `prepare_demo_cache` generates the events and writes them into the fresh desk cache
   the way a first pull leaves them (`Store.ingest_remote`: each event with the `seq`
   central will give it, home addresses taken out as central's feed takes them out for
   an agent, the pull cursor at the last seq) — no HTTP, no wait for central.
2. `start_demo_central` then fills a real central database through its own checks (the
   same writer every push goes through, one role per batch: reference data as admin,
   devices as logistics, tickets as the desk), confirms that every `seq` it gave and its
   changes feed for the demo user are exactly what the cache already holds (an error if
   not), and serves it on a loopback port. The desk's sync process starts after that and
   has nothing to fetch; whatever the user records meanwhile waits in the outbox and is
   sent by the first round, as after any time offline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete

from halt_desk.central.auth import Role, User
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.service import Central
from halt_desk.central.validation import MAX_BATCH, MAX_PAGE
from halt_desk.demo.desk_cache import DEMO_USER, DemoData, demo_data
from halt_desk.demo.mailbox import DemoMailbox
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.paths import private_dir

log = logging.getLogger(__name__)

DEMO_ROLE = Role.AGENT
_ROLE_OF_KIND = {"ticket": Role.AGENT, "device": Role.LOGISTICS, "swap": Role.LOGISTICS}
#: Batches per transaction while loading (group commit, as concurrent pushes would be).
_BATCHES_PER_COMMIT = 20
#: The address central's audit log names for the demo's own reads.
_LOOPBACK = "127.0.0.1"


@dataclass
class DemoCentral:
    """A running embedded central with the demo data and a token for the demo user."""

    server: EmbeddedServer
    central: Central
    token: str
    user: str
    events: int
    #: The demo's own mail server, where central's mail goes (`mailbox.py`).
    mailbox: DemoMailbox | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.central.close()
        if self.mailbox is not None:
            self.mailbox.stop()


def _role(event: Event) -> Role:
    return _ROLE_OF_KIND.get(event.stream_kind, Role.ADMIN)


def _batches(events: Sequence[Event]) -> Iterator[tuple[Role, list[Event]]]:
    """Events in the given order, cut into batches of one role each (as desks would send
    them)."""
    batch: list[Event] = []
    role: Role | None = None
    for event in events:
        event_role = _role(event)
        if batch and (event_role is not role or len(batch) == MAX_BATCH):
            yield role, batch  # type: ignore[misc]
            batch = []
        role = event_role
        batch.append(event)
    if batch and role is not None:
        yield role, batch


def load_demo(central: Central, events: Sequence[Event]) -> list[int]:
    """Records the demo events in central in the given order; returns the seq each got.
    Raises if central refuses any (the demo data must follow the contract rules like
    everything else)."""
    users = {role: User(0, f"demo-{role}", role) for role in Role}
    pending: list[tuple[User, Sequence[object], str]] = []
    seqs: list[int] = []

    def flush() -> None:
        for results in central.record_many(pending):
            for result in results:
                if result.status != "accepted" or result.seq is None:
                    raise HaltDeskError(f"demo event {result.id} refused: {result.reason}")
                seqs.append(result.seq)
        pending.clear()

    for role, batch in _batches(events):
        pending.append((users[role], [e.to_json() for e in batch], "demo"))
        if len(pending) == _BATCHES_PER_COMMIT:
            flush()
    if pending:
        flush()
    return seqs


def _check_feed(central: Central, user: User, data: DemoData) -> None:
    """Reads central's changes feed as the demo user's first pull would (audited the same
    way) and checks that it is what the demo cache was given."""
    since, delivered = 0, 0
    while True:
        page, since, more = central.changes(user, since, MAX_PAGE, _LOOPBACK)
        for raw in page:
            expected = data.pulled[delivered] if delivered < len(data.pulled) else None
            if raw != expected:
                raise HaltDeskError(
                    f"the demo cache differs from central's feed at seq {raw.get('seq')}"
                )
            delivered += 1
        if not more or not page:
            break
    if delivered != len(data.pulled):
        raise HaltDeskError(
            f"central's feed has {delivered} demo events, the cache {len(data.pulled)}"
        )


def start_demo_central(
    folder: Path,
    data: DemoData | None = None,
    *,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    now: datetime | None = None,
) -> DemoCentral:
    """A fresh demo central (`demo-central.sqlite3` in `folder`) with `data` (default: the
    demo data up to `now`), serving on a free loopback port, and a token for the demo user.
    With `data` given, central's seqs and feed are checked against it."""
    private_dir(folder)
    path = folder / "demo-central.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    checked = data is not None
    data = data or demo_data(seed, months, tickets_per_month, now)
    central = Central.open(f"sqlite+pysqlite:///{path}")
    try:
        seqs = load_demo(central, data.events)
        if checked and seqs != list(range(1, len(data.events) + 1)):
            raise HaltDeskError("central numbered the demo events otherwise than the cache")
        token = central.add_user(DEMO_USER, DEMO_ROLE.value)
        user = central.authenticate(token)
        if checked and user is not None:
            _check_feed(central, user, data)
        mailbox = _demo_mail(central)
        server = EmbeddedServer(central).start()
    except BaseException:
        central.close()
        raise
    log.info("demo central on %s with %d events", server.url, len(seqs))
    return DemoCentral(server, central, token, DEMO_USER, len(seqs), mailbox)


DEMO_SENDER = "servicedesk@demo.halt-desk.invalid"


def _demo_mail(central: Central) -> DemoMailbox:
    """Central's mail goes to the demo's own mail server from now on; the demo's history
    (months of tickets loaded at once) is no news, so the mails it would cause are dropped."""
    from halt_desk.central.mail_admin import configure_mail
    from halt_desk.central.mail_smtp import SmtpSettings
    from halt_desk.central.schema import mail_triggers

    with central.db.write() as conn:
        conn.execute(delete(mail_triggers))
    mailbox = DemoMailbox().start()
    settings = SmtpSettings(
        host="127.0.0.1",
        port=mailbox.port,
        tls="none",
        sender=DEMO_SENDER,
        sender_name="Servicedesk (demo)",
    )
    configure_mail(central, settings, None, actor="demo")
    return mailbox
