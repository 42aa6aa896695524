"""Organisations on the central (`halt-desk central org add/update/list`): registered and
changed as `organisation_registered` / `organisation_updated` events of `org:<id>` through
the central's normal write path, so the projections, the audit log and the permission
rules apply as to any other event; listed from the reference records those events left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from halt_desk.central.auth import Role, User
from halt_desk.central.schema import organisations, reference_records
from halt_desk.central.service import Central
from halt_desk.central.validation import max_length
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import new_event

#: The actor of what the administration commands record (as for `central user add`).
CLI_ACTOR = "cli"
#: A short lowercase code, as in `org:halt`, a user's `--org` and a ticket number.
_ORG_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
_ID_LENGTH = max_length(organisations.c.id)
_NAME_LENGTH = max_length(organisations.c.name)
#: One address: no spaces, one @, a domain of dot-separated labels (letters, digits, -).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[^@\s,;<>\"]+@{_LABEL}(?:\.{_LABEL})+\Z")
_EMAIL_LENGTH = 254


class InvalidOrganisation(HaltDeskError):
    """Input for an organisation that is refused before anything is recorded."""


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    profile: str
    regie_emails: tuple[str, ...]
    #: Mail kinds switched off for this organisation (`central org update --mail-off`).
    mail_off: tuple[str, ...] = ()


def register_organisation(
    central: Central,
    org_id: str,
    name: str,
    profile: str,
    regie_emails: Sequence[str] | None = None,
) -> int:
    """Records `organisation_registered` for a new organisation; its seq. Refused (with
    the reason, nothing recorded) for bad input, a known id or an unknown profile."""
    if not _ORG_ID.match(org_id) or len(org_id) > _ID_LENGTH:
        raise InvalidOrganisation(
            f"organisation id {org_id!r}: lowercase letters, digits and '-', starting with a "
            f"letter, at most {_ID_LENGTH} characters (e.g. halt)"
        )
    data: dict[str, Any] = {"name": _checked_name(name), "profile": _checked_profile(profile)}
    if regie_emails:
        data["regie_emails"] = _checked_emails(regie_emails)
    if _registered(central, org_id):
        raise InvalidOrganisation(
            f"organisation {org_id!r} is registered already (change it with `central org update`)"
        )
    return _record(central, org_id, "organisation_registered", data)


def update_organisation(
    central: Central,
    org_id: str,
    name: str | None = None,
    profile: str | None = None,
    regie_emails: Sequence[str] | None = None,
    mail_off: Sequence[str] = (),
    mail_on: Sequence[str] = (),
) -> int:
    """Records `organisation_updated` with the fields given (regie addresses: the new
    list as a whole; mail kinds switched off or on again: the whole list of kinds off
    after the change); its seq. Refused for bad input, nothing to change or an unknown id."""
    data: dict[str, Any] = {}
    if name is not None:
        data["name"] = _checked_name(name)
    if profile is not None:
        data["profile"] = _checked_profile(profile)
    if regie_emails:
        data["regie_emails"] = _checked_emails(regie_emails)
    if not _registered(central, org_id):
        raise InvalidOrganisation(
            f"no organisation {org_id!r} is registered (see `central org list`)"
        )
    if mail_off or mail_on:
        data["mail_off"] = _switched(central, org_id, mail_off, mail_on)
    if not data:
        raise InvalidOrganisation(
            "nothing to update: give --name, --profile, --regie-email, --mail-off or --mail-on"
        )
    return _record(central, org_id, "organisation_updated", data)


def _switched(
    central: Central, org_id: str, mail_off: Sequence[str], mail_on: Sequence[str]
) -> list[str]:
    """The mail kinds off for `org_id` after switching `mail_off` off and `mail_on` on."""
    from halt_desk.central.mail_rules import MAIL_KINDS

    for kind in (*mail_off, *mail_on):
        if kind not in MAIL_KINDS:
            raise InvalidOrganisation(
                f"{kind!r} is not a mail kind (one of {', '.join(MAIL_KINDS)})"
            )
    both = sorted(set(mail_off) & set(mail_on))
    if both:
        raise InvalidOrganisation(f"{', '.join(both)}: both --mail-off and --mail-on")
    current = _record_data(central, org_id).get("mail_off")
    off = {str(k) for k in current} if isinstance(current, list) else set()
    return sorted((off | set(mail_off)) - set(mail_on))


def _record_data(central: Central, org_id: str) -> dict[str, Any]:
    query = select(reference_records.c.data).where(reference_records.c.stream == f"org:{org_id}")
    text = central.db.read(lambda conn: conn.execute(query).scalar())
    data = json.loads(text) if text else {}
    return data if isinstance(data, dict) else {}


def list_organisations(central: Central) -> list[Organisation]:
    """Every registered organisation, by id, as its events left it."""

    def query(conn: Connection) -> list[tuple[str, str]]:
        rows = conn.execute(
            select(reference_records.c.stream, reference_records.c.data)
            .where(reference_records.c.stream.like("org:%"))
            .order_by(reference_records.c.stream)
        )
        return [(row.stream, row.data) for row in rows]

    found = []
    for stream, text in central.db.read(query):
        data = json.loads(text)
        emails = data.get("regie_emails")
        off = data.get("mail_off")
        found.append(
            Organisation(
                id=stream.partition(":")[2],
                name=str(data.get("name") or ""),
                profile=str(data.get("profile") or ""),
                regie_emails=tuple(str(e) for e in emails) if isinstance(emails, list) else (),
                mail_off=tuple(str(k) for k in off) if isinstance(off, list) else (),
            )
        )
    return found


def _registered(central: Central, org_id: str) -> bool:
    """Whether `org:<org_id>` is registered: for a clear message; the central's own check
    in the write transaction still decides."""
    query = select(reference_records.c.stream).where(reference_records.c.stream == f"org:{org_id}")
    return central.db.read(lambda conn: conn.execute(query).first()) is not None


def _record(central: Central, org_id: str, kind: str, data: dict[str, Any]) -> int:
    """Through `Central.record`, as an admin of the provider: the central's own checks
    (registered once, updated only when known, a profile it knows) decide."""
    event = new_event(f"org:{org_id}", kind, datetime.now(UTC), CLI_ACTOR, data)
    administrator = User(0, CLI_ACTOR, Role.ADMIN)
    (result,) = central.record(administrator, [event.to_json()], "local")
    if result.status != "accepted" or result.seq is None:
        raise InvalidOrganisation(f"organisation {org_id!r}: {result.reason or result.status}")
    return result.seq


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidOrganisation("an organisation needs a name (--name)")
    if len(name) > _NAME_LENGTH:
        raise InvalidOrganisation(f"the name is longer than {_NAME_LENGTH} characters")
    return name


def _checked_profile(profile: str) -> str:
    profile = profile.strip()
    if not profile:
        raise InvalidOrganisation("an organisation needs a contract profile (--profile)")
    return profile  # whether the central knows it is its own check (published profiles too)


def is_email(address: str) -> bool:
    """Whether `address` is one e-mail address (no name, no list)."""
    return len(address) <= _EMAIL_LENGTH and _EMAIL.match(address) is not None


def _checked_emails(addresses: Sequence[str]) -> list[str]:
    checked: list[str] = []
    for address in addresses:
        address = address.strip()
        if not is_email(address):
            raise InvalidOrganisation(f"{address!r} is not an e-mail address (--regie-email)")
        if address.lower() not in (known.lower() for known in checked):
            checked.append(address)
    return checked
