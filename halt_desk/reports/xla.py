"""The XLA figures of the monthly report (seed 003 §10.5): overall satisfaction and the
survey's two dimensions (servicedesk experience, information provision), each against an
average of at least 8, and the direction of the MTTP trend per priority.

The MTTP trend "must keep falling, or stay stable under the agreed norm": this month's
mean MTTP against the mean of the earlier months of the six-month trend; within
STABLE_BAND of it is stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from halt_desk.reports.export import MonthReport, TrendPoint
from halt_desk.reports.kpi import Satisfaction

#: The norm of each XLA dimension (§10.5 B and D; overall satisfaction: the profile's).
XLA_NORM = 8.0
#: A change of at most this share of the earlier mean counts as stable.
STABLE_BAND = 0.05


@dataclass(frozen=True, slots=True)
class XlaScore:
    """One dimension: "overall" | "servicedesk" | "information"."""

    dimension: str
    average: float | None
    responses: int
    norm: float

    @property
    def met(self) -> bool | None:
        return None if self.average is None else self.average >= self.norm


@dataclass(frozen=True, slots=True)
class MttpTrend:
    """The MTTP of one priority: earlier months' mean, this month, direction, norm."""

    priority: str
    earlier: float | None
    current: float | None
    norm: float | None

    @property
    def direction(self) -> str | None:
        """ "falling" | "stable" | "rising", or None without both figures."""
        if self.earlier is None or self.current is None:
            return None
        if abs(self.current - self.earlier) <= STABLE_BAND * self.earlier:
            return "stable"
        return "falling" if self.current < self.earlier else "rising"

    @property
    def met(self) -> bool | None:
        """Falling, or stable and under the norm (stable without a norm counts as met)."""
        direction = self.direction
        if direction is None:
            return None
        if direction == "falling":
            return True
        if direction == "rising":
            return False
        return self.norm is None or (self.current or 0.0) <= self.norm


def xla_scores(satisfaction: Satisfaction) -> tuple[XlaScore, XlaScore, XlaScore]:
    return (
        XlaScore("overall", satisfaction.average, satisfaction.responses, satisfaction.norm),
        XlaScore(
            "servicedesk", satisfaction.servicedesk, satisfaction.servicedesk_responses, XLA_NORM
        ),
        XlaScore(
            "information", satisfaction.information, satisfaction.information_responses, XLA_NORM
        ),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def mttp_trends(report: MonthReport) -> tuple[MttpTrend, ...]:
    """One row per priority of the profile, from the report's six-month trend."""
    earlier: Sequence[TrendPoint] = [p for p in report.trend if p.month < report.month]
    current = {k.priority: k for k in report.kpis.priorities}
    rows = []
    for priority in report.profile.priorities:
        before = [
            value
            for point in earlier
            if (value := point.mttp_business_hours.get(priority)) is not None
        ]
        kpi = current.get(priority)
        rows.append(
            MttpTrend(
                priority=priority,
                earlier=_mean(before),
                current=kpi.mttp_business_hours if kpi is not None else None,
                norm=kpi.mttp_norm_hours if kpi is not None else None,
            )
        )
    return tuple(rows)
