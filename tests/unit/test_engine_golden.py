"""`sla check` output on large generated sets stays byte for byte what the engine gave at
commit 54f4406, before its speed work (tests/fixtures/engine/golden.json), but for the
rule fixed since (issue 19): the 544 halt tickets downgraded to P4 and resolved without a
missed update now show `update` as `not_applicable` instead of `met` with `due: null`
(every halt block; the input and the DeSom set, which has no change to the same
priority, are unchanged).

The unit tests pin the rules case by case; this pins the whole engine on tens of thousands
of tickets with every kind of event, so an optimisation that changes a single character of
the output fails here. The fixture holds SHA-256 digests (of the input, and of the output
per block of tickets, so a failure names the block) rather than the output itself, which is
tens of megabytes. Regenerate it only with an engine whose output is trusted:
`python tests/unit/test_engine_golden.py > tests/fixtures/engine/golden.json`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from halt_desk.cli.sla_check import render_check
from halt_desk.demo import generate_timelines

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "engine" / "golden.json"
#: (profile, tickets, seed) of each generated set.
SETS = (("halt", 20_000, 20), ("desom", 10_000, 21))
BLOCK = 1_000


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def digests(profile: str, count: int, seed: int) -> dict[str, Any]:
    """Digests of one generated set's input and of its output, block by block."""
    document = generate_timelines(count, seed=seed, profile=profile)
    tickets = document["tickets"]
    blocks = []
    for start in range(0, count, BLOCK):
        part = {**document, "tickets": tickets[start : start + BLOCK]}
        blocks.append(_digest(render_check(part)))
    return {"input": _digest(orjson.dumps(document)), "blocks": blocks}


@pytest.mark.parametrize(("profile", "count", "seed"), SETS)
def test_output_matches_the_engine_before_its_speed_work(
    profile: str, count: int, seed: int
) -> None:
    expected = json.loads(GOLDEN.read_text())[f"{profile}-{count}-{seed}"]
    actual = digests(profile, count, seed)
    assert actual["input"] == expected["input"], (
        "the generated input changed (halt_desk.demo.generate_timelines); regenerate the "
        "fixture with a trusted engine"
    )
    differing = [
        i
        for i, (a, b) in enumerate(zip(actual["blocks"], expected["blocks"], strict=True))
        if a != b
    ]
    first = [f"tickets[{i * BLOCK}:{(i + 1) * BLOCK}]" for i in differing[:3]]
    assert not differing, f"sla check output differs in {len(differing)} blocks, first {first}"


if __name__ == "__main__":
    golden = {f"{p}-{n}-{s}": digests(p, n, s) for p, n, s in SETS}
    sys.stdout.write(json.dumps(golden, indent=1) + "\n")
