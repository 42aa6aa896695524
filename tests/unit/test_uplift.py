"""P1-uplift: granted only when all three criteria hold, with a role and a motivation."""

from __future__ import annotations

from dataclasses import replace

from halt_desk.domain.uplift import RefusalReason, RoleType, UpliftRequest, decide_uplift

ALL_TRUE = UpliftRequest(
    critical_role=True,
    direct_impact=True,
    cannot_work=True,
    role_type=RoleType.CLASS_OR_GROUP,
    motivation="Geeft om 11:00 voorlichting aan groep 8; laptop start niet.",
)


def test_all_three_criteria_grant_the_uplift() -> None:
    decision = decide_uplift(ALL_TRUE)
    assert decision.granted and decision.reasons == ()


def test_each_missing_criterion_is_a_reason() -> None:
    decision = decide_uplift(replace(ALL_TRUE, direct_impact=False, cannot_work=False))
    assert not decision.granted
    assert decision.reasons == (RefusalReason.NO_DIRECT_IMPACT, RefusalReason.CAN_STILL_WORK)


def test_no_critical_role_refuses() -> None:
    decision = decide_uplift(replace(ALL_TRUE, critical_role=False, role_type=None))
    assert decision.reasons == (RefusalReason.NO_CRITICAL_ROLE,)


def test_critical_role_needs_its_type() -> None:
    decision = decide_uplift(replace(ALL_TRUE, role_type=None))
    assert decision.reasons == (RefusalReason.ROLE_TYPE_MISSING,)


def test_other_role_needs_an_explanation() -> None:
    refused = decide_uplift(replace(ALL_TRUE, role_type=RoleType.OTHER))
    assert refused.reasons == (RefusalReason.ROLE_EXPLANATION_MISSING,)
    granted = decide_uplift(
        replace(ALL_TRUE, role_type=RoleType.OTHER, role_explanation="Zitting bij de rechtbank")
    )
    assert granted.granted


def test_blank_or_too_short_motivation_refuses() -> None:
    assert decide_uplift(replace(ALL_TRUE, motivation="   ")).reasons == (
        RefusalReason.MOTIVATION_MISSING,
    )
    assert not decide_uplift(replace(ALL_TRUE, motivation="dringend")).granted


def test_event_data_has_the_design_fields() -> None:
    data = decide_uplift(replace(ALL_TRUE, cannot_work=False)).event_data()
    assert data["granted"] is False
    assert data["criteria"] == {"critical_role": True, "direct_impact": True, "cannot_work": False}
    assert data["role_type"] == "class_or_group"
    assert data["reasons"] == ["can_still_work"]
    assert data["motivation"].startswith("Geeft om 11:00")


def test_every_reason_has_an_explanation() -> None:
    assert all(reason.text for reason in RefusalReason)
