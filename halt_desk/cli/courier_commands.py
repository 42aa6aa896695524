"""`halt-desk central courier configure CARRIER`: how central polls a carrier (its interval,
address and rate), with the API key read from standard input (never an argument: a
command line is visible to every user of the host) and kept as a central secret."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from halt_desk.cli.common import CliError
from halt_desk.domain.errors import HaltDeskError

if TYPE_CHECKING:
    from halt_desk.central.service import Central

#: Opens the central database of `--db` (central_commands.open_central).
Opener = Callable[[str | None], "Central"]


def _read_key() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("API key of the carrier: ")
    return sys.stdin.readline()


def cmd_courier_configure(args: argparse.Namespace, open_central: Opener) -> int:
    from halt_desk.central.courier_settings import check_carrier, configure
    from halt_desk.central.courier_webhook import SECRET_HEADER
    from halt_desk.couriers.registry import carriers

    try:
        check_carrier(args.carrier)
    except HaltDeskError as exc:
        raise CliError(str(exc)) from None
    key = _read_key()
    central = open_central(args.db)
    try:
        settings, hook = configure(
            central.engine,
            args.carrier,
            key,
            interval_minutes=args.interval,
            base_url=args.base_url,
            rate=args.rate,
        )
    except HaltDeskError as exc:
        raise CliError(str(exc)) from None
    finally:
        central.close()
    print(
        f"{carriers()[settings.carrier].name}: every open shipment asked every "
        f"{settings.interval_minutes:g} minutes, at most {settings.rate:g} requests a second, "
        f"at {settings.base_url}; the API key is kept as a central secret"
    )
    if carriers()[settings.carrier].push is not None:
        print(
            f"push: POST /api/v1/couriers/{settings.carrier}/webhook with header "
            f"{SECRET_HEADER}: {hook}"
        )
    print("the running servers take this over at their next round (within seconds)")
    return 0


def cmd_courier_list(args: argparse.Namespace, open_central: Opener) -> int:
    from halt_desk.central.courier_settings import states

    central = open_central(args.db)
    try:
        found = states(central.engine)
    finally:
        central.close()
    if not found:
        print("no carrier configured: halt-desk central courier configure CARRIER")
    for state in found:
        settings = state.settings
        key = "API key kept" if settings.api_key else "no API key"
        print(
            f"{settings.carrier}: every {settings.interval_minutes:g} min, at most "
            f"{settings.rate:g}/s, {settings.base_url}, {key}; {state.shipments} open "
            f"shipment(s), {len(state.failing)} with a problem"
        )
        for tracking, problem in state.failing[:20]:
            print(f"  {tracking}: {problem}")
    return 0


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def add_courier_commands(central_commands: Any, db_help: str, open_central: Opener) -> None:
    """`central courier configure`; `open_central` opens the database of `--db`."""
    courier = central_commands.add_parser("courier", help="courier tracking by central")
    courier_commands = courier.add_subparsers(dest="courier_command", required=True)
    configure = courier_commands.add_parser(
        "configure",
        help="poll a carrier (API key on standard input)",
        description="Central asks the carrier about every open shipment every INTERVAL "
        "minutes, at most RATE requests a second; the API key is read from standard input "
        "and kept encrypted with central's secrets. Options not given keep their value.",
    )
    configure.add_argument("carrier", metavar="CARRIER", help="postnl, dhl or dpd")
    configure.add_argument("--interval", type=_float, metavar="MINUTES", help="default 15")
    configure.add_argument(
        "--base-url", metavar="URL", help="the carrier's API (default: its public one)"
    )
    configure.add_argument("--rate", type=_float, metavar="PER_SECOND", help="default 5")
    configure.add_argument("--db", help=db_help)
    configure.set_defaults(handler=partial(cmd_courier_configure, open_central=open_central))
    listing = courier_commands.add_parser(
        "list", help="the configured carriers, their open shipments and problems"
    )
    listing.add_argument("--db", help=db_help)
    listing.set_defaults(handler=partial(cmd_courier_list, open_central=open_central))
