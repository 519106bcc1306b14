"""start: place the card, photo side up (the language switch is in every screen's top bar)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from kiosk.reception import Event
from kiosk.ui import theme
from kiosk.ui.widgets import Choices, Screen, label


class CardPicture(QWidget):
    """A drawn card lying photo side up on the reader (no text: it needs no translation)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = min(self.height() * 0.9, self.width() * 0.9 / 1.58)
        w = h * 1.58  # ID-1 card proportions
        card = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        painter.setPen(QPen(QColor(theme.ACCENT), 4))
        painter.setBrush(QColor("#eef3fa"))
        painter.drawRoundedRect(card, h * 0.08, h * 0.08)
        photo = QRectF(card.right() - w * 0.3, card.top() + h * 0.18, w * 0.22, h * 0.6)
        painter.setBrush(QColor("#c9d3de"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRect(photo)
        painter.setBrush(QColor("#8a9bb0"))
        painter.drawEllipse(photo.center(), photo.width() * 0.28, photo.height() * 0.22)
        painter.setPen(QPen(QColor("#8a9bb0"), max(3.0, h * 0.04)))
        for row in range(4):
            y = card.top() + h * (0.25 + 0.15 * row)
            painter.drawLine(
                int(card.left() + w * 0.1), int(y), int(card.left() + w * 0.55), int(y)
            )
        painter.end()


class StartScreen(Screen):
    """The idle screen. Nothing to cancel here, so no やめる."""

    screen_id = "start"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.card = CardPicture()
        self.body.addWidget(self.card, 1)
        # beside the card: the smartphone, when the facility has a reader for it
        self.phone = self.add_actions(Choices({Event.CHOOSE_PHONE}, primary=False))

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
