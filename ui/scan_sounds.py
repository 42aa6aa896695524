"""What the scan station sounds like: a different sound for each answer, so a person who
does not look at the screen still knows (a good scan, the next scan wanted, an unknown
code, a device in the wrong state). Short tones written as WAV files on first use (no
sound files to ship), in the audio output's own rate, and played with QSoundEffect;
without an audio output (or one that refuses them) the system beep, in a different
pattern per answer."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtWidgets import QApplication

from halt_desk.logistics.scan_station import Verdict
from halt_desk.paths import user_data_dir

#: The sounds' default format: what nearly every audio output plays as it is.
RATE, CHANNELS = 48_000, 2
#: Per answer: the tones (frequency in Hz, length in ms), each followed by a short pause.
TONES: dict[Verdict, tuple[tuple[int, int], ...]] = {
    Verdict.GOOD: ((988, 90), (1319, 140)),  # rising, bright: done
    Verdict.NEXT: ((880, 80),),  # one short blip: go on
    Verdict.UNKNOWN: ((660, 70), (660, 70), (660, 70)),  # three quick ticks: what is this?
    Verdict.WRONG_STATE: ((196, 450),),  # one long low buzz: stop, not now
}
#: Without an audio output: how many system beeps, and how far apart (ms).
BEEPS: dict[Verdict, tuple[int, int]] = {
    Verdict.GOOD: (1, 0),
    Verdict.NEXT: (1, 0),
    Verdict.UNKNOWN: (3, 120),
    Verdict.WRONG_STATE: (2, 400),
}
_GAP_MS = 40


def tone_wav(verdict: Verdict, rate: int = RATE, channels: int = CHANNELS) -> bytes:
    """The answer's sound as a 16-bit WAV (soft edges, no clicks)."""
    frames = bytearray()
    for frequency, length in TONES[verdict]:
        count = rate * length // 1000
        fade = max(1, rate * 8 // 1000)
        for i in range(count):
            edge = min(1.0, i / fade, (count - 1 - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / rate)
            if verdict is Verdict.WRONG_STATE:  # a buzz: square-ish, not a pure tone
                value = math.copysign(min(1.0, abs(value) * 3), value)
            frames += struct.pack("<h", int(value * edge * 0.5 * 32767)) * channels
        frames += b"\0\0" * channels * (rate * _GAP_MS // 1000)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def write_sounds(folder: Path, rate: int = RATE, channels: int = CHANNELS) -> dict[Verdict, Path]:
    """The four WAV files in `folder` (written again only when missing or different)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for verdict in Verdict:
        path = folder / f"scan-{verdict.value}-{rate}-{channels}.wav"
        data = tone_wav(verdict, rate, channels)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        files[verdict] = path
    return files


class ScanSounds(QObject):
    """`play(verdict)`: the answer's sound, or its beep pattern without an audio output."""

    def __init__(self, parent: QObject | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._effects: dict[Verdict, object] | None = None
        self.played: list[Verdict] = []  # what was played, in order (tests, the self-test)

    def play(self, verdict: Verdict) -> None:
        self.played.append(verdict)
        effects = self._load()
        effect = effects.get(verdict)
        if effect is not None and effect.status() != effect.Status.Error:  # type: ignore[attr-defined]
            effect.play()  # type: ignore[attr-defined]
            return
        count, gap = BEEPS[verdict]
        QApplication.beep()
        for n in range(1, count):
            QTimer.singleShot(n * gap, QApplication.beep)

    def _load(self) -> dict[Verdict, object]:
        """QSoundEffects for the four sounds; none without an audio output."""
        if self._effects is not None:
            return self._effects
        self._effects = {}
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError:  # a Qt without its multimedia module: beeps
            return self._effects
        if not QMediaDevices.audioOutputs():
            return self._effects
        # In the output's own rate and channels: played as it is, never refused.
        preferred = QMediaDevices.defaultAudioOutput().preferredFormat()
        rate = preferred.sampleRate() if preferred.sampleRate() > 0 else RATE
        channels = min(2, preferred.channelCount()) if preferred.channelCount() > 0 else CHANNELS
        folder = self._folder or user_data_dir() / "sounds"
        for verdict, path in write_sounds(folder, rate, channels).items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.6)
            self._effects[verdict] = effect
        return self._effects
