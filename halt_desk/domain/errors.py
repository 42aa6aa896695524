"""Specific errors of the contract rules; each names the object and the field at fault."""

from __future__ import annotations


class HaltDeskError(Exception):
    """Base of every error HALT Desk reports to a person (CLI exit 2, API 4xx, GUI message)."""


class InvalidProfile(HaltDeskError):
    """A contract profile file is malformed: names the profile and the setting."""

    def __init__(self, profile: str, field: str, problem: str) -> None:
        self.profile = profile
        self.field = field
        self.problem = problem
        super().__init__(f"profile {profile!r}: {field}: {problem}")


class UnknownProfile(HaltDeskError):
    """A profile name that has no file in resources/profiles."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"unknown profile {name!r} (known: {', '.join(sorted(known))})")


class InvalidTimeline(HaltDeskError):
    """A ticket timeline that cannot be evaluated: names the ticket and the field."""

    def __init__(self, ticket: str | None, field: str, problem: str) -> None:
        self.ticket = ticket
        self.field = field
        self.problem = problem
        where = f"ticket {ticket!r}: " if ticket is not None else ""
        super().__init__(f"{where}{field}: {problem}")


class InvalidEvent(HaltDeskError):
    """An event that breaks the event format of DESIGN §3.2/§3.4: names the event and field."""

    def __init__(self, event_id: str | None, field: str, problem: str) -> None:
        self.event_id = event_id
        self.field = field
        self.problem = problem
        where = f"event {event_id}: " if event_id else "event: "
        super().__init__(f"{where}{field}: {problem}")


class OutOfCalendarRange(HaltDeskError):
    """An instant too far in the past or future for the business calendar."""


class IllegalTransition(HaltDeskError):
    """A device event the life cycle (DESIGN §2.6) does not allow in the device's state.

    Names the device, its state (None before it is registered), the refused event type, the
    swap that holds the device (if any) and the swap the event is for (if any).
    """

    def __init__(
        self,
        asset_tag: str,
        state: str | None,
        event_type: str,
        reason: str,
        *,
        swap: str | None = None,
        event_swap: str | None = None,
    ) -> None:
        self.asset_tag = asset_tag
        self.state = state
        self.event_type = event_type
        self.reason = reason
        self.swap = swap
        self.event_swap = event_swap
        if state is None:
            where = f"device {asset_tag} is not registered"
        else:
            held = f" for swap {swap}" if swap is not None else ""
            where = f"device {asset_tag} is {state}{held}"
        wanted = f" for swap {event_swap}" if event_swap is not None else ""
        super().__init__(f"{where}; {event_type}{wanted} refused ({reason})")


class DeskInputError(HaltDeskError):
    """Input a person must correct: names the field, and says what is wrong in Dutch."""

    def __init__(self, field_name: str, message_nl: str, message_en: str) -> None:
        self.field = field_name
        self.message_nl = message_nl
        super().__init__(f"{field_name}: {message_en}")
