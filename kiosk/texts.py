"""Every text the kiosk shows: one catalogue, keyed by screen and reason.

Japanese is the source (``assets/texts/ja.toml``); ``assets/texts/en.toml`` is its English
translation with the same keys and the same ``{name}`` fields. A key is ``<table>.<name>``
(``pin-locked.body``, ``reason.pin_locked``, ``option.agree``); a :class:`datetime.date`
parameter is written in the language's own date format (``format.date``).

A text is one string or a list of lines: a screen shows the first line as its heading and
the others below it; joined (without a space in Japanese, with one in English, empty lines
left out) they are the text the headless printer prints. The headless printer, the Qt
screens, the face guidance, the staff side and the staff station (``station.*``, through
:mod:`kiosk.station.words`) all read this catalogue.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.paths import assets_dir

LANGUAGES = ("ja", "en")
SOURCE = "ja"

SENTENCE_GAP = {"ja": "", "en": " "}
"""What goes between two sentences of one text, per language."""

Lines = tuple[str, ...]


class CatalogueError(KioskError):
    """A catalogue file that is missing, unreadable or lacks a key."""


@dataclass(frozen=True)
class Text:
    """A catalogue key with its parameters: what a screen says, in no language yet."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


class Catalogue:
    """Every language's texts: ``get(key, language, **params)``."""

    def __init__(self, languages: Mapping[str, Mapping[str, str | Lines]]) -> None:
        self._texts = {
            lang: {key: (v,) if isinstance(v, str) else tuple(v) for key, v in entries.items()}
            for lang, entries in languages.items()
        }

    @classmethod
    def load(cls, folder: Path | None = None) -> Catalogue:
        where = folder or assets_dir() / "texts"
        languages: dict[str, dict[str, str | Lines]] = {}
        for language in LANGUAGES:
            path = where / f"{language}.toml"
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise CatalogueError(f"text catalogue {path}: {exc}") from None
            languages[language] = dict(_flatten(data))
        return cls(languages)

    def keys(self, language: str = SOURCE) -> set[str]:
        return set(self._texts[language])

    def has(self, key: str) -> bool:
        return key in self._texts[SOURCE]

    def get(self, key: str, language: str = SOURCE, **params: Any) -> str:
        """The text of ``key`` in ``language`` (the Japanese source when not translated)."""
        return join(self.lines(key, language, **params), language)

    def lines(self, key: str, language: str = SOURCE, **params: Any) -> Lines:
        """The lines of ``key`` in ``language``, parameters filled in."""
        if language not in self._texts:
            raise CatalogueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
        entries = self._texts[language]
        template = entries.get(key, self._texts[SOURCE].get(key))
        if template is None:
            raise CatalogueError(f"no text {key!r} in the catalogue")
        if not params:
            return template
        values = {k: self._value(v, language) for k, v in params.items()}
        try:
            return tuple(line.format(**values) for line in template)
        except (KeyError, IndexError, ValueError) as exc:
            raise CatalogueError(f"text {key!r} ({language}): bad parameters: {exc}") from None

    def render(self, text: Text, language: str = SOURCE) -> str:
        return self.get(text.key, language, **text.params)

    def render_lines(self, text: Text, language: str = SOURCE) -> Lines:
        return self.lines(text.key, language, **text.params)

    def template(self, key: str, language: str = SOURCE) -> Lines:
        """The lines of ``key`` as written, fields unfilled (for checks of the catalogue)."""
        return self._texts[language][key]

    def _value(self, value: Any, language: str) -> Any:
        if isinstance(value, Text):
            return self.render(value, language)
        if isinstance(value, date):
            return self.get(
                "format.date",
                language,
                year=value.year,
                day=value.day,
                month=value.month,
                month_name=value.strftime("%B"),
            )
        return value


def join(lines: Lines, language: str = SOURCE) -> str:
    """``lines`` as one text: sentences side by side, empty lines left out."""
    return SENTENCE_GAP.get(language, " ").join(line for line in lines if line)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str | Lines]]:
    out: list[tuple[str, str | Lines]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out += _flatten(value, f"{name}.")
        elif isinstance(value, list):
            out.append((name, tuple(str(line) for line in value)))
        else:
            out.append((name, str(value)))
    return out


@functools.cache
def catalogue() -> Catalogue:
    """The kiosk's catalogue from ``assets/texts`` (read once)."""
    return Catalogue.load()


def say(key: str, language: str = SOURCE, **params: Any) -> str:
    """Shorthand: ``catalogue().get(key, language, **params)``."""
    return catalogue().get(key, language, **params)
