"""Who may record what: every role × every event type of every stream kind."""

from __future__ import annotations

import pytest

from halt_desk.central.auth import (
    REGIE_ESCALATION_REGISTER,
    NotAllowed,
    Role,
    User,
    check_may_read,
    check_may_record,
    check_org,
    rule_named,
)
from halt_desk.domain.events import STREAM_EVENT_TYPES

FIELD_DEVICE = {
    "device_issued_onsite",
    "device_delivered",
    "device_received",
    # the employee's own device, taken back (and registered on the spot when unknown)
    "device_taken_back",
    "device_registered",
}
LOGISTICS_TICKET = {"swap_delivered", "emergency_workplace", "comment"}


def expected(role: Role, kind: str, event_type: str, assigned_to_me: bool) -> bool:
    """The rule of the roles, written out as a table rather than as the code's branches."""
    if kind == "ticket":
        return (
            role is Role.AGENT
            or (role is Role.FIELD and assigned_to_me and event_type != "ticket_reported")
            or (role is Role.LOGISTICS and event_type in LOGISTICS_TICKET)
        )
    if kind == "swap":
        return role in (Role.AGENT, Role.LOGISTICS)
    if kind == "stock":
        return role is Role.LOGISTICS
    if kind == "escalation":  # the register: regie and the provider's service manager
        return role in (Role.REGIE, Role.ADMIN)
    if kind == "device":
        return role is Role.LOGISTICS or (role is Role.FIELD and event_type in FIELD_DEVICE)
    return role is Role.ADMIN  # reference data: org, employee, location, depot


CASES = [
    (role, kind, event_type, assigned)
    for role in Role
    for kind, types in STREAM_EVENT_TYPES.items()
    for event_type in sorted(types)
    for assigned in (False, True)
]


@pytest.mark.parametrize(("role", "kind", "event_type", "assigned"), CASES)
def test_role_may_record_exactly_what_its_table_says(
    role: Role, kind: str, event_type: str, assigned: bool
) -> None:
    user = User(1, "piet", role, None)
    assignee = "piet" if assigned else "someone-else"
    if expected(role, kind, event_type, assigned):
        check_may_record(user, kind, event_type, assignee)
    else:
        with pytest.raises(NotAllowed, match=role.value if not assigned else "."):
            check_may_record(user, kind, event_type, assignee)


@pytest.mark.parametrize("role", list(Role))
def test_only_admin_and_regie_read_the_audit_log(role: Role) -> None:
    user = User(1, "piet", role, None)
    if role in (Role.ADMIN, Role.REGIE):
        check_may_read(user, "audit")
    else:
        with pytest.raises(NotAllowed):
            check_may_read(user, "audit")


def test_the_regie_escalation_register_is_a_named_rule_of_the_matrix() -> None:
    rule = rule_named(REGIE_ESCALATION_REGISTER)
    assert rule.roles == {Role.REGIE} and rule.stream_kind == "escalation"
    assert "escalation_registered" in rule.event_types and "escalation_closed" in rule.event_types
    regie = User(1, "manager", Role.REGIE, frozenset({"desom"}))
    check_may_record(regie, "escalation", "escalation_registered", None)
    with pytest.raises(NotAllowed):  # regie records nothing else
        check_may_record(regie, "ticket", "comment", None)
    with pytest.raises(NotAllowed):
        check_may_record(User(2, "agent", Role.AGENT), "escalation", "escalation_update", None)


def test_a_bound_user_works_only_for_its_organisations() -> None:
    bound = User(1, "desom-agent", Role.AGENT, frozenset({"desom", "ssc"}))
    provider = User(2, "msp-agent", Role.AGENT)
    check_org(bound, "desom", "ticket:T1")
    check_org(provider, "halt", "ticket:T1")
    check_org(provider, None, "stock:depot-a")
    with pytest.raises(NotAllowed, match="belongs to organisation halt"):
        check_org(bound, "halt", "ticket:T1")
    with pytest.raises(NotAllowed, match="provider's own"):
        check_org(bound, None, "stock:depot-a")
    assert User(3, "x", Role.AGENT, None).orgs == frozenset()  # type: ignore[arg-type]
