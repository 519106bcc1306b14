"""Optional voice guidance through QtTextToSpeech (PySide6-Addons); silent without an engine.

It never raises: a missing module, no engine or an engine error only make it quiet.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QLocale, QObject

log = logging.getLogger(__name__)


class VoiceGuide(QObject):
    """Speaks each new screen's main text in the kiosk's language, when it can."""

    def __init__(self, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._speech: Any = None
        self._tried = False
        self.spoken: list[str] = []  # what was said (for tests; screen texts only)

    def _engine(self) -> Any:
        if self._tried:
            return self._speech
        self._tried = True
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech

            if not QTextToSpeech.availableEngines():
                log.info("no text-to-speech engine: voice guidance is off")
                return None
            self._speech = QTextToSpeech(self)
        except Exception as exc:  # any failure only means silence
            log.info("voice guidance unavailable: %s", type(exc).__name__)
            self._speech = None
        return self._speech

    def say(self, text: str, language: str) -> None:
        if not self.enabled or not text:
            return
        self.spoken.append(text)
        speech = self._engine()
        if speech is None:
            return
        try:
            speech.stop()
            speech.setLocale(
                QLocale(QLocale.Language.Japanese if language == "ja" else QLocale.Language.English)
            )
            speech.say(text)
        except Exception as exc:
            log.info("voice guidance failed: %s", type(exc).__name__)
