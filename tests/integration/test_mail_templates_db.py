"""Publishing, listing and withdrawing an organisation's mail wording on SQLite and on a
real PostgreSQL: versions count up, the renderer's seam returns the newest source for that
organisation, kind and language only, the audit log holds each publication, and the
per-organisation switch reads the organisation's record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from halt_desk.central.mail_org import (
    TemplateRefused,
    list_templates,
    publish_template,
    withdraw_template,
)
from halt_desk.central.mail_rules import kind_enabled
from halt_desk.central.mail_templates import published_template, render_mail
from halt_desk.central.organisations import register_organisation, update_organisation
from halt_desk.central.schema import audit_log
from halt_desk.central.service import Central

SOURCE = """{% block subject %}{{ number }} v{{ 1 + 1 }}{% endblock %}
{% block text %}Hoi {{ caller_name }}{% endblock %}
{% block html %}<p>Hoi {{ caller_name }}</p>{% endblock %}
"""


@pytest.fixture
def central(db_url: str) -> Iterator[Central]:
    with Central.open(db_url) as opened:
        register_organisation(opened, "halt", "Stichting Halt", "halt")
        register_organisation(opened, "desom", "SSC DeSom", "halt")
        yield opened


def test_versions_the_seam_and_the_audit_log(central: Central) -> None:
    assert publish_template(central, SOURCE, "halt", "caller_registered", "nl", "t") == 1
    second = SOURCE.replace("Hoi", "Dag")
    assert publish_template(central, second, "halt", "caller_registered", "nl", "t") == 2
    with central.db.reader.connect() as conn:
        assert published_template(conn, "halt", "caller_registered", "nl") == second
        assert published_template(conn, "halt", "caller_registered", "en") is None
        assert published_template(conn, "desom", "caller_registered", "nl") is None
        assert published_template(conn, None, "caller_registered", "nl") is None
        context = {"number": "HALT-2026-000001", "caller_name": "Anna <de Vries>"}
        mail = render_mail(conn, "halt", "caller_registered", "nl", context)
        assert mail.subject == "HALT-2026-000001 v2"
        assert mail.text == "Dag Anna <de Vries>\n"
        assert "<p>Dag Anna &lt;de Vries&gt;</p>" in mail.html
        built_in = render_mail(conn, "desom", "caller_registered", "nl", context)
        assert built_in.subject.startswith("Uw melding HALT-2026-000001")
    listed = list_templates(central)
    assert [(t.org, t.kind, t.lang, t.version) for t in listed] == [
        ("halt", "caller_registered", "nl", 2)
    ]
    with central.db.reader.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action, audit_log.c.org).where(audit_log.c.action.like("template.%"))
        ).all()
    assert [tuple(a) for a in actions] == [("template.published", "halt")] * 2
    assert withdraw_template(central, "halt", "caller_registered", "nl") is True
    assert withdraw_template(central, "halt", "caller_registered", "nl") is False
    assert list_templates(central) == []


def test_refusals_keep_nothing(central: Central) -> None:
    with pytest.raises(TemplateRefused, match="line 2: unknown variable 'voornaam'"):
        publish_template(central, SOURCE.replace("caller_name", "voornaam", 1), "halt",
                         "caller_registered", "nl")  # fmt: skip
    with pytest.raises(TemplateRefused, match="no organisation 'nergens'"):
        publish_template(central, SOURCE, "nergens", "caller_registered", "nl")
    with pytest.raises(TemplateRefused, match="--lang: 'de'"):
        publish_template(central, SOURCE, "halt", "caller_registered", "de")
    assert list_templates(central) == []


def test_the_switch_reads_the_organisations_record(central: Central) -> None:
    update_organisation(central, "halt", mail_off=["regie_breach", "regie_p1"])
    update_organisation(central, "halt", mail_on=["regie_p1"])
    with central.db.reader.connect() as conn:
        assert kind_enabled(conn, "halt", "regie_breach") is False
        assert kind_enabled(conn, "halt", "regie_p1") is True
        assert kind_enabled(conn, "desom", "regie_breach") is True
        assert kind_enabled(conn, None, "regie_breach") is True
