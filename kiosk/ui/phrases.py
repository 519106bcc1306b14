"""Japanese lines break between phrases, never inside a word (ロッ / ク, 市区 / 町村).

Qt breaks Japanese between any two characters. BudouX splits a sentence into phrases
(文節); inside a phrase every character is joined to the next by U+2060 WORD JOINER and
between phrases U+200B ZERO WIDTH SPACE marks the break, so Qt's line breaker only breaks
where a reader pauses. Text without Japanese is left as it is.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

JOIN = "\u2060"
BREAK = "\u200b"

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@functools.cache
def _parser() -> Any:
    import budoux

    return budoux.load_default_japanese_parser()


def phrases(text: str) -> list[str]:
    """``text`` cut into phrases (lines are cut separately); one piece when not Japanese."""
    if not _JAPANESE.search(text):
        return [text]
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
        out += _parser().parse(line) if line else []
    return out


def breakable(text: str) -> str:
    """``text`` with line breaks allowed only between phrases."""
    if not _JAPANESE.search(text):
        return text
    pieces = [JOIN.join(piece) if piece != "\n" else piece for piece in phrases(text)]
    out = ""
    for piece in pieces:
        if out and piece != "\n" and not out.endswith("\n"):
            out += BREAK
        out += piece
    return out


def plain(text: str) -> str:
    """``text`` without the joiners and break marks."""
    return text.replace(JOIN, "").replace(BREAK, "")


class PhraseLabel(QLabel):
    """A label that wraps Japanese at phrase boundaries; ``text()`` is the text as set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""

    def setText(self, text: str) -> None:
        self._text = text
        super().setText(breakable(text) if self.wordWrap() else text)

    def text(self) -> str:
        return self._text

    def shown_text(self) -> str:
        """The text as laid out (with the joiners)."""
        return super().text()
