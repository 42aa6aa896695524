"""Runs `sla check` on a JSON text, on every core for large inputs; all or nothing.

Large inputs are evaluated by forked workers. Each worker parses the JSON text itself
(the text is one shared, read-only object) and evaluates its own block of tickets:
sharing the *parsed* document instead would make every worker copy most of the parent's
memory page by page as it touches the objects' reference counts, which costs more than
parsing again. A worker sends back its tickets as a ready JSON fragment, or the first
error of its block; the parent reports the error with the lowest ticket position, exactly
as a single-process run would, and produces nothing partial.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import orjson

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.sla import CheckContext, check_context, evaluate_range

#: Below this size (bytes of JSON) a second process costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000


class InvalidJson(HaltDeskError):
    """The input is not JSON at all."""


def load_json(text: str | bytes, source: str = "input") -> object:
    """Parses JSON, turning a syntax error into a message with line and column."""
    try:
        return orjson.loads(text)  # several times faster than json on large inputs
    except orjson.JSONDecodeError as exc:
        raise InvalidJson(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


@dataclass(frozen=True, slots=True)
class _Job:
    text: str | bytes
    source: str
    profile: str | None
    now: datetime | None
    workers: int


@dataclass(frozen=True, slots=True)
class _Outcome:
    position: int  # -1 for an error of the document as a whole
    error: str | None = None
    head: str = ""
    fragment: str = ""


_JOB: _Job | None = None  # set in the parent just before the workers fork


def _head(context: CheckContext) -> str:
    """`{"profile":…,"now":…` — the output's opening, without its closing brace."""
    head = {"profile": context.profile.name, "now": context.now.isoformat()}
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]


def _evaluate_block(worker: int) -> _Outcome:
    assert _JOB is not None
    gc.disable()  # millions of long-lived objects and no cycles: collections only cost time
    try:
        context = check_context(load_json(_JOB.text, _JOB.source), _JOB.profile, _JOB.now)
    except HaltDeskError as exc:
        return _Outcome(-1, str(exc))
    count = len(context.header.tickets)
    step = -(-count // _JOB.workers)
    start, stop = min(worker * step, count), min((worker + 1) * step, count)
    parts: list[str] = []
    try:
        for result in evaluate_range(context, start, stop):
            parts.append(result.to_json_text())
    except HaltDeskError as exc:
        return _Outcome(start + len(parts), str(exc))
    return _Outcome(start, None, _head(context), ",".join(parts))


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def render_check_text(
    text: str | bytes,
    source: str = "input",
    profile: str | None = None,
    now: datetime | None = None,
    indent: int | None = None,
    workers: int | None = None,
    min_parallel_bytes: int = PARALLEL_MIN_BYTES,
) -> str:
    """The complete `sla check` output for a JSON text; raises HaltDeskError on bad input."""
    global _JOB
    workers = workers or _cores()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if indent is not None or workers < 2 or len(text) < min_parallel_bytes or not can_fork:
        return render_check(load_json(text, source), profile, now, indent)
    _JOB = _Job(text, source, profile, now, workers)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            outcomes = list(pool.map(_evaluate_block, range(workers)))
    finally:
        _JOB = None
    failures = [(o.position, o.error) for o in outcomes if o.error is not None]
    if failures:
        raise HaltDeskError(min(failures)[1])
    fragments = ",".join(o.fragment for o in outcomes if o.fragment)
    return f'{outcomes[0].head},"tickets":[{fragments}]}}'


def render_check(
    document: object,
    profile: str | None = None,
    now: datetime | None = None,
    indent: int | None = None,
) -> str:
    """The `sla check` output for an already parsed document, in this process."""
    context = check_context(document, profile, now)
    results = evaluate_range(context, 0, len(context.header.tickets))
    if indent is None:
        return f'{_head(context)},"tickets":[{",".join(r.to_json_text() for r in results)}]}}'
    tickets = [r.to_json() for r in results]
    body = {"profile": context.profile.name, "now": context.now.isoformat(), "tickets": tickets}
    return json.dumps(body, ensure_ascii=False, indent=indent)
