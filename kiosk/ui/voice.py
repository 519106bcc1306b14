"""Voice guidance and the kiosk's sounds, played through QtMultimedia.

Speech comes from the engines of :mod:`kiosk.ui.speech` (Open JTalk for Japanese, eSpeak NG
for English), run with QProcess so the GUI never waits: each one writes a WAV file (kept
for the session, one per sentence and language, in a private temporary folder) that a
QSoundEffect plays. Without an engine for the language or without an audio output the
kiosk is silent and says so: :attr:`VoiceGuide.on` is False, the reason is logged once and
every screen shows 「音声案内なし」. It never raises.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QUrl

from kiosk.ui import speech
from kiosk.ui.sounds import sound_path

log = logging.getLogger(__name__)


def audio_outputs() -> list[str]:
    """The audio outputs Qt can play to (empty: nothing would be heard)."""
    try:
        from PySide6.QtMultimedia import QMediaDevices

        return [device.description() for device in QMediaDevices.audioOutputs()]
    except Exception as exc:  # QtMultimedia missing or broken: no sound
        log.info("no audio: %s", type(exc).__name__)
        return []


class VoiceGuide(QObject):
    """Speaks each new screen's text in the kiosk's language; plays the beep and the chime."""

    def __init__(
        self,
        enabled: bool = True,
        parent: QObject | None = None,
        *,
        engines: dict[str, speech.Engine] | None = None,
        outputs: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.engines = speech.engines() if engines is None and enabled else (engines or {})
        self.outputs = (audio_outputs() if enabled else []) if outputs is None else outputs
        self.spoken: list[str] = []  # what was said (for tests; screen texts only)
        self.played: list[str] = []  # sounds played (beep, chime)
        self.written: list[Path] = []  # speech files made
        self._folder: Path | None = None
        self._process: QProcess | None = None
        self._effects: dict[str, Any] = {}
        self._voice: Any = None
        self.reason = self._why_off()
        if self.reason and enabled:
            log.warning("voice guidance is off: %s", self.reason)

    # -- state ----------------------------------------------------------------------------
    def _why_off(self) -> str:
        if not self.enabled:
            return "turned off (--no-voice)"
        if not self.outputs:
            return "no audio output (is PulseAudio or PipeWire running?)"
        lacking = {k: v for k, v in speech.PACKAGES.items() if k not in self.engines}
        if lacking:
            return "no speech engine for " + ", ".join(
                f"{language} (apt install {packages})" for language, packages in lacking.items()
            )
        return ""

    @property
    def on(self) -> bool:
        """Whether the patient can hear the guidance."""
        return self.enabled and bool(self.outputs) and bool(self.engines)

    # -- speech ---------------------------------------------------------------------------
    def say(self, text: str, language: str) -> None:
        if not self.enabled or not text:
            return
        self.spoken.append(text)
        engine = self.engines.get(language)
        if engine is None:
            return
        try:
            self._speak(engine, text)
        except Exception as exc:  # any failure only means silence
            log.info("voice guidance failed: %s", type(exc).__name__)

    def synthesize(self, engine: speech.Engine, text: str) -> tuple[QProcess | None, Path]:
        """Start writing ``text`` as speech; (the process, or None when the file exists)."""
        digest = hashlib.sha256(f"{engine.language}\n{text}".encode()).hexdigest()[:20]
        out = self._cache() / f"{engine.language}-{digest}.wav"
        if out.exists():
            return None, out
        process = QProcess(self)
        process.setProgram(engine.argv(out)[0])
        process.setArguments(engine.argv(out)[1:])
        process.start()
        process.write(text.encode("utf-8") + b"\n")
        process.closeWriteChannel()
        return process, out

    def _speak(self, engine: speech.Engine, text: str) -> None:
        self.stop()
        process, out = self.synthesize(engine, text)
        if process is None:
            self._play_file(out)
            return
        self._process = process
        process.finished.connect(lambda code, _status, p=process, o=out: self._made(p, o, code))

    def _made(self, process: QProcess, out: Path, code: int) -> None:
        if code != 0 or not out.exists():
            log.info("speech engine exited with %s", code)
            out.unlink(missing_ok=True)
            return
        self.written.append(out)
        if process is self._process:  # not replaced by a newer screen meanwhile
            self._process = None
            self._play_file(out)

    def _play_file(self, path: Path) -> None:
        if not self.outputs:
            return
        from PySide6.QtMultimedia import QSoundEffect

        if self._voice is None:
            self._voice = QSoundEffect(self)
        self._voice.stop()
        self._voice.setSource(QUrl.fromLocalFile(str(path)))
        self._voice.play()

    def stop(self) -> None:
        """Stop what is being said (a new screen speaks instead)."""
        process, self._process = self._process, None
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.kill()
            process.waitForFinished(1000)
        if self._voice is not None:
            self._voice.stop()

    # -- sounds ---------------------------------------------------------------------------
    def play(self, name: str) -> None:
        """Play ``beep`` or ``chime`` (heard whenever there is an audio output)."""
        self.played.append(name)
        if not self.outputs:
            return
        try:
            from PySide6.QtMultimedia import QSoundEffect

            effect = self._effects.get(name)
            if effect is None:
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(sound_path(name))))
                self._effects[name] = effect
            effect.play()
        except Exception as exc:
            log.info("sound %s failed: %s", name, type(exc).__name__)

    # -- files ----------------------------------------------------------------------------
    def _cache(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="kiosk-voice-"))
        return self._folder

    def close(self) -> None:
        self.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
