"""Scanning with the webcam on the real widgets: label pictures fed as video frames into
the camera view's QVideoSink (the camera is the only thing replaced; zxing-cpp decodes
them for real) reach the same path as a code typed or sent by a scanner, in the scan
station and in the field view; frames are thinned out and a label held up counts once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices, QVideoFrame
from pytestqt.qtbot import QtBot

from halt_desk.domain.swaps import SwapMode
from halt_desk.field.route import FieldAction
from halt_desk.logistics.scan_station import Verdict
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from tests.camera_frames import HAS_PDFTOPPM, carrier_code, empty_desk, held_up, printed_labels
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.camera_scanner import REPEAT_AFTER, CameraScanner
from ui.logistics_window import LogisticsWindow

LATER = NOW + timedelta(hours=1)
needs_pdftoppm = pytest.mark.skipif(not HAS_PDFTOPPM, reason="needs poppler-utils (setup.sh)")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
    return path


@pytest.fixture
def store(cache: Path) -> Iterator[Store]:
    with Store.open(cache, clock=lambda: NOW) as opened:
        yield opened


class Clock:
    """Seconds that move only when the test says so (the frame thinning reads them)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def feed(qtbot: QtBot, scanner: CameraScanner, image: QImage) -> None:
    """One frame into the sink, as the camera would put it, and its decode finished."""
    decoded = scanner.frames_decoded
    scanner.sink.setVideoFrame(QVideoFrame(image))
    qtbot.waitUntil(lambda: scanner.frames_decoded > decoded, timeout=20_000)


def test_without_a_camera_it_says_so_in_dutch(qtbot: QtBot) -> None:
    if QMediaDevices.videoInputs():
        pytest.skip("this machine has a camera")
    scanner = CameraScanner()
    qtbot.addWidget(scanner)
    assert scanner.start() is False
    expected = "Geen camera gevonden. Sluit een webcam aan, of typ of scan de code in het veld."
    assert scanner.preview.text() == expected
    assert scanner.status.full_text() == "Camera uit."


@needs_pdftoppm
def test_frames_are_thinned_out_and_a_label_held_up_counts_once(
    qtbot: QtBot, cache: Path, tmp_path: Path
) -> None:
    clock = Clock()
    scanner = CameraScanner(clock=clock)
    qtbot.addWidget(scanner)
    read: list[str] = []
    scanner.decoded.connect(read.append)
    label = held_up(printed_labels(cache, ["HALT-LT-00002"], tmp_path)[0])
    for _ in range(10):  # a burst within one decode's time: one decode, the rest dropped
        scanner.sink.setVideoFrame(QVideoFrame(label))
    assert scanner.frames_seen == 10
    qtbot.waitUntil(lambda: scanner.frames_decoded == 1, timeout=20_000)
    assert read == ["HALT-LT-00002"]
    assert not scanner.preview.pixmap().isNull()  # the preview shows the picture
    clock.now += 0.5
    feed(qtbot, scanner, label)  # still held up: not a new scan
    clock.now += 0.5
    feed(qtbot, scanner, empty_desk())
    clock.now += REPEAT_AFTER + 0.5
    feed(qtbot, scanner, label)  # shown again after a while: a new scan
    assert read == ["HALT-LT-00002", "HALT-LT-00002"]
    assert scanner.frames_decoded == 4
    assert scanner.status.full_text() == "Gelezen: HALT-LT-00002"


@needs_pdftoppm
def test_the_camera_ships_a_loaner_at_the_scan_station(
    qtbot: QtBot, store: Store, cache: Path, tmp_path: Path
) -> None:
    ticket = swap_ticket(store, NOW)
    open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW)
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    window.show_scan()
    widget = window.scan
    widget.sound = lambda verdict: None
    assert widget.camera is None  # QtMultimedia only once asked for
    widget.camera_button.click()  # F6
    camera = widget.camera
    assert camera is not None and camera.isVisible()
    clock = Clock()
    camera.clock = clock
    asset_label = held_up(printed_labels(cache, ["HALT-LT-00001"], tmp_path)[0], angle=-6)
    feed(qtbot, camera, asset_label)
    qtbot.waitUntil(lambda: len(widget.outcomes) == 1)
    assert widget.outcomes[-1].verdict is Verdict.NEXT
    assert "verzendlabel" in widget.feedback.text()
    clock.now += 1
    parcel = held_up(carrier_code("3SHLTD123456789", zxingcpp.BarcodeFormat.DataMatrix), 8, 0.3)
    feed(qtbot, camera, parcel)
    qtbot.waitUntil(lambda: len(widget.outcomes) == 2)
    assert widget.outcomes[-1].verdict is Verdict.GOOD
    assert "verzonden met PostNL" in widget.feedback.text()
    assert store.device("HALT-LT-00001").state == "shipped"  # type: ignore[union-attr]
    widget.camera_button.click()
    assert not camera.isVisible()
    assert camera.status.full_text() == "Camera uit."
    widget.camera_button.click()
    assert camera.isVisible()
    window.show_devices()  # another tab: the camera goes off
    assert not widget.camera_button.isChecked() and camera.camera is None
    window.show_scan()
    assert not camera.isVisible()


@needs_pdftoppm
def test_the_camera_fills_the_field_views_scan_field(
    qtbot: QtBot, store: Store, cache: Path, tmp_path: Path
) -> None:
    from ui.field_view import FieldView

    view = FieldView(store, "field:piet", lambda: LATER)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded)
    view.camera_button.click()
    assert view.camera is not None and view.camera.isVisible()
    label = held_up(printed_labels(cache, ["HALT-LT-00003"], tmp_path)[0], angle=3)
    feed(qtbot, view.camera, label)
    qtbot.waitUntil(lambda: view.scan.text() == "HALT-LT-00003")
    assert view.message.text() == "Gelezen door de camera: HALT-LT-00003"
    assert view.request_for(FieldAction.LOANER_ISSUED).asset_tag == "HALT-LT-00003"
