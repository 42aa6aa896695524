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
    """The whole pane for `entry`: the title and description over two columns, the facts
    and the history on the left, the clocks and the action list on the right."""
    title = " · ".join(part for part in (entry.number, entry.level, entry.status) if part)
    head = f"<h3>{html.escape(title)}</h3><p>{html.escape(entry.description)}</p>"
    if entry.reminder:
        head += f"<p style='color: {RED}; font-weight: bold'>{html.escape(entry.reminder)}</p>"
    left = _facts(entry) + _history(entry)
    right = _clocks(entry) + _actions(entry)
    return (
        f"{head}<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='48%' valign='top'>{left}</td><td width='4%'></td>"
        f"<td width='48%' valign='top'>{right}</td></tr></table>"
    )


def _facts(entry: EscalationEntry) -> str:
    rows = "".join(
        f"<tr>{_cell(label, bold=True)}{_cell(value)}</tr>" for label, value in entry.facts
    )
    return f"<table cellpadding='2'>{rows}</table>"


def _clocks(entry: EscalationEntry) -> str:
    if not entry.clocks:
        return ""
    rows = [
        "<tr>"
        + _cell(line.name)
        + _cell(line.due)
        + _cell(line.state, colour=RED if line.breached else None)
        + _cell(line.countdown, colour=RED if line.late else None)
        + "</tr>"
        for line in entry.clocks
    ]
    head = (_("Clock"), _("Deadline"), _("State"), _("Left / overdue"))
    return _heading(_("Clocks")) + _table(head, rows)


def _actions(entry: EscalationEntry) -> str:
    if entry.actions:
        rows = [
            "<tr>"
            + _cell(a.action)
            + _cell(a.owner)
            + _cell(a.due)
            + _cell(a.status, bold=a.code in ("open", "in_progress"))
            + "</tr>"
            for a in entry.actions
        ]
        head = (_("Action"), _("Owner"), _("Due date"), _("Status"))
        return _heading(_("Actions")) + _table(head, rows)
    if entry.state.level in ("N2", "N3") and entry.is_open:
        none_yet = _("No actions yet.")
        return _heading(_("Actions")) + f"<p><i>{html.escape(none_yet)}</i></p>"
    return ""


def _history(entry: EscalationEntry) -> str:
    if not entry.history:
        return ""
    lines = "".join(
        f"<li><b>{html.escape(when)}</b> {html.escape(text)}</li>" for when, text in entry.history
    )
    return _heading(_("History")) + f"<ul>{lines}</ul>"
