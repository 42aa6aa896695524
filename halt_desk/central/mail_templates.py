"""Mail texts: Jinja2 templates, one per mail kind and language, each with three blocks —
`subject`, `text` (the plain part) and `html` (the HTML part, autoescaped: whatever an
agent or caller typed is shown, never interpreted).

The built-in templates are resources/mail/<lang>/<kind>.j2 (Dutch and English). An
organisation's own wording comes in through ONE seam, `published_template`: it gives the
source an organisation published for a kind and language, or None, and then the
built-in is used. Both go through the same sandboxed environments.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Connection, select

from halt_desk.central.schema import mail_templates
from halt_desk.paths import resources_dir

log = logging.getLogger(__name__)

#: The blocks every template has.
BLOCKS = ("subject", "text", "html")
LANGUAGES = ("nl", "en")
DEFAULT_LANG = "nl"
#: The kinds with a built-in template (mail_rules.py says when each is sent).
BUILT_IN_KINDS = (
    "caller_registered",
    "caller_first_response",
    "caller_status_update",
    "caller_resolved",
    "regie_p1",
    "regie_uplift",
    "regie_breach",
    "engineer_onsite",
)


class MailTemplateError(Exception):
    """A template that cannot be used: its message names the line."""


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def published_template(conn: Connection, org: str | None, kind: str, lang: str) -> str | None:
    """THE seam for an organisation's own wording: the template source `org` published for
    `kind` in `lang` (`central template publish`, mail_org.py), or None to use the
    built-in one."""
    if org is None:
        return None
    query = select(mail_templates.c.source).where(
        mail_templates.c.org == org, mail_templates.c.kind == kind, mail_templates.c.lang == lang
    )
    value = conn.execute(query).scalar()
    return str(value) if value is not None else None


@lru_cache(maxsize=64)
def built_in_source(kind: str, lang: str) -> str:
    """The built-in template of `kind` in `lang` (Dutch when there is none in `lang`);
    read once per process (the files are part of the installation)."""
    for candidate in (lang, DEFAULT_LANG):
        path = resources_dir() / "mail" / candidate / f"{kind}.j2"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise MailTemplateError(f"no mail template for kind {kind!r}")


def render_mail(
    conn: Connection, org: str | None, kind: str, lang: str, context: Mapping[str, Any]
) -> RenderedMail:
    """The mail of `kind` for `org` in `lang` with `context` filled in."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    return render_with(published_template(conn, org, kind, lang), org, kind, lang, context)


def render_with(
    published: str | None, org: str | None, kind: str, lang: str, context: Mapping[str, Any]
) -> RenderedMail:
    """As render_mail, with the organisation's published source (`published_template`)
    already read: the mail job reads it once for a run of mails of the same kind."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    if published is not None:
        try:
            return render_source(published, context)
        except MailTemplateError as exc:  # checked at publishing; this mail's data differs
            log.warning("template of %s for %s/%s failed, built-in used: %s", org, kind, lang, exc)
    return render_source(built_in_source(kind, lang), context)


def render_source(source: str, context: Mapping[str, Any]) -> RenderedMail:
    """Renders a template's three blocks (compiled once per distinct source)."""
    plain, marked = _compiled(hashlib.sha256(source.encode()).hexdigest(), source)
    try:
        subject = _block(plain, "subject", context)
        text = _block(plain, "text", context)
        body = _block(marked, "html", context)
    except TemplateError as exc:
        raise MailTemplateError(f"template error: {exc}") from exc
    return RenderedMail(_one_line(subject), text.strip() + "\n", _document(subject, body))


def check_template(source: str) -> None:
    """Raises MailTemplateError (naming the line) unless `source` compiles in both
    environments and has the three blocks. For publishing an organisation's template."""
    try:
        plain = _ENVIRONMENTS[False].from_string(source)
        _ENVIRONMENTS[True].from_string(source)
    except TemplateSyntaxError as exc:
        raise MailTemplateError(f"line {exc.lineno}: {exc.message}") from exc
    missing = [name for name in BLOCKS if name not in plain.blocks]
    if missing:
        raise MailTemplateError(f"the template has no block {', '.join(missing)}")


def _block(template: Template, name: str, context: Mapping[str, Any]) -> str:
    render = template.blocks.get(name)
    if render is None:
        raise MailTemplateError(f"the template has no block {name}")
    return "".join(render(template.new_context(dict(context))))


#: Subjects and plain parts are not escaped; the HTML part is.
_ENVIRONMENTS = {
    False: SandboxedEnvironment(autoescape=False, keep_trailing_newline=True),
    True: SandboxedEnvironment(autoescape=True, keep_trailing_newline=True),
}
_COMPILE_LOCK = threading.Lock()


@lru_cache(maxsize=256)
def _compiled(digest: str, source: str) -> tuple[Template, Template]:
    with _COMPILE_LOCK:
        try:
            return (
                _ENVIRONMENTS[False].from_string(source),
                _ENVIRONMENTS[True].from_string(source),
            )
        except TemplateSyntaxError as exc:
            raise MailTemplateError(f"line {exc.lineno}: {exc.message}") from exc


_SPACE = re.compile(r"\s+")


def _one_line(subject: str) -> str:
    """A subject on one line (no header can be added through it)."""
    return _SPACE.sub(" ", subject).strip()


def _document(subject: str, body: str) -> str:
    title = html.escape(_one_line(subject))
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n"
        '<body style="font-family: Arial, sans-serif; font-size: 14px">\n'
        f"{body.strip()}\n</body></html>\n"
    )
