"""Random requests against the real central API: never a 5xx, never garbage accepted."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer

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
        "stream": st.sampled_from(["ticket:T1", "device:HALT-LT-1", "org:x", "nope", "ticket:"])
        | st.text(max_size=20),
        "type": st.sampled_from(["ticket_reported", "resolved", "device_reserved", "x"]),
        "at": st.sampled_from(["2027-01-05T10:00:00+01:00", "2027-01-05T10:00:00", "gisteren"]),
        "actor": st.text(max_size=10),
        "data": json_values,
    },
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder: Path = tmp_path_factory.mktemp("central")
    central = Central.open(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}")
    token = central.add_user("fuzzer", "agent")
    with ThreadServer(central) as running:
        yield running.url + "/api/v1", token
    central.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"events": st.lists(event_like | json_values, max_size=5)}),
    )
)
def test_random_event_batches_get_4xx_or_rejections(server: tuple[str, str], body: Any) -> None:
    url, token = server
    response = requests.post(
        f"{url}/events",
        data=json.dumps(body),
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        for result in response.json()["results"]:
            # nothing here is a complete, valid event on a known stream: all must be refused
            assert result["status"] == "rejected", result


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/changes", "/tickets/T1", "/audit", "/tickets/" + str(uuid.uuid4())]),
    params=st.dictionaries(
        st.sampled_from(["since", "limit", "after", "x"]),
        st.text(max_size=12) | st.integers().map(str),
        max_size=3,
    ),
)
def test_random_reads_never_fail_with_5xx(
    server: tuple[str, str], path: str, params: dict[str, str]
) -> None:
    url, token = server
    response = requests.get(f"{url}{path}", params=params, headers=bearer(token), timeout=30)
    assert response.status_code < 500, response.text
