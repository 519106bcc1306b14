"""phone-hold: hold the smartphone over the 汎用カードリーダー (a drawn phone above the
reader); the iPhone is confirmed with Face ID / Touch ID first; a phone taken away early
is asked for again. The マイナポータル screen is the other way."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from kiosk.reception import Event
from kiosk.ui import theme
from kiosk.ui.widgets import Choices, Screen, label


class PhonePicture(QWidget):
    """A phone held over a reader, with its contactless waves (no text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(260, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self.height() * 0.9
        w = h * 0.5
        left = (self.width() - w) / 2
        reader = QRectF(left - w * 0.4, self.height() * 0.78, w * 1.8, h * 0.12)
        painter.setPen(QPen(QColor("#8a9bb0"), 3))
        painter.setBrush(QColor("#dfe6ee"))
        painter.drawRoundedRect(reader, 8, 8)
        phone = QRectF(left, self.height() * 0.05, w, h * 0.62)
        painter.setPen(QPen(QColor(theme.ACCENT), 4))
        painter.setBrush(QColor("#eef3fa"))
        painter.drawRoundedRect(phone, w * 0.12, w * 0.12)
        screen = phone.adjusted(w * 0.08, w * 0.16, -w * 0.08, -w * 0.16)
        painter.setPen(QPen(QColor("#c9d3de"), 1))
        painter.setBrush(QColor("#c9d3de"))
        painter.drawRect(screen)
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.setPen(QPen(QColor(theme.ACCENT), 3))
        centre_x = phone.center().x()
        for ring in range(3):
            r = w * (0.25 + 0.18 * ring)
            arc = QRectF(centre_x - r, phone.bottom() - r * 0.2, 2 * r, r * 0.9)
            painter.drawArc(arc, 200 * 16, 140 * 16)
        painter.end()


class PhoneHoldScreen(Screen):
    screen_id = "phone-hold"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.moved = label("alert")
        self.moved.setObjectName("phone_moved")
        self.body.addWidget(self.moved)
        self.picture = PhonePicture()
        self.body.addWidget(self.picture, 1)
        self.portal = self.add_actions(Choices({Event.CALL_STAFF}, primary=False))

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)
        self.moved.setText(self.text(1))
        self.moved.setVisible(bool(self.moved.text()))

    def spoken_text(self) -> str:
        return " ".join(t for t in (self.moved.text(), self.title.text(), self.hint.text()) if t)
