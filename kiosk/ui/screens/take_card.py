"""take-card, card-left: the visit is over and the card still lies on the reader. The screen
asks for it (a chime repeats, see the controller) until the card is taken; after a while
(card-left) it says the staff were called. 「職員を呼ぶ」 as the flow offers it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from kiosk.reception import Event
from kiosk.ui import theme
from kiosk.ui.widgets import Choices, Screen, label, set_style_property

STAGES = ("take-card", "card-left")


class LiftedCard(QWidget):
    """A card rising off the reader with an arrow pointing up (drawn, no text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 200)
        self.lift = 0.0  # 0..1, animated

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = min(self.height() * 0.55, self.width() * 0.5 / 1.58)
        w = h * 1.58
        reader = QRectF((self.width() - w * 1.2) / 2, self.height() * 0.8, w * 1.2, h * 0.18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#8a9bb0"))
        painter.drawRoundedRect(reader, 8, 8)
        rise = self.height() * 0.12 * self.lift
        card = QRectF((self.width() - w) / 2, reader.top() - h - 4 - rise, w, h)
        painter.setPen(QPen(QColor(theme.ACCENT), 4))
        painter.setBrush(QColor("#eef3fa"))
        painter.drawRoundedRect(card, h * 0.08, h * 0.08)
        x = card.right() + w * 0.18
        top, bottom = card.top(), card.bottom()
        arrow = QPen(QColor(theme.ALERT), 10)
        arrow.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(arrow)
        painter.drawLine(QPointF(x, bottom), QPointF(x, top + 24))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.ALERT))
        painter.drawPolygon(
            QPolygonF([QPointF(x - 26, top + 30), QPointF(x + 26, top + 30), QPointF(x, top - 8)])
        )
        painter.end()


class TakeCardScreen(Screen):
    screen_id = "take-card"

    def build(self) -> None:
        self.hint = label("body")
        self.hint.setObjectName("card_still_there")
        self.body.addWidget(self.hint)
        self.picture = LiftedCard()
        self.body.addWidget(self.picture, 1)
        self.help = self.add_actions(Choices({Event.CALL_STAFF}, primary=False))
        self._rise = QTimer(self)
        self._rise.setInterval(60)
        self._rise.timeout.connect(self._animate)
        self._phase = 0

    @property
    def stage(self) -> str:
        stage = str(self.data.get("stage", STAGES[0]))
        return stage if stage in STAGES else STAGES[0]

    def _animate(self) -> None:
        self._phase = (self._phase + 1) % 30
        self.picture.lift = abs(15 - self._phase) / 15
        self.picture.update()

    def showEvent(self, event: object) -> None:
        self._rise.start()

    def hideEvent(self, event: object) -> None:
        self._rise.stop()

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)
        set_style_property(self.hint, "role", "alert" if self.stage == "card-left" else "body")

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
