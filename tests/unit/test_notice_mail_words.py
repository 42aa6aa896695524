"""The notices window's mail line in words (halt_desk/desk/notice_mail.py): counts of the
newest notice event that sent mail, Dutch plurals and grouped thousands, and what it says
offline, before central answered and for a notice central does not know."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from halt_desk.desk.notice_mail import NoticeMail, failure_lines, mail_line, read_rounds
from halt_desk.i18n import set_language


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


def _answer(*rounds: dict[str, object]) -> NoticeMail:
    return read_rounds({"events": list(rounds), "addresses_shown": True})


def _round(kind: str, sent: int, failed: int, queued: int, **more: object) -> dict[str, object]:
    return {"type": kind, "at": "", "sent": sent, "failed": failed, "queued": queued, **more}


def test_thousands_are_grouped_and_the_newest_mailing_counts() -> None:
    mail = _answer(_round("notice_published", 1, 0, 0), _round("notice_updated", 980, 21, 0))
    expected = "E-mail bij de update: verstuurd aan 980 van 1.001 medewerkers"
    assert mail_line(mail, True) == f"{expected} · 21 niet afgeleverd · 0 wachten"


def test_one_employee_one_waiting_in_the_singular() -> None:
    mail = _answer(_round("notice_published", 0, 0, 1))
    assert mail_line(mail, True) == (
        "E-mail: verstuurd aan 0 van 1 medewerker · 0 niet afgeleverd · 1 wacht"
    )


def test_a_follow_up_without_mail_leaves_the_line_at_the_last_mailing() -> None:
    mail = _answer(_round("notice_published", 2, 0, 0), _round("notice_updated", 0, 0, 0))
    assert mail_line(mail, True).startswith("E-mail: verstuurd aan 2 van 2 medewerkers")
    assert mail_line(_answer(_round("notice_closed", 0, 0, 0)), True) == (
        "E-mail bij ‘alles werkt weer’: (nog) niets verstuurd"
    )


def test_offline_unknown_and_waiting_for_central() -> None:
    assert mail_line(None, False) == "E-mail: niet bekend (offline)"
    assert mail_line(NoticeMail(False), True) == "E-mail: niet bekend (offline)"
    assert mail_line(None, True) == "E-mail: de centrale wordt gevraagd…"
    assert mail_line(NoticeMail(True), True) == "E-mail: de centrale kent deze melding nog niet"


def test_english_words_and_the_failed_addresses() -> None:
    set_language("en")
    failures = [{"to": "weg@halt.nl", "reason": "550 5.1.1 no such user"}]
    mail = _answer(_round("notice_closed", 1, 1, 0, failures=failures))
    assert mail_line(mail, True) == (
        "E-mail of the all-clear: sent to 1 of 2 employees · 1 not delivered · 0 waiting"
    )
    assert failure_lines(mail) == ["weg@halt.nl · all clear · mail server: 550 5.1.1 no such user"]


def test_an_answer_with_odd_counts_is_read_as_nothing() -> None:
    mail = _answer({"type": "notice_published", "sent": "3", "failed": True, "queued": -1})
    assert mail.rounds[0].total == 0 and failure_lines(mail) == []
