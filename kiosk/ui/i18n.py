"""Japanese first, English through Qt's translation machinery (QTranslator + .qm).

Source strings are the Japanese texts, all in the single context ``"kiosk"``; every visible
string goes through :func:`tr` so that ``python -m kiosk.ui.i18n_tool`` can find it and the
English catalogue (``assets/translations/kiosk_en.ts`` → ``.qm``) can translate it.
Switching language posts a ``LanguageChange`` event to every widget; screens re-read their
texts in ``retranslate()``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.paths import assets_dir
from kiosk.ui.errors import UiError

CONTEXT = "kiosk"
LANGUAGES = ("ja", "en")


def tr(text: str) -> str:
    """``text`` (Japanese source) in the current language."""
    return QCoreApplication.translate(CONTEXT, text)


def current_language() -> str:
    """ "ja" or "en", as the installed translator says (a catalogue's own probe word)."""
    return "ja" if tr("やめる") == "やめる" else "en"


def catalogue_path(language: str) -> Path:
    """The compiled catalogue (.qm) for ``language``."""
    return assets_dir() / "translations" / f"kiosk_{language}.qm"


class Languages:
    """Switches the application between Japanese (no translator) and English."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        self.current = "ja"

    def switch(self, language: str) -> None:
        """Install the translator for ``language`` ("ja" removes it). Unknown: ValueError."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
        if language == self.current:
            return
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if language != "ja":
            translator = QTranslator(self._app)
            path = catalogue_path(language)
            if not translator.load(str(path)):
                raise UiError(
                    f"translation catalogue {path} is missing; run: python -m kiosk.ui.i18n_tool"
                )
            self._app.installTranslator(translator)
            self._translator = translator
        self.current = language
