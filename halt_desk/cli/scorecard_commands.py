"""`halt-desk report scorecard` and `halt-desk export --quarter`: the quarterly supplier
scorecard (seed 003 §2.4.3 C) from a quarter export, the central API or the local cache."""

from __future__ import annotations

import argparse
import gc
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from halt_desk.cli.common import parse_now, report_document, report_source_export
from halt_desk.i18n import LANGUAGES

ORG_HELP = "organisation id (may be left out when the source has only one)"
QUARTER_HELP = "the quarter, YYYY-Qn, e.g. 2027-Q1 (tickets reported in it)"


def quarter_export(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    """The quarter export of `--quarter` from `--server` or the local cache (the same
    sources, token and TLS settings as `report slr`)."""
    from halt_desk.reports.quarter import Quarter
    from halt_desk.reports.scorecard import build_quarter_export

    quarter = Quarter.parse(args.quarter)
    return report_source_export(
        args, lambda source: build_quarter_export(source, quarter, args.org, now)
    )


def cmd_report_scorecard(args: argparse.Namespace) -> int:
    from halt_desk.reports.output import write_files
    from halt_desk.reports.quarter import Quarter
    from halt_desk.reports.scorecard import read_quarter
    from halt_desk.reports.scorecard_csv import scorecard_csv
    from halt_desk.reports.scorecard_pdf import render_scorecard_pdf
    from halt_desk.reports.texts import texts

    t = texts(args.lang)
    quarter = Quarter.parse(args.quarter)
    now = parse_now(args.now)
    gc.disable()  # a one-shot batch of long-lived objects: cyclic collection only costs time
    document, source = report_document(args, now, lambda at: quarter_export(args, at))
    card = read_quarter(document, source, quarter, args.org)
    outputs = [(Path(args.out), render_scorecard_pdf(card, t))]
    if args.csv:
        outputs.append((Path(args.csv), scorecard_csv(card, t).encode("utf-8")))
    write_files(outputs)
    written = ", ".join(str(path) for path, _ in outputs)
    print(f"{card.org_id} {card.quarter}: {len(card.tickets)} tickets; wrote {written}")
    return 0


def cmd_export_quarter(args: argparse.Namespace) -> int:
    from halt_desk.reports.output import write_files

    now = parse_now(args.now) or datetime.now(UTC)
    document = quarter_export(args, now)
    text = json.dumps(document, ensure_ascii=False, indent=args.indent)
    write_files([(Path(args.out), (text + "\n").encode("utf-8"))])
    print(
        f"{document['org']['id']} {document['quarter']}: {len(document['tickets'])} tickets; "
        f"wrote {args.out}"
    )
    return 0


def add_scorecard(report_commands: Any, now_help: str) -> None:
    """`report scorecard` under `halt-desk report`."""
    card = report_commands.add_parser(
        "scorecard",
        help="the quarterly supplier scorecard as PDF (and CSV)",
        description=(
            "Builds the quarterly supplier scorecard of one organisation (nature and "
            "severity of the issues, reaction and resolution per month, communication, "
            "repetition) from a quarter export (--from, see `halt-desk export --quarter`), "
            "the central API (--server, token in HALT_DESK_TOKEN) or the local cache "
            "(default, or --store). Exit 0 on success, 2 with a message on bad input; then "
            "no file is written."
        ),
    )
    card.add_argument("--quarter", required=True, help=QUARTER_HELP)
    card.add_argument("--org", help=ORG_HELP)
    where = card.add_mutually_exclusive_group()
    where.add_argument(
        "--from",
        dest="from_file",
        metavar="EXPORT.json",
        help="a `halt-desk export --quarter` file",
    )
    where.add_argument(
        "--server", metavar="URL", help="central API, e.g. https://desk.example:8765"
    )
    card.add_argument(
        "--store", metavar="FILE", help="local cache file (default: the user's cache)"
    )
    card.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    card.add_argument("--csv", metavar="FILE.csv", help="also write the figures per month as CSV")
    card.add_argument("--lang", choices=LANGUAGES, default="nl", help="language (default nl)")
    card.add_argument("--now", help=now_help)
    card.set_defaults(handler=cmd_report_scorecard)
