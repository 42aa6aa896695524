"""Central's courier poller against fake carrier servers on 127.0.0.1 (tests/
courier_servers.py): new statuses become `shipment_status` events once (deduplicated by
carrier, code and time), the rate limit is respected and its 429s, 500s, slow answers and
malformed bodies are survived, a restored central fetches the whole history again, a push
is authenticated, and two processes ask each shipment once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet

from halt_desk.central.courier_poll import CourierPoller
from halt_desk.central.courier_settings import configure, load
from halt_desk.central.courier_webhook import SECRET_HEADER
from halt_desk.central.leases import Lease
from halt_desk.central.service import Central
from halt_desk.couriers.base import http_fetch
from tests.central_server import ThreadServer
from tests.courier_servers import CarrierServers, Step, carrier_servers
from tests.sync_support import Desk, wire

T0 = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_SECRET_KEY", Fernet.generate_key().decode())


@pytest.fixture
def fakes() -> Iterator[CarrierServers]:
    yield from carrier_servers()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    yield desk
    desk.central.close()


@pytest.fixture
def any_desk(db_url: str) -> Iterator[Desk]:
    """The desk on SQLite, then on PostgreSQL."""
    desk = Desk.create(db_url)
    yield desk
    desk.central.close()


def open_shipment(desk: Desk, n: int, carrier: str, tracking: str, at: datetime = T0) -> str:
    """A courier swap of a ticket central does not hold, its loaner booked with `carrier`."""
    swap = f"SW{n:05d}"
    opened = {"ticket": f"T{n:05d}", "org": "halt", "mode": "courier", "depot": "d"}
    status = {"leg": "out", "carrier": carrier, "tracking": tracking, "status": "booked"}
    desk.seed(
        "depot-a",
        [
            wire(f"swap:{swap}", "swap_opened", opened, at),
            wire(f"swap:{swap}", "shipment_status", status, at),
        ],
    )
    return swap


def steps(at: datetime, *codes: tuple[str, str]) -> list[Step]:
    return [Step(code, at + timedelta(minutes=10 * (i + 1)), text, "Utrecht")
            for i, (code, text) in enumerate(codes)]  # fmt: skip


POSTNL = [("2", "Zending in ontvangst genomen"), ("5", "Zending gesorteerd"),
          ("7", "Zending in distributieproces"), ("11", "Zending afgeleverd")]  # fmt: skip


def held_lease(central: Central, poller: CourierPoller, seconds: float = 60.0) -> Lease:
    lease = Lease(central.engine, poller.job(lease_seconds=seconds), "test", threading.Event())
    assert lease.renew()
    return lease


def statuses(desk: Desk, swap: str) -> list[dict[str, Any]]:
    return [
        e.data
        for _, e in desk.events()
        if e.stream == f"swap:{swap}" and e.type == "shipment_status"
    ]


def setup_carrier(desk: Desk, fake: Any, **options: Any) -> None:
    configure(desk.central.engine, fake.carrier, fake.api_key, base_url=fake.url, **options)


def quick_poller(central: Central) -> CourierPoller:
    return CourierPoller(central, lambda carrier: http_fetch(1.0, carrier))


def test_new_statuses_are_recorded_once_with_carrier_code_time_and_location(
    any_desk: Desk, fakes: CarrierServers
) -> None:
    desk = any_desk
    postnl = fakes["postnl"]
    swap = open_shipment(desk, 1, "postnl", "3SHLTD000000001")
    postnl.add("3SHLTD000000001", steps(T0, *POSTNL), shown=2)
    setup_carrier(desk, postnl, rate=50, interval_minutes=0.01)
    poller = quick_poller(desk.central)
    poller.run(held_lease(desk.central, poller))
    recorded = statuses(desk, swap)
    assert [d["status"] for d in recorded] == ["booked", "picked_up", "in_transit"]
    assert recorded[1] | {"time": "?"} == {
        "leg": "out", "carrier": "postnl", "tracking": "3SHLTD000000001", "status": "picked_up",
        "code": "2", "text": "Zending in ontvangst genomen", "time": "?", "source": "carrier",
    }  # fmt: skip
    # Asked again with nothing new: nothing recorded; once more after a status: one event.
    poller.run(held_lease(desk.central, poller))  # not due yet (interval): not even asked
    assert postnl.requests["3SHLTD000000001"] == 1
    desk.central.engine.dispose()
    _all_due(desk)
    poller.run(held_lease(desk.central, poller))
    assert len(statuses(desk, swap)) == 3 and postnl.requests["3SHLTD000000001"] == 2
    postnl.advance("3SHLTD000000001", to=4)
    _all_due(desk)
    poller.run(held_lease(desk.central, poller))
    assert [d["status"] for d in statuses(desk, swap)][-1] == "delivered"
    _all_due(desk)
    poller.run(held_lease(desk.central, poller))  # delivered is final: never asked again
    assert postnl.requests["3SHLTD000000001"] == 3


def _all_due(desk: Desk) -> None:
    with desk.central.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE courier_polls SET next_at = 0")


def test_429_500_slow_and_malformed_answers_are_survived_within_the_rate(
    desk: Desk, fakes: CarrierServers
) -> None:
    dhl = fakes["dhl"]
    dhl.limit = 5  # a stingy carrier: 5 a second; central is configured to ask 8
    dhl.slow_seconds = 2.5  # longer than the poller's 1 s timeout here
    for n in range(1, 31):
        tracking = f"JVGL{n:016d}"
        open_shipment(desk, n, "dhl", tracking)
        dhl.add(tracking, steps(T0, ("transit", "De zending is opgehaald")), shown=1)
    dhl.fail("500", "slow", "malformed")
    setup_carrier(desk, dhl, rate=8, interval_minutes=0.01)
    poller = quick_poller(desk.central)
    poller.run(held_lease(desk.central, poller, seconds=120))
    report = poller.last_round
    assert dhl.refused >= 1  # the carrier's 429s were met …
    assert report.refused["dhl"] >= dhl.refused  # … and counted, with 500 and the timeout
    assert report.failed["dhl"] == 1  # the malformed body: its shipment waits for its turn
    picked_up = [d for _, e in desk.events() if e.type == "shipment_status"
                 for d in [e.data] if d["status"] == "picked_up"]  # fmt: skip
    assert len(picked_up) == 29
    with desk.central.engine.connect() as conn:
        problems = (
            conn.exec_driver_sql("SELECT problem FROM courier_polls WHERE problem IS NOT NULL")
            .scalars()
            .all()
        )
    assert problems == ["the answer is not JSON"]
    assert "test-key" not in repr(load(desk.central.engine))


def test_a_restored_central_fetches_the_whole_history_again(
    tmp_path: Path, desk: Desk, fakes: CarrierServers
) -> None:
    from halt_desk.central.backup import backup

    dpd = fakes["dpd"]
    swap = open_shipment(desk, 1, "dpd", "05212345678901")
    codes = [("AT_SENDING_DEPOT", "In het verzenddepot"), ("ON_THE_ROAD", "Onderweg"),
             ("OUT_FOR_DELIVERY", "Wordt vandaag bezorgd"), ("DELIVERED", "Bezorgd")]  # fmt: skip
    dpd.add("05212345678901", steps(T0, *codes), shown=1)
    setup_carrier(desk, dpd, rate=50, interval_minutes=60)
    poller = quick_poller(desk.central)
    poller.run(held_lease(desk.central, poller))
    url = str(desk.central.engine.url)
    copy = tmp_path / "backup.sqlite3"
    backup(url, copy)
    dpd.advance("05212345678901", to=4)
    _all_due(desk)
    poller.run(held_lease(desk.central, poller))
    assert [d["code"] for d in statuses(desk, swap)[1:]] == [c for c, _ in codes]
    # Central is restored from the copy (statuses after it are lost): once that is found,
    # every open shipment is asked at once, not after its hour, and what the carrier
    # reported since is recorded again.
    desk.central.close()
    database = Path(desk.central.engine.url.database or "")
    database.write_bytes(copy.read_bytes())
    restored = Central.open(url)
    try:
        assert [d.get("code") for d in _statuses(restored, swap)] == [None, "AT_SENDING_DEPOT"]
        fresh = quick_poller(restored)
        fresh.run(held_lease(restored, fresh))
        assert len(_statuses(restored, swap)) == 2  # the hour has not passed
        # The first laptop that syncs finds central behind it (history.py) …
        restored.position(restored.user_named("depot-a"), [], [], "test", found_behind=99)
        fresh.run(held_lease(restored, fresh))  # … and the poller asks again at once
        assert [d.get("code") for d in _statuses(restored, swap)][1:] == [c for c, _ in codes]
    finally:
        restored.close()


def _statuses(central: Central, swap: str) -> list[dict[str, Any]]:
    import json

    with central.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT data FROM events WHERE stream = ? AND type = 'shipment_status' ORDER BY seq",
            (f"swap:{swap}",),
        ).scalars()
        return [json.loads(row) for row in rows]


def test_a_push_needs_the_carriers_secret_and_is_recorded_once(
    desk: Desk, fakes: CarrierServers
) -> None:
    swap = open_shipment(desk, 1, "dhl", "JVGL0612345678901234")
    _, hook = configure(desk.central.engine, "dhl", "k", base_url=fakes["dhl"].url)
    push = {"shipments": [{"id": "JVGL0612345678901234", "events": [
        {"timestamp": "2027-01-12T11:40:00+01:00", "statusCode": "transit",
         "description": "De zending is gesorteerd",
         "location": {"address": {"addressLocality": "Nieuwegein"}}},
        {"timestamp": "2027-01-12T16:20:00+01:00", "statusCode": "failure",
         "description": "Adres onvolledig; bezorging niet gelukt"}]}]}  # fmt: skip
    with ThreadServer(desk.central) as server:
        hook_url = f"{server.url}/api/v1/couriers/dhl/webhook"
        assert requests.post(hook_url, json=push, timeout=10).status_code == 403
        wrong = {SECRET_HEADER: "not-it"}
        assert requests.post(hook_url, json=push, headers=wrong, timeout=10).status_code == 403
        right = {SECRET_HEADER: hook}
        answer = requests.post(hook_url, json=push, headers=right, timeout=10)
        assert answer.status_code == 200 and answer.json()["recorded"] == 2
        again = requests.post(hook_url, json=push, headers=right, timeout=10)
        assert again.json()["recorded"] == 0
        bad = requests.post(hook_url, data=b"{not json", headers=right, timeout=10)
        assert bad.status_code == 400
        none = requests.post(f"{server.url}/api/v1/couriers/postnl/webhook", json={}, timeout=10)
        assert none.status_code == 404  # PostNL does not push
    recorded = statuses(desk, swap)
    assert [(d["status"], d["source"]) for d in recorded[1:]] == [
        ("in_transit", "webhook"), ("failed_attempt", "webhook"),
    ]  # fmt: skip
    assert recorded[1]["location"] == "Nieuwegein"
    assert recorded[2]["problem"] == "address_problem"


def _stop_once(asked: dict[str, int], count: int, stopping: threading.Event) -> None:
    """Sets `stopping` once `asked` holds `count` tracking codes (or it is set already)."""
    while len(asked) < count and not stopping.wait(0.005):
        pass
    stopping.set()


def test_two_processes_ask_each_shipment_once_a_round(
    any_desk: Desk, fakes: CarrierServers
) -> None:
    desk = any_desk
    postnl = fakes["postnl"]
    for n in range(1, 41):
        tracking = f"3SHLTD{n:09d}"
        open_shipment(desk, n, "postnl", tracking)
        postnl.add(tracking, steps(T0, *POSTNL), shown=2)
    setup_carrier(desk, postnl, rate=50, interval_minutes=60)
    other = Central.open(str(desk.central.engine.url))
    try:
        a, b = quick_poller(desk.central), quick_poller(other)
        # Process A holds the job and stops part way through its round (it is told to stop,
        # as when it loses its lease); process B takes the job over once A's lease has
        # lapsed: B asks only what A did not.
        stopping = threading.Event()
        lease_a = Lease(desk.central.engine, a.job(lease_seconds=2), "a", stopping)
        assert lease_a.renew()
        # Told to stop once it has asked a few (not after a fixed time: a loaded machine may
        # not have asked any by then).
        watcher = threading.Thread(target=_stop_once, args=(postnl.requests, 5, stopping))
        watcher.start()
        a.run(lease_a)
        stopping.set()
        watcher.join()
        asked_by_a = set(postnl.requests)
        assert 0 < len(asked_by_a) < 40
        lease_b = Lease(other.engine, b.job(lease_seconds=60), "b", threading.Event())
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while not lease_b.renew():
            assert datetime.now(UTC) < deadline
        b.run(lease_b)
    finally:
        other.close()
    assert set(postnl.requests) == {f"3SHLTD{n:09d}" for n in range(1, 41)}
    assert set(postnl.requests.values()) == {1}


def test_a_carrier_that_signs_its_pushes_has_its_signature_checked(
    desk: Desk, fakes: CarrierServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses
    import hashlib
    import hmac

    import orjson

    from halt_desk.central import courier_webhook
    from halt_desk.central.courier_webhook import PushRefused, receive_push
    from halt_desk.couriers.registry import carriers

    signing = dataclasses.replace(carriers()["dhl"], signature_header="X-Carrier-Signature")
    monkeypatch.setattr(courier_webhook, "carriers", lambda: {**carriers(), "dhl": signing})
    swap = open_shipment(desk, 1, "dhl", "JVGL0612345678901234")
    _, hook = configure(desk.central.engine, "dhl", "k", base_url=fakes["dhl"].url)
    body = orjson.dumps({"shipments": [{"id": "JVGL0612345678901234", "events": [
        {"timestamp": "2027-01-12T11:40:00+01:00", "statusCode": "transit",
         "description": "De zending is gesorteerd"}]}]})  # fmt: skip
    signature = hmac.new(hook.encode(), body, hashlib.sha256).hexdigest()
    forged = hmac.new(b"another secret", body, hashlib.sha256).hexdigest()
    for given in ("", forged):
        headers = {SECRET_HEADER: hook, "x-carrier-signature": given}
        with pytest.raises(PushRefused, match="signature"):
            receive_push(desk.central, "dhl", headers, body)
    headers = {SECRET_HEADER: hook, "x-carrier-signature": signature}
    assert receive_push(desk.central, "dhl", headers, body).recorded == 1
    assert statuses(desk, swap)[-1]["source"] == "webhook"


def test_recorded_answers_of_each_carrier_are_replayed_and_recorded(
    desk: Desk, fakes: CarrierServers
) -> None:
    recorded = {  # carrier: (tracking, recorded answer)
        "postnl": ("3SHLTD123456789", "postnl_delivered.json"),
        "dhl": ("JVGL0612345678901234", "dhl_failed_attempt.json"),
        "dpd": ("05212345678901", "dpd_out_for_delivery.json"),
    }
    swaps = {}
    for n, (carrier, (tracking, fixture)) in enumerate(recorded.items(), start=1):
        swaps[carrier] = open_shipment(desk, n, carrier, tracking, T0.replace(hour=8))
        fakes[carrier].replay(tracking, fixture)
        setup_carrier(desk, fakes[carrier], rate=50)
    poller = quick_poller(desk.central)
    poller.run(held_lease(desk.central, poller))
    codes = {
        carrier: [d["code"] for d in statuses(desk, swap)[1:]] for carrier, swap in swaps.items()
    }
    assert codes == {
        "postnl": ["1", "2", "5", "7", "11"],
        "dhl": ["pre-transit", "transit", "transit", "transit", "failure"],
        "dpd": ["ACCEPTED", "AT_SENDING_DEPOT", "ON_THE_ROAD", "AT_DELIVERY_DEPOT",
                "OUT_FOR_DELIVERY"],
    }  # fmt: skip
    failed = statuses(desk, swaps["dhl"])[-1]
    assert (failed["problem"], failed["location"]) == ("delivery_failed", "Zwolle")
