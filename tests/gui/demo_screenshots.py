"""Screenshots of `halt-desk demo` under a real X server (Xvfb): the demo's main window with
its list filled and the demo's logistics queue with its open swaps.

    xvfb-run -a .venv/bin/python -m tests.gui.demo_screenshots OUT_DIR

Starts the demo as `halt-desk demo` does (a `DemoSession` in a throwaway data folder),
waits until the embedded central is up and synced, and grabs each window from the screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from halt_desk.logistics.swap_board import SwapStep
from tests.gui.screenshots import settle, shoot
from ui.app import DemoSession, application
from ui.logistics_window import LogisticsWindow

#: Seconds to wait for each stage (a loaded machine is slow, never wrong).
PATIENCE = 120.0


def _wait(app: object, done: object, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not done():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"demo screenshots: {what} did not happen in {PATIENCE:.0f} s")
        settle(app, 100)  # type: ignore[arg-type]


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HALT_DESK_DATA_DIR"] = folder
        session = DemoSession(Path(folder) / "demo").start()
        window = session.window
        try:
            window.move(0, 0)
            window.resize(1360, 820)
            _wait(app, lambda: window.model.rowCount() > 0, "the list filled")
            _wait(app, lambda: window.connection.text() == "Online", "the first sync")
            settle(app, 600)
            shoot(window, out / "demo-main-window.png")
            logistics = window.open_logistics()
            assert isinstance(logistics, LogisticsWindow)
            logistics.move(0, 0)
            logistics.resize(1360, 820)
            _wait(app, lambda: logistics.loaded, "the logistics queue read")
            steps = {row.step for row in logistics.queue.rows}
            if steps != set(SwapStep) - {SwapStep.CLOSED}:
                raise SystemExit(f"demo screenshots: the queue shows only {sorted(steps)}")
            settle(app, 600)
            shoot(logistics, out / "demo-logistics-queue.png")
            logistics.close()
        finally:
            session.close()
            window.close()
    print("\n".join(str(p) for p in sorted(out.glob("demo-*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
