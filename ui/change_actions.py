"""The change actions of the ticket window (issue 23): "Gepland…" records the date a change
is planned for (a date picker, Ctrl+Shift+G) and "Uitgevoerd" that it was carried out
(Ctrl+Shift+I). Shown on change tickets only; the core checks them (desk/actions.py). A
change's own clocks (KPI 5 and 6) fill the window's clock panel instead of the incident's,
and the incident-only actions (first response, loaner, workaround, productive again, P1
uplift) leave its action row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, tzinfo

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QPushButton,
    QWidget,
)

from halt_desk.desk.actions import Action, ActionRequest
from halt_desk.domain.change_kpi import CHANGE_CLOCKS, ChangeEvaluation
from halt_desk.domain.clocks import ClockResult, ClockState
from halt_desk.i18n import _
from ui import labels

#: Incident actions without meaning on a change (no reaction clock, no loaner, no
#: workaround, no MTTP): hidden on a change ticket, and the P1 uplift with them.
INCIDENT_ONLY = (
    "First response (phone)",
    "First response (e-mail)",
    "Request device swap",
    "Workaround",
    "Productive again",
)
PLAN_KEYS = "Ctrl+Shift+G"
IMPLEMENTED_KEYS = "Ctrl+Shift+I"


class PlanDateDialog(QDialog):
    """Asks the date a change is planned for; Ctrl+Enter (or Enter) records, Escape cancels."""

    def __init__(self, parent: QWidget, today: date, chosen: Callable[[date], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Change planned"))
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd-MM-yyyy")
        self.date.setAccessibleName(_("Planned for"))
        buttons = QDialogButtonBox()
        buttons.addButton(_("Record"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("&Planned for"), self.date)
        form.addRow(buttons)
        self.accepted.connect(lambda: chosen(self.date.date().toPython()))  # type: ignore[arg-type]


class ChangeActions:
    """The two buttons, added to the ticket window's action row."""

    def __init__(
        self,
        add_action: Callable[[str, Callable[[], object], str], QPushButton],
        act: Callable[[ActionRequest], None],
        parent: QWidget,
        today: Callable[[], date],
    ) -> None:
        self.act, self.parent, self.today = act, parent, today
        self.dialog: PlanDateDialog | None = None
        self.planned = add_action(_("Planned…"), self.ask_date, PLAN_KEYS)
        self.implemented = add_action(
            _("Implemented"),
            lambda: act(ActionRequest(Action.CHANGE_IMPLEMENTED)),
            IMPLEMENTED_KEYS,
        )
        self._fitted_for_change: bool | None = None
        self.show_for(None, closed=False)

    def ask_date(self) -> PlanDateDialog:
        self.dialog = PlanDateDialog(self.parent, self.today(), self._plan)
        self.dialog.open()
        return self.dialog

    def _plan(self, day: date) -> None:
        self.act(ActionRequest(Action.CHANGE_PLANNED, extra={"date": day.isoformat()}))

    def show_for(self, change_type: str | None, closed: bool, implemented: bool = False) -> None:
        """Visible on a change ticket; enabled until it is implemented (or closed)."""
        for button in (self.planned, self.implemented):
            button.setVisible(change_type is not None)
            button.setEnabled(not closed and not implemented)

    def fit_incident_actions(
        self,
        grid: QGridLayout,
        buttons: Mapping[str, QPushButton],
        uplift: QPushButton,
        change: bool,
        columns: int = 5,
    ) -> None:
        """On a change ticket, hides (and disables, so no shortcut presses them) the
        incident-only actions and the P1 uplift, and closes the gaps in the action grid;
        on an incident, shows them all in their places. Call after the buttons' enabled
        state is set for the ticket."""
        for label in INCIDENT_ONLY:
            buttons[label].setVisible(not change)
            if change:
                buttons[label].setEnabled(False)
        uplift.setVisible(not change)
        if change:
            uplift.setEnabled(False)
        if change == self._fitted_for_change:
            return
        self._fitted_for_change = change
        shown = [b for label, b in buttons.items() if not (change and label in INCIDENT_ONLY)]
        for button in buttons.values():
            grid.removeWidget(button)
        for n, button in enumerate(shown):
            grid.addWidget(button, n // columns, n % columns)


def change_clock_rows(
    change: ChangeEvaluation, tz: tzinfo | None
) -> list[tuple[str, ClockResult, str]]:
    """(name, clock, deadline in words) of the clocks that apply to a change's type; a
    major, emergency or project change is planned in consultation and has one row saying
    so. "Implemented within planning" ends with its plan date: "end of 09-12"."""
    rows = []
    for name in CHANGE_CLOCKS:
        result = change.clocks[name]
        if result.state is ClockState.NOT_APPLICABLE:
            continue
        due = "" if result.due is None else result.due.astimezone(tz).strftime("%d-%m %H:%M")
        if name == "change_planning" and change.planned is not None:
            due = _("end of {date}").format(date=change.planned.strftime("%d-%m"))
        rows.append((labels.clock(name), result, due))
    if not rows:
        na = ClockResult(CHANGE_CLOCKS[0], ClockState.NOT_APPLICABLE)
        rows.append((_("Planned in consultation (no clock)"), na, ""))
    return rows


def change_figures(change: ChangeEvaluation, tz: tzinfo | None) -> str:
    """The plan and the implementation of a change, in the place of an incident's MTTR."""
    if change.planned is None:
        planned = _("Not planned yet")
    else:
        planned = _("Planned for {date}").format(date=change.planned.strftime("%d-%m-%Y"))
        if change.plans > 1:
            planned += " · " + _("planned {count} times").format(count=change.plans)
    if change.implemented_at is None:
        return planned
    when = change.implemented_at.astimezone(tz).strftime("%d-%m-%Y %H:%M")
    return f"{planned} · " + _("implemented {when}").format(when=when)
