"""An organisation's own mail wording (`central template publish FILE --org ORG --kind KIND
--lang nl|en`): checked completely before it is kept, then used by the renderer through
its seam (mail_templates.published_template) from the next mail on, without a release.

A template is refused, with the line, when it does not compile, lacks one of the blocks
subject/text/html, uses a variable the mail of its kind does not have (the variables of
the built-in templates of that kind), or fails a test render with sample values of every
variable (StrictUndefined: an unknown attribute or a filter misused shows here, not when a
caller's mail should go out). Each publication is a new version with an audit entry;
`withdraw` goes back to the built-in wording.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Connection, delete, select

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.mail_rules import MAIL_KINDS
from halt_desk.central.mail_templates import (
    BLOCKS,
    LANGUAGES,
    MailTemplateError,
    built_in_source,
    check_template,
)
from halt_desk.central.schema import mail_templates, reference_records
from halt_desk.domain.errors import HaltDeskError

if TYPE_CHECKING:
    from halt_desk.central.service import Central

#: The largest template kept (a mail's wording, with room for a long HTML part).
MAX_TEMPLATE_BYTES = 64 * 1024
#: Variables every ticket mail is rendered with (mail_rules._ticket_context), whether its
#: built-in templates use them or not.
ALWAYS_KNOWN = frozenset(
    {
        "desk_name",
        "org_name",
        "number",
        "summary",
        "priority",
        "caller_name",
        "reported_at",
        "reaction_due",
        "resolution_due",
    }
)


class TemplateRefused(HaltDeskError):
    """A template that is not kept: the message says why, with the line."""


@dataclass(frozen=True, slots=True)
class PublishedTemplate:
    org: str
    kind: str
    lang: str
    version: int
    published_at: str
    published_by: str
    source: str


def known_variables(kind: str) -> frozenset[str]:
    """The variables a mail of `kind` is rendered with: those its built-in templates use."""
    return _known_variables(kind)


@cache
def _known_variables(kind: str) -> frozenset[str]:
    env = SandboxedEnvironment()
    found: set[str] = set(ALWAYS_KNOWN)
    for lang in LANGUAGES:
        found |= meta.find_undeclared_variables(env.parse(built_in_source(kind, lang)))
    return frozenset(found)


def sample_context(kind: str) -> dict[str, str]:
    """A value for every variable of `kind` (what a test render and the desk's preview of
    a mail without a ticket fill in)."""
    return {name: f"<{name}>" for name in sorted(known_variables(kind))}


def check_publishable(source: str, kind: str) -> None:
    """Raises TemplateRefused naming the line unless `source` can be a template of `kind`."""
    if kind not in MAIL_KINDS:
        raise TemplateRefused(f"--kind: {kind!r} is not a mail kind ({', '.join(MAIL_KINDS)})")
    if len(source.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(f"the template is larger than {MAX_TEMPLATE_BYTES // 1024} KB")
    try:
        check_template(source)
    except MailTemplateError as exc:
        raise TemplateRefused(str(exc)) from None
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    tree = env.parse(source)
    unknown = meta.find_undeclared_variables(tree) - known_variables(kind)
    if unknown:
        name, line = min(
            (node.name, node.lineno)
            for node in tree.find_all(nodes.Name)
            if node.ctx == "load" and node.name in unknown
        )
        known = ", ".join(sorted(known_variables(kind)))
        raise TemplateRefused(
            f"line {line}: unknown variable {name!r} (a {kind} mail has: {known})"
        )
    _test_render(env, source, sample_context(kind))


def _test_render(env: SandboxedEnvironment, source: str, context: Mapping[str, Any]) -> None:
    template = env.from_string(source)
    for block in BLOCKS:
        try:
            "".join(template.blocks[block](template.new_context(dict(context))))
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            line = _template_line(template, exc)
            where = f"line {line}: " if line else ""
            raise TemplateRefused(f"{where}{type(exc).__name__}: {exc}") from None


def _template_line(template: Template, exc: BaseException) -> int | None:
    """The template line a render error happened on: the compiled code's frames are in
    the traceback under the file name `<template>`, their lines map back to the source's."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


def publish_template(
    central: Central, source: str, org: str, kind: str, lang: str, actor: str = "cli"
) -> int:
    """Checks and keeps `source` as `org`'s template of `kind` in `lang`; its version."""
    if lang not in LANGUAGES:
        raise TemplateRefused(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    check_publishable(source, kind)
    with central.db.write() as conn:
        if not _org_known(conn, org):
            raise TemplateRefused(f"no organisation {org!r} is registered (see `central org list`)")
        key = (mail_templates.c.org == org, mail_templates.c.kind == kind)
        where = (*key, mail_templates.c.lang == lang)
        before = conn.execute(select(mail_templates.c.version).where(*where)).scalar()
        version = int(before or 0) + 1
        row = {
            "version": version,
            "source": source,
            "published_at": datetime.now(UTC).isoformat(),
            "published_by": actor,
        }
        if before is None:
            conn.execute(mail_templates.insert(), {"org": org, "kind": kind, "lang": lang, **row})
        else:
            conn.execute(mail_templates.update().where(*where).values(**row))
        detail = {
            "kind": kind,
            "lang": lang,
            "version": version,
            "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
        }
        append_entry(
            conn, actor, "template.published", f"template:{org}/{kind}/{lang}", "local", detail, org
        )
    return version


def withdraw_template(central: Central, org: str, kind: str, lang: str, actor: str = "cli") -> bool:
    """Removes `org`'s template of `kind` in `lang` (the built-in is used again); whether
    there was one."""
    with central.db.write() as conn:
        where = (
            mail_templates.c.org == org,
            mail_templates.c.kind == kind,
            mail_templates.c.lang == lang,
        )
        removed = conn.execute(delete(mail_templates).where(*where)).rowcount
        if removed:
            detail = {"kind": kind, "lang": lang}
            target = f"template:{org}/{kind}/{lang}"
            append_entry(conn, actor, "template.withdrawn", target, "local", detail, org)
    return bool(removed)


def published_template_row(
    central: Central, org: str, kind: str, lang: str
) -> dict[str, Any] | None:
    """{org, kind, lang, version, source} of what `org` published, or None."""
    query = select(
        mail_templates.c.org,
        mail_templates.c.kind,
        mail_templates.c.lang,
        mail_templates.c.version,
        mail_templates.c.source,
    ).where(
        mail_templates.c.org == org, mail_templates.c.kind == kind, mail_templates.c.lang == lang
    )
    row = central.db.read(lambda conn: conn.execute(query).mappings().first())
    return dict(row) if row is not None else None


def list_templates(central: Central, org: str | None = None) -> list[PublishedTemplate]:
    """The published templates (of `org`), by organisation, kind and language."""
    query = select(mail_templates).order_by(
        mail_templates.c.org, mail_templates.c.kind, mail_templates.c.lang
    )
    if org is not None:
        query = query.where(mail_templates.c.org == org)
    rows = central.db.read(lambda conn: conn.execute(query).mappings().all())
    return [PublishedTemplate(**dict(row)) for row in rows]


def _org_known(conn: Connection, org: str) -> bool:
    query = select(reference_records.c.stream).where(reference_records.c.stream == f"org:{org}")
    return conn.execute(query).first() is not None
