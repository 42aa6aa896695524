"""A small directory (Stichting Halt, two employees; four colleagues apart) for desk,
reminder and GUI tests."""

from __future__ import annotations

from datetime import datetime

from halt_desk.domain.events import Event, new_event

#: Tuesday 12 January 2027, 10:00 in Amsterdam: inside the service window.
NOW = datetime.fromisoformat("2027-01-12T10:00:00+01:00")
SETUP = datetime.fromisoformat("2027-01-04T09:00:00+01:00")


def reference_events() -> list[Event]:
    def reg(stream: str, kind: str, data: dict[str, object]) -> Event:
        return new_event(stream, kind, SETUP, "admin", data)

    return [
        reg("org:halt", "organisation_registered", {"name": "Stichting Halt", "profile": "halt"}),
        reg(
            "employee:e1",
            "employee_registered",
            {
                "org": "halt",
                "name": "Anna de Vries",
                "email": "a.devries@halt.nl",
                "phone": "06-12345678",
                "role": "Halt-medewerker",
            },
        ),
        reg(
            "employee:e2",
            "employee_registered",
            {"org": "halt", "name": "Bram Jansen", "email": "b.jansen@halt.nl"},
        ),
    ]


def staff_events() -> list[Event]:
    """The colleagues of STAFF as `staff_registered` records."""
    return [
        new_event(f"staff:{user}", "staff_registered", SETUP, "admin", {"name": name, "role": role})
        for user, name in STAFF.items()
        for role in [user.partition(":")[0]]
    ]


#: Colleagues by user name (the `actor` of their events) and display name.
STAFF: dict[str, str] = {
    "agent:sanne.visser": "Sanne Visser",
    "agent:linda.dekker": "Linda Dekker",
    "field:pieter.degroot": "Pieter de Groot",
    "logistics:kees.brouwer": "Kees Brouwer",
}
