"""`halt-desk sync …`: signing this computer in, sync rounds and the app's sync process."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from halt_desk.background.housekeeping import HousekeepingReport
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock, SyncProgress, SyncSettings, SyncSummary, TokenStore

from halt_desk.cli.common import EXIT_BAD_INPUT, CliError, positive_int
from halt_desk.i18n import LANGUAGES

log = logging.getLogger("halt_desk")


def _ask_passphrase() -> str | None:
    """The passphrase of the encrypted token file: environment, else asked on a terminal."""
    from halt_desk.sync.credentials import passphrase_from_env

    given = passphrase_from_env()
    if given or not sys.stdin.isatty():
        return given
    import getpass

    return getpass.getpass("Passphrase for the HALT Desk token file: ") or None


def _token_store() -> TokenStore:
    from halt_desk.sync import open_token_store

    return open_token_store(
        passphrase=_ask_passphrase,
        notify=lambda message: print(f"halt-desk: note: {message}", file=sys.stderr),
    )


def _client_store(path: str | None) -> tuple[Store, ServerClock]:
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock

    clock = ServerClock()
    store = Store.open(Path(path) if path else None, recording_clock=clock, clock=clock.now)
    clock.attach(store)
    return store, clock


def _print_summary(summary: SyncSummary, store: Store, server: str) -> None:
    from halt_desk.sync import describe_offset, restore_text

    print(f"state: {summary.state}")
    print(f"server: {server}")
    print(
        f"pushed {summary.pushed}, duplicates {summary.duplicates}, rejected {summary.rejected}, "
        f"pulled {summary.pulled}, new conflicts {summary.conflicts}"
    )
    print(f"outbox: {summary.outbox} waiting")
    if summary.clock_offset is None:
        print("clock: not measured yet")
    else:
        measured = summary.clock_measured_at.isoformat() if summary.clock_measured_at else "?"
        offset_ms = round(summary.clock_offset.total_seconds() * 1000)
        print(
            f"clock: this computer is {describe_offset(summary.clock_offset)} "
            f"(offset {offset_ms:+d} ms, measured {measured})"
        )
    rejected = store.rejected_events()
    if rejected:
        print(f"rejected by central ({len(rejected)}):")
        for item in rejected:
            event = item.event
            print(f"  {event.id} {event.type} on {event.stream}: {item.reason}")
    conflicts = store.conflicts(open_only=True)
    if conflicts:
        print(f"open conflicts ({len(conflicts)}):")
        for conflict in conflicts:
            ours, theirs = conflict.local_event, conflict.remote_event
            print(
                f"  {conflict.id} ticket {conflict.ticket} {conflict.field}: "
                f"ours {ours.type} {ours.id} by {ours.actor}, "
                f"theirs {theirs.type} {theirs.id} by {theirs.actor}"
            )
    if summary.central_restored is not None:  # said once, in the user's language
        print(restore_text(summary.central_restored))
    if summary.error:
        print(f"error: {summary.error}")
    for warning in summary.warnings:
        print(f"warning: {warning}")


def _print_housekeeping(report: HousekeepingReport | None, as_json: bool) -> None:
    """A line when housekeeping changed the cache (none in --json: one line per round)."""
    if report is not None and report.purged and not as_json:
        print(f"housekeeping: removed home addresses from {report.purged} event(s)", flush=True)


class TerminalProgress:
    """How far a round is, on one line of a terminal rewritten in place ("142.000 van
    ±1.000.000 gebeurtenissen · nog ±40 s"), at most `per_second` times a second and at
    the end of each phase; the line is cleared before the round's summary is printed."""

    def __init__(self, stream: TextIO, per_second: float = 4.0) -> None:
        from halt_desk.sync import TimeLeft

        self._stream = stream
        self._interval = 1.0 / per_second
        self._shown_at = -1e9
        self._width = 0
        self._time_left = TimeLeft()

    def __call__(self, progress: SyncProgress) -> None:
        from halt_desk.sync import progress_text

        now = time.monotonic()
        left = self._time_left.observe(progress, now)
        finished = progress.fraction == 1.0 and progress.done > 0
        if not progress.total or (now - self._shown_at < self._interval and not finished):
            return  # nothing to do in this phase, or shown a moment ago
        self._shown_at = now
        self._write(progress_text(progress, left))

    def _write(self, text: str) -> None:
        padding = " " * max(0, self._width - len(text))
        self._width = len(text)
        try:
            self._stream.write("\r" + text + padding)
            self._stream.flush()
        except (BrokenPipeError, ValueError):  # pragma: no cover - the terminal went away
            pass

    def clear(self) -> None:
        """Removes the line (nothing if none was written)."""
        if self._width:
            self._write("")
            self._stream.write("\r")
            self._stream.flush()
            self._width = 0


def _exit_code(state: str) -> int:
    """0 reached central, 1 offline (try later), 2 signed out or an error."""
    if state in ("online", "clock_warning"):
        return 0
    return 1 if state == "offline" else EXIT_BAD_INPUT


def _at_terminal(args: argparse.Namespace) -> bool:
    if args.json or not sys.stdout.isatty():
        return False
    if args.lang:
        from halt_desk.i18n import set_language

        set_language(args.lang)
    return True


def cmd_sync(args: argparse.Namespace) -> int:
    import threading

    if args.worker:
        from halt_desk.background.sync_process import run_worker
        from halt_desk.store import default_path

        return run_worker(Path(args.store) if args.store else default_path())
    from halt_desk.background.housekeeping import Housekeeper
    from halt_desk.sync import connect, effective_settings

    settings = effective_settings()
    tokens = _token_store()
    store, clock = _client_store(args.store)
    try:
        server = settings.server or "?"

        def show(summary: SyncSummary) -> None:
            if args.json:
                print(json.dumps(summary.to_json()), flush=True)
            else:
                _print_summary(summary, store, server)
                print(flush=True)

        # Housekeeping (home addresses past their retention) at start and on its schedule.
        housekeeper = Housekeeper(store, clock.now)
        _print_housekeeping(housekeeper.start(), args.json)

        def round_done(summary: SyncSummary) -> None:
            show(summary)
            _print_housekeeping(housekeeper.after_round(summary), args.json)

        if args.once:
            # Progress only for a person at a terminal: redirected output and --json stay
            # as they were (one summary, nothing rewritten in place).
            terminal = TerminalProgress(sys.stdout) if _at_terminal(args) else None
            options = {"on_progress": terminal} if terminal is not None else {}
            engine = connect(store, clock, settings, tokens, **options)
            summary = engine.sync_once()
            if terminal is not None:
                terminal.clear()
            round_done(summary)
            return _exit_code(str(summary.state))
        engine = connect(store, clock, settings, tokens, on_summary=round_done)
        engine.run_forever(threading.Event(), interval=args.interval)
        return 0
    finally:
        store.close()


def _read_token() -> str:
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("Token (from your HALT Desk administrator): ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CliError("no token given (type it, or pipe it on standard input)")
    return token


def cmd_sync_login(args: argparse.Namespace) -> int:
    from halt_desk.sync import (
        AuthenticationFailed,
        ServerUnreachable,
        load_settings,
        machine_settings,
    )
    from halt_desk.sync.signin import sign_in

    # Without --server the machine's configured server is used and not copied into the
    # user's settings, so a later change by IT reaches this user too.
    own = load_settings()
    if args.server:
        own = own.with_server(args.server, args.user)
    elif args.user:
        own = replace(own, user=args.user)
    if args.ca_bundle:
        own = replace(own, ca_bundle=Path(args.ca_bundle).resolve())
    if args.client_cert:
        own = replace(own, client_cert=Path(args.client_cert).resolve())
    if args.client_key:
        own = replace(own, client_key=Path(args.client_key).resolve())
    settings = own.over(machine_settings())
    if settings.server is None:
        raise CliError("give --server (no server is set in the machine configuration either)")
    if args.sso:
        return _sso_login(args, settings, own)
    token = _read_token()
    tokens = _token_store()
    try:
        path, checked = sign_in(settings, token, tokens, keep_if_unreachable=args.offline, save=own)
    except AuthenticationFailed as exc:
        raise CliError(f"sign-in refused by {settings.server}: {exc.detail}") from None
    except ServerUnreachable as exc:
        raise CliError(f"{exc} (use --offline to keep the token anyway)") from None
    if not checked:
        print(f"halt-desk: note: {settings.server} not reachable; token kept without checking",
              file=sys.stderr)  # fmt: skip
    print(f"signed in to {settings.server}; token kept in {tokens.description}")
    print(f"settings: {path}")
    return 0


def _sso_login(args: argparse.Namespace, settings: SyncSettings, own: SyncSettings) -> int:
    """`sync login --sso`: Entra ID through MSAL, the system browser (authorization code
    with PKCE) or, with --device-code or without a browser session, a device code."""
    from halt_desk.sync import AuthenticationFailed, SyncError
    from halt_desk.sync.signin import sso_sign_in
    from halt_desk.sync.sso import browser_available, open_sso_session

    try:
        session = open_sso_session(
            passphrase=_ask_passphrase,
            notify=lambda message: print(f"halt-desk: note: {message}", file=sys.stderr),
        )
        if args.device_code or not browser_available():
            flow = session.start_device_flow()
            print(flow.get("message") or f"code {flow['user_code']}", flush=True)
            session.finish_device_flow(flow)
        else:
            print("signing in in your browser…", flush=True)
            session.sign_in_with_browser()
        path, name = sso_sign_in(settings, session, save=own)
    except AuthenticationFailed as exc:
        raise CliError(f"sign-in refused by {settings.server}: {exc.detail}") from None
    except SyncError as exc:  # unreachable, not signed in, settings, the cache
        raise CliError(str(exc)) from None
    print(f"signed in to {settings.server} as {name} with Entra ID")
    print(f"settings: {path}")
    return 0


def cmd_sync_logout(args: argparse.Namespace) -> int:
    from halt_desk.sync import SyncError, effective_settings
    from halt_desk.sync.signin import SSO, sign_out, sso_sign_out

    settings = effective_settings()
    if settings.auth == SSO:
        from halt_desk.sync.sso import open_sso_session

        try:
            sso_sign_out(session=open_sso_session(passphrase=_ask_passphrase))
        except SyncError as exc:
            raise CliError(f"cannot sign out of Entra ID: {exc}") from None
        print("signed out of Entra ID; the sign-in was removed from this computer")
        return 0
    if not settings.server:
        print("not signed in")
        return 0
    tokens = _token_store()
    sign_out(settings, tokens)  # the desk's Afmelden does the same
    print(f"signed out of {settings.server}; the token was removed from {tokens.description}")
    return 0


def add_commands(commands: Any) -> None:
    """`sync`, `sync login` and `sync logout`."""
    sync = commands.add_parser(
        "sync",
        help="sync this computer's store with central (push the outbox, pull changes)",
        description=(
            "Sends the events recorded here to central and fetches everyone else's. Prints "
            "the state, the counts, this computer's clock offset, events central refused "
            "and open conflicts. With --once on a terminal (not with --json or redirected "
            "output) a line shows how far the round is: events of the total and the time "
            "left. Housekeeping runs at start and hourly: home addresses of "
            "swaps closed 30 days ago leave the cache. Exit 0 when central was reached, 1 "
            "when it could not be reached (the outbox waits), 2 when not signed in or refused."
        ),
    )
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    sync.add_argument("--store", help="local cache file (default: cache.sqlite3 in the data dir)")
    sync.add_argument("--json", action="store_true", help="print each round as one JSON line")
    sync.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the progress line --once shows on a terminal (default nl)",
    )
    sync.add_argument(
        "--interval", type=positive_int, default=30, help="seconds between rounds (default 30)"
    )
    # The desktop app's own sync process (halt_desk.background.sync_process): JSON lines on
    # stdin/stdout.
    sync.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    sync.set_defaults(handler=cmd_sync)
    sync_commands = sync.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    login = sync_commands.add_parser(
        "login",
        help="sign in to central with a token",
        description=(
            "Checks the token against central and keeps it in the system keychain (or, "
            "without one, in an encrypted file). The token is read from standard input, "
            "or asked for on a terminal; it is never an argument."
        ),
    )
    login.add_argument(
        "--server",
        help="central's URL, e.g. https://desk:8765 (default: the machine configuration's)",
    )
    login.add_argument("--user", help="your user name at central (for display)")
    login.add_argument("--ca-bundle", help="PEM file of the CA certificates to trust")
    login.add_argument("--client-cert", help="PEM client certificate (mutual TLS)")
    login.add_argument("--client-key", help="PEM key of the client certificate (mode 0600)")
    login.add_argument(
        "--offline", action="store_true", help="keep the token even if central is unreachable"
    )
    login.add_argument(
        "--sso",
        action="store_true",
        help="sign in with Microsoft Entra ID (the machine configuration's [sso] table): "
        "in the system browser, or with a device code where there is none",
    )
    login.add_argument(
        "--device-code",
        action="store_true",
        help="with --sso: sign in with a code on another device, not in this one's browser",
    )
    login.set_defaults(handler=cmd_sync_login)
    logout = sync_commands.add_parser("logout", help="remove the token of this computer")
    logout.set_defaults(handler=cmd_sync_logout)
