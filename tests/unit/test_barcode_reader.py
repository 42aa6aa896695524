"""Codes read back from pictures: the printed labels (`halt-desk labels`, rendered to
images by poppler's pdftoppm as a printer would) decode to their asset tags, and a wall of
pasted text is refused by the scan station without being looked up."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import zxingcpp

from halt_desk.cli import main
from halt_desk.logistics.asset_labels import COLUMNS, LABEL_H, LABEL_W, ROWS
from halt_desk.logistics.barcode_reader import ReadCode, first_code, read_codes
from halt_desk.logistics.codes import MAX_CODE_LENGTH
from halt_desk.logistics.scan_station import ScanSession, ScanStep, Verdict
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events

DPI = 300


def read_pgm(path: Path) -> tuple[bytes, int, int]:
    """A binary PGM (P5, 8 bits) as (pixels, width, height)."""
    data = path.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:  # magic, width, height, maximum; comments start with #
        while data[at : at + 1].isspace():
            at += 1
        if data[at : at + 1] == b"#":
            at = data.index(b"\n", at) + 1
            continue
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = data[at + 1 :]
    assert len(pixels) == width * height
    return pixels, width, height


def slot_of(code: ReadCode, width: int, height: int) -> tuple[int, int]:
    """(column, row) of the label on the sheet where the code's centre lies."""
    points = DPI / 72  # the sheet's size in points, as asset_labels lays it out
    left = (width - COLUMNS * LABEL_W * points) / 2
    top = (height - ROWS * LABEL_H * points) / 2
    return int((code.x - left) // (LABEL_W * points)), int((code.y - top) // (LABEL_H * points))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (setup.sh)")
def test_every_printed_label_decodes_back_to_its_asset_tag(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    with Store.open(cache, clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events(30)], bulk=True)
        tags = [device.asset_tag for device in store.devices(DEPOT)]
    assert len(tags) == 30
    pdf = tmp_path / "labels.pdf"
    assert main(["labels", "--depot", DEPOT, "--store", str(cache), "--out", str(pdf)]) == 0
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) == 2
    found: Counter[tuple[str, str]] = Counter()
    per_page = COLUMNS * ROWS
    for page_number, page in enumerate(pages):
        pixels, width, height = read_pgm(page)
        for code in read_codes(pixels, width, height):
            found[code.text, code.symbology] += 1
            column, row = slot_of(code, width, height)
            index = page_number * per_page + row * COLUMNS + column
            assert tags[index] == code.text, (code, column, row)  # on its own label
    expected = Counter({(tag, kind): 1 for tag in tags for kind in ("Code128", "QRCode")})
    assert found == expected


def test_the_code_nearest_the_middle_is_the_one_held_up() -> None:
    """Two labels in one frame: the one in the middle counts, whatever its symbology."""
    width, height = 900, 400
    canvas = bytearray(b"\xff" * width * height)
    for text, kind, x0 in (
        ("HALT-LT-00001", zxingcpp.BarcodeFormat.QRCode, 40),
        ("JJD000390007482736451", zxingcpp.BarcodeFormat.DataMatrix, 400),
    ):
        image = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, kind), scale=6)
        view = memoryview(image)
        h, w = view.shape[0], view.shape[1]
        rows = bytes(view)
        for y in range(h):
            at = (100 + y) * width + x0
            canvas[at : at + w] = rows[y * w : (y + 1) * w]
    codes = read_codes(bytes(canvas), width, height)
    assert sorted((c.text, c.symbology) for c in codes) == [
        ("HALT-LT-00001", "QRCode"),
        ("JJD000390007482736451", "DataMatrix"),
    ]
    middle = first_code(bytes(canvas), width, height)
    assert middle is not None and middle.text == "JJD000390007482736451"
    assert first_code(b"\xff" * 64 * 64, 64, 64) is None
    with pytest.raises(ValueError):
        read_codes(b"\0" * 10, 64, 64)


def test_a_wall_of_text_is_refused_unread(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        session = ScanSession(store, "logistics:kees", DEPOT, lambda: NOW, ScanStep.RECEIVE)
        outcome = session.handle("HALT-LT-00001" * 400)
        assert outcome.verdict is Verdict.UNKNOWN and not outcome.events
        assert outcome.message("en") == "Too long for a code: 5200 characters (at most 48)."
        assert len(outcome.code.raw) == MAX_CODE_LENGTH
        assert store.device("HALT-LT-00001").state == "in_stock"  # type: ignore[union-attr]
        dpd = session.handle(" %000744005212345678901101276\r\n")  # a DPD label is read
        assert dpd.code.carrier == "dpd" and "Too long" not in dpd.message("en")
