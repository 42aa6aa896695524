"""The scan station on the real widgets: a pasted wall of text is refused and grows no
window (defect 1 of issue 22), and a good scan, an unknown code and a device in the wrong
state each look and sound different (defect 3)."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.scan_station import Verdict
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.scan_sounds import BEEPS, ScanSounds, tone_wav, write_sounds
from ui.scan_widget import ScanWidget

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def scan(qtbot: QtBot, widget: ScanWidget, code: str) -> None:
    """What a keyboard-wedge scanner does: a burst of keys, then Enter."""
    done = len(widget.outcomes)
    qtbot.keyClicks(widget.input, code)
    qtbot.keyClick(widget.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(widget.outcomes) > done)


def fits_on_screen(window: LogisticsWindow, width: int) -> None:
    """The window keeps the width it had, and nothing in it asks for more."""
    for _ in range(3):  # the layout requests the change posts, then the resize they make
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        layout = window.layout()
        assert layout is not None
        layout.activate()
    screen = window.screen().availableGeometry().width()
    assert window.width() <= max(width, screen)
    assert window.minimumSizeHint().width() <= screen
    assert window.minimumWidth() <= screen


def test_a_pasted_wall_of_text_is_refused_and_grows_no_window(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, "agent-1", lambda: LATER)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    window = getattr(main, "_logistics_window", None)
    assert isinstance(window, LogisticsWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.loaded)
    window._use_depot(DEPOT)
    window.resize(780, 600)
    width = window.width()
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the scan tab
    widget = window.scan
    widget.sound = lambda verdict: None
    QApplication.clipboard().setText("X" * 5000)
    done = len(widget.outcomes)
    widget.input.setFocus()
    widget.input.paste()
    assert len(widget.input.text()) == 5000
    qtbot.keyClick(widget.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(widget.outcomes) > done)
    outcome = widget.outcomes[-1]
    assert outcome.verdict is Verdict.UNKNOWN and not outcome.events
    assert "te lang" in widget.feedback.text().lower()
    assert "5000" in widget.feedback.text()
    assert len(widget.feedback.text()) < 300  # the text is not echoed whole
    fits_on_screen(window, width)
    scan(qtbot, widget, "HALT-LT-00002")  # the next scan
    assert widget.outcomes[-1].verdict is Verdict.WRONG_STATE
    fits_on_screen(window, width)
    window.close()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # reopened
    qtbot.waitUntil(window.isVisible)
    fits_on_screen(window, width)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F8)  # the device register
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.devices)
    fits_on_screen(window, width)
    window.devices.search.setFocus()
    window.devices.search.paste()  # the same wall of text in the register's search
    qtbot.keyClick(window.devices.search, Qt.Key.Key_Return)
    fits_on_screen(window, width)


def test_a_long_code_under_the_limit_wraps_and_grows_nothing(qtbot: QtBot, store: Store) -> None:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    window.resize(780, 600)
    width = window.width()
    window.show_scan()
    window.scan.sound = lambda verdict: None
    scan(qtbot, window.scan, "Q" * 60)  # no known code, short enough to be looked at
    assert window.scan.outcomes[-1].verdict is Verdict.UNKNOWN
    fits_on_screen(window, width)


def test_good_unknown_and_wrong_state_look_and_sound_different(qtbot: QtBot, store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW)
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    window.show_scan()
    widget = window.scan
    heard: list[Verdict] = []
    widget.sound = heard.append
    looks: dict[Verdict, tuple[str, str, QImage]] = {}
    for code in ("HALT-LT-00001", "3SHLTD123456789", "NOT-A-CODE!", "HALT-LT-00002"):
        scan(qtbot, widget, code)
        verdict = widget.outcomes[-1].verdict
        badge = widget.icon.pixmap().toImage()
        assert not badge.isNull()
        looks[verdict] = (widget.answer_colour(), widget.heading.text(), badge)
    assert list(looks) == [Verdict.NEXT, Verdict.GOOD, Verdict.UNKNOWN, Verdict.WRONG_STATE]
    assert heard == list(looks)
    unknown, wrong = looks[Verdict.UNKNOWN], looks[Verdict.WRONG_STATE]
    assert unknown[0] != wrong[0]  # colour
    assert unknown[1] == "Onbekende code" and wrong[1] == "Kan nu niet"  # heading
    assert unknown[2] != wrong[2]  # badge: "?" in a circle, "!" in an octagon
    assert len({look[0] for look in looks.values()}) == 4
    assert len({look[1] for look in looks.values()}) == 4


def test_each_answer_has_its_own_sound() -> None:
    """Four different WAV files (tones, lengths), and four different beep patterns for a
    laptop without an audio output."""
    sounds = {verdict: tone_wav(verdict) for verdict in Verdict}
    assert len(set(sounds.values())) == 4
    for verdict, data in sounds.items():
        with wave.open(io.BytesIO(data)) as wav:
            seconds = wav.getnframes() / wav.getframerate()
        assert 0.05 < seconds < 0.6, verdict
    with wave.open(io.BytesIO(sounds[Verdict.WRONG_STATE])) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.4  # the long low buzz
    assert BEEPS[Verdict.UNKNOWN] != BEEPS[Verdict.WRONG_STATE] != BEEPS[Verdict.GOOD]


def test_the_sounds_are_written_once_and_played_per_answer(qtbot: QtBot, tmp_path: Path) -> None:
    files = write_sounds(tmp_path)
    assert sorted(p.name for p in files.values()) == [
        "scan-good-48000-2.wav", "scan-next-48000-2.wav", "scan-unknown-48000-2.wav",
        "scan-wrong_state-48000-2.wav",
    ]  # fmt: skip
    with wave.open(str(write_sounds(tmp_path, 44_100, 1)[Verdict.NEXT])) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (44_100, 1)
    stamp = files[Verdict.GOOD].stat().st_mtime_ns
    assert write_sounds(tmp_path)[Verdict.GOOD].stat().st_mtime_ns == stamp
    player = ScanSounds(folder=tmp_path)
    player.play(Verdict.UNKNOWN)
    player.play(Verdict.WRONG_STATE)
    assert player.played == [Verdict.UNKNOWN, Verdict.WRONG_STATE]


def test_an_audio_output_loads_all_four_sounds(qtbot: QtBot, tmp_path: Path) -> None:
    """Where there is an audio output (a desk, not CI), Qt takes each generated WAV."""
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

    if not QMediaDevices.audioOutputs():
        pytest.skip("no audio output on this machine")
    player = ScanSounds(folder=tmp_path)
    player.play(Verdict.GOOD)
    effects = player._load()
    assert sorted(effects) == sorted(Verdict)
    waiting = (QSoundEffect.Status.Null, QSoundEffect.Status.Loading)
    qtbot.waitUntil(lambda: all(e.status() not in waiting for e in effects.values()))  # type: ignore[attr-defined]
    assert {e.status() for e in effects.values()} == {QSoundEffect.Status.Ready}  # type: ignore[attr-defined]
