"""A central with what the mail tests need: an organisation with regie addresses, a caller
with a work address and a location, an agent, a field engineer in the staff directory,
and mail configured to a loopback SMTP server (tests/smtp_server.py)."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import select

from halt_desk.central.mail_admin import configure_mail
from halt_desk.central.mail_smtp import SmtpSettings
from halt_desk.central.schema import events, mail_outbox
from halt_desk.central.service import Central
from tests.smtp_server import SmtpServer

REGIE = ("regie@halt.nl", "servicemanager@halt.nl")
CALLER_EMAIL = "anna.devries@halt.nl"
ENGINEER_EMAIL = "bram.field@provider.nl"
SENDER = "servicedesk@provider.nl"
_numbers = itertools.count(101)


def wire(stream: str, kind: str, data: dict[str, Any], actor: str = "agent-a") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": datetime.now(UTC).isoformat(),
        "actor": actor,
        "data": data,
    }


def reference_events() -> list[dict[str, Any]]:
    org = {"name": "Stichting Halt", "profile": "halt", "regie_emails": list(REGIE)}
    employee = {
        "org": "halt",
        "name": "Anna de Vries",
        "email": CALLER_EMAIL,
        "phone": "06-12345678",
        "location": "utrecht",
        "home_address": "Geheimstraat 1, Utrecht",
    }
    return [
        wire("org:halt", "organisation_registered", org, "admin"),
        wire("location:utrecht", "location_registered", _location(), "admin"),
        wire("employee:e1", "employee_registered", employee, "admin"),
        wire("employee:e2", "employee_registered", {"org": "halt", "name": "Zonder Mail"}),
        wire("staff:agent-a", "staff_registered", {"name": "Sanne Agent", "role": "agent"}),
        wire(
            "staff:field-a",
            "staff_registered",
            {"name": "Bram Veld", "role": "field", "email": ENGINEER_EMAIL},
        ),
    ]


def _location() -> dict[str, Any]:
    return {"org": "halt", "name": "Kantoor Utrecht", "city": "Utrecht", "region": "Midden"}


@dataclass
class MailDesk:
    """A central, its users' tokens and the SMTP server it sends to."""

    central: Central
    smtp: SmtpServer
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, db_url: str, smtp: SmtpServer, **settings: Any) -> MailDesk:
        central = Central.open(db_url)
        desk = cls(central, smtp)
        for name, role in (("admin", "admin"), ("agent-a", "agent"), ("field-a", "field")):
            desk.tokens[name] = central.add_user(name, role)
        admin = central.authenticate(desk.tokens["admin"])
        assert admin is not None
        results = central.record(admin, reference_events(), "test")
        assert all(r.status == "accepted" for r in results), results
        desk.configure(**settings)
        return desk

    def register(self, batch: list[dict[str, Any]]) -> None:
        """Records `batch` (reference data) as the administrator; every event accepted."""
        admin = self.central.authenticate(self.tokens["admin"])
        assert admin is not None
        assert {r.status for r in self.central.record(admin, batch, "test")} == {"accepted"}

    def configure(self, **more: Any) -> None:
        values: dict[str, Any] = {
            "sender_name": "Servicedesk Halt",
            "retry_seconds": 0.2,
            "tls": "none",
        }
        values.update(more)
        configure_mail(
            self.central,
            SmtpSettings(host="127.0.0.1", port=self.smtp.port, sender=SENDER, **values),
            None,
        )

    @staticmethod
    def new_ticket() -> str:
        return f"HALT-2026-{next(_numbers):06d}"

    def report(
        self, ticket: str, priority: str = "P3", caller: str = "e1", **more: Any
    ) -> dict[str, Any]:
        data = {
            "org": "halt",
            "caller": caller,
            "summary": "Laptop start niet op",
            "channel": "phone",
            "priority": priority,
            **more,
        }
        return wire(f"ticket:{ticket}", "ticket_reported", data)

    def push(self, url: str, batch: list[dict[str, Any]], user: str = "agent-a") -> None:
        response = requests.post(
            f"{url}/api/v1/events",
            json={"events": batch},
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
            timeout=60,
        )
        response.raise_for_status()
        statuses = [r["status"] for r in response.json()["results"]]
        assert statuses == ["accepted"] * len(batch), response.json()

    def outbox(self) -> list[dict[str, Any]]:
        with self.central.engine.connect() as conn:
            rows = conn.execute(select(mail_outbox).order_by(mail_outbox.c.id)).mappings()
            return [dict(row) for row in rows]

    def ticket_events(self, ticket: str, prefix: str = "mail_") -> list[tuple[str, Any]]:
        import json

        with self.central.engine.connect() as conn:
            rows = conn.execute(
                select(events.c.type, events.c.data)
                .where(events.c.stream == f"ticket:{ticket}", events.c.type.like(f"{prefix}%"))
                .order_by(events.c.seq)
            ).all()
        return [(kind, json.loads(data)) for kind, data in rows]


def zwolle_people(addresses: tuple[str, ...]) -> list[dict[str, Any]]:
    """The office in Zwolle and an employee there for each of `addresses` (`employee:z1`,
    …): the people a notice to that location reaches."""
    zwolle = {"org": "halt", "name": "Regiokantoor Zwolle", "city": "Zwolle"}
    return [
        wire("location:zwolle", "location_registered", zwolle, "admin"),
        *(
            wire(f"employee:z{n}", "employee_registered", zwolle_employee(n, address), "admin")
            for n, address in enumerate(addresses, start=1)
        ),
    ]


def zwolle_employee(n: int, address: str) -> dict[str, Any]:
    return {"org": "halt", "name": f"Medewerker {n}", "email": address, "location": "zwolle"}


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def expected_ids(reports: list[dict[str, Any]], kind: str = "caller_registered") -> set[str]:
    """The Message-IDs of the caller's mails of these `ticket_reported` events."""
    from halt_desk.central.mail_queue import message_id_for

    domain = SENDER.rpartition("@")[2]
    return {message_id_for(r["id"], kind, CALLER_EMAIL, domain) for r in reports}


def accepted_not_recorded(central_url: str, accepted: set[str]) -> set[str]:
    """Of the Message-IDs the SMTP server `accepted`, those central's outbox has not
    recorded as sent (read right after a kill: the mails a restart may send again)."""
    from sqlalchemy import create_engine

    engine = create_engine(central_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(mail_outbox.c.message_id).where(mail_outbox.c.state == "queued")
            ).scalars()
            return {m for m in rows if m in accepted}
    finally:
        engine.dispose()


@dataclass
class KillReport:
    """What a burst with kills showed: the kills, the Message-IDs a kill caught between
    the server's acceptance and central's record (a repeat is allowed for these), and the
    repeats seen."""

    kills: int = 0
    caught: set[str] = field(default_factory=set)
    repeats: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def burst_with_kills(
    server: Any, desk: MailDesk, count: int, kills: int, log: Callable[[str], None] = print
) -> KillReport:
    """`count` tickets pushed to the central process `server` (a tests.central_server
    ProcessServer), killed with SIGKILL `kills` times while their mails go out, restarted
    each time; returns once every mail has arrived."""
    import random

    report = KillReport()
    reports = [desk.report(desk.new_ticket()) for _ in range(count)]
    wanted = expected_ids(reports)
    for start in range(0, count, 250):
        desk.push(server.url, reports[start : start + 250])
    smtp = desk.smtp
    db_url = server.db_url
    for n in range(kills):
        target = min(count - 1, (n + 1) * count // (kills + 1) + random.randint(0, 5))
        smtp.wait_for(lambda found, t=target: len(found) >= t, timeout=300)
        server.kill()
        killed_at = time.time()
        time.sleep(0.5)  # a message whose final dot was sent before the kill: stored by now
        accepted = set(smtp.message_ids())
        caught = accepted_not_recorded(db_url, accepted)
        report.kills += 1
        report.caught |= caught
        for message_id in sorted(caught):
            at = next(m.at for m in smtp.messages() if m.message_id == message_id)
            log(
                f"kill {n + 1}: {message_id} accepted by the server at {at:.3f}, "
                f"killed at {killed_at:.3f} before central recorded it"
            )
        server.start()
    smtp.wait_for(lambda found: wanted <= {m.message_id for m in found}, timeout=600)
    counts: dict[str, int] = {}
    for message_id in smtp.message_ids():
        counts[message_id] = counts.get(message_id, 0) + 1
    report.repeats = {m: n for m, n in counts.items() if n > 1}
    return report
