"""`halt-desk report slr` and `halt-desk export`: files, figures in the PDF, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.demo import generate
from halt_desk.store import Store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"
NOW = "2027-03-10T12:00:00+01:00"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def slr(out: Path, *extra: str) -> int:
    return main(["report", "slr", "--month", "2027-02", "--out", str(out), *extra])


# ------------------------------------------------------------------ from an export
def test_who_decided_an_uplift_shows_by_the_name_the_export_carries(tmp_path: Path) -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["staff"] = {"agent:sanne.visser": "Sanne Visser-de Jong"}
    source = tmp_path / "export.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "slr.pdf"
    assert slr(out, "--from", str(source)) == 0
    text = " ".join(pdf_text(out).split())  # a name may wrap in its cell
    assert "Sanne Visser-de Jong" in text and "agent:" not in text


def test_the_pdf_shows_the_hand_computed_figures(tmp_path: Path) -> None:
    out = tmp_path / "slr.pdf"
    assert slr(out, "--from", str(FIXTURE)) == 0
    text = pdf_text(out)
    for expected in (
        "Servicelevelrapportage",
        "Stichting Halt · februari 2027",
        "Servicedesk Werkplek (MSP)",
        "10-03-2027 12:00",
        "66,7 %",  # P1 and P2 within norm, 2/3
        "80,0 %",  # P3, 4/5 (one ticket still open)
        "niet gehaald",
        "1 van 4 prioriteiten halen de maandnorm.",
        "78,6 %",  # total 11/14
        "20,1",  # P3 MTTR 1209 min
        "21,9",  # P3 MTTP 1311 min
        "96,2",  # P3 MTTP wall-clock 5775 min
        "zitting of rechtszaak",
        "Zitting om 14:00; dossier niet",
        "Sanne Visser",  # who decided, by name (read from the user name: no staff records)
        "Afgewezen verzoeken om uplift deze maand: 1.",
        "geen toelichting vastgelegd",  # F-P3-5 reaction
        "Wachten op patch van de leverancier",
        "4 u 00 m",  # F-P3-3 swap and F-P3-5 resolution
        "tekort",  # Utrecht, HP below its minimum
        "7,6",  # satisfaction 53 / 7
        "Pagina 1 van 4",
        "Pagina 4 van 4",
    ):
        assert expected in text, expected
    assert text.count("F-P3-5") == 2  # two breached clocks


def test_the_pdf_can_be_english(tmp_path: Path) -> None:
    out = tmp_path / "slr.pdf"
    assert slr(out, "--from", str(FIXTURE), "--lang", "en") == 0
    text = pdf_text(out)
    for expected in ("Service level report", "February 2027", "66.7 %", "not met", "Page 2 of 4"):
        assert expected in text, expected
    assert "niet gehaald" not in text


def test_the_csv_has_the_kpi_table_and_one_line_per_ticket(tmp_path: Path) -> None:
    out, csv = tmp_path / "slr.pdf", tmp_path / "slr.csv"
    assert slr(out, "--from", str(FIXTURE), "--csv", str(csv)) == 0
    kpi = csv.read_text(encoding="utf-8")
    assert kpi.startswith("\ufeffMaand;Prioriteit;Meldingen;")
    lines = kpi.lstrip("\ufeff").splitlines()
    assert len(lines) == 6  # header, P1–P4, total
    assert lines[3].startswith("2027-02;P3;6;4;5;80,0;90;nee;83,3;80,0;100,0;100,0;0,0;;1;5;")
    assert lines[3].endswith(";20,15;21,85;96,25;24,00")
    tickets = (tmp_path / "slr-tickets.csv").read_text(encoding="utf-8").lstrip("\ufeff")
    rows = tickets.splitlines()
    assert len(rows) == 16
    f_p1_3 = next(row for row in rows if row.startswith("F-P1-3;"))
    assert f_p1_3.split(";")[2:6] == ["P1", "ja", "gesloten", "ja"]


def test_the_english_csv_uses_commas_and_decimal_points(tmp_path: Path) -> None:
    csv = tmp_path / "slr.csv"
    assert slr(tmp_path / "a.pdf", "--from", str(FIXTURE), "--csv", str(csv), "--lang", "en") == 0
    lines = csv.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Month,Priority,Tickets,")
    assert lines[3].startswith("2027-02,P3,6,4,5,80.0,90,no,")


# ------------------------------------------------------------------ bad input
def assert_failed(
    code: int, capsys: pytest.CaptureFixture[str], folder: Path, message: str
) -> None:
    assert code == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir() if p.name != "data") == []


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("month", ["2027-2", "feb 2027", "2027-13"])
def test_a_bad_month_writes_nothing(
    month: str, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", "slr", "--month", month, "--from", str(FIXTURE), "--out", str(out_dir / "a.pdf")]
    )
    assert_failed(code, capsys, out_dir, "--month")


def test_an_unreadable_export_writes_nothing(
    out_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = out_dir / "a.pdf"
    missing = tmp_path / "missing.json"
    assert_failed(slr(out, "--from", str(missing)), capsys, out_dir, "cannot read")
    broken = tmp_path / "broken.json"
    broken.write_text('{"tickets": [', encoding="utf-8")
    assert_failed(slr(out, "--from", str(broken)), capsys, out_dir, "is not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"tickets": []}', encoding="utf-8")
    assert_failed(slr(out, "--from", str(other)), capsys, out_dir, "halt-desk export")


def test_a_failed_run_leaves_an_existing_report_untouched(
    out_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = out_dir / "a.pdf"
    out.write_bytes(b"last month's report")
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["tickets"][4]["events"][0]["at"] = "yesterday"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert slr(out, "--from", str(bad)) == 2
    assert "'F-P2-2': events[0].at" in capsys.readouterr().err
    assert out.read_bytes() == b"last month's report"
    assert [p.name for p in out_dir.iterdir()] == ["a.pdf"]


def test_an_output_folder_that_does_not_exist_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = slr(tmp_path / "nowhere" / "a.pdf", "--from", str(FIXTURE))
    assert code == 2
    assert "cannot write" in capsys.readouterr().err


def test_server_without_a_token_is_refused(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HALT_DESK_TOKEN", raising=False)
    code = slr(out_dir / "a.pdf", "--server", "http://127.0.0.1:9", "--org", "halt")
    assert_failed(code, capsys, out_dir, "HALT_DESK_TOKEN")


def test_server_and_store_together_are_refused(
    out_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = slr(out_dir / "a.pdf", "--server", "http://127.0.0.1:9", "--store", str(tmp_path))
    assert_failed(code, capsys, out_dir, "not both")


def test_a_missing_local_cache_is_not_created(
    out_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "nope.sqlite3"
    assert_failed(slr(out_dir / "a.pdf", "--store", str(store)), capsys, out_dir, "no such file")
    assert not store.exists()


# ------------------------------------------------------------------ from the local cache
@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("store") / "cache.sqlite3"
    dataset = generate(seed=3, months=6, end=date(2027, 2, 28), tickets_per_month=40)
    with Store.open(path) as store:
        store.record_events(dataset.events, bulk=True)
    yield path


def test_export_from_the_cache_is_accepted_by_sla_check_and_gives_the_same_report(
    demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "halt-2027-02.json"
    base = ["--month", "2027-02", "--org", "halt", "--store", str(demo_store), "--now", NOW]
    assert main(["export", *base, "--out", str(export)]) == 0
    document: dict[str, Any] = json.loads(export.read_text(encoding="utf-8"))
    assert document["now"] == NOW and len(document["tickets"]) > 10
    assert [h["month"] for h in document["history"]] == [
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
    ]
    assert document["stock"] is not None
    capsys.readouterr()
    assert main(["sla", "check", str(export)]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert len(checked["tickets"]) == len(document["tickets"])

    direct, via_export = tmp_path / "direct.csv", tmp_path / "export.csv"
    args = ["report", "slr", "--month", "2027-02", "--org", "halt"]
    assert main([*args, "--store", str(demo_store), "--now", NOW, "--out",
                 str(tmp_path / "d.pdf"), "--csv", str(direct)]) == 0  # fmt: skip
    assert main([*args, "--from", str(export), "--out", str(tmp_path / "e.pdf"),
                 "--csv", str(via_export)]) == 0  # fmt: skip
    assert direct.read_text(encoding="utf-8") == via_export.read_text(encoding="utf-8")
    assert "Buffervoorraad per depot" in pdf_text(tmp_path / "d.pdf")


def test_the_organisation_must_be_named_when_the_cache_has_several(
    demo_store: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = slr(out_dir / "a.pdf", "--store", str(demo_store), "--now", NOW)
    assert_failed(code, capsys, out_dir, "give one of the organisations (known: desom, halt)")
    code = slr(out_dir / "a.pdf", "--store", str(demo_store), "--org", "acme", "--now", NOW)
    assert_failed(code, capsys, out_dir, "unknown organisation 'acme'")


def test_a_month_without_tickets_writes_nothing(
    demo_store: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "slr", "--month", "2025-01", "--org", "halt", "--store", str(demo_store)]
    code = main([*args, "--now", NOW, "--out", str(out_dir / "a.pdf")])
    assert_failed(code, capsys, out_dir, "no tickets were reported in 2025-01")


def test_a_month_that_has_not_begun_is_refused(
    demo_store: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--month", "2027-04", "--org", "desom", "--store", str(demo_store)]
    code = main([*args, "--now", NOW, "--out", str(out_dir / "a.json")])
    assert_failed(code, capsys, out_dir, "has not begun")


def test_a_profile_without_devices_or_mttp_norm_still_reports(
    demo_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "desom.pdf"
    args = ["--month", "2027-02", "--org", "desom", "--store", str(demo_store), "--now", NOW]
    assert main(["report", "slr", *args, "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "P5" in text
    assert "geen apparatenregister" in text
    assert "noemt geen MTTP-norm" in text
