"""Runs `sla check` on large documents with every core: forked workers, all or nothing.

The parent parses the JSON once; workers are forked afterwards, so they read the parsed
document from inherited memory instead of having it pickled to them. Each worker
evaluates one slice and sends back its tickets as a ready JSON fragment, or the first
error of its slice; the parent reports the error of the lowest ticket position, exactly
as the single-process run would, and prints nothing partial.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.sla import CheckContext, check_context, evaluate_range

#: Below this many tickets a second process costs more than it saves.
PARALLEL_THRESHOLD = 4000

_CONTEXT: CheckContext | None = None  # set in the parent just before the workers fork


def _evaluate_slice(bounds: tuple[int, int]) -> tuple[bool, int, str]:
    """(True, start, fragment) or (False, failing index, message)."""
    assert _CONTEXT is not None
    start, stop = bounds
    parts: list[str] = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        for result in evaluate_range(_CONTEXT, start, stop):
            parts.append(dumps(result.to_json()))
    except HaltDeskError as exc:
        return False, start + len(parts), str(exc)
    return True, start, ",".join(parts)


def _workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_check(
    document: object,
    profile: str | None = None,
    now: datetime | None = None,
    indent: int | None = None,
    workers: int | None = None,
    min_parallel: int = PARALLEL_THRESHOLD,
) -> str:
    """The complete `sla check` output text, computed in parallel when it pays off."""
    global _CONTEXT
    context = check_context(document, profile, now)
    count = len(context.header.tickets)
    workers = workers or _workers()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if indent is not None or workers < 2 or count < min_parallel or not can_fork:
        results = [r.to_json() for r in evaluate_range(context, 0, count)]
        body = {"profile": context.profile.name, "now": context.now.isoformat(), "tickets": results}
        separators = None if indent is not None else (",", ":")
        return json.dumps(body, ensure_ascii=False, indent=indent, separators=separators)
    step = -(-count // workers)
    bounds = [(start, min(start + step, count)) for start in range(0, count, step)]
    _CONTEXT = context
    try:
        with ProcessPoolExecutor(
            max_workers=len(bounds), mp_context=multiprocessing.get_context("fork")
        ) as pool:
            outcomes = list(pool.map(_evaluate_slice, bounds))
    finally:
        _CONTEXT = None
    failures = [(index, message) for ok, index, message in outcomes if not ok]
    if failures:
        raise HaltDeskError(min(failures)[1])
    head = json.dumps(
        {"profile": context.profile.name, "now": context.now.isoformat()},
        ensure_ascii=False,
        separators=(",", ":"),
    )[:-1]
    fragments = ",".join(fragment for _, _, fragment in outcomes if fragment)
    return f'{head},"tickets":[{fragments}]}}'
