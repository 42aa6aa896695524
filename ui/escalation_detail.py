"""The detail pane of the escalation register: the chosen escalation's facts, its clocks
(deadline, state, countdown in working time), its action list and its history, as HTML
for a QTextBrowser; every text comes worded from `halt_desk.desk.escalation_view`."""

from __future__ import annotations

import html

from halt_desk.desk.escalation_view import EscalationEntry
from halt_desk.i18n import _

RED = "#b3261e"


def _cell(text: str, bold: bool = False, colour: str | None = None) -> str:
    style = []
    if bold:
        style.append("font-weight: bold")
    if colour:
        style.append(f"color: {colour}")
    attribute = f" style='{'; '.join(style)}'" if style else ""
    return f"<td{attribute}>{html.escape(text)}</td>"


def _table(head: tuple[str, ...], rows: list[str]) -> str:
    cells = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in head)
    return (
        "<table cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse'>"
        f"<tr>{cells}</tr>{''.join(rows)}</table>"
    )


def _heading(text: str) -> str:
    return f"<h4>{html.escape(text)}</h4>"


def detail_html(entry: EscalationEntry) -> str:
    """The whole pane for `entry`."""
    title = " · ".join(part for part in (entry.id, entry.level, entry.status) if part)
    parts = [f"<h3>{html.escape(title)}</h3>", f"<p>{html.escape(entry.description)}</p>"]
    facts = "".join(
        f"<tr>{_cell(label, bold=True)}{_cell(value)}</tr>" for label, value in entry.facts
    )
    parts.append(f"<table cellpadding='2'>{facts}</table>")
    if entry.reminder:
        parts.append(
            f"<p style='color: {RED}; font-weight: bold'>{html.escape(entry.reminder)}</p>"
        )
    if entry.clocks:
        parts.append(_heading(_("Clocks")))
        rows = [
            "<tr>"
            + _cell(line.name)
            + _cell(line.due)
            + _cell(line.state, colour=RED if line.late else None)
            + _cell(line.countdown, colour=RED if line.late else None)
            + "</tr>"
            for line in entry.clocks
        ]
        parts.append(_table((_("Clock"), _("Deadline"), _("State"), _("Left / overdue")), rows))
    if entry.actions:
        parts.append(_heading(_("Actions")))
        rows = [
            "<tr>"
            + _cell(a.action)
            + _cell(a.owner)
            + _cell(a.due)
            + _cell(a.status, bold=a.code in ("open", "in_progress"))
            + "</tr>"
            for a in entry.actions
        ]
        parts.append(_table((_("Action"), _("Owner"), _("Due date"), _("Status")), rows))
    elif entry.state.level in ("N2", "N3") and entry.is_open:
        none_yet = _("No actions yet.")
        parts.append(f"<p><i>{html.escape(none_yet)}</i></p>")
    if entry.history:
        parts.append(_heading(_("History")))
        lines = "".join(
            f"<li><b>{html.escape(when)}</b> {html.escape(text)}</li>"
            for when, text in entry.history
        )
        parts.append(f"<ul>{lines}</ul>")
    return "".join(parts)
