"""Specific errors of the contract rules; each names the object and the field at fault.

What a person reads comes from the catalogue: an error that a screen shows carries `words`
(a message code with its parameters) and `message()` puts them in the reader's language;
`str()` stays English, for logs, the CLI and the wire.
"""

from __future__ import annotations

from enum import StrEnum

from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words


class HaltDeskError(Exception):
    """Base of every error HALT Desk reports to a person (CLI exit 2, API 4xx, GUI message)."""

    #: The catalogue text for a person, if this error has one (else `str()` is shown).
    words: Words | None = None

    def message(self, lang: str | None = None) -> str:
        """For a person, in `lang` (default: the current language)."""
        return self.words.text(lang) if self.words is not None else str(self)


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


class Refusal(StrEnum):
    """Why the device life cycle refuses a move (`IllegalTransition.code`)."""

    NOT_REGISTERED = "not_registered"  # the first event of a device must register it
    ALREADY_REGISTERED = "already_registered"
    LEFT_LIFE_CYCLE = "left_life_cycle"  # returned to the lessor or retired
    WRONG_STATE = "wrong_state"  # not allowed in the device's current state
    OTHER_SWAP = "other_swap"  # another swap holds the device


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
        code: Refusal,
        reason: str,
        *,
        swap: str | None = None,
        event_swap: str | None = None,
    ) -> None:
        self.asset_tag = asset_tag
        self.state = state
        self.event_type = event_type
        self.code = code
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
    """Input a person must correct: names the field, and what is wrong as a message code
    (`Msg`) with its parameters; the catalogue words it (`message()`), `str()` in English.

        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    """

    words: Words

    def __init__(self, field_name: str, code: Msg, /, **params: object) -> None:
        self.field = field_name
        self.code = code
        self.words = Words.of(code.value, **params)
        super().__init__(f"{field_name}: {self.words.english()}")
