"""Building blocks shared by the screens: the screen frame, the flow's options as touch
buttons, a progress ring."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.reception import Event, Option
from kiosk.texts import Lines, Text, join
from kiosk.ui import theme
from kiosk.ui.i18n import current_language, say, say_lines


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


def button_name(option: Option) -> str:
    """A button's object name: its label's name (``option.agree`` -> ``agree``)."""
    return option.label.rpartition(".")[2]


class Choices(QWidget):
    """The flow's options for one screen, as touch buttons in a row or a column.

    ``events`` picks the options this group shows (all but 「やめる」 when empty). Each
    button shows its option's label, is enabled as the option says, and sends the option's
    event with its value through ``chosen``; the first one is the expected choice (unless
    ``primary`` is False: the screen's own control is).
    """

    chosen = Signal(object, object)  # (Event, value)

    def __init__(
        self,
        events: Collection[Event] = (),
        *,
        row: bool = True,
        height: int = 0,
        primary: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.events = frozenset(events)
        self.button_height = height
        self.primary = primary
        direction = QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom
        self.box = QBoxLayout(direction, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(32 if row else 20)
        self.buttons: list[QPushButton] = []
        self.options: tuple[Option, ...] = ()

    def takes(self, option: Option) -> bool:
        if self.events:
            return option.event in self.events
        return option.event is not Event.CANCEL

    def set_options(self, options: Sequence[Option]) -> None:
        """Show ``options`` (those this group takes), reusing the buttons already made."""
        self.options = tuple(o for o in options if self.takes(o))
        while len(self.buttons) < len(self.options):
            widget = button()
            if self.button_height:
                widget.setMinimumHeight(self.button_height)
            index = len(self.buttons)
            widget.clicked.connect(lambda _=False, i=index: self._clicked(i))
            self.box.addWidget(widget)
            self.buttons.append(widget)
        for index, widget in enumerate(self.buttons):
            if index < len(self.options):
                option = self.options[index]
                widget.setObjectName(button_name(option))
                widget.setEnabled(option.enabled)
                widget.setProperty("role", "primary" if index == 0 and self.primary else "")
                widget.style().unpolish(widget)
                widget.style().polish(widget)
                widget.show()
            else:
                widget.setObjectName("")
                widget.hide()
        self.setVisible(bool(self.options))
        self.retranslate()

    def retranslate(self) -> None:
        for widget, option in zip(self.buttons, self.options, strict=False):
            widget.setText(say(option.label))

    def reasons(self) -> list[str]:
        """Why the disabled options are disabled, in the current language."""
        return [say(o.reason) for o in self.options if not o.enabled and o.reason]

    def _clicked(self, index: int) -> None:
        if index < len(self.options):
            option = self.options[index]
            if option.enabled:
                self.chosen.emit(option.event, option.value)


class Screen(QWidget):
    """One patient-facing screen: a title, a body area and a small やめる/Cancel.

    ``show_data`` hands the screen what the flow says: ``body`` (the catalogue texts of the
    flow's screen), ``options`` (its buttons) and the facts the screen shows (tries left,
    codes, dates …). Subclasses fill ``self.body`` in ``build()`` and set their texts in
    ``retranslate()``. Every button sends its option through ``chosen(event, value)``; 「やめる」
    is shown only when the flow offers it.
    """

    screen_id: ClassVar[str] = ""
    chosen = Signal(object, object)  # (Event, value)

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
        self.cancel.clicked.connect(lambda: self.chosen.emit(Event.CANCEL, None))
        footer.addWidget(self.cancel)
        self.cancel.setVisible(False)
        outer.addLayout(footer)
        self.choices: list[Choices] = []
        self.build()
        self.retranslate()

    def build(self) -> None:
        """Create the screen's widgets in ``self.body``."""

    def add_choices(self, choices: Choices) -> Choices:
        """Register a group of option buttons (placed by the caller)."""
        choices.chosen.connect(self.chosen)
        self.choices.append(choices)
        return choices

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(self.data.get("options", ()))

    def texts(self) -> tuple[Text, ...]:
        """What the screen says: the flow's texts, else the screen's own ``<id>.body``."""
        body = self.data.get("body")
        return tuple(body) if body else (Text(f"{self.screen_id}.body"),)

    def lines(self, index: int = 0) -> Lines:
        """The lines of the screen's ``index``-th text (none when there is no such text)."""
        texts = self.texts()
        return say_lines(texts[index]) if index < len(texts) else ()

    def text(self, index: int = 0) -> str:
        """The screen's ``index``-th text as one string (its lines joined)."""
        return join(self.lines(index), current_language())

    def retranslate(self) -> None:
        """Set every visible text in the current language."""
        cancel = next((o for o in self.options if o.event is Event.CANCEL), None)
        self.cancel.setVisible(cancel is not None)
        if cancel is not None:
            self.cancel.setText(say(cancel.label))
        for choices in self.choices:
            choices.retranslate()

    def show_data(self, data: dict[str, Any]) -> None:
        """Show what the flow says about this step (texts, options, tries left, codes …)."""
        self.data = dict(data)
        for choices in self.choices:
            choices.set_options(self.options)
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
