"""`halt-desk sla check`, `report slr`, `export` and `labels`: clocks, the monthly report
and printable asset labels from the command line."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from halt_desk.i18n import LANGUAGES

if TYPE_CHECKING:
    pass

from halt_desk.cli.common import (
    CliError,
    add_check_arguments,
    parse_now,
    read_text,
    report_document,
    report_source_export,
)
from halt_desk.cli.scorecard_commands import QUARTER_HELP, add_scorecard, cmd_export_quarter

log = logging.getLogger("halt_desk")


def cmd_sla_check(args: argparse.Namespace) -> int:
    from halt_desk.cli.sla_check import write_check

    now = parse_now(args.now)
    source = "standard input" if args.timelines == "-" else args.timelines
    data = read_text(args.timelines)
    indent = args.indent if args.indent is not None or not sys.stdout.isatty() else 2
    gc.disable()  # a one-shot batch of long-lived objects: cyclic collection only costs time
    sys.stdout.flush()
    out = sys.stdout.buffer  # streamed as UTF-8 bytes, written only once all is known
    write_check(data, out, source, profile=args.profile, now=now, indent=indent)
    out.write(b"\n")
    out.flush()
    return 0


def _month_export(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    """The export document of `--month` from `--server` or the local cache."""
    from halt_desk.reports.export import build_export
    from halt_desk.reports.month import Month

    month = Month.parse(args.month)
    return report_source_export(args, lambda source: build_export(source, month, args.org, now))


def cmd_report_slr(args: argparse.Namespace) -> int:
    from halt_desk.reports import kpi_csv, read_export, texts, tickets_csv, tickets_path
    from halt_desk.reports.change_report import changes_csv, changes_path
    from halt_desk.reports.governance_csv import governance_csvs
    from halt_desk.reports.month import Month
    from halt_desk.reports.output import write_files
    from halt_desk.reports.pdf import render_pdf

    t = texts(args.lang)
    month = Month.parse(args.month)
    now = parse_now(args.now)
    gc.disable()  # a one-shot batch of long-lived objects: cyclic collection only costs time
    document, source = report_document(args, now, lambda at: _month_export(args, at))
    report = read_export(document, source, month, args.org)
    out = Path(args.out)
    outputs = [(out, render_pdf(report, t))]
    if args.csv:
        csv_path = Path(args.csv)
        outputs.append((csv_path, kpi_csv(report, t).encode("utf-8")))
        outputs.append((tickets_path(csv_path), tickets_csv(report, t).encode("utf-8")))
        changes = changes_csv(report, t)
        if changes is not None:
            outputs.append((changes_path(csv_path), changes.encode("utf-8")))
        for path, text in governance_csvs(report, t, csv_path):
            outputs.append((path, text.encode("utf-8")))
    write_files(outputs)
    written = ", ".join(str(path) for path, _ in outputs)
    print(f"{report.org_id} {report.month}: {len(report.tickets)} tickets; wrote {written}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from halt_desk.reports.output import write_files

    if args.quarter is not None:
        return cmd_export_quarter(args)

    now = parse_now(args.now) or datetime.now(UTC)
    document = _month_export(args, now)
    text = json.dumps(document, ensure_ascii=False, indent=args.indent)
    write_files([(Path(args.out), (text + "\n").encode("utf-8"))])
    print(
        f"{document['org']['id']} {document['month']}: {len(document['tickets'])} tickets; "
        f"wrote {args.out}"
    )
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    from halt_desk.logistics.asset_labels import devices_for_labels, write_label_sheet
    from halt_desk.store import Store

    if args.depot is None and not args.tags:
        raise CliError("labels: give --depot or --tags")
    tags = [tag for tag in (args.tags or "").split(",") if tag.strip()]
    with Store.open(Path(args.store) if args.store else None) as store:
        devices = devices_for_labels(store, args.depot, tags)
    pages = write_label_sheet(devices, Path(args.out), f"Labels {args.depot or ''}".strip())
    print(f"{len(devices)} label(s) on {pages} page(s): {args.out}")
    return 0


#: Help texts the report and the export share.
MONTH_HELP = "the month, YYYY-MM (tickets reported in it, in the contract's time zone)"
ORG_HELP = "organisation id (may be left out when the source has only one)"
NOW_HELP = "moment the clocks are evaluated at, ISO-8601 with UTC offset (default: now)"


def add_commands(commands: Any) -> None:
    """`sla check`, `report slr`, `export` and `labels`."""
    _add_sla_check(commands)
    _add_report_slr(commands)
    _add_export(commands)
    _add_labels(commands)


def _add_sla_check(commands: Any) -> None:
    sla = commands.add_parser("sla", help="contract clocks")
    sla_commands = sla.add_subparsers(dest="sla_command", metavar="SUBCOMMAND", required=True)
    check = sla_commands.add_parser(
        "check",
        help="print the SLA clocks of ticket timelines as JSON",
        description=(
            "Reads ticket timelines (JSON, DESIGN §3.3) and prints every clock, MTTR and "
            "MTTP as JSON. Exit 0 on success, 2 with a message on bad input."
        ),
    )
    add_check_arguments(check, "TIMELINES.json")
    check.set_defaults(handler=cmd_sla_check)


def _add_report_slr(commands: Any) -> None:
    report = commands.add_parser("report", help="service-level reports")
    report_commands = report.add_subparsers(
        dest="report_command", metavar="SUBCOMMAND", required=True
    )
    slr = report_commands.add_parser(
        "slr",
        help="the monthly service-level report as PDF (and CSV)",
        description=(
            "Builds the monthly service-level report of one organisation from a month "
            "export (--from), the central API (--server, token in HALT_DESK_TOKEN) or the "
            "local cache (default, or --store). Exit 0 on success, 2 with a message on bad "
            "input; then no file is written."
        ),
    )
    slr.add_argument("--month", required=True, help=MONTH_HELP)
    slr.add_argument("--org", help=ORG_HELP)
    where = slr.add_mutually_exclusive_group()
    where.add_argument(
        "--from", dest="from_file", metavar="EXPORT.json", help="a `halt-desk export` file"
    )
    where.add_argument(
        "--server", metavar="URL", help="central API, e.g. https://desk.example:8765"
    )
    slr.add_argument("--store", metavar="FILE", help="local cache file (default: the user's cache)")
    slr.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    slr.add_argument(
        "--csv",
        metavar="FILE.csv",
        help="also write the KPI table to FILE.csv and one line per ticket to FILE-tickets.csv",
    )
    slr.add_argument("--lang", choices=LANGUAGES, default="nl", help="language (default nl)")
    slr.add_argument("--now", help=NOW_HELP)
    slr.set_defaults(handler=cmd_report_slr)
    add_scorecard(report_commands, NOW_HELP)


def _add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="one organisation's month as timelines plus ticket details (JSON)",
        description=(
            "Writes the tickets reported in the month as `sla check` timelines (DESIGN §3.3) "
            "with every ticket event and the report fields; `halt-desk report slr --from` "
            "reads it. Source: the local cache (default, or --store) or --server."
        ),
    )
    period = export.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", help=MONTH_HELP)
    period.add_argument("--quarter", help=f"{QUARTER_HELP}, for `report scorecard --from`")
    export.add_argument("--org", help=ORG_HELP)
    export.add_argument("--out", required=True, metavar="FILE.json", help="the file to write")
    export.add_argument(
        "--store", metavar="FILE", help="local cache file (default: the user's cache)"
    )
    export.add_argument("--server", metavar="URL", help="central API instead of the local cache")
    export.add_argument("--now", help=NOW_HELP)
    export.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")
    export.set_defaults(handler=cmd_export)


def _add_labels(commands: Any) -> None:
    labels = commands.add_parser(
        "labels",
        help="asset labels (Code128 + QR) of a depot's devices as a printable PDF",
        description=(
            "Writes an A4 sheet (3 x 8 labels of 70 x 37 mm) with the asset tag as Code128 "
            "and QR code, model and serial, for every device of the depot (or the given tags) "
            "in the local cache."
        ),
    )
    labels.add_argument("--depot", help="depot id, e.g. depot-utrecht")
    labels.add_argument("--tags", help="comma-separated asset tags instead of a whole depot")
    labels.add_argument(
        "--store", metavar="FILE", help="local cache file (default: the user's cache)"
    )
    labels.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    labels.set_defaults(handler=cmd_labels)
