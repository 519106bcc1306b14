"""The station's words: the ``[station]`` tables of the kiosk's text catalogue
(``assets/texts``, read through :mod:`kiosk.texts`) in Japanese and English; each member of
staff chooses their own language, whatever language the patient at a kiosk chose. Consent
items are named as everywhere else, by the catalogue's ``consent.<item>``."""

from __future__ import annotations

from kiosk.texts import LANGUAGES, SOURCE
from kiosk.texts import catalogue as texts

PREFIX = "station."
"""Where the station's words are in the catalogue; the page's script knows them by the rest
of the key (``login.title``)."""


def word(key: str, language: str, **values: object) -> str:
    """``station.<key>`` in ``language`` (Japanese when the language is unknown, the key
    itself when the catalogue lacks it)."""
    return _text(PREFIX + key, language, key, **values)


def consent_label(item: str, language: str) -> str:
    """The label of the consent item ``item`` (``consent.<item>``) in ``language``."""
    key = f"consent.{item}"
    return _text(key, language, key)


def catalogue(language: str) -> dict[str, str]:
    """Every station word in ``language``, keyed without ``station.`` (for the page's script)."""
    return {
        key.removeprefix(PREFIX): word(key.removeprefix(PREFIX), language)
        for key in sorted(texts().keys())
        if key.startswith(PREFIX)
    }


def language_name(code: str) -> str:
    """What the language ``code`` calls itself (the catalogue's ``language.<code>``)."""
    return texts().get(f"language.{code}", code)


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else SOURCE


def _text(key: str, language: str, missing: str, **values: object) -> str:
    found = texts()
    if not found.has(key):
        return missing
    return found.get(key, language_of(language), **values)
