"""`halt-desk labels` writes a PDF sheet of asset labels whose barcodes carry the tags."""

from __future__ import annotations

from pathlib import Path

from halt_desk.cli import main
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events


def test_labels_of_a_depot_as_a_pdf(tmp_path: Path, capsys: object) -> None:
    cache = tmp_path / "cache.sqlite3"
    with Store.open(cache, clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events(30)], bulk=True)
    out = tmp_path / "labels.pdf"
    assert main(["labels", "--depot", DEPOT, "--store", str(cache), "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert "30 label(s) on 2 page(s)" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_labels_of_an_unknown_depot_exit_2(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    with Store.open(cache, clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events()], bulk=True)
    out = tmp_path / "labels.pdf"
    assert main(["labels", "--depot", "nowhere", "--store", str(cache), "--out", str(out)]) == 2
    assert not out.exists()
