"""`halt-desk`, `halt-desk demo` and `--self-test`: the desktop app, its demo and the
installation check."""

from __future__ import annotations

import argparse
import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from halt_desk.i18n import LANGUAGES, chosen_language

if TYPE_CHECKING:
    pass

from halt_desk.cli.common import positive_int

log = logging.getLogger("halt_desk")


def cmd_demo(args: argparse.Namespace) -> int:
    from halt_desk.demo.terminal import run_demo
    from halt_desk.paths import user_data_dir

    if not args.no_window:
        app = importlib.import_module("ui.app")
        code: int = app.run_demo_app(
            user_data_dir() / "demo",
            seed=args.seed,
            months=args.months,
            tickets_per_month=args.tickets_per_month,
            language=args.lang,
        )
        return code
    return run_demo(
        seed=args.seed,
        months=args.months,
        tickets_per_month=args.tickets_per_month,
        path=Path(args.store) if args.store else None,
        limit=args.limit,
        lang=chosen_language(args.lang),
    )


def cmd_app(args: argparse.Namespace) -> int:
    # The desktop app lives in the `ui` package (Qt); the core only starts it, so importing
    # halt_desk never loads Qt.
    app = importlib.import_module("ui.app")
    store = Path(args.store) if getattr(args, "store", None) else None
    code: int = app.run_app(
        store,
        getattr(args, "user", None),
        getattr(args, "lang", None),
        field=bool(getattr(args, "field", False)),
    )
    return code


def cmd_self_test(args: argparse.Namespace) -> int:
    from halt_desk.cli.self_test import run_self_test

    return run_self_test()


def add_commands(commands: Any) -> None:
    """The app and the demo."""
    demo = commands.add_parser(
        "demo",
        help="the desktop app against a central API with demo data (nothing to set up)",
        description=(
            "Starts a central API in this process on a free loopback port with the demo data "
            "set (two customers, loaner depots, months of tickets up to now, deterministic by "
            "seed) and opens the desktop app signed in to it, with its own demo cache. "
            "--no-window builds a demo store and prints the SLA board instead."
        ),
    )
    demo.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    demo.add_argument("--months", type=positive_int, default=3, help="months of tickets")
    demo.add_argument(
        "--tickets-per-month", type=positive_int, default=400, help="tickets per month"
    )
    demo.add_argument("--store", help="demo database file (default: demo.sqlite3 in the data dir)")
    demo.add_argument("--limit", type=positive_int, default=25, help="board rows to show")
    demo.add_argument(
        "--no-window",
        action="store_true",
        help="no desktop window: build the demo store and print the SLA board",
    )
    demo.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the window or the board (default: HALT_DESK_LANG, else nl)",
    )
    demo.set_defaults(handler=cmd_demo)

    app = commands.add_parser(
        "app",
        help="the desktop app (also what `halt-desk` without a command starts)",
    )
    app.add_argument("--store", help="local cache file (default: cache.sqlite3 in the data dir)")
    app.add_argument("--user", help="your name as it appears on tickets (default: login name)")
    app.add_argument("--lang", choices=LANGUAGES, help="language (default nl)")
    app.add_argument(
        "--field", action="store_true", help="open the field engineer view first (buitendienst)"
    )
    app.set_defaults(handler=cmd_app)
