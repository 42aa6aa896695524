"""A template an organisation publishes is checked completely before it is kept: syntax,
the three blocks, only the variables its mail kind has, and a test render with sample
values; each refusal names the line."""

from __future__ import annotations

import pytest

from halt_desk.central.mail_org import (
    MAX_TEMPLATE_BYTES,
    TemplateRefused,
    check_publishable,
    known_variables,
    sample_context,
)
from halt_desk.central.mail_templates import built_in_source, render_source

GOOD = """{% block subject %}Melding {{ number }} is klaar{% endblock %}
{% block text %}Hallo {{ caller_name }},
{{ resolution }}
{% if survey_url %}Uw mening: {{ survey_url }}{% endif %}
Groet, {{ desk_name }}{% endblock %}
{% block html %}<p>Hallo {{ caller_name }},</p><p>{{ resolution }}</p>{% endblock %}
"""


def test_a_good_template_passes_and_renders() -> None:
    check_publishable(GOOD, "caller_resolved")
    mail = render_source(GOOD, {**sample_context("caller_resolved"), "number": "HALT-1"})
    assert mail.subject == "Melding HALT-1 is klaar"


@pytest.mark.parametrize("kind", ["caller_resolved", "regie_p1", "engineer_onsite"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_built_in_template_would_be_accepted(kind: str, lang: str) -> None:
    check_publishable(built_in_source(kind, lang), kind)


def test_the_resolved_mail_knows_the_survey_link() -> None:
    assert {"survey_url", "resolution", "caller_name", "number"} <= known_variables(
        "caller_resolved"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (GOOD.replace("{{ resolution }}\n", "{{ resolution }\n"), r"^line 3: unexpected '}'"),
        (GOOD.replace("{% endif %}", ""), r"^line 5: Encountered unknown tag 'endblock'"),
        (GOOD.replace("{% block html %}", "{% block body %}"), "no block html"),
        (GOOD.replace("{{ desk_name }}", "{{ bureau }}"), r"^line 5: unknown variable 'bureau'"),
        (
            GOOD.replace("{{ caller_name }},\n", "{{ caller_name.voornaam }},\n", 1),
            r"^line 2: UndefinedError: .*voornaam",
        ),
        (GOOD.replace("{{ resolution }}\n", "{{ resolution / 2 }}\n"), r"^line 3: TypeError"),
        (
            GOOD.replace("{{ desk_name }}", "{{ desk_name.__class__.__mro__ }}"),
            r"^line 5: SecurityError",
        ),
    ],
    ids=["syntax", "unclosed", "block", "variable", "attribute", "type", "sandbox"],
)
def test_a_broken_template_is_refused_naming_the_line(source: str, message: str) -> None:
    with pytest.raises(TemplateRefused, match=message):
        check_publishable(source, "caller_resolved")


def test_an_unknown_kind_and_a_huge_template_are_refused() -> None:
    with pytest.raises(TemplateRefused, match="'caller_bye' is not a mail kind"):
        check_publishable(GOOD, "caller_bye")
    huge = GOOD.replace("Groet", "x" * MAX_TEMPLATE_BYTES)
    with pytest.raises(TemplateRefused, match="larger than 64 KB"):
        check_publishable(huge, "caller_resolved")


def test_a_variable_of_another_kind_is_unknown_here() -> None:
    onsite_only = GOOD.replace("{{ desk_name }}", "{{ deadline }}")
    assert "deadline" in known_variables("engineer_onsite")
    with pytest.raises(TemplateRefused, match="unknown variable 'deadline'"):
        check_publishable(onsite_only, "caller_resolved")
