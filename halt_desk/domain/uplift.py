"""The P1-uplift decision for one employee (DESIGN §2.3, seed 003 §10.1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: The label a granted uplift shows wherever the ticket appears (user-facing, Dutch).
UPLIFT_LABEL = "P1-uplift (één medewerker)"
#: A motivation shorter than this is not a written motivation.
MIN_MOTIVATION_LENGTH = 10


class RoleType(StrEnum):
    """Critical roles and time-critical obligations that can justify an uplift."""

    BOARD_OR_PRESS = "board_or_press"  # directie / woordvoering
    CRISIS_MEETING = "crisis_meeting"  # crisisoverleg
    COURT_SESSION = "court_session"  # zitting / rechtszaak
    CLASS_OR_GROUP = "class_or_group"  # les / voorlichting aan een klas of grote groep
    CHAIN_PARTNER_MEETING = "chain_partner_meeting"  # bestuurlijk overleg met ketenpartners
    OTHER = "other"  # anders, met toelichting


class RefusalReason(StrEnum):
    """Why an uplift was refused; the UI shows each as a Dutch sentence."""

    NO_CRITICAL_ROLE = "no_critical_role"
    NO_DIRECT_IMPACT = "no_direct_impact"
    CAN_STILL_WORK = "can_still_work"
    ROLE_TYPE_MISSING = "role_type_missing"
    ROLE_EXPLANATION_MISSING = "role_explanation_missing"
    MOTIVATION_MISSING = "motivation_missing"

    @property
    def text(self) -> str:
        """English explanation for logs and the CLI."""
        return _REASON_TEXT[self]


_REASON_TEXT = {
    RefusalReason.NO_CRITICAL_ROLE: (
        "the employee has no critical role or time-critical obligation now"
    ),
    RefusalReason.NO_DIRECT_IMPACT: (
        "there is no direct impact on continuity, safety, the public task or reputation"
    ),
    RefusalReason.CAN_STILL_WORK: "the employee can still do the task",
    RefusalReason.ROLE_TYPE_MISSING: "the type of critical role is not given",
    RefusalReason.ROLE_EXPLANATION_MISSING: "role type 'other' needs an explanation",
    RefusalReason.MOTIVATION_MISSING: (
        f"a written motivation of at least {MIN_MOTIVATION_LENGTH} characters is required"
    ),
}


@dataclass(frozen=True, slots=True)
class UpliftRequest:
    """The agent's answers to the three criteria, the role and the motivation."""

    critical_role: bool
    direct_impact: bool
    cannot_work: bool
    role_type: RoleType | None
    motivation: str
    role_explanation: str = ""


@dataclass(frozen=True, slots=True)
class UpliftDecision:
    granted: bool
    reasons: tuple[RefusalReason, ...]
    request: UpliftRequest

    def event_data(self) -> dict[str, Any]:
        """The `data` of the `uplift_decided` event (DESIGN §3.4)."""
        request = self.request
        data: dict[str, Any] = {
            "granted": self.granted,
            "criteria": {
                "critical_role": request.critical_role,
                "direct_impact": request.direct_impact,
                "cannot_work": request.cannot_work,
            },
            "role_type": request.role_type.value if request.role_type else None,
            "motivation": request.motivation.strip(),
            "reasons": [reason.value for reason in self.reasons],
        }
        if request.role_explanation.strip():
            data["role_explanation"] = request.role_explanation.strip()
        return data


def decide_uplift(request: UpliftRequest) -> UpliftDecision:
    """Granted only when all three criteria hold, the role is named and motivated."""
    reasons: list[RefusalReason] = []
    if not request.critical_role:
        reasons.append(RefusalReason.NO_CRITICAL_ROLE)
    elif request.role_type is None:
        reasons.append(RefusalReason.ROLE_TYPE_MISSING)
    elif request.role_type is RoleType.OTHER and not request.role_explanation.strip():
        reasons.append(RefusalReason.ROLE_EXPLANATION_MISSING)
    if not request.direct_impact:
        reasons.append(RefusalReason.NO_DIRECT_IMPACT)
    if not request.cannot_work:
        reasons.append(RefusalReason.CAN_STILL_WORK)
    if len(request.motivation.strip()) < MIN_MOTIVATION_LENGTH:
        reasons.append(RefusalReason.MOTIVATION_MISSING)
    return UpliftDecision(granted=not reasons, reasons=tuple(reasons), request=request)
