"""Plans the follow-up events of one demo ticket, in business minutes, for both profiles.

The planner reads the profile's targets (`Terms`) so that most planned clocks are met and
a realistic few are breached; they steer the generator only. The demo's clocks are
evaluated by `halt_desk.domain`, never here.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import sqrt
from typing import Any, TypeVar

from halt_desk.demo._clock import Terms
from halt_desk.demo._names import (
    BREACH_EXPLANATIONS,
    COMMENT_TEXTS,
    PRIORITY_CHANGE_REASONS,
    RESOLUTION_TEXTS,
    UPLIFT_MOTIVATIONS,
    WORKAROUND_TEXTS,
)
from halt_desk.domain.uplift import UPLIFT_LABEL

#: A planned event: (business minute, type, data, actor, wall clock). The business minute
#: orders the steps; `wall` (UTC epoch seconds) is set only for a step outside the service
#: window, such as an on-call pick-up at night, whose minute is the next opening.
Step = tuple[int, str, dict[str, Any], str, float | None]
#: Asks the depots for a loaner: (ticket, swap id, reserve index, delivery index) → asset
#: tag, or None when no ready loaner is in stock.
LoanerDesk = Callable[["HaltTicket", str, int, int], str | None]

T = TypeVar("T")

HALT_PRIORITIES = ("P1", "P2", "P3", "P4")
HALT_PRIORITY_WEIGHTS = (3, 10, 55, 32)
#: Intake answers that the `halt` matrix turns into each priority (a test checks them).
HALT_INTAKE: dict[str, tuple[str, str]] = {
    "P1": ("organisation", "stopped"),
    "P2": ("several", "stopped"),
    "P3": ("one", "degraded"),
    "P4": ("none", "workaround"),
}
#: Demo weight of each (impact, urgency) cell: about P1 3 %, P2 10 %, P5 25 %.
DESOM_CELL_WEIGHTS: dict[tuple[str, str], int] = {
    ("low", "low"): 25,
    ("low", "middle"): 22,
    ("low", "high"): 6,
    ("middle", "low"): 14,
    ("middle", "middle"): 14,
    ("middle", "high"): 5,
    ("high", "low"): 6,
    ("high", "middle"): 5,
    ("high", "high"): 3,
}


@dataclass(frozen=True, slots=True)
class Mix:
    """How often the planner takes each path; the demo and the benchmark differ."""

    reaction_breach: float = 0.03
    resolution_breach: float = 0.04
    update_miss: float = 0.02
    priority_change: float = 0.04
    pause: float = 0.15
    swap: float = 0.45
    onsite: float = 0.4
    workaround: float = 0.1
    productive: float = 0.4
    #: Where in the time left before the deadline a met resolution falls (0..1, mode).
    resolution_mode: float = 0.45
    #: Also plan `assigned`, `comment`, `csat_recorded` and `closed`.
    extras: bool = True


DEMO_MIX = Mix()
BENCHMARK_MIX = Mix(
    reaction_breach=0.08,
    resolution_breach=0.1,
    update_miss=0.05,
    priority_change=0.15,
    pause=0.5,
    swap=0.6,
    onsite=0.7,
    workaround=0.3,
    productive=0.9,
    resolution_mode=0.75,
    extras=False,
)


class Draws:
    """The planner's random draws, each made from a single `random()` of a seeded `Random`.

    `Random.randint` and `choice` go through several Python calls per draw, and the
    benchmark generator makes millions of draws; these need one call each (with a float
    bias far below anything a demo can show). The same seed gives the same draws, and as
    they use only `random()`, on every Python version too.
    """

    __slots__ = ("random",)

    def __init__(self, rng: random.Random) -> None:
        self.random = rng.random

    def randint(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + int(self.random() * (high - low + 1))

    def choice(self, options: Sequence[T]) -> T:
        return options[int(self.random() * len(options))]

    def pick(self, options: Sequence[T], cum_weights: Sequence[float]) -> T:
        """`Random.choices(options, cum_weights=…)[0]`."""
        return options[bisect(cum_weights, self.random() * cum_weights[-1])]

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def triangular(self, low: float, high: float, mode: float) -> float:
        """`Random.triangular` (the same formula), for low < high."""
        return low + (high - low) * _skewed(self.random(), (mode - low) / (high - low))

    def between(self, low: int, high: int, mode: float = 0.4) -> int:
        """A point in [low, high], skewed toward `mode` (0..1) of the span."""
        if high <= low:
            return low
        return low + round((high - low) * _skewed(self.random(), mode))


def _skewed(u: float, mode: float) -> float:
    """A share in [0, 1] from a uniform draw `u`, triangular with its peak at `mode`."""
    if u > mode:
        return 1.0 - sqrt((1.0 - u) * (1.0 - mode))
    return sqrt(u * mode)


CHANNELS = ("phone", "email", "portal")
_RESPONSE_CHANNEL_CUM = (4.0, 7.0, 10.0)
#: Where the reaction delay peaks, as a share of its span (0.05 … 0.95 of the target).
_REACTION_MODE = (0.3 - 0.05) / 0.9
_DESOM_CHANNEL_CUM = (3.0, 5.0, 10.0)


@dataclass(slots=True)
class HaltTicket:
    """What the planner needs to know about a reported `halt` ticket."""

    id: str
    reported_ts: float  # UTC epoch seconds of the report
    b0: int  # business minute at which the clocks start
    outside: bool
    priority: str
    kind: str
    region: str
    uplift_role: str | None = None


def plan_halt(
    draw: Draws,
    terms: Terms,
    ticket: HaltTicket,
    actors: tuple[str, str, str],
    mix: Mix,
    loaners: LoanerDesk | None = None,
) -> list[Step]:
    """The follow-up events of a `halt` ticket, from first response to closure."""
    agent, field, logistics = actors
    width = terms.width
    b0, p = ticket.b0, ticket.priority
    rand, randint, between = draw.random, draw.randint, draw.between
    steps: list[Step] = []
    add = steps.append
    breached = False

    # Reaction. A P1 outside the window is often picked up by the on-call engineer.
    if p == "P1" and ticket.outside and rand() < 0.5:
        resp = b0
        if mix.extras:
            add((b0, "assigned", {"to": agent}, agent, ticket.reported_ts))
        picked_up = ticket.reported_ts + 60 * randint(3, 14)
        add(
            (terms.clock.index(picked_up), "first_response", {"channel": "phone"}, agent, picked_up)
        )
    else:
        target = terms.reaction[p]
        if ticket.uplift_role is not None:
            # An uplift is asked for on the phone, so the call itself is the response.
            target = terms.reaction[terms.top]
        if rand() < mix.reaction_breach * (0.4 if p == "P1" else 1.0):
            delay = target + max(1, round(target * draw.uniform(0.1, 1.5)))
            breached = True
        else:
            # draw.triangular(0.05, 0.95, 0.3) spelled out: this line runs for every ticket.
            delay = max(1, round(target * (0.05 + 0.9 * _skewed(rand(), _REACTION_MODE))))
        resp = b0 + delay
        if p == "P1" or ticket.uplift_role is not None:
            channel = "phone"
            if p == "P1" and delay > 2 and rand() < 0.15:
                add((b0 + delay // 2, "first_response", {"channel": "email"}, agent, None))
        else:
            channel = CHANNELS[bisect(_RESPONSE_CHANNEL_CUM, rand() * _RESPONSE_CHANNEL_CUM[-1])]
        if mix.extras:
            add((resp, "assigned", {"to": agent}, agent, None))
        add((resp, "first_response", {"channel": channel}, agent, None))

    # Uplift decision or priority change, shortly after the first contact.
    work = resp
    due_res = b0 + terms.resolution[p]
    old_p, change_at, upgraded = p, -1, False
    if ticket.uplift_role is not None:
        t = resp + randint(1, 8)
        granted = rand() < 0.75
        role = ticket.uplift_role
        grant_text, refuse_text = UPLIFT_MOTIVATIONS[role]
        criteria = {"critical_role": True, "direct_impact": True, "cannot_work": True}
        if not granted:
            criteria[draw.choice(("critical_role", "direct_impact", "cannot_work"))] = False
        data: dict[str, Any] = {
            "granted": granted,
            "criteria": criteria,
            "role_type": role,
            "motivation": grant_text if granted else refuse_text,
        }
        if granted:
            data["label"] = UPLIFT_LABEL
        if role == "other":
            data["role_explanation"] = "Wettelijke deadline vandaag"
        # A granted uplift is itself the change to the top priority (the clocks read it
        # so); a second `priority_changed` at the same moment would be redundant.
        add((t, "uplift_decided", data, agent, None))
        if granted:
            p, change_at, upgraded = terms.top, t, True
            due_res = min(due_res, t + terms.resolution[p])
        work = t
    elif rand() < mix.priority_change:
        t = resp + randint(5, 120)
        q = _PRIORITY_CHANGES[p][int(rand() * len(_PRIORITY_CHANGES[p]))]
        upgraded = terms.rank[q] < terms.rank[p]
        reason = PRIORITY_CHANGE_REASONS["up" if upgraded else "down"]
        add((t, "priority_changed", {"priority": q, "reason": reason}, agent, None))
        # An upgrade keeps the old deadline when that is sooner; a downgrade counts anew
        # from the report.
        due_res = min(due_res, t + terms.resolution[q]) if upgraded else b0 + terms.resolution[q]
        p, change_at, work = q, t, t

    # Resolution, planned against its deadline.
    target = terms.resolution[p]
    breach_chance = mix.resolution_breach * (0.4 if p == "P1" else 1.0)
    late = rand() < breach_chance or due_res <= work + 5
    if late:
        res = max(due_res, work + 5) + max(1, round(target * draw.uniform(0.05, 0.5)))
        breached = True
    else:
        # draw.triangular(0.1, 0.97, mix.resolution_mode), spelled out like the reaction.
        share = 0.1 + 0.87 * _skewed(rand(), (mix.resolution_mode - 0.1) / 0.87)
        res = work + max(5, round((due_res - work) * share))
    resolver = agent
    productive: int | None = None
    first_fix: int | None = None
    kind = ticket.kind

    def workaround(at: int, text: str | None = None) -> None:
        nonlocal first_fix
        texts = WORKAROUND_TEXTS["security" if kind == "security" else "other"]
        add((at, "workaround", {"description": text or draw.choice(texts)}, agent, None))
        first_fix = at if first_fix is None else min(first_fix, at)

    if kind in ("outage", "security") and p in ("P1", "P2"):
        # Emergency fix first (for P1 it stops the resolution clock), full fix later.
        if p == "P1":
            if res > due_res:
                fix = due_res + randint(5, 90)
            else:
                fix = between(work + 10, due_res - 5, 0.5)
            workaround(fix)
            res = fix + randint(30, 300)
            productive = fix
        elif rand() < 0.5:
            fix = between(work + 5, res - 5, 0.5)
            workaround(fix)
            productive, res = fix, max(res, fix + 5)
    elif kind == "hardware" and rand() < (0.85 if p == "P1" else mix.swap):
        swap_id = f"{ticket.id}-SWAP1"
        req = work + randint(5, 40)
        swap_due = terms.swap_due(p, b0)
        if upgraded:
            swap_due = min(terms.swap_due(old_p, b0), terms.swap_due(p, change_at))
        earliest = req + 90
        if rand() < 0.9 and earliest < swap_due:
            delivered = between(earliest, swap_due - 1, 0.3)
        else:
            delivered = max(earliest, swap_due) + randint(30, width)
        asset = loaners(ticket, swap_id, req, delivered) if loaners is not None else ""
        add((req, "swap_requested", {"swap": swap_id}, agent, None))
        delivery: dict[str, Any] = {"swap": swap_id}
        emergency: int | None = None
        if asset is None:
            # No ready loaner in either depot: temporary pool device, loaner from a partner.
            delivered += randint(width, 2 * width)
            emergency = req + randint(30, 180)
            add((emergency, "emergency_workplace", {"kind": "pool_device"}, field, None))
            if mix.extras:
                text = "Geen loaner op voorraad; partnerdepot levert."
                add((emergency, "comment", {"text": text}, agent, None))
        elif p == "P1" and (delivered > due_res - 10 or rand() < 0.5):
            emergency = between(req + 10, max(req + 10, due_res - 5), 0.5)
            add((emergency, "emergency_workplace", {"kind": "virtual_workplace"}, agent, None))
        if emergency is not None and p == "P1":
            workaround(emergency, WORKAROUND_TEXTS["other"][2])
        if asset:
            delivery["asset"] = asset
        add((delivered, "swap_delivered", delivery, logistics, None))
        productive = delivered + randint(15, 60)
        if emergency is not None:
            productive = min(productive, emergency)
        res = max(res if p != "P1" else 0, delivered + randint(20, 120))
        kind = "swap"
    elif kind == "hardware" and rand() < mix.onsite:
        req = work + randint(5, 60)
        onsite_due = b0 + terms.onsite[p]
        if upgraded:
            onsite_due = min(b0 + terms.onsite[old_p], change_at + terms.onsite[p])
        if rand() < 0.93 and onsite_due > req + 30:
            arrival = between(req + 30, onsite_due - 1, 0.5)
        else:
            arrival = max(onsite_due, req + 30) + randint(15, width // 2)
        add((req, "onsite_requested", {}, agent, None))
        if mix.extras:
            add((req, "assigned", {"to": field}, agent, None))
        add((arrival, "onsite_arrival", {}, field, None))
        productive = arrival + randint(20, 150)
        res = max(res if p != "P1" else 0, productive + randint(0, 30))
        resolver, kind = field, "onsite"
    elif kind != "request" and rand() < mix.workaround:
        fix = between(work + 5, res - 5, 0.4)
        workaround(fix)
        productive, res = fix, max(res, fix + 5)

    if p == "P1" and not late and res > due_res and (first_fix is None or first_fix > due_res):
        # A P1 whose repair takes longer gets its emergency fix in time (seed 003 §10.1).
        fix = between(work + 5, max(work + 5, due_res - 5), 0.5)
        workaround(fix)
        productive = fix if productive is None else min(productive, fix)

    if p in ("P3", "P4") and kind in ("plain", "request") and rand() < mix.pause:
        wait = between(work + 5, res - 5, 0.4)
        length = randint(30, 2 * width)
        add((wait, "waiting_on_user", {"reason": "Wacht op reactie medewerker"}, agent, None))
        add((wait + length, "resumed", {}, agent, None))
        res += length
        if productive is not None and productive > wait:
            productive += length

    # Status updates until resolved, at the interval of the priority in force (now and
    # then a late one); an upgrade pulls the next update forward to the new interval.
    update = terms.update
    miss = mix.update_miss
    channel = "phone" if p == "P1" else "email"
    t = resp
    while t < change_at:
        interval = update[old_p]
        following = None if interval is None else t + _gap(rand, interval, miss)
        if following is None or following >= change_at:
            new_interval = update[p]
            if new_interval is None:
                following = None
            elif following is None or upgraded:
                candidate = change_at + _gap(rand, new_interval, miss)
                following = candidate if following is None else min(following, candidate)
        if following is None or following >= res:
            t = res
            break
        t = following
        add((t, "status_update", {"channel": channel}, agent, None))
    interval = update[p]
    if interval is not None and t < res:
        # `_gap` inlined for the common case: the bulk of all planned events.
        late_base, late_span = 1.05 * interval, 0.55 * interval / miss
        early_base, early_span = 0.5 * interval, 0.47 * interval / (1.0 - miss)
        while True:
            u = rand()
            if u < miss:
                t += round(late_base + late_span * u) or 1
            else:
                t += round(early_base + early_span * (u - miss)) or 1
            if t >= res:
                break
            add((t, "status_update", {"channel": channel}, agent, None))

    if productive is None and kind != "request" and rand() < mix.productive:
        productive = res
    if productive is not None:
        add((min(productive, res), "productive_again", {}, resolver, None))
    texts = RESOLUTION_TEXTS.get(kind) or RESOLUTION_TEXTS["plain"]
    add((res, "resolved", {"resolution": texts[int(rand() * len(texts))]}, resolver, None))
    if mix.extras:
        _plan_extras(draw, steps, resp, res, width, breached, agent)
    return steps


#: The demo's priority changes: where each priority can move to (chosen evenly).
_PRIORITY_CHANGES: dict[str, tuple[str, ...]] = {
    "P1": ("P2",),
    "P2": ("P1", "P3"),
    "P3": ("P2", "P4"),
    "P4": ("P3",),
}


def _gap(rand: Callable[[], float], interval: int, miss: float) -> int:
    """Minutes until the next status update: mostly early, with chance `miss` too late.

    One draw decides both whether the update is late and by how much: given the branch,
    the rescaled draw is uniform in [0, 1) again.
    """
    u = rand()
    if u < miss:
        return round(interval * (1.05 + 0.55 / miss * u)) or 1
    return round(interval * (0.5 + 0.47 / (1.0 - miss) * (u - miss))) or 1


def _plan_extras(
    draw: Draws,
    steps: list[Step],
    resp: int,
    res: int,
    width: int,
    breached: bool,
    agent: str,
) -> None:
    """A comment now and then, a satisfaction score for some, and closure."""
    if draw.random() < 0.3 and res > resp + 2:
        text = draw.choice(COMMENT_TEXTS)
        steps.append((draw.randint(resp + 1, res - 1), "comment", {"text": text}, agent, None))
    closed = draw.randint(res + width // 2, res + 3 * width)
    if breached and res % 4:
        # Most breaches get an explanation for the monthly report; chosen from the
        # resolution minute rather than a draw, so the demo's other draws stay as they were.
        text = BREACH_EXPLANATIONS[res % len(BREACH_EXPLANATIONS)]
        data = {"text": text, "breach_explanation": True}
        steps.append(((res + closed) // 2, "comment", data, agent, None))
    if draw.random() < 0.35:
        score = draw.pick(_SCORES, _CSAT_BREACHED_CUM if breached else _CSAT_MET_CUM)
        at = draw.randint(res + 5, closed)
        steps.append((at, "csat_recorded", {"score": score}, "system:survey", None))
    steps.append((closed, "closed", {}, agent, None))


_SCORES = tuple(range(1, 11))
_CSAT_BREACHED_CUM = tuple(accumulate((3, 2, 3, 4, 6, 10, 14, 12, 5, 2)))
_CSAT_MET_CUM = tuple(accumulate((0, 0, 1, 1, 2, 5, 14, 30, 28, 12)))


def plan_desom(
    draw: Draws,
    terms: Terms,
    b0: int,
    impact: str,
    urgency: str,
    actors: tuple[str, str, str],
    mix: Mix,
) -> list[Step]:
    """The follow-up events of a `desom` ticket (no update, onsite or swap clocks)."""
    agent, field, _ = actors
    rand, randint, between = draw.random, draw.randint, draw.between
    p = terms.matrix[(impact, urgency)]
    steps: list[Step] = []
    add = steps.append
    breached = False
    target = terms.reaction[p]
    if rand() < mix.reaction_breach:
        delay = target + max(1, round(target * draw.uniform(0.1, 1.5)))
        breached = True
    else:
        delay = max(1, round(target * draw.triangular(0.05, 0.95, 0.3)))
    resp = b0 + delay
    channel = "phone" if p == "P1" else draw.pick(CHANNELS, _DESOM_CHANNEL_CUM)
    if mix.extras:
        add((resp, "assigned", {"to": agent}, agent, None))
    add((resp, "first_response", {"channel": channel}, agent, None))

    target = terms.cells[(impact, urgency)]
    due = b0 + target
    if rand() < mix.resolution_breach or due <= resp + 5:
        res = max(due, resp + 5) + max(1, round(target * draw.uniform(0.05, 0.4)))
        breached = True
    else:
        res = resp + max(5, round((due - resp) * draw.triangular(0.1, 0.97, 0.4)))
    productive: int | None = None
    resolver = agent
    if urgency == "high" and rand() < 0.5:
        fix = between(resp + 5, res - 5, 0.4)
        text = draw.choice(WORKAROUND_TEXTS["other"])
        add((fix, "workaround", {"description": text}, agent, None))
        productive, res = fix, max(res, fix + 5)
    elif urgency != "low" and rand() < mix.onsite * 0.25:
        req = resp + randint(5, 60)
        arrival = req + randint(30, max(31, (res - req) // 2))
        add((req, "onsite_requested", {}, agent, None))
        add((arrival, "onsite_arrival", {}, field, None))
        resolver = field
    if urgency != "high" and rand() < mix.pause:
        wait = between(resp + 5, res - 5, 0.4)
        length = randint(30, 2 * terms.width)
        add((wait, "waiting_on_user", {"reason": "Wacht op reactie aanmelder"}, agent, None))
        add((wait + length, "resumed", {}, agent, None))
        res += length
        if productive is not None and productive > wait:
            productive += length
    if p in ("P1", "P2"):
        update_channel = "phone" if p == "P1" else "email"
        t = resp
        while True:
            t += randint(40, 90)
            if t >= res:
                break
            add((t, "status_update", {"channel": update_channel}, agent, None))
    if productive is None and rand() < mix.productive * 0.75:
        productive = res
    if productive is not None:
        add((min(productive, res), "productive_again", {}, resolver, None))
    text = draw.choice(RESOLUTION_TEXTS["plain"])
    add((res, "resolved", {"resolution": text}, resolver, None))
    if mix.extras:
        _plan_extras(draw, steps, resp, res, terms.width, breached, agent)
    return steps
