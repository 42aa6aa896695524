"""Errors of the service-level report and the month export; each names the object at fault."""

from __future__ import annotations

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words


class ReportError(HaltDeskError):
    """Base of the errors `halt-desk report` and `halt-desk export` turn into exit code 2."""


class InvalidMonth(ReportError):
    """A month that is not written YYYY-MM, or that has not begun yet; `words` says it
    to a person (the report dialog), `str()` to the terminal."""

    def __init__(self, value: str, problem: str, words: Words | None = None) -> None:
        self.value = value
        self.problem = problem
        self.words = words or Words.of(Msg.MONTH_NOT_WRITTEN, example="2027-01")
        super().__init__(f"--month {value!r}: {problem}")


class UnknownOrganisation(ReportError):
    """An organisation the source does not know, or none given where several are known."""

    def __init__(self, org: str | None, known: list[str], problem: str | None = None) -> None:
        self.org = org
        self.known = known
        listed = ", ".join(sorted(known)) or "none"
        if problem is None:
            problem = f"unknown organisation {org!r}"
        if org is None:
            self.words = Words.of(Msg.CHOOSE_ORGANISATION)
        else:
            self.words = Words.of(Msg.UNKNOWN_ORGANISATION, org=org)
        super().__init__(f"--org: {problem} (known: {listed})")


class EmptyMonth(ReportError):
    """No ticket of the organisation was reported in the month: there is nothing to report."""

    def __init__(self, org: str, month: str) -> None:
        self.org = org
        self.month = month
        self.words = Words.of(Msg.MONTH_WITHOUT_TICKETS, org=org, month=month)
        super().__init__(f"organisation {org!r}: no tickets were reported in {month}")


class InvalidExport(ReportError):
    """A month export (DESIGN §3.3 plus report fields) that cannot be read: names the field."""

    def __init__(self, source: str, field: str, problem: str, ticket: str | None = None) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        self.ticket = ticket
        where = f"ticket {ticket!r}: " if ticket is not None else ""
        super().__init__(f"{source}: {where}{field}: {problem}")


class SourceUnavailable(ReportError):
    """The central API (or the local cache) could not give the events of the month."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class OutputNotWritten(ReportError):
    """An output file could not be written; nothing (not even a part) was left behind."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"cannot write {path}: {problem}")
