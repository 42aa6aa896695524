"""Plans the follow-up events of one `halt` ticket in business minutes: reaction, uplift or
priority change, the fix (outage, swap, onsite, workaround), pause, status updates, closure.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from halt_desk.demo.business_minutes import Terms
from halt_desk.demo.planning import CHANNELS, Draws, Mix, Step, plan_extras, skewed
from halt_desk.demo.sample_texts import (
    PRIORITY_CHANGE_REASONS,
    RESOLUTION_TEXTS,
    UPLIFT_MOTIVATIONS,
    WORKAROUND_TEXTS,
)
from halt_desk.domain.uplift import UPLIFT_LABEL

HALT_PRIORITIES = ("P1", "P2", "P3", "P4")
HALT_PRIORITY_WEIGHTS = (3, 10, 55, 32)
#: Intake answers that the `halt` matrix turns into each priority (a test checks them).
HALT_INTAKE: dict[str, tuple[str, str]] = {
    "P1": ("organisation", "stopped"),
    "P2": ("several", "stopped"),
    "P3": ("one", "degraded"),
    "P4": ("none", "workaround"),
}
#: Asks the depots for a loaner: (ticket, swap id, reserve index, delivery index) → asset
#: tag, or None when no ready loaner is in stock.
LoanerDesk = Callable[["HaltTicket", str, int, int], str | None]

_RESPONSE_CHANNEL_CUM = (4.0, 7.0, 10.0)
#: Where the reaction delay peaks, as a share of its span (0.05 … 0.95 of the target).
_REACTION_MODE = (0.3 - 0.05) / 0.9
#: The demo's priority changes: where each priority can move to (chosen evenly).
_PRIORITY_CHANGES: dict[str, tuple[str, ...]] = {
    "P1": ("P2",),
    "P2": ("P1", "P3"),
    "P3": ("P2", "P4"),
    "P4": ("P3",),
}


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
    """The follow-up events of a `halt` ticket, from first response to closure.

    The steps run in this order and each draws in a fixed order, so a seed always gives
    the same plan (the demo, the benchmark inputs and the golden tests depend on it).
    """
    plan = _HaltPlan(draw, terms, ticket, actors, mix)
    plan.reaction()
    plan.uplift_or_priority_change()
    plan.resolution()
    plan.fix_path(loaners)
    plan.pause()
    plan.status_updates()
    plan.close()
    return plan.steps


class _HaltPlan:
    """One `halt` ticket's plan as it is built: the steps so far and the moments and
    priority that later steps steer by (all in business minutes)."""

    # fmt: off
    __slots__ = (
        "add", "agent", "breached", "change_at", "draw", "due_res", "field", "first_fix", "kind",
        "late", "logistics", "mix", "old_p", "p", "productive", "rand", "res", "resolver", "resp",
        "steps", "terms", "ticket", "upgraded", "work",
    )
    # fmt: on

    def __init__(
        self, draw: Draws, terms: Terms, ticket: HaltTicket, actors: tuple[str, str, str], mix: Mix
    ) -> None:
        self.draw = draw
        self.rand = draw.random
        self.terms = terms
        self.ticket = ticket
        self.mix = mix
        self.agent, self.field, self.logistics = actors
        self.steps: list[Step] = []
        self.add: Callable[[Step], None] = self.steps.append
        #: The priority in force, and the one before a change at `change_at` (-1: none).
        self.p = self.old_p = ticket.priority
        self.change_at = -1
        self.upgraded = False
        #: What the fix turned out to be: the ticket's kind, "swap" or "onsite".
        self.kind = ticket.kind
        self.breached = False
        self.late = False
        #: First response; where work on the fix starts (it, or a decision after it);
        #: the resolution deadline and the planned resolution.
        self.resp = self.work = self.due_res = self.res = 0
        self.resolver = self.agent
        self.productive: int | None = None
        self.first_fix: int | None = None

    # Reaction: first response and assignment.

    def reaction(self) -> None:
        """A P1 outside the window is often picked up by the on-call engineer."""
        if self.p == "P1" and self.ticket.outside and self.rand() < 0.5:
            self._on_call_pickup()
        else:
            self._desk_reaction()

    def _on_call_pickup(self) -> None:
        ticket, agent, add = self.ticket, self.agent, self.add
        self.resp = ticket.b0
        if self.mix.extras:
            add((ticket.b0, "assigned", {"to": agent}, agent, ticket.reported_ts))
        picked_up = ticket.reported_ts + 60 * self.draw.randint(3, 14)
        at = self.terms.clock.index(picked_up)
        add((at, "first_response", {"channel": "phone"}, agent, picked_up))

    def _desk_reaction(self) -> None:
        ticket, terms, rand, p = self.ticket, self.terms, self.rand, self.p
        agent, add = self.agent, self.add
        target = terms.reaction[p]
        if ticket.uplift_role is not None:
            # An uplift is asked for on the phone, so the call itself is the response.
            target = terms.reaction[terms.top]
        if rand() < self.mix.reaction_breach * (0.4 if p == "P1" else 1.0):
            delay = target + max(1, round(target * self.draw.uniform(0.1, 1.5)))
            self.breached = True
        else:
            # draw.triangular(0.05, 0.95, 0.3) spelled out: this line runs for every ticket.
            delay = max(1, round(target * (0.05 + 0.9 * skewed(rand(), _REACTION_MODE))))
        resp = self.resp = ticket.b0 + delay
        if p == "P1" or ticket.uplift_role is not None:
            channel = "phone"
            if p == "P1" and delay > 2 and rand() < 0.15:
                add((ticket.b0 + delay // 2, "first_response", {"channel": "email"}, agent, None))
        else:
            channel = CHANNELS[bisect(_RESPONSE_CHANNEL_CUM, rand() * _RESPONSE_CHANNEL_CUM[-1])]
        if self.mix.extras:
            add((resp, "assigned", {"to": agent}, agent, None))
        add((resp, "first_response", {"channel": channel}, agent, None))

    # Uplift decision or priority change, shortly after the first contact.

    def uplift_or_priority_change(self) -> None:
        self.work = self.resp
        self.due_res = self.ticket.b0 + self.terms.resolution[self.p]
        if self.ticket.uplift_role is not None:
            self._uplift_decision(self.ticket.uplift_role)
        elif self.rand() < self.mix.priority_change:
            self._priority_change()

    def _uplift_decision(self, role: str) -> None:
        draw, terms = self.draw, self.terms
        t = self.resp + draw.randint(1, 8)
        granted = self.rand() < 0.75
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
        self.add((t, "uplift_decided", data, self.agent, None))
        if granted:
            self.p, self.change_at, self.upgraded = terms.top, t, True
            self.due_res = min(self.due_res, t + terms.resolution[terms.top])
        self.work = t

    def _priority_change(self) -> None:
        terms, p = self.terms, self.p
        t = self.resp + self.draw.randint(5, 120)
        q = _PRIORITY_CHANGES[p][int(self.rand() * len(_PRIORITY_CHANGES[p]))]
        upgraded = self.upgraded = terms.rank[q] < terms.rank[p]
        reason = PRIORITY_CHANGE_REASONS["up" if upgraded else "down"]
        self.add((t, "priority_changed", {"priority": q, "reason": reason}, self.agent, None))
        # An upgrade keeps the old deadline when that is sooner; a downgrade counts anew
        # from the report.
        if upgraded:
            self.due_res = min(self.due_res, t + terms.resolution[q])
        else:
            self.due_res = self.ticket.b0 + terms.resolution[q]
        self.p, self.change_at, self.work = q, t, t

    # Resolution and the way to it.

    def resolution(self) -> None:
        """The resolution, planned against its deadline (a few are late)."""
        p, work, due_res, mix = self.p, self.work, self.due_res, self.mix
        breach_chance = mix.resolution_breach * (0.4 if p == "P1" else 1.0)
        late = self.late = self.rand() < breach_chance or due_res <= work + 5
        if late:
            target = self.terms.resolution[p]
            overrun = max(1, round(target * self.draw.uniform(0.05, 0.5)))
            self.res = max(due_res, work + 5) + overrun
            self.breached = True
        else:
            # draw.triangular(0.1, 0.97, mix.resolution_mode), spelled out like the reaction.
            share = 0.1 + 0.87 * skewed(self.rand(), (mix.resolution_mode - 0.1) / 0.87)
            self.res = work + max(5, round((due_res - work) * share))

    def fix_path(self, loaners: LoanerDesk | None) -> None:
        """An emergency fix for an outage, a loaner swap or an onsite visit for hardware,
        or now and then a workaround; then a P1 gets its emergency fix in time."""
        kind, p, rand, mix = self.kind, self.p, self.rand, self.mix
        if kind in ("outage", "security") and p in ("P1", "P2"):
            self._outage_fix()
        elif kind == "hardware" and rand() < (0.85 if p == "P1" else mix.swap):
            self._swap(loaners)
        elif kind == "hardware" and rand() < mix.onsite:
            self._onsite()
        elif kind != "request" and rand() < mix.workaround:
            fix = self.draw.between(self.work + 5, self.res - 5, 0.4)
            self._workaround(fix)
            self.productive, self.res = fix, max(self.res, fix + 5)
        self._p1_fix_in_time()

    def _workaround(self, at: int, text: str | None = None) -> None:
        texts = WORKAROUND_TEXTS["security" if self.kind == "security" else "other"]
        data = {"description": text or self.draw.choice(texts)}
        self.add((at, "workaround", data, self.agent, None))
        self.first_fix = at if self.first_fix is None else min(self.first_fix, at)

    def _outage_fix(self) -> None:
        """Emergency fix first (for P1 it stops the resolution clock), full fix later."""
        draw, work, res, due_res = self.draw, self.work, self.res, self.due_res
        if self.p == "P1":
            if res > due_res:
                fix = due_res + draw.randint(5, 90)
            else:
                fix = draw.between(work + 10, due_res - 5, 0.5)
            self._workaround(fix)
            self.res = fix + draw.randint(30, 300)
            self.productive = fix
        elif self.rand() < 0.5:
            fix = draw.between(work + 5, res - 5, 0.5)
            self._workaround(fix)
            self.productive, self.res = fix, max(res, fix + 5)

    def _swap(self, loaners: LoanerDesk | None) -> None:
        """A loaner from the nearest depot; an emergency workplace when it comes late."""
        draw, p = self.draw, self.p
        swap_id = f"{self.ticket.id}-SWAP1"
        req = self.work + draw.randint(5, 40)
        delivered = self._swap_delivery(req)
        asset = loaners(self.ticket, swap_id, req, delivered) if loaners is not None else ""
        self.add((req, "swap_requested", {"swap": swap_id}, self.agent, None))
        delivered, emergency = self._swap_emergency(req, delivered, asset)
        if emergency is not None and p == "P1":
            self._workaround(emergency, WORKAROUND_TEXTS["other"][2])
        delivery: dict[str, Any] = {"swap": swap_id}
        if asset:
            delivery["asset"] = asset
        self.add((delivered, "swap_delivered", delivery, self.logistics, None))
        productive = delivered + draw.randint(15, 60)
        if emergency is not None:
            productive = min(productive, emergency)
        self.productive = productive
        self.res = max(self.res if p != "P1" else 0, delivered + draw.randint(20, 120))
        self.kind = "swap"

    def _swap_delivery(self, req: int) -> int:
        """When the loaner is planned to arrive: mostly before the swap deadline, which
        after an upgrade is the sooner of the old and the new priority's."""
        terms, b0, p = self.terms, self.ticket.b0, self.p
        swap_due = terms.swap_due(p, b0)
        if self.upgraded:
            swap_due = min(terms.swap_due(self.old_p, b0), terms.swap_due(p, self.change_at))
        earliest = req + 90
        if self.rand() < 0.9 and earliest < swap_due:
            return self.draw.between(earliest, swap_due - 1, 0.3)
        return max(earliest, swap_due) + self.draw.randint(30, terms.width)

    def _swap_emergency(
        self, req: int, delivered: int, asset: str | None
    ) -> tuple[int, int | None]:
        """(delivery, emergency workplace or None): with no ready loaner in either depot,
        a temporary pool device and a loaner from a partner; for a P1 a virtual workplace."""
        draw, agent, add = self.draw, self.agent, self.add
        if asset is None:
            width = self.terms.width
            delivered += draw.randint(width, 2 * width)
            emergency = req + draw.randint(30, 180)
            add((emergency, "emergency_workplace", {"kind": "pool_device"}, self.field, None))
            if self.mix.extras:
                text = "Geen loaner op voorraad; partnerdepot levert."
                add((emergency, "comment", {"text": text}, agent, None))
            return delivered, emergency
        if self.p == "P1" and (delivered > self.due_res - 10 or self.rand() < 0.5):
            emergency = draw.between(req + 10, max(req + 10, self.due_res - 5), 0.5)
            add((emergency, "emergency_workplace", {"kind": "virtual_workplace"}, agent, None))
            return delivered, emergency
        return delivered, None

    def _onsite(self) -> None:
        """An engineer on site, mostly before the onsite deadline (after an upgrade the
        sooner of the old and the new priority's); the engineer resolves."""
        terms, draw, b0, p, field = self.terms, self.draw, self.ticket.b0, self.p, self.field
        req = self.work + draw.randint(5, 60)
        onsite_due = b0 + terms.onsite[p]
        if self.upgraded:
            onsite_due = min(b0 + terms.onsite[self.old_p], self.change_at + terms.onsite[p])
        if self.rand() < 0.93 and onsite_due > req + 30:
            arrival = draw.between(req + 30, onsite_due - 1, 0.5)
        else:
            arrival = max(onsite_due, req + 30) + draw.randint(15, terms.width // 2)
        self.add((req, "onsite_requested", {}, self.agent, None))
        if self.mix.extras:
            self.add((req, "assigned", {"to": field}, self.agent, None))
        self.add((arrival, "onsite_arrival", {}, field, None))
        productive = self.productive = arrival + draw.randint(20, 150)
        self.res = max(self.res if p != "P1" else 0, productive + draw.randint(0, 30))
        self.resolver, self.kind = field, "onsite"

    def _p1_fix_in_time(self) -> None:
        """A P1 whose repair takes longer gets its emergency fix in time (seed 003 §10.1)."""
        due_res, first_fix = self.due_res, self.first_fix
        if self.p != "P1" or self.late or self.res <= due_res:
            return
        if first_fix is not None and first_fix <= due_res:
            return
        fix = self.draw.between(self.work + 5, max(self.work + 5, due_res - 5), 0.5)
        self._workaround(fix)
        self.productive = fix if self.productive is None else min(self.productive, fix)

    def pause(self) -> None:
        """Now and then a simple P3/P4 waits on the user, which moves the resolution."""
        if self.p not in ("P3", "P4") or self.kind not in ("plain", "request"):
            return
        if self.rand() >= self.mix.pause:
            return
        draw, agent = self.draw, self.agent
        wait = draw.between(self.work + 5, self.res - 5, 0.4)
        length = draw.randint(30, 2 * self.terms.width)
        self.add((wait, "waiting_on_user", {"reason": "Wacht op reactie medewerker"}, agent, None))
        self.add((wait + length, "resumed", {}, agent, None))
        self.res += length
        if self.productive is not None and self.productive > wait:
            self.productive += length

    # Status updates until resolved, at the interval of the priority in force (now and
    # then a late one); an upgrade pulls the next update forward to the new interval.

    def status_updates(self) -> None:
        channel = "phone" if self.p == "P1" else "email"
        t = self._updates_before_change(channel)
        interval = self.terms.update[self.p]
        if interval is not None and t < self.res:
            self._updates_from(t, interval, channel)

    def _updates_before_change(self, channel: str) -> int:
        """The updates while the old priority is in force; returns the minute from which
        the current priority's updates count (the resolution when there are none left)."""
        rand, update, miss = self.rand, self.terms.update, self.mix.update_miss
        add, agent = self.add, self.agent
        p, change_at, res = self.p, self.change_at, self.res
        t = self.resp
        while t < change_at:
            interval = update[self.old_p]
            following = None if interval is None else t + _gap(rand, interval, miss)
            if following is None or following >= change_at:
                new_interval = update[p]
                if new_interval is None:
                    following = None
                elif following is None or self.upgraded:
                    candidate = change_at + _gap(rand, new_interval, miss)
                    following = candidate if following is None else min(following, candidate)
            if following is None or following >= res:
                return res
            t = following
            add((t, "status_update", {"channel": channel}, agent, None))
        return t

    def _updates_from(self, t: int, interval: int, channel: str) -> None:
        """Updates every `interval` minutes from `t` until the resolution: the bulk of all
        planned events, so `_gap` is inlined and everything is local."""
        rand, add, agent = self.rand, self.add, self.agent
        res, miss = self.res, self.mix.update_miss
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

    def close(self) -> None:
        """Productive again (now and then at the resolution), resolved, and the extras."""
        rand, res, resolver, productive = self.rand, self.res, self.resolver, self.productive
        if productive is None and self.kind != "request" and rand() < self.mix.productive:
            productive = res
        if productive is not None:
            self.add((min(productive, res), "productive_again", {}, resolver, None))
        texts = RESOLUTION_TEXTS.get(self.kind) or RESOLUTION_TEXTS["plain"]
        text = texts[int(rand() * len(texts))]
        self.add((res, "resolved", {"resolution": text}, resolver, None))
        if self.mix.extras:
            width, breached = self.terms.width, self.breached
            plan_extras(self.draw, self.steps, self.resp, res, width, breached, self.agent)


def _gap(rand: Callable[[], float], interval: int, miss: float) -> int:
    """Minutes until the next status update: mostly early, with chance `miss` too late.

    One draw decides both whether the update is late and by how much: given the branch,
    the rescaled draw is uniform in [0, 1) again.
    """
    u = rand()
    if u < miss:
        return round(interval * (1.05 + 0.55 / miss * u)) or 1
    return round(interval * (0.5 + 0.47 / (1.0 - miss) * (u - miss))) or 1
