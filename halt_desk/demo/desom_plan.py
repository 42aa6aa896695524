"""Plans the follow-up events of one `desom` ticket in business minutes (the profile has no
update, onsite or swap clocks): reaction, resolution, a workaround or visit, a pause.
"""

from __future__ import annotations

from halt_desk.demo.business_minutes import Terms
from halt_desk.demo.planning import CHANNELS, Draws, Mix, Step, plan_extras
from halt_desk.demo.sample_texts import RESOLUTION_TEXTS, WORKAROUND_TEXTS

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
_DESOM_CHANNEL_CUM = (3.0, 5.0, 10.0)


def plan_desom(
    draw: Draws,
    terms: Terms,
    b0: int,
    impact: str,
    urgency: str,
    actors: tuple[str, str, str],
    mix: Mix,
) -> list[Step]:
    """The follow-up events of a `desom` ticket, from first response to closure.

    The steps draw in a fixed order, so a seed always gives the same plan.
    """
    agent = actors[0]
    p = terms.matrix[(impact, urgency)]
    steps: list[Step] = []
    resp, late_response = _reaction(draw, terms, p, b0, agent, mix, steps)
    target = terms.cells[(impact, urgency)]
    res, late_resolution = _resolution(draw, b0 + target, target, resp, mix)
    res, productive, resolver = _fix(draw, terms, urgency, resp, res, actors, mix, steps)
    if p in ("P1", "P2"):
        update_channel = "phone" if p == "P1" else "email"
        t = resp
        while True:
            t += draw.randint(40, 90)
            if t >= res:
                break
            steps.append((t, "status_update", {"channel": update_channel}, agent, None))
    if productive is None and draw.random() < mix.productive * 0.75:
        productive = res
    if productive is not None:
        steps.append((min(productive, res), "productive_again", {}, resolver, None))
    text = draw.choice(RESOLUTION_TEXTS["plain"])
    steps.append((res, "resolved", {"resolution": text}, resolver, None))
    if mix.extras:
        breached = late_response or late_resolution
        plan_extras(draw, steps, resp, res, terms.width, breached, agent)
    return steps


def _reaction(
    draw: Draws, terms: Terms, p: str, b0: int, agent: str, mix: Mix, steps: list[Step]
) -> tuple[int, bool]:
    """Plans the first response (and assignment); returns (its minute, whether late)."""
    target = terms.reaction[p]
    late = draw.random() < mix.reaction_breach
    if late:
        delay = target + max(1, round(target * draw.uniform(0.1, 1.5)))
    else:
        delay = max(1, round(target * draw.triangular(0.05, 0.95, 0.3)))
    resp = b0 + delay
    channel = "phone" if p == "P1" else draw.pick(CHANNELS, _DESOM_CHANNEL_CUM)
    if mix.extras:
        steps.append((resp, "assigned", {"to": agent}, agent, None))
    steps.append((resp, "first_response", {"channel": channel}, agent, None))
    return resp, late


def _resolution(draw: Draws, due: int, target: int, resp: int, mix: Mix) -> tuple[int, bool]:
    """The resolution minute against its deadline `due`, and whether it is late."""
    if draw.random() < mix.resolution_breach or due <= resp + 5:
        return max(due, resp + 5) + max(1, round(target * draw.uniform(0.05, 0.4))), True
    return resp + max(5, round((due - resp) * draw.triangular(0.1, 0.97, 0.4))), False


def _fix(
    draw: Draws,
    terms: Terms,
    urgency: str,
    resp: int,
    res: int,
    actors: tuple[str, str, str],
    mix: Mix,
    steps: list[Step],
) -> tuple[int, int | None, str]:
    """A workaround for some urgent tickets, a visit for others, a pause for the less
    urgent; returns (resolution, productive again or None, resolver)."""
    agent, field, _ = actors
    rand, randint, between = draw.random, draw.randint, draw.between
    add = steps.append
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
    return res, productive, resolver
