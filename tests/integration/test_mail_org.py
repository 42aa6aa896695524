"""An organisation's own mail wording and switches through the real commands
(`central template publish/list/withdraw`, `central org update --mail-off/--mail-on`,
`central survey configure`) against the database a running central sends from: the next
mail follows them without a restart or release; a broken template is refused at publish,
naming the line, and nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.central_server import ThreadServer
from tests.integration.test_central_org_cli import halt_desk
from tests.mail_support import CALLER_EMAIL, MailDesk, wait_until, wire
from tests.smtp_server import SmtpServer

ORG_RESOLVED = """{% block subject %}Halt: {{ number }} is afgerond{% endblock %}
{% block text %}Hoi {{ caller_name }},

Je melding is afgerond: {{ resolution }}
{% if survey_url %}Wat vond je ervan? {{ survey_url }}{% endif %}
Team {{ desk_name }}{% endblock %}
{% block html %}<p>Hoi {{ caller_name }},</p><p>Je melding is afgerond: {{ resolution }}</p>
{% if survey_url %}<p><a href="{{ survey_url }}">Wat vond je ervan?</a></p>{% endif %}{% endblock %}
"""


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_desk(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MailDesk, ThreadServer, str]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    desk = MailDesk.create(url, smtp)
    with ThreadServer(desk.central) as server:
        yield desk, server, url
    desk.central.close()


def central(tmp_path: Path, db_url: str, *args: str) -> tuple[int, str]:
    done = halt_desk(tmp_path, "central", *args, "--db", db_url)
    return done.returncode, done.stdout + done.stderr


def _resolve(desk: MailDesk, server: ThreadServer, ticket: str) -> None:
    desk.push(server.url, [wire(f"ticket:{ticket}", "resolved", {"resolution": "Accu nieuw."})])


def test_a_published_template_words_the_next_mail_and_withdrawing_it_goes_back(
    mail_desk: tuple[MailDesk, ThreadServer, str], smtp: SmtpServer, tmp_path: Path
) -> None:
    desk, server, db = mail_desk
    source = tmp_path / "afgerond.j2"
    source.write_text(ORG_RESOLVED, encoding="utf-8")
    code, out = central(tmp_path, db, "survey", "configure", "--url", server.url)
    assert code == 0, out
    code, out = central(
        tmp_path, db, "template", "publish", str(source),
        "--org", "halt", "--kind", "caller_resolved", "--lang", "nl",
    )  # fmt: skip
    assert code == 0, out
    assert "published as version 1" in out
    code, out = central(tmp_path, db, "template", "list")
    assert code == 0 and "halt  caller_resolved  nl    1" in out, out

    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    smtp.wait_count(1)
    _resolve(desk, server, ticket)
    mail = smtp.wait_count(2)[1]
    assert mail.to == (CALLER_EMAIL,)
    assert mail.subject == f"Halt: {ticket} is afgerond"
    assert "Hoi Anna de Vries," in mail.text and "Je melding is afgerond: Accu nieuw." in mail.text
    assert f"Wat vond je ervan? {server.url}/csat/" in mail.text
    assert "Team Servicedesk Halt" in mail.text
    assert '<a href="' + server.url + "/csat/" in mail.html

    code, out = central(
        tmp_path, db, "template", "withdraw", "--org", "halt", "--kind", "caller_resolved",
        "--lang", "nl",
    )  # fmt: skip
    assert code == 0, out
    second = desk.new_ticket()
    desk.push(server.url, [desk.report(second)])
    smtp.wait_count(3)
    _resolve(desk, server, second)
    assert smtp.wait_count(4)[3].subject == f"Uw melding {second} is opgelost"


def test_a_broken_template_is_refused_at_publish_naming_the_line(
    mail_desk: tuple[MailDesk, ThreadServer, str], tmp_path: Path
) -> None:
    _, _, db = mail_desk
    broken = tmp_path / "kapot.j2"
    broken.write_text(ORG_RESOLVED.replace("{{ resolution }}\n", "{{ resolutie }}\n"), "utf-8")
    code, out = central(
        tmp_path, db, "template", "publish", str(broken),
        "--org", "halt", "--kind", "caller_resolved", "--lang", "nl",
    )  # fmt: skip
    assert code == 2
    assert "kapot.j2: template not published: line 4: unknown variable 'resolutie'" in out
    broken.write_text(ORG_RESOLVED.replace("{% endif %}", "{% endfi %}", 1), "utf-8")
    code, out = central(
        tmp_path, db, "template", "publish", str(broken),
        "--org", "halt", "--kind", "caller_resolved", "--lang", "nl",
    )  # fmt: skip
    assert code == 2 and "line 5: Encountered unknown tag 'endfi'" in out, out
    code, out = central(
        tmp_path, db, "template", "publish", str(broken).replace("kapot", "niet-er"),
        "--org", "halt", "--kind", "caller_resolved", "--lang", "nl",
    )  # fmt: skip
    assert code == 2 and "cannot read" in out
    good = tmp_path / "goed.j2"
    good.write_text(ORG_RESOLVED, "utf-8")
    code, out = central(
        tmp_path, db, "template", "publish", str(good),
        "--org", "onbekend", "--kind", "caller_resolved", "--lang", "nl",
    )  # fmt: skip
    assert code == 2 and "no organisation 'onbekend' is registered" in out
    code, out = central(tmp_path, db, "template", "list")
    assert "no templates published" in out


def test_a_mail_kind_switched_off_for_an_organisation_is_not_sent(
    mail_desk: tuple[MailDesk, ThreadServer, str], smtp: SmtpServer, tmp_path: Path
) -> None:
    desk, server, db = mail_desk
    code, out = central(tmp_path, db, "org", "update", "halt", "--mail-off", "caller_registered")
    assert code == 0, out
    code, out = central(tmp_path, db, "org", "list")
    assert "MAIL OFF" in out and "caller_registered" in out, out

    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    _resolve(desk, server, ticket)
    (mail,) = smtp.wait_count(1)  # the resolved mail only: registered is off
    assert mail.subject == f"Uw melding {ticket} is opgelost"
    wait_until(lambda: not desk.outbox() or len(desk.outbox()) == 1, "one mail queued")
    assert [row["kind"] for row in desk.outbox()] == ["caller_resolved"]

    code, out = central(tmp_path, db, "org", "update", "halt", "--mail-on", "caller_registered")
    assert code == 0, out
    again = desk.new_ticket()
    desk.push(server.url, [desk.report(again)])
    assert smtp.wait_count(2)[1].subject == f"Uw melding {again} is geregistreerd"
    code, out = central(tmp_path, db, "org", "update", "halt", "--mail-off", "caller_bye")
    assert code == 2 and "'caller_bye' is not a mail kind" in out


def test_the_published_wording_is_read_by_the_organisations_users_only(
    mail_desk: tuple[MailDesk, ThreadServer, str],
) -> None:
    from halt_desk.central.mail_org import publish_template
    from halt_desk.central.organisations import register_organisation

    desk, server, _ = mail_desk
    register_organisation(desk.central, "desom", "SSC DeSom", "halt")
    publish_template(desk.central, ORG_RESOLVED, "halt", "caller_resolved", "nl", "test")
    halt_agent = desk.central.add_user("agent-halt", "agent", ["halt"])
    desom_agent = desk.central.add_user("agent-desom", "agent", ["desom"])
    url = f"{server.url}/api/v1/mail-templates"

    def get(path: str, token: str) -> requests.Response:
        return requests.get(f"{url}/{path}", headers={"Authorization": f"Bearer {token}"})

    found = get("halt/caller_resolved/nl", halt_agent)
    assert found.status_code == 200
    assert found.json() == {
        "org": "halt",
        "kind": "caller_resolved",
        "lang": "nl",
        "version": 1,
        "source": ORG_RESOLVED,
    }
    assert get("halt/caller_resolved/en", halt_agent).status_code == 404  # built-in
    assert get("halt/caller_resolved/nl", desom_agent).status_code == 403
    assert get("halt/caller_resolved/nl%00", halt_agent).status_code == 404
    assert requests.get(f"{url}/halt/caller_resolved/nl").status_code == 401
