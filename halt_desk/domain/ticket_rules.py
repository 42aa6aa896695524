"""The contract rules a ticket event must keep wherever it is recorded (the desk, central):
a granted P1-uplift meets the three criteria (DESIGN §2.3, the same `decide_uplift`), a
priority given beside impact and urgency is the one the contract's matrix gives (§2.2), and
an edit after intake changes known fields to valid values (`ticket_edits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from halt_desk.domain.change_kpi import check_change_report
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile
from halt_desk.domain.ticket_edits import check_ticket_update
from halt_desk.domain.uplift import RoleType, UpliftRequest, decide_uplift

_CRITERIA = ("critical_role", "direct_impact", "cannot_work")
_ROLES = frozenset(role.value for role in RoleType)


def check_ticket_rules(event: Event, profile: Profile) -> None:
    """Raises InvalidEvent (naming the field and the rule) for a ticket event that breaks
    its contract `profile`."""
    if event.type == "uplift_decided":
        check_uplift_decision(event, profile)
    elif event.type in ("ticket_reported", "priority_changed"):
        check_priority_matrix(event, profile)
        if event.type == "ticket_reported":
            check_change_report(event)
    elif event.type == "ticket_updated":
        check_ticket_update(event, profile)


def uplift_request(event: Event) -> UpliftRequest:
    """The agent's answers an `uplift_decided` event carries (DESIGN §3.4)."""
    data = event.data
    criteria = data.get("criteria")
    if not isinstance(criteria, Mapping):
        raise InvalidEvent(event.id, "data.criteria", "missing or not an object")
    answers: dict[str, bool] = {}
    for name in _CRITERIA:
        value = criteria.get(name)
        if not isinstance(value, bool):
            raise InvalidEvent(event.id, f"data.criteria.{name}", "must be true or false")
        answers[name] = value
    role = data.get("role_type")
    if role is not None and (not isinstance(role, str) or role not in _ROLES):
        known = ", ".join(RoleType)
        raise InvalidEvent(event.id, "data.role_type", f"{role!r} is not one of {known}")
    return UpliftRequest(
        critical_role=answers["critical_role"],
        direct_impact=answers["direct_impact"],
        cannot_work=answers["cannot_work"],
        role_type=RoleType(role) if role is not None else None,
        motivation=_text(event, "motivation"),
        role_explanation=_text(event, "role_explanation"),
    )


def check_uplift_decision(event: Event, profile: Profile) -> None:
    """A granted uplift only in a contract that has it, and only as `decide_uplift` grants
    it; a refusal needs no more than well-formed answers."""
    granted = event.data.get("granted")
    if not isinstance(granted, bool):
        raise InvalidEvent(event.id, "data.granted", "must be true or false")
    request = uplift_request(event)  # a refusal too: well-formed answers, or rejected
    if not granted:
        return
    if not profile.uplift:
        problem = f"the contract {profile.name!r} has no P1-uplift"
        raise InvalidEvent(event.id, "data.granted", problem)
    decision = decide_uplift(request)
    if not decision.granted:
        why = "; ".join(reason.text for reason in decision.reasons)
        raise InvalidEvent(event.id, "data.granted", f"the uplift rules refuse it: {why}")


def check_priority_matrix(event: Event, profile: Profile) -> None:
    """A priority given together with impact and urgency must be the matrix's: on the
    event itself (§3.3), or in the intake answers of a report (`data.intake`)."""
    data = event.data
    priority = data.get("priority")
    if priority is None:
        return
    answers: list[tuple[str, Mapping[str, Any], bool]] = [("data.", data, False)]
    intake = data.get("intake")
    if event.type == "ticket_reported":
        answers[0] = ("data.", data, data.get("security") is True)
        if isinstance(intake, Mapping):
            answers.append(("data.intake.", intake, intake.get("security") is True))
    for where, fields, security in answers:
        impact, urgency = fields.get("impact"), fields.get("urgency")
        if impact is None and urgency is None:
            continue
        if not isinstance(impact, str) or not isinstance(urgency, str):
            raise InvalidEvent(event.id, f"{where}impact", "give both impact and urgency")
        try:
            expected = profile.suggest_priority(impact, urgency, security)
        except ValueError as exc:
            raise InvalidEvent(event.id, f"{where}impact", str(exc)) from None
        if priority != expected:
            problem = (
                f"{priority!r} contradicts impact {impact!r} × urgency {urgency!r}"
                f"{' with the security flag' if security else ''}, which give {expected} "
                f"in contract {profile.name!r} (change the priority in a separate event)"
            )
            raise InvalidEvent(event.id, "data.priority", problem)


def _text(event: Event, key: str) -> str:
    value = event.data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidEvent(event.id, f"data.{key}", f"expected text, got {type(value).__name__}")
    return value
