"""The survey page in a real browser (headless Chromium from Debian's packages) at a phone's
width (390 × 844): a person taps the scores and sends the form, central records the answer;
screenshots of each step land in $HALT_SCREENSHOT_DIR (else the test's own directory)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from halt_desk.central import csat
from halt_desk.central.service import Central
from tests.central_server import ThreadServer
from tests.chromium import Chromium, chromium_path
from tests.integration.test_central_api import ROLES, Api, ev, setup_reference

pytestmark = pytest.mark.skipif(
    chromium_path() is None and not os.environ.get("CI"),
    reason="chromium is installed by scripts/setup.sh --test",
)
PHONE = (390, 844)


@pytest.fixture
def survey(tmp_path: Path) -> Iterator[tuple[Api, str]]:
    """A central on 127.0.0.1 with a resolved ticket; the link of its survey."""
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        api = Api(server, tokens)
        setup_reference(api)
        hours_ago = partial(_ago, datetime.now(UTC))
        data = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone"}
        ticket = "ticket:HALT-2026-000862"
        reported = ev(ticket, "ticket_reported", {**data, "priority": "P3"}, hours_ago(3))
        resolved = ev(ticket, "resolved", {"resolution": "Kabel vervangen"}, hours_ago(1))
        assert [r["status"] for r in api.post("agent", [reported, resolved])] == ["accepted"] * 2
        with central.db.write() as conn:
            csat.configure_survey(conn, server.url)
            link = csat.survey_link(conn, resolved["id"])
        assert link is not None
        yield api, link
    central.close()


def _ago(now: datetime, hours: int) -> datetime:
    return now - timedelta(hours=hours)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("HALT_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _recorded(central: Central) -> list[dict[str, object]]:
    events = central.changes(central.user_named("agent-user"), 0, 100, "test")[0]
    return [e["data"] for e in events if e["type"] == "csat_recorded"]


def test_a_caller_answers_the_survey_on_a_phone(survey: tuple[Api, str], shots: Path) -> None:
    api, link = survey
    central: Central = api.server.central
    with Chromium(*PHONE) as browser:
        browser.open(link)
        shown = browser.text()
        assert "Hoe tevreden bent u?" in shown
        assert "Uw melding HALT-2026-000862 is opgelost." in shown
        assert "Hoe was uw ervaring met de servicedesk? (niet verplicht)" in shown
        # Fits the phone: nothing to scroll sideways, the scores are big enough to tap.
        assert browser.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        height = browser.evaluate("document.querySelector('label[for=score-1]').offsetHeight")
        assert height >= 44
        browser.screenshot(shots / "csat-form.png")

        browser.tap("button[type=submit]", then_load=True)  # sent without a score
        assert "Kies bij de eerste vraag een cijfer van 1 tot en met 10." in browser.text()
        browser.screenshot(shots / "csat-missing-score.png")
        assert _recorded(central) == []

        for choice in ("score-8", "servicedesk-9", "information-7"):
            browser.tap(f"label[for={choice}]")
        assert browser.evaluate("document.querySelector('#score-8').checked") is True
        browser.screenshot(shots / "csat-filled.png")
        browser.tap("button[type=submit]", then_load=True)
        assert "Bedankt voor uw antwoord" in browser.text()
        browser.screenshot(shots / "csat-thanks.png")
        assert _recorded(central) == [{"score": 8, "servicedesk": 9, "information": 7}]

        browser.open(link)
        assert "U hebt al geantwoord" in browser.text()
        browser.screenshot(shots / "csat-answered.png")
    for name in ("csat-form", "csat-filled", "csat-thanks", "csat-answered"):
        png = (shots / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5000, name
        width = int.from_bytes(png[16:20], "big")
        assert width == PHONE[0] * 2, name  # the phone's width at its pixel ratio


def test_the_english_link_on_the_page_switches_the_language(
    survey: tuple[Api, str], shots: Path
) -> None:
    _, link = survey
    with Chromium(*PHONE) as browser:
        browser.open(link)
        browser.tap("a[hreflang=en]", then_load=True)
        shown = browser.text()
        assert "How satisfied are you with how your ticket was handled?" in shown
        assert "Nederlands" in shown
        browser.screenshot(shots / "csat-form-en.png")
    with Chromium(*PHONE, accept_language="en-GB,en;q=0.9") as browser:
        browser.open(link)  # a phone set to English gets English at once
        assert "How satisfied are you?" in browser.text()
