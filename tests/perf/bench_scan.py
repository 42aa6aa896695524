"""Scan to on-screen acknowledgement with 10,000 devices in the local cache.

    .venv/bin/python -m tests.perf.bench_scan [DEVICES] [SWAPS]

Builds a cache with DEVICES loaners (default 10,000) and SWAPS reserved courier swaps
(default 200), opens the real scan screen offscreen and scans like a keyboard-wedge
scanner (the code typed into the field, then Enter): each reserved loaner's asset tag
(recognised, "scan the label"), then its courier label (shipped: three events recorded),
plus codes in the wrong state and unknown codes. Prints p50/p95/max of the time from
Enter to the answer painted in the feedback field, the UI thread's CPU time for showing the
answer, and the CPU time (user+sys, all threads) per scan with the load average.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from halt_desk.domain.events import Event, new_event
from halt_desk.logistics.scan_station import ScanOutcome, ScanSession, ScanStep
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events
from tests.swap_data import ALL_PASS, DEPOT, MODEL, depot_events
from ui.scan_widget import ScanWidget


def build(store: Store, devices: int, swaps: int) -> list[str]:
    events: list[Event] = [*reference_events(), *depot_events()]
    for number in range(1, devices + 1):
        stream = f"device:HALT-LT-{number:05d}"
        data = {"serial": f"SN{number:07d}", "model": MODEL, "org": "halt", "depot": DEPOT}
        events.append(new_event(stream, "device_registered", SETUP, "depot", data))
        events.append(new_event(stream, "readiness_checked", SETUP, "depot", ALL_PASS))
    tags: list[str] = []
    for index in range(swaps):
        ticket, swap, tag = f"T{index:05d}", f"T{index:05d}-SWAP1", f"HALT-LT-{index + 1:05d}"
        report = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone",
                  "priority": "P2"}  # fmt: skip
        opened = {"ticket": ticket, "org": "halt", "mode": "courier", "depot": DEPOT,
                  "home_address": "Straat 1"}  # fmt: skip
        events += [
            new_event(f"ticket:{ticket}", "ticket_reported", NOW, "agent", report),
            new_event(f"ticket:{ticket}", "swap_requested", NOW, "agent", {"swap": swap}),
            new_event(f"swap:{swap}", "swap_opened", NOW, "depot", opened),
            new_event(f"device:{tag}", "device_reserved", NOW, "depot",
                      {"swap": swap, "ticket": ticket}),
        ]  # fmt: skip
        tags.append(tag)
    store.record_events(events, bulk=True)
    return tags


def main(devices: int = 10_000, swaps: int = 200) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "cache.sqlite3", clock=lambda: NOW)
        started = time.perf_counter()
        tags = build(store, devices, swaps)
        print(f"cache: {devices} devices, {swaps} reserved swaps "
              f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        clock = lambda: NOW + timedelta(minutes=30)  # noqa: E731
        widget = ScanWidget(ScanSession(store, "logistics:bench", DEPOT, clock, ScanStep.SHIP))
        widget.sound = lambda *verdict: None
        widget.resize(900, 500)
        widget.show()
        app.processEvents()
        codes: list[str] = []
        for index, tag in enumerate(tags):
            codes += [tag, f"3SHLTD{index:09d}"]
        codes += [f"HALT-LT-{devices - i:05d}" for i in range(100)]  # in stock: wrong state
        codes += [f"NOPE{i}" for i in range(100)]  # unknown
        timings: dict[str, list[float]] = {}
        # One event loop per scan that the answer ends, rather than a processEvents() spin:
        # PySide6 6.12 on Python 3.11 drops a reference to None on every processEvents().
        loop = QEventLoop()
        shown = widget._done

        ui_cpu = [0.0]

        def done(outcome: ScanOutcome) -> None:
            began_cpu = time.thread_time()
            shown(outcome)
            widget.feedback.repaint()  # the answer on screen
            ui_cpu[0] += time.thread_time() - began_cpu
            loop.quit()

        widget._done = done  # type: ignore[method-assign]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = usage.ru_utime + usage.ru_stime
        for code in codes:
            done_before = len(widget.outcomes)
            widget.input.setText(code)
            began = time.perf_counter()
            QTest.keyClick(widget.input, Qt.Key.Key_Return)
            if len(widget.outcomes) == done_before:
                loop.exec()
            elapsed = (time.perf_counter() - began) * 1000
            timings.setdefault(widget.outcomes[-1].verdict.value, []).append(elapsed)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_ms = (usage.ru_utime + usage.ru_stime - cpu_before) * 1000 / len(codes)
        everything = sorted(t for values in timings.values() for t in values)
        for verdict, values in [*sorted(timings.items()), ("all", everything)]:
            values = sorted(values)
            p95 = values[max(0, int(len(values) * 0.95) - 1)]
            print(f"{verdict:12s} n={len(values):4d}  p50 {statistics.median(values):6.1f} ms"
                  f"  p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms")  # fmt: skip
        print(f"ui thread cpu in answer+paint {ui_cpu[0] * 1000 / len(codes):.2f} ms")
        load = os.getloadavg()[0]
        print(f"cpu per scan {cpu_ms:.1f} ms (user+sys, all threads); load average {load:.2f}")
        shipped = sum(1 for d in store.devices() if d.state == "shipped")
        print(f"shipped: {shipped} of {swaps}")
        widget.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*(int(a) for a in sys.argv[1:3])))
