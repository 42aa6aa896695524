"""The scorecard as CSV: one row per month of the quarter and one for the quarter, in the
conventions of the monthly report's CSV (`csv_out.py`: Dutch `;` and decimal comma, UTF-8
with a byte order mark, percentages and hours as plain numbers)."""

from __future__ import annotations

from typing import Any

from halt_desk.reports.csv_out import _num, _write
from halt_desk.reports.kpi import Share
from halt_desk.reports.scorecard import QuarterReport
from halt_desk.reports.scorecard_texts import say
from halt_desk.reports.texts import Texts


def _pct(t: Texts, share: Share) -> str:
    return _num(t, share.percent)


def scorecard_csv(card: QuarterReport, t: Texts) -> str:
    priorities = card.profile.priorities
    header = [
        t("month"),
        t("tickets"),
        *priorities,
        t("clock_pct", clock=t.clock("reaction")),
        t("clock_pct", clock=t.clock("resolution")),
        t("within_norm_pct"),
        say(t, "breached_tickets"),
        t("mttr_bh"),
        t("mttp_bh"),
        t("clock_pct", clock=t.clock("update")),
        say(t, "missed_updates_col"),
        say(t, "xla_overall"),
        t("csat_servicedesk"),
        t("csat_information"),
        say(t, "escalations_col"),
    ]
    rows: list[list[Any]] = [header]
    registered = [*card.escalations_registered, sum(card.escalations_registered)]
    for f, escalations in zip([*card.months, card.whole], registered, strict=True):
        s = f.satisfaction
        rows.append(
            [
                str(card.quarter) if f.month is None else str(f.month),
                f.tickets,
                *[f.per_priority.get(p, 0) for p in priorities],
                _pct(t, f.clock("reaction")),
                _pct(t, f.clock("resolution")),
                _pct(t, f.total.within_norm),
                f.breached_tickets,
                _num(t, f.total.mttr_business_hours, 2),
                _num(t, f.total.mttp_business_hours, 2),
                _pct(t, f.clock("update")),
                f.missed_updates,
                _num(t, s.average, 2),
                _num(t, s.servicedesk, 2),
                _num(t, s.information, 2),
                escalations,
            ]
        )
    return _write(t, rows)
