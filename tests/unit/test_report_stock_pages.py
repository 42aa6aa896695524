"""The SLR's buffer stock at its lowest point in the month, and the breach list over a page
break (issue 23: page 4 repeated the list's header without rows)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.domain.devices import READINESS_CHECKS
from halt_desk.domain.events import Event, new_event
from halt_desk.reports.export import _stock
from halt_desk.reports.sources import EventsSource

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"
ALL_PASS = dict.fromkeys(READINESS_CHECKS, True)


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+01:00")


def device(tag: str, *steps: tuple[str, str, dict[str, Any]]) -> list[Event]:
    stream = f"device:{tag}"
    return [new_event(stream, kind, at(when), "log-1", data) for when, kind, data in steps]


def loaner(tag: str, ready_at: str, *later: tuple[str, str, dict[str, Any]]) -> list[Event]:
    registration = {
        "serial": f"S{tag[-3:]}",
        "model": "Dell Latitude 5450",
        "type": "laptop",
        "org": "halt",
        "depot": "depot-utrecht",
    }
    return device(
        tag,
        ("2027-01-05T09:00:00", "device_registered", registration),
        (ready_at, "readiness_checked", ALL_PASS),
        *later,
    )


def reference() -> list[Event]:
    return [
        new_event(
            "depot:depot-utrecht",
            "depot_registered",
            at("2027-01-01T08:00:00"),
            "admin",
            {"name": "Depot Utrecht", "minimum": {"Dell Latitude 5450": 2}},
        )
    ]


def test_stock_gives_the_lowest_count_of_the_month_besides_the_count_at_its_end() -> None:
    """Hand-computed: three Dells ready on 1 Feb; A is reserved on 3 Feb (2 left), B on
    10 Feb (1 left: below the minimum of 2); A is released on 12 Feb (2), C was made ready
    only on 20 Feb (3). At the end 3 ready, lowest 1. D was ready in January and reserved
    on 31 January: before the month, it does not lower the month's figure."""
    swap = {"swap": "S-1", "ticket": "T-1"}
    events = [
        *reference(),
        *loaner("HALT-LT-00001", "2027-01-20T10:00:00",
                ("2027-02-03T10:00:00", "device_reserved", swap),
                ("2027-02-12T10:00:00", "device_released", {"swap": "S-1"})),
        *loaner("HALT-LT-00002", "2027-01-20T10:00:00",
                ("2027-02-10T10:00:00", "device_reserved", {"swap": "S-2", "ticket": "T-2"})),
        *loaner("HALT-LT-00003", "2027-01-20T10:00:00"),
        *loaner("HALT-LT-00004", "2027-02-20T10:00:00"),
        *loaner("HALT-LT-00005", "2027-01-20T10:00:00",
                ("2027-01-31T10:00:00", "device_reserved", {"swap": "S-3", "ticket": "T-3"})),
    ]  # fmt: skip
    stock = _stock(EventsSource(events, "test"), "halt", at("2027-03-01T00:00:00"),
                   at("2027-02-01T00:00:00"))  # fmt: skip
    assert stock is not None
    (utrecht,) = stock["depots"]
    assert utrecht["ready"] == {"Dell Latitude 5450": 3}
    assert utrecht["lowest"] == {"Dell Latitude 5450": 1}


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_breach_list_continues_on_the_next_page_with_its_rows(tmp_path: Path) -> None:
    """Enough breaches to run over a page: every breached ticket is in the PDF text, and
    no page has the list's header without a row under it."""
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    late = [t for t in doc["tickets"] if t["id"] in ("F-P3-3", "F-P3-5")]
    for i in range(12):
        for ticket in late:
            doc["tickets"].append({**copy.deepcopy(ticket), "id": f"{ticket['id']}-{i:02d}"})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "slr.pdf"
    assert (
        main(["report", "slr", "--month", "2027-02", "--out", str(out), "--from", str(export)]) == 0
    )
    pages = pdf_pages(out)
    text = "\n".join(pages)
    for i in range(12):
        assert f"F-P3-3-{i:02d}" in text and f"F-P3-5-{i:02d}" in text, i
    headed = [p for p in pages if "Te laat (werktijd)" in p]
    assert len(headed) >= 2  # the list ran over a page, its header repeated
    for page in headed:
        after = page.split("Te laat (werktijd)", 1)[1]
        assert "F-P" in after.split("Buffervoorraad")[0], page[:300]


def test_the_pdf_shows_the_lowest_stock_of_the_month(tmp_path: Path) -> None:
    out = tmp_path / "slr.pdf"
    assert (
        main(["report", "slr", "--month", "2027-02", "--out", str(out), "--from", str(FIXTURE)])
        == 0
    )
    text = "\n".join(pdf_pages(out))
    assert "Buffervoorraad per depot" in text
    assert "Laagste in maand" in text and "Einde maand" in text
    assert "tekort geweest" in text  # Utrecht's Dell: 2 at its lowest, minimum 3
