"""The kiosk's language: Japanese first, English on request, every text from the catalogue.

Widgets never hold a sentence of their own: they ask :func:`say` (or :func:`say_lines`) for a
catalogue key (:mod:`kiosk.texts`) in the current language. Switching language
(:meth:`Languages.switch`) sends a ``LanguageChange`` event to every window; widgets re-read
their texts in ``retranslate()``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from kiosk.texts import LANGUAGES, SOURCE, Lines, Text, catalogue

PROPERTY = "kiosk_language"
"""The application property holding the current language."""


def current_language() -> str:
    """ "ja" or "en": the language the kiosk speaks now."""
    app = QCoreApplication.instance()
    language = app.property(PROPERTY) if app is not None else None
    return language if language in LANGUAGES else SOURCE


def say(key: str, **params: Any) -> str:
    """The catalogue's text ``key`` in the current language."""
    return catalogue().get(key, current_language(), **params)


def say_lines(text: Text) -> Lines:
    """The lines of ``text`` (a key with its parameters) in the current language."""
    return catalogue().render_lines(text, current_language())


class Languages:
    """Switches the application between Japanese and English."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app

    @property
    def current(self) -> str:
        return current_language()

    def switch(self, language: str) -> None:
        """Speak ``language`` ("ja" or "en") from now on; unknown: ValueError."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
        if language == self.current:
            return
        self._app.setProperty(PROPERTY, language)
        for window in QApplication.topLevelWidgets():
            QCoreApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))
