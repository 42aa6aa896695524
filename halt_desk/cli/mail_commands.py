"""`halt-desk central mail …`: the SMTP server central sends through (`configure`, the
password on standard input), the queue (`status`) and sending a ticket's mail again
(`resend`)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from halt_desk.cli.common import CliError
from halt_desk.domain.errors import HaltDeskError


def cmd_mail_configure(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_admin import configure_mail
    from halt_desk.central.mail_smtp import DEFAULT_RETRY_SECONDS, SmtpSettings

    password = _password() if args.user else None
    settings = SmtpSettings(
        host=args.host,
        port=args.port,
        tls=args.tls,
        sender=args.sender,
        user=args.user,
        sender_name=args.sender_name or "",
        ca_file=args.ca_file,
        retry_seconds=args.retry_seconds or DEFAULT_RETRY_SECONDS,
    )
    try:
        with args.open_central(args.db) as central:
            configure_mail(central, settings, password)
    except HaltDeskError as exc:
        raise CliError(str(exc)) from None
    secret = " (password stored encrypted)" if password else ""
    print(f"mail goes out through {args.host}:{args.port} ({args.tls}) as {args.sender}{secret}")
    return 0


def _password() -> str:
    """The SMTP password from standard input (a prompt without echo on a terminal)."""
    if sys.stdin.isatty():
        value = getpass.getpass("SMTP password: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise CliError("--user needs the password on standard input")
    return value


def cmd_mail_status(args: argparse.Namespace) -> int:
    from halt_desk.central.mail_admin import mail_status

    with args.open_central(args.db) as central:
        status = mail_status(central)
    if args.json:
        print(json.dumps(status.to_json(), indent=2, ensure_ascii=False))
        return 0
    if status.settings is None:
        print("mail is not configured (halt-desk central mail configure): nothing is sent")
    else:
        s = status.settings
        print(f"SMTP {s['host']}:{s['port']} ({s['tls']}) from {s['from']}")
    counts = ", ".join(f"{state} {n}" for state, n in status.counts.items())
    print(f"mails: {counts}; waiting for a retry {status.waiting_retry}")
    for failure in status.failures:
        ticket = str(failure["stream"]).partition(":")[2]
        print(f"failed: {ticket} {failure['kind']} to {failure['to']}: {failure['reason']}")
    return 0


def cmd_mail_resend(args: argparse.Namespace) -> int:
    from halt_desk.central.auth import Role, User
    from halt_desk.central.mail_admin import resend_mail
    from halt_desk.central.organisations import CLI_ACTOR

    administrator = User(0, CLI_ACTOR, Role.ADMIN)
    try:
        with args.open_central(args.db) as central:
            copy = resend_mail(central, administrator, args.ticket, args.message_id, "local")
    except HaltDeskError as exc:
        raise CliError(str(exc)) from None
    print(f"queued again as {copy}")
    return 0


def add_mail_commands(central_commands: Any, db_help: str, open_central: Any) -> None:
    """`central mail …`; `open_central(url)`: the central's database (central_commands)."""
    mail = central_commands.add_parser("mail", help="mail central sends (SMTP, queue)")
    mail.set_defaults(open_central=open_central)
    mail_commands = mail.add_subparsers(dest="mail_command", required=True)
    configure = mail_commands.add_parser(
        "configure",
        help="the SMTP server mail goes out through",
        description="Stores the settings for every central process on this database. With "
        "--user the password is read from standard input and stored encrypted (never in a "
        "file or log). TLS is verified against the system's CAs (or --ca-file).",
    )
    configure.add_argument("--host", required=True)
    configure.add_argument("--port", required=True, type=int)
    configure.add_argument("--tls", required=True, choices=("starttls", "implicit", "none"))
    configure.add_argument("--from", dest="sender", required=True, metavar="ADDRESS")
    configure.add_argument("--user", help="SMTP user name (password on standard input)")
    configure.add_argument("--sender-name", help="the name shown with the address")
    configure.add_argument("--ca-file", help="CA certificates that sign the server's certificate")
    configure.add_argument(
        "--retry-seconds",
        type=float,
        help="first wait after a temporary failure; doubles up to 30 minutes (default 30)",
    )
    configure.add_argument("--db", help=db_help)
    configure.set_defaults(handler=cmd_mail_configure)
    status = mail_commands.add_parser("status", help="the mail queue and its last failures")
    status.add_argument("--json", action="store_true", help="as JSON")
    status.add_argument("--db", help=db_help)
    status.set_defaults(handler=cmd_mail_status)
    resend = mail_commands.add_parser("resend", help="send a mail of a ticket again")
    resend.add_argument("ticket", metavar="TICKET")
    resend.add_argument("message_id", metavar="MESSAGE_ID")
    resend.add_argument("--db", help=db_help)
    resend.set_defaults(handler=cmd_mail_resend)
