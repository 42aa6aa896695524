"""Random requests against the real central API, on SQLite and on PostgreSQL: never a 5xx,
never garbage accepted, and nothing accepted that breaks the changes feed afterwards.

The generators are hostile on purpose: NUL and other control characters, lone surrogates
(the body is written as escaped JSON bytes by hand, since `requests` refuses them), text
longer than PostgreSQL's columns, instants from year 1 to 9999 with odd offsets, integers
beyond 64 bits (the push fast path hands those to the route), NaN, deep nesting,
duplicate keys, wrong content types, event types of another stream kind, and events of
every stream kind sent with every role's token. A longer campaign than the default:
`FUZZ_EXAMPLES=2000 pytest tests/integration/test_central_fuzz.py`.
"""

from __future__ import annotations

import json
import os
import string
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halt_desk.central.service import Central
from halt_desk.domain.events import MAX_DATA_DEPTH, STREAM_EVENT_TYPES, Event
from tests.central_server import ThreadServer, bearer
from tests.pg import ThrowawayPostgres

ROLES = ("agent", "field", "logistics", "regie", "admin")
ALL_TYPES = sorted({kind for kinds in STREAM_EVENT_TYPES.values() for kind in kinds})
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Event-shaped objects with random parts: the most likely way garbage gets near acceptance.
event_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.uuids().map(str), st.text(max_size=40)),
        "stream": st.sampled_from(["ticket:T404", "device:HALT-LT-404", "org:x", "nope", "ticket:"])
        | st.text(max_size=20),
        "type": st.sampled_from(["ticket_reported", "resolved", "device_reserved", "x"]),
        "at": st.sampled_from(["2027-01-05T10:00:00+01:00", "2027-01-05T10:00:00", "gisteren"]),
        "actor": st.text(max_size=10),
        "data": json_values,
    },
)

# ----------------------------------------------------------------- hostile values


def _mostly(plausible: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]) -> Any:
    """`plausible` three times in four, else `hostile`: an event with one odd field gets
    past the checks of the others, where the odd value can do harm."""
    return st.sampled_from([False, False, False, True]).flatmap(
        lambda odd: hostile if odd else plausible
    )


#: Any code point, lone surrogates and control characters included.
hostile_chars = st.characters(codec=None, categories=None)
hostile_text = st.one_of(
    st.text(hostile_chars, max_size=12),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "\x1b[0m", "\u2028", "\ufeff", " "]),
    st.sampled_from([99, 100, 101, 199, 200, 201, 300]).map(lambda n: "x" * n),
    st.just("é" * 10_000),
)
#: Stream keys that exist (seeded) or may be created.
plain_keys = st.sampled_from(["T1", "T2", "T3", "HALT-LT-1", "HALT-LT-2", "halt", "e1", "S1", "p1"])
big_numbers = st.sampled_from([2**63, -(2**63) - 1, 10**19, 10**40, -(10**30), 2**64 + 1])
odd_numbers = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0, 5e-324])
hostile_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | big_numbers
    | odd_numbers
    | st.floats(allow_nan=False)
    | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


deep_values = st.integers(MAX_DATA_DEPTH - 3, MAX_DATA_DEPTH * 5).map(_nested)
whole_minute_offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m))
)
odd_offsets = st.integers(-(24 * 3600 - 1), 24 * 3600 - 1).map(
    lambda s: timezone(timedelta(seconds=s))
) | st.sampled_from([timezone(timedelta(hours=23, minutes=59, seconds=59, microseconds=1))])
#: Mostly instants a ticket can take (around now, when the seed's tickets are open), else
#: anything from year 1 to 9999 with any offset down to the microsecond.
instants = _mostly(
    st.tuples(st.integers(-3600, 3 * 3600), whole_minute_offsets | st.just(UTC)).map(
        lambda s: (datetime.now(UTC) + timedelta(seconds=s[0])).astimezone(s[1]).isoformat()
    ),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=odd_offsets
    ).map(lambda at: at.isoformat())
    | st.sampled_from(
        [
            "9999-12-31T23:30:00+00:00",
            "0001-01-01T00:00:00+23:59",
            "2199-12-31T23:59:59.999999-23:59",
            "2150-06-01T10:00:00+00:00",
            "2009-12-31T23:59:59+00:00",
            "2027-01-05T10:00:00.123456+01:00:30.123456",
            "2027-01-05T10:00:00Z",
            "2027-01-05T10:00:00",
            "2027-13-05T10:00:00+00:00",
        ]
    ),
)
HALT_PROFILE = (Path(__file__).parents[2] / "resources" / "profiles" / "halt.toml").read_text()
#: Valid data of each event type, so that an event with one odd value gets past the
#: "missing field" refusals to the checks (and the writes) behind them.
TEMPLATES: dict[str, dict[str, Any]] = {
    "ticket_reported": {
        "org": "halt",
        "caller": "e1",
        "summary": "Laptop",
        "priority": "P3",
        "channel": "phone",
    },
    "first_response": {"channel": "phone"},
    "priority_changed": {"priority": "P2"},
    "assigned": {"to": "field-user"},
    "comment": {"text": "gebeld", "clock": "resolution", "breach_explanation": True},
    "csat_recorded": {"score": 8},
    "uplift_decided": {
        "granted": True,
        "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
        "role_type": "court_session",
        "motivation": "zitting om 14:00 vandaag",
    },
    "device_registered": {
        "org": "halt",
        "depot": "d1",
        "model": "m",
        "serial": "s",
        "type": "laptop",
    },
    "readiness_checked": {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True},
    "device_reserved": {"swap": "S1", "ticket": "T1"},
    "device_received": {"depot": "d1"},
    "device_sanitised": {"method": "wipe", "operator": "o", "certificate": "c"},
    "organisation_registered": {"name": "Org", "profile": "halt"},
    "organisation_updated": {"name": "Org 2"},
    "employee_registered": {"org": "halt", "name": "Bert"},
    "profile_registered": {"toml": HALT_PROFILE.replace('name = "halt"', 'name = "p1"')},
    "swap_opened": {"ticket": "T1", "mode": "courier", "depot": "d1", "home_address": "x"},
    "shipment_status": {"leg": "out", "status": "booked", "carrier": "c", "tracking": "t"},
    "stock_mitigation": {"model": "m", "kind": "extra_stock", "note": "n"},
}
#: Keys the domain reads somewhere, for values it may not expect.
DATA_KEYS = sorted(
    {key for data in TEMPLATES.values() for key in data} | {"impact", "urgency", "security"}
)
odd_data = st.dictionaries(st.sampled_from(DATA_KEYS) | hostile_text, hostile_values, max_size=3)


@st.composite
def hostile_events(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(STREAM_EVENT_TYPES)))
    own_types = st.sampled_from(sorted(STREAM_EVENT_TYPES[kind]))
    odd_ids = (
        st.uuids().map(lambda u: u.urn)
        | st.uuids().map(lambda u: "{" + str(u).upper() + "}")
        | hostile_text
    )
    event: dict[str, Any] = {
        "id": draw(_mostly(st.just(FRESH), odd_ids)),
        "stream": f"{kind}:{draw(_mostly(plain_keys, hostile_text))}",
        "type": draw(_mostly(own_types, st.sampled_from(ALL_TYPES))),
        "at": draw(instants),
        "actor": draw(_mostly(st.just("tester"), hostile_text)),
    }
    template = TEMPLATES.get(event["type"], {})
    if event["type"] == "profile_registered":
        name = event["stream"].partition(":")[2]
        template = {"toml": HALT_PROFILE.replace('name = "halt"', f"name = {json.dumps(name)}")}
    odd = _mostly(st.just({}), odd_data | st.builds(lambda d: {"x": d}, deep_values))
    event["data"] = template | draw(odd)
    return event


def _body(events: list[Any], duplicate_keys: bool) -> bytes:
    """The push body as escaped ASCII JSON (NaN and lone surrogates written as Python's
    json does); with `duplicate_keys`, each event object opens with a decoy id, which its
    own id overrules (the last value of a key counts, in both of the API's JSON readers)."""
    texts = [json.dumps(event, ensure_ascii=True) for event in events]
    if duplicate_keys:
        texts = [f'{{"id": "decoy", {t[1:]}' if t.startswith('{"') else t for t in texts]
    return ('{"events": [' + ", ".join(texts) + "]}").encode("ascii")


#: The longest key of the stream kinds whose key a projection also stores.
KEY_LIMITS = {"ticket": 100, "device": 100, "org": 100, "profile": 50}


def _must_refuse(raw: Any) -> str | None:
    """Why the central must refuse `raw` (as sent, after JSON decoding), or None."""
    if not isinstance(raw, dict):
        return "not an object"
    texts = [raw.get(name) for name in ("id", "stream", "actor")]
    if not all(isinstance(text, str) for text in texts):
        return "a field that is not text"
    for text in texts:
        if "\x00" in text or not _encodable(text):
            return "NUL or lone surrogate"
        if len(text) > 200:
            return "too long"
    kind, _, key = raw["stream"].partition(":")
    if len(key) > KEY_LIMITS.get(kind, 200) or len(raw["id"]) > 36:
        return "too long"
    at = datetime.fromisoformat(raw["at"])
    if not 2010 <= at.year <= 2199 or at.utcoffset() % timedelta(minutes=1):
        return "an instant the calendar or the columns cannot hold"
    data = raw.get("data")
    try:
        json.dumps(data, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return "NaN, infinity or a lone surrogate in data"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Api:
    """A served central with a user of each role and some reference data; `seen` is the
    last `seq` of the changes feed already checked."""

    def __init__(self, url: str, tokens: dict[str, dict[str, str]]) -> None:
        self.url = url
        self.tokens = tokens
        self.seen = 0

    def push(self, role: str, body: bytes, content_type: str | None = "application/json") -> Any:
        headers = dict(self.tokens[role])
        if content_type is not None:
            headers["Content-Type"] = content_type
        return requests.post(f"{self.url}/events", data=body, headers=headers, timeout=60)

    def check_feed(self) -> list[dict[str, Any]]:
        """The feed since the last check answers, and each event in it is a valid event."""
        new: list[dict[str, Any]] = []
        more = True
        while more:
            response = requests.get(
                f"{self.url}/changes",
                params={"since": self.seen, "limit": 5000},
                headers=self.tokens["logistics"],
                timeout=60,
            )
            assert response.status_code == 200, response.text
            page = response.json()
            for item in page["events"]:
                Event.from_json(item)
            new += page["events"]
            self.seen, more = page["next"], page["more"]
        return new


def _seed(url: str, tokens: dict[str, dict[str, str]]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)

    def wire(stream: str, kind: str, data: dict[str, Any], minutes: int = 0) -> dict[str, Any]:
        at = (now - timedelta(hours=2) + timedelta(minutes=minutes)).isoformat()
        event_id = str(uuid.uuid4())
        return {
            "id": event_id,
            "stream": stream,
            "type": kind,
            "at": at,
            "actor": "seed",
            "data": data,
        }

    admin = [
        wire("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
        wire("employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
        wire("depot:d1", "depot_registered", {"name": "Depot"}),
        wire("location:l1", "location_registered", {"org": "halt", "name": "HQ"}),
    ]
    report = {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3"}
    agent = [
        wire("ticket:T1", "ticket_reported", report | {"channel": "phone"}, 1),
        wire("ticket:T1", "assigned", {"to": "field-user"}, 2),
        wire("ticket:T2", "ticket_reported", report, 3),
    ]
    device = {"org": "halt", "depot": "d1", "model": "m", "serial": "s", "type": "laptop"}
    logistics = [wire("device:HALT-LT-1", "device_registered", device, 4)]
    for role, batch in (("admin", admin), ("agent", agent), ("logistics", logistics)):
        response = requests.post(
            f"{url}/events", json={"events": batch}, headers=tokens[role], timeout=60
        )
        assert response.status_code == 200, response.text
        assert {r["status"] for r in response.json()["results"]} == {"accepted"}, response.text


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    postgres: ThrowawayPostgres | None = None
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("central")
        db_url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    else:
        postgres = request.getfixturevalue("postgres_server")
        db_url = postgres.new_database("central_fuzz")
    central = Central.open(db_url)
    tokens = {role: bearer(central.add_user(f"{role}-user", role)) for role in ROLES}
    with ThreadServer(central) as running:
        url = running.url + "/api/v1"
        _seed(url, tokens)
        yield Api(url, tokens)
    central.close()
    if postgres is not None:
        postgres.drop_database("central_fuzz")


@FUZZ
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"events": st.lists(event_like | json_values, max_size=5)}),
    )
)
def test_random_event_batches_get_4xx_or_rejections(api: Api, body: Any) -> None:
    response = api.push("agent", json.dumps(body).encode())
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        for result in response.json()["results"]:
            # nothing here is a complete, valid event on a known stream: all must be refused
            assert result["status"] == "rejected", result


#: Stands for a new random UUID, put in when the event is sent: Hypothesis draws the same
#: UUIDs again and again, which would make most events reuse an id.
FRESH = "fresh-uuid"


def _fresh(events: list[Any]) -> list[Any]:
    return [
        {**event, "id": str(uuid.uuid4())}
        if isinstance(event, dict) and event.get("id") == FRESH
        else event
        for event in events
    ]


#: The role that may record most events of a stream kind.
RECORDER = {"ticket": "agent", "device": "logistics", "swap": "logistics", "stock": "logistics"}


@st.composite
def pushes(draw: st.DrawFn) -> tuple[str, list[Any]]:
    """A batch of hostile events, mostly sent by a role that may record the first one."""
    events = draw(st.lists(_mostly(hostile_events(), event_like), min_size=1, max_size=4))
    first = events[0].get("stream") if isinstance(events[0], dict) else None
    kind = first.partition(":")[0] if isinstance(first, str) else ""
    return draw(_mostly(st.just(RECORDER.get(kind, "admin")), st.sampled_from(ROLES))), events


@settings(FUZZ, max_examples=2 * FUZZ.max_examples)
@given(push=pushes(), duplicate_keys=st.booleans())
def test_hostile_events_are_refused_with_a_reason_or_kept_intact(
    api: Api, push: tuple[str, list[Any]], duplicate_keys: bool
) -> None:
    """Per event: refused with a reason, or accepted and then served by the feed as sent."""
    role, events = push[0], _fresh(push[1])
    response = api.push(role, _body(events, duplicate_keys))
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(events)
    accepted = {}
    for sent, result in zip(events, results, strict=True):
        if result["status"] == "rejected":
            assert result["reason"], result
            continue
        why = _must_refuse(sent)
        assert why is None, f"accepted garbage ({why}): {result}"
        if result["status"] == "accepted":
            accepted[result["id"]] = sent
    for item in api.check_feed():
        sent = accepted.pop(item["id"], None)
        if sent is not None:
            assert (item["stream"], item["type"], item["actor"]) == (
                sent["stream"],
                sent["type"],
                sent["actor"],
            )
            assert datetime.fromisoformat(item["at"]) == datetime.fromisoformat(sent["at"])
            assert item["data"] == sent.get("data", {})
    assert not accepted, f"accepted but not in the feed: {accepted}"


@FUZZ
@given(
    role=st.sampled_from(ROLES),
    content_type=st.sampled_from(
        [
            "application/json",
            "APPLICATION/JSON; charset=utf-8",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            None,
        ]
    ),
    body=st.one_of(
        st.binary(max_size=40),
        st.sampled_from(
            [
                b"",
                b"null",
                b'{"events": null}',
                b'{"events": {}}',
                b'{"events": [], "events": 5}',
                b'{"events": [' + b"1," * 1000 + b"1]}",
                b'{"events": [{"id": 12345678901234567890123}]}',
                b'{"events": [NaN, Infinity, -Infinity]}',
                b'{"events": [1e400]}',
                b"[" * 10_000 + b"]" * 10_000,
                b'{"events": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
                b'{"events": ["\\ud800"]}',
                b'{"\\ud800": 1}',
                b'{"events": []}\xff',
                b"\xef\xbb\xbf" + b'{"events": []}',
            ]
        ),
    ),
)
def test_malformed_bodies_get_a_4xx_problem(
    api: Api, role: str, content_type: str | None, body: bytes
) -> None:
    response = api.push(role, body, content_type)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        problem = response.json()
        assert problem["status"] == response.status_code and problem["detail"], problem
    else:
        assert all(r["status"] == "rejected" for r in response.json()["results"])


#: Ticket ids for the path: existing ones, odd characters, great length.
ticket_ids = st.one_of(
    st.sampled_from(["T1", "T2", "nope", str(uuid.uuid4()), "T1\x00", "%", "..", "a b", "?x=1"]),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.sampled_from([99, 100, 101, 2_000, 10_000]).map(lambda n: "t" * n),
)
query_values = st.one_of(
    st.text(string.printable + "\x00é", max_size=12),
    st.integers().map(str),
    st.sampled_from(["0", "-1", str(2**62), str(2**62 + 1), str(2**64), "1e3", "5000", "5001"]),
)


@FUZZ
@given(
    role=st.sampled_from(ROLES),
    path=st.one_of(
        st.sampled_from(["/changes", "/audit", "/health", "/events"]),
        ticket_ids.map(lambda t: "/tickets/" + quote(t, safe="")),
    ),
    params=st.dictionaries(
        st.sampled_from(["since", "limit", "after", "x"]), query_values, max_size=3
    ),
)
def test_random_reads_never_fail_with_5xx(
    api: Api, role: str, path: str, params: dict[str, str]
) -> None:
    response = requests.get(f"{api.url}{path}", params=params, headers=api.tokens[role], timeout=60)
    assert response.status_code < 500, response.text
