"""The staff directory at the central: a user's display name, role and work e-mail as a
`staff:<user name>` reference record (`central user add NAME --display-name …`,
`central user update NAME …`), recorded through the central's normal write path and sent
to every desk by the changes feed, so colleagues read each other by name.

A user of the provider is everyone's colleague: the record has no organisation and every
desk reads it (reads.py). A customer's user bound to one organisation carries that `org`:
only that organisation's desks read its name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.organisations import CLI_ACTOR, is_email
from halt_desk.central.schema import reference_records
from halt_desk.central.service import Central
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import new_event

_NAME_LENGTH = 200


class InvalidStaffRecord(HaltDeskError):
    """Input for a staff record that is refused before anything is recorded."""


def staff_data(
    display_name: str | None, role: str | None, email: str | None, orgs: Sequence[str] = ()
) -> dict[str, Any]:
    """The fields of a staff record from the administration command's options (checked)."""
    data: dict[str, Any] = {}
    if display_name is not None:
        name = " ".join(display_name.split())
        if not name:
            raise InvalidStaffRecord("a display name cannot be empty")
        if len(name) > _NAME_LENGTH:
            raise InvalidStaffRecord(f"the display name is longer than {_NAME_LENGTH} characters")
        data["name"] = name
    if role is not None:
        data["role"] = Role(role).value
    if email is not None:
        if not is_email(email.strip()):
            raise InvalidStaffRecord(f"{email!r} is not an e-mail address (--email)")
        data["email"] = email.strip()
    if len(orgs) == 1:
        data["org"] = orgs[0]
    return data


def record_staff(central: Central, user_name: str, data: dict[str, Any]) -> int:
    """Records `staff_registered` (new) or `staff_updated` for `user_name`; its seq."""
    stream = f"staff:{user_name}"
    known = central.db.read(
        lambda conn: conn.execute(
            select(reference_records.c.stream).where(reference_records.c.stream == stream)
        ).first()
    )
    kind = "staff_updated" if known is not None else "staff_registered"
    if kind == "staff_registered" and "name" not in data:
        raise InvalidStaffRecord(f"user {user_name!r} has no display name yet (--display-name)")
    event = new_event(stream, kind, datetime.now(UTC), CLI_ACTOR, data)
    administrator = User(0, CLI_ACTOR, Role.ADMIN)
    (result,) = central.record(administrator, [event.to_json()], "local")
    if result.status != "accepted" or result.seq is None:
        raise InvalidStaffRecord(f"staff record {user_name!r}: {result.reason or result.status}")
    return result.seq
