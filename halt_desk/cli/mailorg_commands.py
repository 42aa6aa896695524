"""`halt-desk central template …` (an organisation's own mail wording) and `central survey
configure` (the public address of the satisfaction survey's links)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from halt_desk.cli.common import CliError
from halt_desk.domain.errors import HaltDeskError


def cmd_template_publish(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_org import check_publishable, publish_template

    path = Path(args.file)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    try:
        check_publishable(source, args.kind)  # refused before the database is opened
        with args.open_central(args.db) as central:
            version = publish_template(
                central, source, args.org, args.kind, args.lang, f"publish:{path.name}"
            )
    except HaltDeskError as exc:
        raise CliError(f"{path.name}: template not published: {exc}") from None
    print(
        f"template {args.kind} ({args.lang}) of {args.org} published as version {version}; "
        "mails from now on use it"
    )
    return 0


def cmd_template_list(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_org import list_templates

    with args.open_central(args.db) as central:
        found = list_templates(central, args.org)
    if not found:
        print("no templates published: every mail uses the built-in wording")
        return 0
    rows = [("ORG", "KIND", "LANG", "VERSION", "PUBLISHED", "BY")]
    rows += [
        (t.org, t.kind, t.lang, str(t.version), t.published_at[:19], t.published_by) for t in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[5]]))
    return 0


def cmd_template_withdraw(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_org import withdraw_template

    with args.open_central(args.db) as central:
        removed = withdraw_template(central, args.org, args.kind, args.lang)
    if not removed:
        raise CliError(f"{args.org} has no template {args.kind} ({args.lang}) published")
    print(f"template {args.kind} ({args.lang}) of {args.org} withdrawn: the built-in is used")
    return 0


def cmd_template_kinds(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_org import known_variables
    from halt_desk.central.mail_rules import MAIL_KINDS

    for kind in MAIL_KINDS.values():
        print(f"{kind.name}  (to the {kind.audience}: {kind.description})")
        print(f"    variables: {', '.join(sorted(known_variables(kind.name)))}")
    return 0


def cmd_survey_configure(args: argparse.Namespace) -> int:
    from halt_desk.central.csat import configure_survey

    url = args.url.strip()
    if not url.startswith(("https://", "http://")) or " " in url:
        raise CliError(f"--url: {url!r} is not a web address (e.g. https://desk.example.nl)")
    with args.open_central(args.db) as central, central.db.write() as conn:
        configure_survey(conn, url)
    print(f"survey links in resolved mails: {url.rstrip('/')}/csat/…")
    return 0


def add_mailorg_commands(central_commands: Any, db_help: str, open_central: Any) -> None:
    """`central template …` and `central survey …`; `open_central(url)`: the central's
    database (central_commands)."""
    template = central_commands.add_parser(
        "template", help="an organisation's own mail wording (Jinja2 templates)"
    )
    template.set_defaults(open_central=open_central)
    commands = template.add_subparsers(dest="template_command", required=True)
    publish = commands.add_parser(
        "publish",
        help="check a template and use it for the organisation's mails from now on",
        description="The file has three blocks, subject, text and html, like the built-in "
        "templates in resources/mail/<lang>/<kind>.j2. It is refused, naming the line, "
        "when it does not compile, lacks a block, uses a variable the mail does not have "
        "(see `central template kinds`) or fails a test render.",
    )
    publish.add_argument("file", metavar="FILE")
    publish.add_argument("--org", required=True, help="the organisation, e.g. halt")
    publish.add_argument("--kind", required=True, help="the mail kind, e.g. caller_resolved")
    publish.add_argument("--lang", required=True, choices=("nl", "en"))
    publish.set_defaults(handler=cmd_template_publish)
    listing = commands.add_parser("list", help="the published templates")
    listing.add_argument("--org", help="only this organisation's")
    listing.set_defaults(handler=cmd_template_list)
    withdraw = commands.add_parser("withdraw", help="go back to the built-in wording")
    withdraw.add_argument("--org", required=True)
    withdraw.add_argument("--kind", required=True)
    withdraw.add_argument("--lang", required=True, choices=("nl", "en"))
    withdraw.set_defaults(handler=cmd_template_withdraw)
    kinds = commands.add_parser("kinds", help="the mail kinds and the variables of each")
    kinds.set_defaults(handler=cmd_template_kinds)
    for command in (publish, listing, withdraw):
        command.add_argument("--db", help=db_help)
    survey = central_commands.add_parser("survey", help="the satisfaction survey")
    survey.set_defaults(open_central=open_central)
    survey_commands = survey.add_subparsers(dest="survey_command", required=True)
    configure = survey_commands.add_parser(
        "configure",
        help="the address callers reach central's survey page at",
        description="Resolved mails carry a personal link to URL/csat/<token> from now on; "
        "without it they carry none.",
    )
    configure.add_argument("--url", required=True, help="e.g. https://desk.example.nl:8765")
    configure.add_argument("--db", help=db_help)
    configure.set_defaults(handler=cmd_survey_configure)
