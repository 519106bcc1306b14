"""Building blocks shared by the screens: the screen frame, touch buttons, a progress ring."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.i18n import tr


def label(role: str, *, wrap: bool = True, center: bool = True) -> QLabel:
    """A label styled by ``role`` (title, body, small, alert, code, dots)."""
    widget = QLabel()
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def button(role: str = "", name: str = "") -> QPushButton:
    """A touch button; ``role`` "primary" for the expected choice; ``name`` for tests."""
    widget = QPushButton()
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    widget.setMinimumHeight(theme.TOUCH_PX)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


class Screen(QWidget):
    """One patient-facing screen: a title, a body area and a small やめる/Cancel.

    Subclasses fill ``self.body`` in ``build()``, set their texts in ``retranslate()`` and
    show the flow's data in ``show_data()``. ``cancel_requested`` is the only intent common
    to every screen (the completion screen has no cancel).
    """

    screen_id: ClassVar[str] = ""
    has_cancel: ClassVar[bool] = True
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.data: dict[str, Any] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 36, 48, 28)
        outer.setSpacing(20)
        self.title = label("title")
        outer.addWidget(self.title)
        self.body = QVBoxLayout()
        self.body.setSpacing(20)
        outer.addLayout(self.body, 1)
        footer = QHBoxLayout()
        footer.addStretch(1)
        self.cancel = button("cancel", "cancel")
        self.cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel.clicked.connect(self.cancel_requested)
        footer.addWidget(self.cancel)
        self.cancel.setVisible(self.has_cancel)
        outer.addLayout(footer)
        self.build()
        self.retranslate()

    def build(self) -> None:
        """Create the screen's widgets in ``self.body``."""

    def retranslate(self) -> None:
        """Set every visible text in the current language."""
        self.cancel.setText(tr("やめる"))
        self.cancel.setVisible(self.has_cancel and bool(self.data.get("can_cancel", True)))

    def show_data(self, data: dict[str, Any]) -> None:
        """Show what the flow says about this step (tries left, codes, dates …)."""
        self.data = dict(data)
        self.retranslate()

    def spoken_text(self) -> str:
        """What voice guidance says when the screen appears."""
        return self.title.text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ProgressRing(QWidget):
    """A ring filled clockwise to ``value`` (0.0–1.0); ``None`` spins as 'busy'."""

    def __init__(self, diameter: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(diameter, diameter)
        self._value: float | None = 0.0
        self._phase = 0

    def set_value(self, value: float | None) -> None:
        self._value = None if value is None else max(0.0, min(1.0, value))
        self.update()

    def step(self) -> None:
        """Advance the busy animation by one frame."""
        self._phase = (self._phase + 30) % 360
        self.update()

    def value(self) -> float | None:
        return self._value

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 14
        rect = QRectF(width, width, self.width() - 2 * width, self.height() - 2 * width)
        painter.setPen(QPen(QColor("#d0d7e2"), width))
        painter.drawEllipse(rect)
        pen = QPen(QColor(theme.ACCENT), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        if self._value is None:
            painter.drawArc(rect, (90 - self._phase) * 16, -100 * 16)
        else:
            painter.drawArc(rect, 90 * 16, int(-360 * 16 * self._value))
        painter.end()
