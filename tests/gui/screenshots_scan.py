"""Screenshots of the scan station under a real X server: a good scan, an unknown code, a
device in the wrong state, a pasted wall of text, and the camera preview with a printed
label fed as frames (the camera is the only thing replaced):

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_scan OUT

Prints per PNG the answer box's rectangle in it ("answer NAME x y w h") and the window's
width ("width NAME W"), for the test that looks at the colours."""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import zxingcpp
from PySide6.QtCore import QPoint
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QApplication

from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from tests.camera_frames import carrier_code, held_up, printed_labels
from tests.desk_data import NOW, reference_events
from tests.gui.screenshots import settle, shoot
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.app import application
from ui.logistics_window import LogisticsWindow

LATER = NOW + timedelta(hours=1)


def scan(app: QApplication, window: LogisticsWindow, code: str) -> None:
    done = len(window.scan.outcomes)
    window.scan.input.setText(code)
    window.scan.submit()
    while len(window.scan.outcomes) == done:
        settle(app, 50)
    settle(app, 200)


def take(window: LogisticsWindow, out: Path, name: str) -> None:
    shoot(window, out / name)
    answer = window.scan.answer
    corner = answer.mapTo(window, QPoint(0, 0))
    frame = window.frameGeometry().topLeft()
    inside = window.geometry().topLeft() - frame  # the title bar, if a window manager drew one
    x, y = corner.x() + inside.x(), corner.y() + inside.y()
    print(f"answer {name} {x} {y} {answer.width()} {answer.height()}")
    print(f"width {name} {window.width()}")


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "cache.sqlite3"
        with Store.open(cache, clock=lambda: NOW) as store:
            store.record_events(
                [*reference_events(), *depot_events(), *loaner_events(6)], bulk=True
            )
            for tag in ("HALT-LT-00001", "HALT-LT-00003"):
                ticket = swap_ticket(store, NOW)
                open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, tag), "depot", NOW)
            labels = printed_labels(cache, ["HALT-LT-00003"], Path(folder))
            window = LogisticsWindow(store, "logistics:kees.brouwer", lambda: LATER, DEPOT)
            window.move(0, 0)
            window.resize(1280, 760)
            window.show()
            while not window.loaded:
                settle(app, 100)
            window.show_scan()
            window.scan.sound = lambda verdict: None
            settle(app)
            scan(app, window, "HALT-LT-00001")
            scan(app, window, "3SHLTD123456789")
            take(window, out, "scan-good.png")
            scan(app, window, "NIET-EEN-CODE!")
            take(window, out, "scan-unknown.png")
            scan(app, window, "HALT-LT-00002")
            take(window, out, "scan-wrong-state.png")
            scan(app, window, "X" * 5000)
            take(window, out, "scan-pasted.png")
            camera_screen(app, window, labels[0], out)
            window.close()
            field_screen(app, store, labels[0], out)
    return 0


def camera_screen(app: QApplication, window: LogisticsWindow, label: object, out: Path) -> None:
    """The camera on (F6), a printed label held up: read, and scanned like a typed code."""
    window.scan.camera_button.click()
    scanner = window.scan.camera
    assert scanner is not None
    settle(app)
    done = len(window.scan.outcomes)
    scanner.sink.setVideoFrame(QVideoFrame(held_up(label, angle=-5)))  # type: ignore[arg-type]
    while len(window.scan.outcomes) == done:
        settle(app, 50)
    settle(app, 200)
    take(window, out, "scan-camera.png")
    parcel = held_up(carrier_code("3SHLTD987654321", zxingcpp.BarcodeFormat.DataMatrix), 7, 0.3)
    scanner._last_decode = -1e9  # the next frame is decoded now, not after the thinning
    done = len(window.scan.outcomes)
    scanner.sink.setVideoFrame(QVideoFrame(parcel))
    while len(window.scan.outcomes) == done:
        settle(app, 50)
    settle(app, 200)
    take(window, out, "scan-camera-parcel.png")


def field_screen(app: QApplication, store: Store, label: object, out: Path) -> None:
    """The field view with the camera on: the label read into its scan field."""
    from ui.field_view import FieldView

    view = FieldView(store, "field:piet", lambda: LATER)
    view.move(0, 0)
    view.show()
    while not view.loaded:
        settle(app, 100)
    view.camera_button.click()
    assert view.camera is not None
    view.camera.sink.setVideoFrame(QVideoFrame(held_up(label, angle=6)))  # type: ignore[arg-type]
    while not view.scan.text():
        settle(app, 50)
    settle(app)
    shoot(view, out / "field-camera.png")
    print(f"field-scan {view.scan.text()}")
    view.close()


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
