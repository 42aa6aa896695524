"""The figures of the service-level report: a pure function over evaluated tickets.

Every clock state, MTTR and MTTP comes from `domain.clocks.evaluate` — the engine of
`halt-desk sla check` — and this module only counts and averages them. The rules:

* A share per clock is met / (met + breached): a clock still running, or one that does
  not apply to the ticket, is left out of the denominator.
* Within norm is the engine's `within_norm` (reaction and resolution both met); a ticket
  whose reaction or resolution is still running counts as *open*, not in the share.
* The monthly norm of a priority (profile `norms.within_norm`) is met when the share is
  at least the norm; with no decided ticket it is "not applicable".
* MTTR / MTTP are means over the tickets the engine gives a figure for (resolved ones).
* A ticket counts under its priority at the evaluation moment (a granted uplift is P1).

Breach explanations are recorded on the ticket as a `comment` event whose data has
`"breach_explanation": true`, the `text`, and optionally the `clock` it explains (a clock
name of DESIGN §3.3); without `clock` it explains every breached clock of the ticket that
has no explanation of its own. The latest explanation recorded wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.clockspec import CLOCK_NAMES, CLOCKS, ClockKind
from halt_desk.domain.profiles import Profile
from halt_desk.domain.timeline import parse_ticket
from halt_desk.reports.change_figures import ChangeEvaluation, read_change
from halt_desk.reports.errors import InvalidExport

#: Key of an explanation that covers every breached clock of a ticket.
ANY_CLOCK = "*"
#: Clocks whose breach is a count of missed intervals rather than a time late.
_INTERVAL_CLOCKS = frozenset(spec.name for spec in CLOCKS if spec.kind is ClockKind.INTERVAL)
_CLOCK_ORDER = {name: index for index, name in enumerate(CLOCK_NAMES)}


# ---------------------------------------------------------------------------- tickets
@dataclass(frozen=True, slots=True)
class Comment:
    at: datetime
    actor: str | None
    text: str
    clock: str | None = None
    explains_breach: bool = False


@dataclass(frozen=True, slots=True)
class UpliftFacts:
    """The last `uplift_decided` of a ticket."""

    granted: bool
    decided_at: datetime
    decided_by: str | None
    role_type: str | None
    motivation: str
    role_explanation: str | None = None


@dataclass(frozen=True, slots=True)
class ReportTicket:
    """One ticket of the month: the engine's evaluation plus what the report shows of it."""

    evaluation: TicketEvaluation
    org: str | None = None
    caller: str | None = None
    summary: str | None = None
    category: str | None = None
    channel: str | None = None
    assignee: str | None = None
    uplift: UpliftFacts | None = None
    comments: tuple[Comment, ...] = ()
    csat: int | None = None
    explanations: Mapping[str, str] = field(default_factory=dict)
    #: Whether `csat` is the caller's own answer to the survey after resolution (else a
    #: score the agent recorded when closing); the survey's two optional dimensions.
    csat_by_survey: bool = False
    csat_servicedesk: int | None = None
    csat_information: int | None = None
    #: A change ticket (`kind: "change"`): its change clocks. The incident figures leave
    #: changes out (domain/change_kpi.py; the report's change section counts them).
    change: ChangeEvaluation | None = None
    #: The ticket carries the security flag (a security incident, in its own section).
    security: bool = False

    @property
    def id(self) -> str:
        return self.evaluation.id

    def explanation(self, clock: str) -> str | None:
        """The explanation recorded for a breach of `clock`, if any."""
        return self.explanations.get(clock) or self.explanations.get(ANY_CLOCK)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


_FACT_TYPES = frozenset({"assigned", "uplift_decided", "comment", "csat_recorded"})
#: The actor of the answers to the survey central records (central/csat.py); any other
#: actor of `csat_recorded` is an agent recording the caller's score.
SURVEY_ACTOR = "system:survey"
#: The XLA dimensions the survey asks besides the overall score (both optional).
CSAT_DIMENSIONS = ("servicedesk", "information")


def read_ticket(
    raw: Mapping[str, Any], index: int, profile: Profile, now: datetime, source: str
) -> ReportTicket:
    """A ticket of an export (§3.3 timeline plus report fields), evaluated at `now`.

    Raises InvalidTimeline (from the engine's parser) or InvalidExport naming the ticket
    and the field.
    """
    timeline = parse_ticket(raw, f"tickets[{index}]")
    ticket_id = timeline.id
    # Only the few events the report reads besides the clocks, in time order (stable).
    facts = sorted(
        (
            (timeline_at(event), i, event)
            for i, event in enumerate(raw.get("events") or ())
            if event.get("type") in _FACT_TYPES
        ),
        key=lambda item: (item[0], item[1]),
    )
    assignee: str | None = None
    uplift: UpliftFacts | None = None
    comments: list[Comment] = []
    csat: _Score | None = None
    explanations: dict[str, str] = {}
    for at, i, event in facts:
        kind = event["type"]
        actor = _text(event.get("actor"))
        if kind == "assigned":
            assignee = _text(event.get("to"))
        elif kind == "uplift_decided":
            role_type = _text(event.get("role_type"))
            uplift = UpliftFacts(
                granted=event.get("granted") is True,
                decided_at=at,
                decided_by=actor,
                role_type=role_type,
                motivation=_text(event.get("motivation")) or "",
                role_explanation=_text(event.get("role_explanation")),
            )
        elif kind == "comment":
            text = _text(event.get("text")) or ""
            explains = event.get("breach_explanation") is True
            clock = event.get("clock")
            if clock is not None and (not isinstance(clock, str) or clock not in CLOCK_NAMES):
                raise InvalidExport(
                    source,
                    f"events[{i}].clock",
                    f"{clock!r} is not a clock ({', '.join(CLOCK_NAMES)})",
                    ticket_id,
                )
            comments.append(Comment(at, actor, text, clock, explains))
            if explains and text:
                explanations[clock or ANY_CLOCK] = text
        else:  # csat_recorded
            csat = _csat_score(event, csat, source, f"events[{i}]", ticket_id)
    change = read_change(raw, timeline.reported_at, profile, now, source, ticket_id)
    return ReportTicket(
        change=change,
        security=timeline.security,
        evaluation=evaluate(profile, timeline, now),
        org=_text(raw.get("org")),
        caller=_text(raw.get("caller")),
        summary=_text(raw.get("summary")),
        category=_text(raw.get("category")),
        channel=_text(raw.get("channel")),
        assignee=assignee,
        uplift=uplift,
        comments=tuple(comments),
        csat=csat.score if csat else None,
        explanations=explanations,
        csat_by_survey=csat.by_survey if csat else False,
        csat_servicedesk=csat.servicedesk if csat else None,
        csat_information=csat.information if csat else None,
    )


@dataclass(frozen=True, slots=True)
class _Score:
    score: int
    by_survey: bool
    servicedesk: int | None
    information: int | None


def _csat_score(
    event: Mapping[str, Any], before: _Score | None, source: str, where: str, ticket_id: str
) -> _Score:
    """The score of a ticket after `event`: the caller's survey answer counts over a score
    an agent recorded (one response per ticket, the latest of its kind)."""
    values: dict[str, int | None] = {}
    for key in ("score", *CSAT_DIMENSIONS):
        value = event.get(key)
        if value is None and key != "score":
            values[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise InvalidExport(
                source, f"{where}.{key}", f"{value!r} is not a score 1–10", ticket_id
            )
        values[key] = value
    by_survey = event.get("actor") == SURVEY_ACTOR
    if before is not None and before.by_survey and not by_survey:
        return before
    score = values["score"]
    assert score is not None
    return _Score(score, by_survey, values["servicedesk"], values["information"])


def timeline_at(event: Mapping[str, Any]) -> datetime:
    """The `at` of an event the engine's parser has already accepted."""
    return datetime.fromisoformat(event["at"])


# ---------------------------------------------------------------------------- figures
@dataclass(frozen=True, slots=True)
class Share:
    """`met` of `decided` (met + breached)."""

    met: int = 0
    decided: int = 0

    @property
    def percent(self) -> float | None:
        return None if self.decided == 0 else 100.0 * self.met / self.decided


@dataclass(frozen=True, slots=True)
class PriorityKpi:
    """The figures of one priority (or of all tickets, `priority` = "total")."""

    priority: str
    tickets: int
    within_norm: Share
    open: int
    norm: float | None
    clocks: Mapping[str, Share]
    resolved: int
    mttr_business_hours: float | None
    mttp_business_hours: float | None
    mttp_wall_hours: float | None
    mttp_norm_hours: float | None

    @property
    def norm_met(self) -> bool | None:
        percent = self.within_norm.percent
        if self.norm is None or percent is None:
            return None
        return percent >= self.norm

    @property
    def mttp_norm_met(self) -> bool | None:
        if self.mttp_norm_hours is None or self.mttp_business_hours is None:
            return None
        return self.mttp_business_hours <= self.mttp_norm_hours


@dataclass(frozen=True, slots=True)
class Breach:
    """One breached clock of one ticket."""

    ticket: str
    priority: str
    clock: str
    due: datetime | None
    stopped: datetime | None  # None: still open at the evaluation moment
    late_business_minutes: int | None  # deadline clocks
    missed: int | None  # interval clocks (update): intervals without an update
    explanation: str | None


@dataclass(frozen=True, slots=True)
class UpliftRow:
    ticket: str
    decided_at: datetime
    role_type: str | None
    role_explanation: str | None
    motivation: str
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """One response per ticket with a score: the caller's survey answer, else the score
    an agent recorded. The dimensions are averaged over the survey answers that gave them."""

    responses: int
    average: float | None
    norm: float
    by_survey: int = 0
    servicedesk: float | None = None
    servicedesk_responses: int = 0
    information: float | None = None
    information_responses: int = 0

    @property
    def by_agents(self) -> int:
        return self.responses - self.by_survey

    @property
    def met(self) -> bool | None:
        return None if self.average is None else self.average >= self.norm


@dataclass(frozen=True, slots=True)
class MonthKpis:
    priorities: tuple[PriorityKpi, ...]
    total: PriorityKpi
    breaches: tuple[Breach, ...]
    uplifts: tuple[UpliftRow, ...]
    uplifts_refused: int
    satisfaction: Satisfaction


def _mean_hours(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) / 60.0 if values else None


def _priority_kpi(
    priority: str, evaluations: Sequence[TicketEvaluation], profile: Profile | None
) -> PriorityKpi:
    within_met = within_decided = open_count = 0
    met = dict.fromkeys(CLOCK_NAMES, 0)
    decided = dict.fromkeys(CLOCK_NAMES, 0)
    mttr: list[int] = []
    mttp: list[int] = []
    mttp_wall: list[int] = []
    for ev in evaluations:
        if ev.within_norm is None:
            open_count += 1
        else:
            within_decided += 1
            within_met += ev.within_norm
        for name, clock in ev.clocks.items():
            if clock.state is ClockState.MET:
                met[name] += 1
                decided[name] += 1
            elif clock.state is ClockState.BREACHED:
                decided[name] += 1
        if ev.mttr_business_minutes is not None:
            mttr.append(ev.mttr_business_minutes)
        if ev.mttp_business_minutes is not None:
            mttp.append(ev.mttp_business_minutes)
        if ev.mttp_wall_minutes is not None:
            mttp_wall.append(ev.mttp_wall_minutes)
    norm = profile.norms.get(priority) if profile is not None else None
    mttp_norm = profile.mttp_norms.get(priority) if profile is not None else None
    return PriorityKpi(
        priority=priority,
        tickets=len(evaluations),
        within_norm=Share(within_met, within_decided),
        open=open_count,
        norm=norm,
        clocks={name: Share(met[name], decided[name]) for name in CLOCK_NAMES},
        resolved=len(mttr),
        mttr_business_hours=_mean_hours(mttr),
        mttp_business_hours=_mean_hours(mttp),
        mttp_wall_hours=_mean_hours(mttp_wall),
        mttp_norm_hours=None if mttp_norm is None else mttp_norm / 3600.0,
    )


def priority_kpis(profile: Profile, evaluations: Sequence[TicketEvaluation]) -> list[PriorityKpi]:
    """One PriorityKpi per priority of the profile, in the profile's order."""
    by_priority: dict[str, list[TicketEvaluation]] = {p: [] for p in profile.priorities}
    for ev in evaluations:
        by_priority[ev.priority].append(ev)
    return [_priority_kpi(p, by_priority[p], profile) for p in profile.priorities]


def compute_kpis(profile: Profile, tickets: Sequence[ReportTicket], now: datetime) -> MonthKpis:
    """Every figure of the report for `tickets` evaluated at `now` (no I/O, no PDF); the
    incident figures leave change tickets out."""
    tickets = [t for t in tickets if t.change is None]
    evaluations = [t.evaluation for t in tickets]
    calendar = profile.calendar
    breaches: list[Breach] = []
    uplifts: list[UpliftRow] = []
    refused = 0
    surveyed: list[ReportTicket] = []
    for ticket in tickets:
        ev = ticket.evaluation
        for name in ev.breaches:
            clock = ev.clocks[name]
            late = None
            if name not in _INTERVAL_CLOCKS and clock.due is not None:
                stop = clock.met_at or now
                late = calendar.business_minutes_between(clock.due, stop)
            breaches.append(
                Breach(
                    ticket=ev.id,
                    priority=ev.priority,
                    clock=name,
                    due=clock.due,
                    stopped=clock.met_at,
                    late_business_minutes=late,
                    missed=clock.missed if name in _INTERVAL_CLOCKS else None,
                    explanation=ticket.explanation(name),
                )
            )
        uplift = ticket.uplift
        if uplift is not None:
            if uplift.granted:
                uplifts.append(
                    UpliftRow(
                        ticket=ev.id,
                        decided_at=uplift.decided_at,
                        role_type=uplift.role_type,
                        role_explanation=uplift.role_explanation,
                        motivation=uplift.motivation,
                        decided_by=uplift.decided_by,
                    )
                )
            else:
                refused += 1
        if ticket.csat is not None:
            surveyed.append(ticket)
    breaches.sort(key=lambda b: (profile.rank(b.priority), b.ticket, _CLOCK_ORDER[b.clock]))
    uplifts.sort(key=lambda u: (u.decided_at, u.ticket))
    total = _priority_kpi("total", evaluations, None)
    return MonthKpis(
        priorities=tuple(priority_kpis(profile, evaluations)),
        total=total,
        breaches=tuple(breaches),
        uplifts=tuple(uplifts),
        uplifts_refused=refused,
        satisfaction=_satisfaction(surveyed, profile.csat_norm),
    )


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _satisfaction(scored: Sequence[ReportTicket], norm: float) -> Satisfaction:
    """The satisfaction figures of the tickets with a score."""
    servicedesk = [t.csat_servicedesk for t in scored if t.csat_servicedesk is not None]
    information = [t.csat_information for t in scored if t.csat_information is not None]
    return Satisfaction(
        responses=len(scored),
        average=_mean([t.csat for t in scored if t.csat is not None]),
        norm=norm,
        by_survey=sum(1 for t in scored if t.csat_by_survey),
        servicedesk=_mean(servicedesk),
        servicedesk_responses=len(servicedesk),
        information=_mean(information),
        information_responses=len(information),
    )
