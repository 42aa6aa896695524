"""What the ticket planners of both profiles share: the planned step, the mix of paths
(demo or benchmark), the seeded draws, and the comment, score and closure after a fix.

The planners read the profile's targets (`Terms`) so that most planned clocks are met and
a realistic few are breached; they steer the generator only. The demo's clocks are
evaluated by `halt_desk.domain`, never here.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import sqrt
from typing import Any, TypeVar

from halt_desk.demo.sample_texts import BREACH_EXPLANATIONS, COMMENT_TEXTS

#: A planned event: (business minute, type, data, actor, wall clock). The business minute
#: orders the steps; `wall` (UTC epoch seconds) is set only for a step outside the service
#: window, such as an on-call pick-up at night, whose minute is the next opening.
Step = tuple[int, str, dict[str, Any], str, float | None]

T = TypeVar("T")

#: The channels of a first response, in the order of the cumulative weights that pick one.
CHANNELS = ("phone", "email", "portal")


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
        return low + (high - low) * skewed(self.random(), (mode - low) / (high - low))

    def between(self, low: int, high: int, mode: float = 0.4) -> int:
        """A point in [low, high], skewed toward `mode` (0..1) of the span."""
        if high <= low:
            return low
        return low + round((high - low) * skewed(self.random(), mode))


def skewed(u: float, mode: float) -> float:
    """A share in [0, 1] from a uniform draw `u`, triangular with its peak at `mode`."""
    if u > mode:
        return 1.0 - sqrt((1.0 - u) * (1.0 - mode))
    return sqrt(u * mode)


def plan_extras(
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
        steps.append((at, "csat_recorded", _survey(score, at), "system:survey", None))
    steps.append((closed, "closed", {}, agent, None))


def _survey(score: int, at: int) -> dict[str, int]:
    """The survey's answers: the overall score, and for two in three respondents the two
    optional XLA questions (servicedesk experience, information provision) near it.
    Taken from the minute rather than a draw, so the demo's other draws stay as they were."""
    answers = {"score": score}
    if at % 3:
        answers["servicedesk"] = min(10, max(1, score + at % 3 - 1))
        answers["information"] = min(10, max(1, score - at % 2))
    return answers


_SCORES = tuple(range(1, 11))
_CSAT_BREACHED_CUM = tuple(accumulate((3, 2, 3, 4, 6, 10, 14, 12, 5, 2)))
_CSAT_MET_CUM = tuple(accumulate((0, 0, 1, 1, 2, 5, 14, 30, 28, 12)))
