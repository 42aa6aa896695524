"""The satisfaction survey at a real central on 127.0.0.1 (SQLite and PostgreSQL): the link
of a resolved ticket shows a Dutch form (English by link or Accept-Language), an answer
is recorded once as `csat_recorded` on the ticket's stream and reaches the changes feed;
used, expired, unknown and malformed links get a clear page with a 4xx, never a 5xx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import update

from halt_desk.central import csat
from halt_desk.central.schema import events
from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer
from tests.integration.test_central_api import ROLES, Api, ev, setup_reference


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


def _resolved_ticket(api: Api, ticket: str = "T1") -> str:
    """A resolved ticket (reported two hours ago); the id of its `resolved` event."""
    setup_reference(api)
    data = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone"}
    reported = ev(f"ticket:{ticket}", "ticket_reported", {**data, "priority": "P3"}, ago(2))
    resolved = ev(f"ticket:{ticket}", "resolved", {"resolution": "Kabel vervangen"}, ago(1))
    results = api.post("agent", [reported, resolved])
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    return str(resolved["id"])


def _token(api: Api, resolved_event: str) -> str:
    return _central(api).db.read(lambda conn: csat.survey_token(conn, resolved_event))


def _link(api: Api, token: str) -> str:
    return f"{api.server.url}/csat/{token}"


def _feed(api: Api) -> list[dict[str, Any]]:
    response = api.session.get(
        f"{api.url}/changes", params={"since": 0}, headers=bearer(api.tokens["agent"]), timeout=30
    )
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def _central(api: Api) -> Central:
    central: Central = api.server.central
    return central


def test_the_link_shows_a_dutch_form_and_an_answer_is_recorded_on_the_ticket(api: Api) -> None:
    source = _resolved_ticket(api)
    token = _token(api, source)
    assert _token(api, source) == token  # the same on every render of the mail
    assert len(token) == 32 and "T1" not in token
    assert source.replace("-", "") not in csat.base64.urlsafe_b64decode(token).hex()

    page = requests.get(_link(api, token), timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in page.text
    assert "Hoe tevreden bent u over de afhandeling van uw melding?" in page.text
    assert "Hoe was uw ervaring met de servicedesk? (niet verplicht)" in page.text
    assert "Hoe goed werd u op de hoogte gehouden? (niet verplicht)" in page.text
    assert 'name="viewport"' in page.text and ">English</a>" in page.text

    sent = requests.post(
        _link(api, token), data={"score": "8", "servicedesk": "9", "lang": "nl"}, timeout=30
    )
    assert sent.status_code == 200
    assert "Bedankt voor uw antwoord" in sent.text

    recorded = [e for e in _feed(api) if e["type"] == "csat_recorded"]
    assert len(recorded) == 1
    assert recorded[0]["stream"] == "ticket:T1"
    assert recorded[0]["actor"] == csat.SURVEY_ACTOR
    assert recorded[0]["data"] == {"score": 8, "servicedesk": 9}

    again = requests.get(_link(api, token), timeout=30)
    assert again.status_code == 410
    assert "U hebt al geantwoord" in again.text
    twice = requests.post(_link(api, token), data={"score": "3"}, timeout=30)
    assert twice.status_code == 410
    assert len([e for e in _feed(api) if e["type"] == "csat_recorded"]) == 1


def test_english_by_the_link_or_the_browser_language(api: Api) -> None:
    token = _token(api, _resolved_ticket(api))
    by_link = requests.get(_link(api, token), params={"lang": "en"}, timeout=30)
    assert '<html lang="en">' in by_link.text
    assert "How satisfied are you with how your ticket was handled?" in by_link.text
    assert ">Nederlands</a>" in by_link.text
    english = {"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"}
    by_browser = requests.get(_link(api, token), headers=english, timeout=30)
    assert '<html lang="en">' in by_browser.text
    dutch_first = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
    assert '<html lang="nl">' in requests.get(_link(api, token), headers=dutch_first).text
    sent = requests.post(
        _link(api, token), data={"score": "7", "information": "6", "lang": "en"}, timeout=30
    )
    assert "Thank you for your answer" in sent.text


def test_a_form_without_an_overall_score_comes_back_marked_and_nothing_is_recorded(
    api: Api,
) -> None:
    token = _token(api, _resolved_ticket(api))
    for form in ({}, {"score": "0"}, {"score": "11"}, {"score": "zes"}, {"servicedesk": "9"}):
        sent = requests.post(_link(api, token), data=form, timeout=30)
        assert sent.status_code == 400, form
        assert "Kies bij de eerste vraag een cijfer van 1 tot en met 10." in sent.text
    kept = requests.post(_link(api, token), data={"servicedesk": "9"}, timeout=30)
    assert 'id="servicedesk-9" name="servicedesk" value="9" checked' in kept.text
    huge = requests.post(_link(api, token), data={"score": "5", "x": "y" * 5000}, timeout=30)
    assert huge.status_code == 400
    many = {"score": "5", **{f"f{n}": "1" for n in range(20)}}
    assert requests.post(_link(api, token), data=many, timeout=30).status_code == 400
    assert not [e for e in _feed(api) if e["type"] == "csat_recorded"]
    assert requests.post(_link(api, token), data={"score": "5"}, timeout=30).status_code == 200


def _received_days_ago(api: Api, event_id: str, days: float) -> None:
    """As if central had received the event `days` ago."""
    moment = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    with _central(api).db.write() as conn:
        conn.execute(update(events).where(events.c.id == event_id).values(received_at=moment))


def test_odd_bodies_are_answered_without_a_server_error(api: Api) -> None:
    token = _token(api, _resolved_ticket(api))
    codes = []
    for body, kind in (
        (b"\xff\xfe\x00score=5", "application/x-www-form-urlencoded"),
        (b'{"score": 5}', "application/json"),
        (b"score=%ZZ&score=", "application/x-www-form-urlencoded"),
        (b"score=5&score=6", "text/plain"),  # a form a browser sends as text/plain
        (b"score=7", "application/x-www-form-urlencoded"),
    ):
        odd = requests.post(_link(api, token), data=body, headers={"Content-Type": kind})
        codes.append(odd.status_code)
    assert codes == [400, 400, 400, 200, 410]
    assert [e["data"] for e in _feed(api) if e["type"] == "csat_recorded"] == [{"score": 5}]


def test_expired_unknown_and_malformed_links_get_a_dutch_page_with_a_4xx(api: Api) -> None:
    source = _resolved_ticket(api)
    token = _token(api, source)
    _received_days_ago(api, source, 14.01)
    expired = requests.get(_link(api, token), timeout=30)
    assert expired.status_code == 410
    assert "Deze link is verlopen" in expired.text
    assert requests.post(_link(api, token), data={"score": "9"}, timeout=30).status_code == 410
    tampered = token[:5] + ("B" if token[5] != "B" else "C") + token[6:]
    for bad in (tampered, "A" * 32, "kort", "%00" * 32, "x" * 300, "..%2F..%2Fetc", "é" * 32):
        page = requests.get(_link(api, bad), timeout=30)
        assert page.status_code == 404, bad
        assert "Deze link is niet geldig" in page.text
        assert requests.post(_link(api, bad), data={"score": "9"}).status_code == 404
    assert "Deze link is niet geldig" in requests.get(_link(api, ""), timeout=30).text
    assert not [e for e in _feed(api) if e["type"] == "csat_recorded"]


def test_a_link_for_another_event_than_a_resolution_is_unknown(api: Api) -> None:
    _resolved_ticket(api)
    reported = next(e for e in _feed(api) if e["type"] == "ticket_reported")
    token = _token(api, reported["id"])
    assert requests.get(_link(api, token), timeout=30).status_code == 404
    assert requests.post(_link(api, token), data={"score": "9"}).status_code == 404


def test_a_day_before_expiry_the_link_still_works(api: Api) -> None:
    source = _resolved_ticket(api)
    token = _token(api, source)
    _received_days_ago(api, source, 13)
    assert requests.get(_link(api, token), timeout=30).status_code == 200


def test_concurrent_answers_record_one_score(api: Api) -> None:
    token = _token(api, _resolved_ticket(api))
    codes: list[int] = []

    def answer(score: int) -> None:
        response = requests.post(_link(api, token), data={"score": str(score)}, timeout=60)
        codes.append(response.status_code)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [410] * 7
    assert len([e for e in _feed(api) if e["type"] == "csat_recorded"]) == 1


def test_an_answer_after_the_ticket_was_closed_is_taken(api: Api) -> None:
    source = _resolved_ticket(api)
    closed = ev("ticket:T1", "closed", {}, ago(0.5))
    assert api.post("agent", [closed])[0]["status"] == "accepted"
    token = _token(api, source)
    assert requests.post(_link(api, token), data={"score": "10"}, timeout=30).status_code == 200
    assert [e["data"] for e in _feed(api) if e["type"] == "csat_recorded"] == [{"score": 10}]


def test_the_link_in_the_mail_needs_central_public_address(api: Api) -> None:
    source = _resolved_ticket(api)
    central = _central(api)
    assert central.db.read(lambda conn: csat.survey_link(conn, source)) is None
    with central.db.write() as conn:
        csat.configure_survey(conn, "https://desk.example.nl/")
    link = central.db.read(lambda conn: csat.survey_link(conn, source, "en"))
    assert link == f"https://desk.example.nl/csat/{_token(api, source)}?lang=en"


def test_the_answer_reaches_an_agents_laptop_through_the_changes_feed(
    tmp_path: Path,
) -> None:
    """Central authors `csat_recorded`; a desk that syncs has it in its cache and shows it
    in the ticket's timeline in words."""
    from halt_desk.desk.names import names_for
    from halt_desk.desk.ticket_story import ticket_story
    from halt_desk.i18n import set_language
    from tests.sync_support import Desk, Laptop, wire

    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    data = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone"}
    reported = wire("ticket:T9", "ticket_reported", {**data, "priority": "P3"}, ago(2))
    resolved = wire("ticket:T9", "resolved", {"resolution": "Kabel vervangen"}, ago(1))
    desk.seed("agent-a", [reported, resolved])
    with ThreadServer(desk.central) as server:
        with desk.central.db.write() as conn:
            csat.configure_survey(conn, server.url)
            link = csat.survey_link(conn, str(resolved["id"]))
        assert link is not None
        answered = requests.post(
            link, data={"score": "6", "servicedesk": "9", "information": "4"}, timeout=30
        )
        assert answered.status_code == 200
        laptop = Laptop(tmp_path / "agent.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        try:
            laptop.engine.sync_once()
            events = laptop.store.events_for("ticket:T9")
            assert [e.type for e in events][-1] == "csat_recorded"
            set_language("nl")
            story = ticket_story(events, names_for(laptop.store), UTC)
            assert story[-1].body == (
                "Door de melder ingevuld in de enquête\nTevredenheid: 6 van 10\n"
                "Ervaring met de servicedesk: 9 van 10\nInformatievoorziening: 4 van 10"
            )
        finally:
            laptop.close()
    desk.central.close()


def test_a_link_of_a_resolution_that_was_reopened_says_so_and_the_next_one_works(
    api: Api,
) -> None:
    first = _resolved_ticket(api)
    reopened = ev("ticket:T1", "reopened", {"reason": "Weer stuk"}, ago(0.8))
    again = ev("ticket:T1", "resolved", {"resolution": "Nu echt"}, ago(0.5))
    assert [r["status"] for r in api.post("agent", [reopened, again])] == ["accepted"] * 2
    old = requests.get(_link(api, _token(api, first)), timeout=30)
    assert old.status_code == 410
    assert "Uw melding is heropend" in old.text
    assert "nieuwe link" in old.text
    assert requests.post(_link(api, _token(api, first)), data={"score": "2"}).status_code == 410
    new = _link(api, _token(api, str(again["id"])))
    assert requests.post(new, data={"score": "9"}, timeout=30).status_code == 200
    assert [e["data"] for e in _feed(api) if e["type"] == "csat_recorded"] == [{"score": 9}]
