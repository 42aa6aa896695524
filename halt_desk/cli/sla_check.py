"""Runs `sla check` on a JSON text, on every core for large inputs; all or nothing.

Large inputs are split once, in the parent, into blocks of whole tickets at their byte
boundaries (`split_tickets`, a search of the raw bytes, no parse). Forked workers take
the blocks one at a time: each parses only its block (typed, by `timeline_block`; a block
with a ticket of another shape the general way), evaluates it ticket by ticket and writes
the block's output to a file of its own. When every block succeeded, the parent
streams the files to the output in order; nothing is built whole, and nothing is written
before all is known.

The split is checked rather than trusted: a block that is not a list of JSON values, a
text it cannot split (the ticket list not the document's last member), a bad header, a
bad ticket or an id in two blocks sends the whole run the exact way: every worker parses
the whole text (one shared, read-only object; sharing the *parsed* document instead would
make each worker copy most of the parent's memory as it touches reference counts) and
evaluates its share, and the parent reports the error with the lowest ticket position,
exactly as a single-process run would. Bad input costs time; good input is split once.
"""

from __future__ import annotations

import gc
import io
import json
import multiprocessing
import os
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import orjson

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.sla import CheckContext, check_context, evaluate_range, evaluate_ticket
from halt_desk.domain.timeline import parse_ticket
from halt_desk.domain.timeline_block import decode_block, timeline_of

#: Below this size (bytes of JSON) a second process costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
#: Blocks per worker: a worker slowed by the machine's other work takes fewer of them.
BLOCKS_PER_WORKER = 8


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


def _head(context: CheckContext) -> str:
    """`{"profile":…,"now":…` — the output's opening, without its closing brace."""
    head = {"profile": context.profile.name, "now": context.now.isoformat()}
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


# ------------------------------------------------------------------ split once
_TICKETS_KEY = re.compile(rb'"tickets"\s*:\s*\[')
#: Where one value of a list ends and the next object begins (at any depth: the brace
#: count tells the ticket list's own).
_NEXT_OBJECT = re.compile(rb"\}\s*,\s*\{")
_BLANKS = frozenset(b" \t\r\n")


@dataclass(frozen=True, slots=True)
class Split:
    """A document cut at ticket boundaries: its header with an empty ticket list, and the
    byte ranges of its blocks of whole tickets, in order."""

    header: bytes
    blocks: tuple[tuple[int, int], ...]


def _before_blanks(text: bytes, index: int, stop: int) -> int:
    """The index of the last non-blank byte at or before `index` (not before `stop`)."""
    while index > stop and text[index] in _BLANKS:
        index -= 1
    return index


def split_tickets(text: bytes, blocks: int) -> Split | None:
    """Cuts a §3.3 document whose last member is its ticket list into about `blocks`
    blocks of whole tickets; None when it does not look like that.

    Braces inside strings can mislead the count; the blocks are checked when they are
    parsed (each must be a list of JSON values), so a wrong cut costs a retry, not a
    wrong answer.
    """
    match = _TICKETS_KEY.search(text)
    if match is None or text[match.start() - 1 : match.start()] == b"\\":
        return None
    start = match.end()
    end = _before_blanks(text, len(text) - 1, start)
    close = _before_blanks(text, end - 1, start)
    if end <= start or text[end] != ord("}") or close < start or text[close] != ord("]"):
        return None
    ranges: list[tuple[int, int]] = []
    block_start, counted, depth = start, start, 0
    for k in range(1, blocks):
        target = start + (close - start) * k // blocks
        for cut in _NEXT_OBJECT.finditer(text, max(target, block_start), close):
            at = cut.start()  # the brace that closes the value before
            depth += text.count(b"{", counted, at) - text.count(b"}", counted, at)
            counted = at
            if depth == 1:  # it closes a ticket: the next one starts a block
                ranges.append((block_start, at + 1))
                block_start = cut.end() - 1
                break
        else:
            break
    ranges.append((block_start, close))
    return Split(text[:start] + text[close:], tuple(ranges))


@dataclass(frozen=True, slots=True)
class _SplitJob:
    text: bytes
    blocks: tuple[tuple[int, int], ...]
    context: CheckContext
    files: Sequence[IO[bytes]]


@dataclass(frozen=True, slots=True)
class _Block:
    ok: bool
    ids: tuple[str, ...] = ()
    size: int = 0


_SPLIT_JOB: _SplitJob | None = None  # set in the parent just before the workers fork


def _run_block(index: int) -> _Block:
    """One block in a worker: its tickets parsed, evaluated and written to its file."""
    job = _SPLIT_JOB
    assert job is not None
    gc.disable()  # millions of long-lived objects and no cycles: collections only cost time
    first, last = job.blocks[index]
    block = b"[" + job.text[first:last] + b"]"
    try:
        # Ticket by ticket, so that one ticket's objects are freed before the next is made
        # (a block's worth at once costs page faults); typed first, else the general way.
        outcome = _typed_block(block, job.context)
        if outcome is None:
            outcome = _general_block(block, job.context)
    except (orjson.JSONDecodeError, HaltDeskError):
        return _Block(False)  # the exact way finds it again and names its position
    ids, text = outcome
    data = text.encode()
    with open(os.dup(job.files[index].fileno()), "wb") as out:
        out.write(data)
    return _Block(True, tuple(ids), len(data))


def _typed_block(block: bytes, context: CheckContext) -> tuple[list[str], str] | None:
    """The ids and the output of a block by `timeline_block`; None when a ticket is not of
    its ordinary shape (or the decoder refuses the text)."""
    tickets = decode_block(block)
    if tickets is None:
        return None
    profile, now = context.profile, context.now
    ids: list[str] = []
    parts: list[str] = []
    for raw in tickets:
        timeline = timeline_of(raw)
        if timeline is None:
            return None
        ids.append(timeline.id)
        parts.append(evaluate_ticket(profile, timeline, now).to_json_text())
    return ids, ",".join(parts)


def _general_block(block: bytes, context: CheckContext) -> tuple[list[str], str]:
    """The ids and the output of a block by `parse_ticket`, which checks every shape."""
    profile, now = context.profile, context.now
    ids: list[str] = []
    parts: list[str] = []
    for position, raw in enumerate(orjson.loads(block)):
        timeline = parse_ticket(raw, f"tickets[{position}]")
        ids.append(timeline.id)
        parts.append(evaluate_ticket(profile, timeline, now).to_json_text())
    return ids, ",".join(parts)


def _write_split(
    text: bytes, out: IO[bytes], profile: str | None, now: datetime | None, workers: int
) -> bool:
    """Writes the output by split blocks; False (nothing written) when the exact way must
    decide: the text does not split, or a block or the header has a problem."""
    global _SPLIT_JOB
    split = split_tickets(text, workers * BLOCKS_PER_WORKER)
    if split is None:
        return False
    try:
        header = orjson.loads(split.header)
        if not isinstance(header, dict) or header.get("tickets") != []:
            return False
        context = check_context(header, profile, now)  # the profile is loaded before forking
    except (orjson.JSONDecodeError, HaltDeskError):
        return False
    with ExitStack() as stack:
        files = [stack.enter_context(tempfile.TemporaryFile()) for _ in split.blocks]
        _SPLIT_JOB = _SplitJob(text, split.blocks, context, files)
        try:
            with _fork_pool(min(workers, len(split.blocks))) as pool:
                done = list(pool.map(_run_block, range(len(split.blocks))))
                # the workers end (and are joined at exit) while the output is written
                pool.shutdown(wait=False)
                return _write_blocks(out, context, files, done)
        finally:
            _SPLIT_JOB = None


def _write_blocks(
    out: IO[bytes], context: CheckContext, files: Sequence[IO[bytes]], done: Sequence[_Block]
) -> bool:
    """Streams the blocks' files to `out` when every block succeeded and no id is in two;
    False, and nothing written, when not."""
    count = sum(len(block.ids) for block in done)
    if not all(block.ok for block in done) or len({i for b in done for i in b.ids}) != count:
        return False
    out.write(f'{_head(context)},"tickets":['.encode())
    written = [(file, block.size) for file, block in zip(files, done, strict=True)]
    for n, (file, size) in enumerate([(f, size) for f, size in written if size]):
        if n:
            out.write(b",")
        _copy(file, size, out)
    out.write(b"]}")
    return True


def _copy(source: IO[bytes], size: int, out: IO[bytes]) -> None:
    """Copies `size` bytes from the start of `source` to `out` (in the kernel if it can)."""
    out.flush()
    offset = 0
    try:
        target = out.fileno()
        while offset < size:
            sent = os.sendfile(target, source.fileno(), offset, size - offset)
            if sent == 0:
                break
            offset += sent
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a file (a test's buffer), or one sendfile cannot write to: copy by hand
    while offset < size:
        chunk = os.pread(source.fileno(), min(size - offset, 1 << 20), offset)
        if not chunk:
            raise OSError(f"sla check: a block's output file ended after {offset} bytes")
        out.write(chunk)
        offset += len(chunk)


# ------------------------------------------------------------------ the exact way
@dataclass(frozen=True, slots=True)
class _Job:
    text: bytes
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


def _evaluate_share(worker: int) -> _Outcome:
    assert _JOB is not None
    gc.disable()
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


def _render_whole(
    text: bytes, source: str, profile: str | None, now: datetime | None, workers: int
) -> str:
    """Every worker parses the whole text and evaluates its share; the first error by
    ticket position wins, as in one process."""
    global _JOB
    _JOB = _Job(text, source, profile, now, workers)
    try:
        with _fork_pool(workers) as pool:
            outcomes = list(pool.map(_evaluate_share, range(workers)))
    finally:
        _JOB = None
    failures = [(o.position, o.error) for o in outcomes if o.error is not None]
    if failures:
        raise HaltDeskError(min(failures)[1])
    fragments = ",".join(o.fragment for o in outcomes if o.fragment)
    return f'{outcomes[0].head},"tickets":[{fragments}]}}'


# ------------------------------------------------------------------ entry points
def write_check(
    text: str | bytes,
    out: IO[bytes],
    source: str = "input",
    profile: str | None = None,
    now: datetime | None = None,
    indent: int | None = None,
    workers: int | None = None,
    min_parallel_bytes: int = PARALLEL_MIN_BYTES,
) -> None:
    """Writes the complete `sla check` output for a JSON text to `out` (UTF-8, no final
    newline); raises HaltDeskError on bad input, and then has written nothing."""
    data = text.encode() if isinstance(text, str) else text
    workers = workers or _cores()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if indent is not None or workers < 2 or len(data) < min_parallel_bytes or not can_fork:
        out.write(render_check(load_json(data, source), profile, now, indent).encode())
    elif not _write_split(data, out, profile, now, workers):
        out.write(_render_whole(data, source, profile, now, workers).encode())


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
    buffer = io.BytesIO()
    write_check(text, buffer, source, profile, now, indent, workers, min_parallel_bytes)
    return buffer.getvalue().decode()


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
    tickets: list[Any] = [r.to_json() for r in results]
    body = {"profile": context.profile.name, "now": context.now.isoformat(), "tickets": tickets}
    return json.dumps(body, ensure_ascii=False, indent=indent)
