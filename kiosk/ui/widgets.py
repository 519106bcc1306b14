"""Building blocks shared by the screens: the screen frame (top bar, title, body, action
bar), the flow's options as touch buttons, a progress ring."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QPen, QResizeEvent
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
from kiosk.texts import LANGUAGES, Lines, Text, catalogue, join
from kiosk.ui import theme
from kiosk.ui.i18n import current_language, say, say_lines
from kiosk.ui.phrases import PhraseLabel


def label(role: str, *, wrap: bool = True, center: bool = True) -> QLabel:
    """A label styled by ``role`` (title, body, fact, small, alert, warning, code, dots …);
    Japanese wraps between phrases."""
    widget = PhraseLabel()
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


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a property it selects on changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on, re-styling only when it changes."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    restyle(widget)


def heading(text: str) -> str:
    """A title as shown: without the language's closing 「。」 or full stop."""
    text = text.strip()
    stop = say("format.full_stop")
    return text.removesuffix(stop) if stop else text


def button_name(option: Option) -> str:
    """A button's object name: its label's name (``option.agree`` -> ``agree``)."""
    return option.label.rpartition(".")[2]


class Choices(QWidget):
    """The flow's options for one screen, as touch buttons in a row or a column.

    ``events`` picks the options this group shows (all but 「やめる」 when empty). Each
    button shows its option's label, is enabled as the option says, and sends the option's
    event with its value through ``chosen``; the first one is the expected choice (unless
    ``primary`` is False: the screen's own control is). ``role`` styles every button
    ("tile": the large choice tiles). In the action bar (``bar``) the buttons run right to
    left, so the expected choice is the rightmost.
    """

    chosen = Signal(object, object)  # (Event, value)

    def __init__(
        self,
        events: Collection[Event] = (),
        *,
        row: bool = True,
        primary: bool = True,
        role: str = "",
        bar: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.events = frozenset(events)
        self.primary = primary
        self.role = role
        self.bar = bar
        if bar:
            direction = QBoxLayout.Direction.RightToLeft
        elif row:
            direction = QBoxLayout.Direction.LeftToRight
        else:
            direction = QBoxLayout.Direction.TopToBottom
        self.box = QBoxLayout(direction, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(24 if bar else (32 if row else 20))
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
            if self.bar:
                widget.setProperty("bar", True)
                widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            index = len(self.buttons)
            widget.clicked.connect(lambda _=False, i=index: self._clicked(i))
            self.box.addWidget(widget)
            self.buttons.append(widget)
        for index, widget in enumerate(self.buttons):
            if index < len(self.options):
                option = self.options[index]
                widget.setObjectName(button_name(option))
                widget.setEnabled(option.enabled)
                expected = index == 0 and self.primary
                set_style_property(widget, "role", "primary" if expected else self.role)
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

    def button_for(self, event: Event) -> QPushButton | None:
        """The visible button that sends ``event``."""
        for widget, option in zip(self.buttons, self.options, strict=False):
            if option.event is event:
                return widget
        return None

    def _clicked(self, index: int) -> None:
        if index < len(self.options):
            option = self.options[index]
            if option.enabled:
                self.chosen.emit(option.event, option.value)


class ConfirmPanel(QWidget):
    """A question over the whole screen before a button that ends the check-in is obeyed:
    the question (a catalogue text in lines: heading, then what it means) and two answers of
    the same size, いいえ at the left, はい at the right. ``answered(True)`` on はい."""

    answered = Signal(bool)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("confirm")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.key = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 48, 48, 48)
        outer.setSpacing(24)
        outer.addStretch(1)
        self.question = label("title")
        self.question.setObjectName("confirm_question")
        outer.addWidget(self.question)
        self.meaning = label("body")
        outer.addWidget(self.meaning)
        row = QHBoxLayout()
        row.setSpacing(48)
        row.addStretch(1)
        self.no = button("answer", "cancel_no")
        self.yes = button("answer", "cancel_yes")
        for widget, answer in ((self.no, False), (self.yes, True)):
            widget.clicked.connect(lambda _=False, a=answer: self._answer(a))
            row.addWidget(widget, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.hide()

    def ask(self, key: str) -> None:
        """Show the question ``key`` over the whole screen."""
        self.key = key
        self.retranslate()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()

    def retranslate(self) -> None:
        if not self.key:
            return
        title, *rest = say_lines(Text(self.key))
        self.question.setText(heading(title))
        self.meaning.setText("\n".join(rest))
        self.no.setText(say("cancel.no"))
        self.yes.setText(say("cancel.yes"))

    def spoken_text(self) -> str:
        return f"{self.question.text()} {self.meaning.text()}"

    def _answer(self, yes: bool) -> None:
        self.hide()
        self.answered.emit(yes)


class Screen(QWidget):
    """One patient-facing screen in the kiosk's frame.

    Top bar: the step, whether voice guidance is off, 「もう一度読む」, 「文字を大きく」 and the
    language choice — on every screen. Then the title, the body (``self.body``, filled in
    ``build()``), and the action bar at the bottom: 「やめる」 at the left when the flow offers
    it, the screen's actions to the right, the expected choice rightmost. When the flow's
    「やめる」 asks first (``Option.confirm``), a tap shows the question over the screen and
    only はい sends it.

    ``show_data`` hands the screen what the flow says: ``body`` (the catalogue texts of the
    flow's screen), ``options`` (its buttons) and the facts the screen shows (tries left,
    codes, dates …). Subclasses set their texts in ``retranslate()``. Every button sends its
    option through ``chosen(event, value)``.
    """

    screen_id: ClassVar[str] = ""
    chosen = Signal(object, object)  # (Event, value)
    language_chosen = Signal(str)
    large_text_toggled = Signal()
    repeat_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.data: dict[str, Any] = {}
        self.large_text = False
        self.voice_on = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 20, 48, 28)
        outer.setSpacing(16)
        outer.addLayout(self._top_bar())
        self.title = label("title")
        self.title.setObjectName("title")
        outer.addWidget(self.title)
        self.body = QVBoxLayout()
        self.body.setSpacing(20)
        outer.addLayout(self.body, 1)
        outer.addLayout(self._action_bar())
        self.choices: list[Choices] = []
        self.ask_first = ConfirmPanel(self)
        self.ask_first.answered.connect(self._cancel_answered)
        self.build()
        self.retranslate()

    # -- the frame ------------------------------------------------------------------------
    def _top_bar(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.setSpacing(16)
        self.step = label("step", center=False)
        self.step.setObjectName("step")
        top.addWidget(self.step, 1)
        self.voice_off = label("voice", wrap=False)
        self.voice_off.setObjectName("voice_off")
        self.voice_off.setVisible(False)
        top.addWidget(self.voice_off)
        self.repeat = self._utility("repeat")
        self.repeat.clicked.connect(self.repeat_requested)
        self.large = self._utility("large_text")
        self.large.clicked.connect(self.large_text_toggled)
        self.languages: dict[str, QPushButton] = {}
        for code in LANGUAGES:
            choice = self._utility(f"lang_{code}")
            choice.setText(catalogue().get(f"language.{code}", code))  # in its own language
            choice.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            self.languages[code] = choice
        for widget in (self.repeat, self.large, *self.languages.values()):
            top.addWidget(widget)
        return top

    def _utility(self, name: str) -> QPushButton:
        widget = button("utility", name)
        widget.setMinimumHeight(theme.UTILITY_PX)
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return widget

    def _action_bar(self) -> QHBoxLayout:
        self.bar = QHBoxLayout()
        self.bar.setSpacing(24)
        self.cancel = button("cancel", "cancel")
        self.cancel.setProperty("bar", True)
        self.cancel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy = self.cancel.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the bar keeps its height on every screen
        self.cancel.setSizePolicy(policy)
        self.cancel.clicked.connect(self._cancel_tapped)
        self.cancel.setVisible(False)
        self.bar.addWidget(self.cancel)
        self.bar.addStretch(1)
        self._bar_index = 2  # actions go before the screen's own primary control
        return self.bar

    def _cancel_tapped(self) -> None:
        cancel = next((o for o in self.options if o.event is Event.CANCEL), None)
        if cancel is not None and cancel.confirm:
            self.ask_first.ask(cancel.confirm)
            self.repeat_requested.emit()  # voice guidance reads the question
        else:
            self.chosen.emit(Event.CANCEL, None)

    def _cancel_answered(self, yes: bool) -> None:
        if yes:
            self.chosen.emit(Event.CANCEL, None)

    def hideEvent(self, event: QHideEvent) -> None:
        self.ask_first.hide()  # another screen took over: an open question no longer applies
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.ask_first.setGeometry(self.rect())
        super().resizeEvent(event)

    def build(self) -> None:
        """Create the screen's widgets in ``self.body``."""

    def add_choices(self, choices: Choices) -> Choices:
        """Register a group of option buttons (placed by the caller)."""
        choices.chosen.connect(self.chosen)
        self.choices.append(choices)
        return choices

    def add_answers(self, choices: Choices) -> Choices:
        """Register the answers to the screen's question and put them in the body, centred,
        side by side and alike (``role`` "answer": neither is the expected one), away from
        「やめる」 in the action bar."""
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(choices, 4)
        row.addStretch(1)
        self.body.addLayout(row)
        return self.add_choices(choices)

    def add_actions(self, choices: Choices) -> Choices:
        """Register a group of option buttons and put it in the action bar."""
        choices.bar = True
        choices.box.setDirection(QBoxLayout.Direction.RightToLeft)
        choices.box.setSpacing(24)
        self.bar.insertWidget(self._bar_index, choices)
        self._bar_index += 1
        return self.add_choices(choices)

    def set_primary(self, widget: QPushButton) -> None:
        """Put the screen's own expected control at the action bar's right end."""
        widget.setProperty("bar", True)
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.bar.addWidget(widget)

    def primary_button(self) -> QPushButton | None:
        """The visible expected choice of this screen, if any."""
        for widget in self.findChildren(QPushButton):
            if widget.property("role") == "primary" and widget.isVisibleTo(self):
                return widget
        return None

    def set_frame_state(self, *, large_text: bool, voice_on: bool) -> None:
        """The window's large-text mode and whether voice guidance can be heard."""
        self.large_text = large_text
        self.voice_on = voice_on
        self._refresh_frame()

    def _refresh_frame(self) -> None:
        current = current_language()
        for code, choice in self.languages.items():
            set_style_property(choice, "on", code == current)
        set_style_property(self.large, "on", self.large_text)
        self.large.setText(say("ui.normal_text" if self.large_text else "ui.large_text"))
        self.repeat.setText(say("ui.repeat"))
        self.repeat.setEnabled(self.voice_on)
        self.voice_off.setText(say("ui.voice_off"))
        self.voice_off.setVisible(not self.voice_on)

    # -- what the flow says ---------------------------------------------------------------
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

    def set_title(self, text: str) -> None:
        self.title.setText(heading(text))

    def show_title_and_hint(self, hint: QLabel) -> None:
        """The first line of the screen's text as its title, the other lines in ``hint``."""
        title, *rest = self.lines()
        self.set_title(title)
        hint.setText("\n".join(rest))

    def retranslate(self) -> None:
        """Set every visible text in the current language."""
        cancel = next((o for o in self.options if o.event is Event.CANCEL), None)
        self.cancel.setVisible(cancel is not None)
        if cancel is not None:
            self.cancel.setText(say(cancel.label))
        for choices in self.choices:
            choices.retranslate()
        self.ask_first.retranslate()
        self._refresh_frame()

    def show_data(self, data: dict[str, Any]) -> None:
        """Show what the flow says about this step (texts, options, tries left, codes …)."""
        self.data = dict(data)
        self.ask_first.hide()  # a new step: an open question no longer applies
        for choices in self.choices:
            choices.set_options(self.options)
        self.retranslate()

    def spoken_text(self) -> str:
        """What voice guidance says when the screen appears (and on 「もう一度読む」)."""
        return self.title.text()

    def clear_images(self) -> None:
        """Forget every image of the patient this screen holds (none by default)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ProgressRing(QWidget):
    """A ring filled clockwise to ``value`` (0.0–1.0); ``None`` spins as 'busy'; ``done``
    draws a check mark in the ring."""

    def __init__(self, diameter: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(diameter, diameter)
        self._value: float | None = 0.0
        self._phase = 0
        self.done = False
        self.moving = False  # a dot runs round the ring: the check is working

    def set_value(self, value: float | None) -> None:
        self._value = None if value is None else max(0.0, min(1.0, value))
        self.update()

    def set_done(self, done: bool) -> None:
        self.done = done
        self.update()

    def step(self) -> None:
        """Advance the busy animation by one frame."""
        self._phase = (self._phase + 30) % 360
        self.update()

    def set_moving(self, moving: bool) -> None:
        self.moving = moving
        self.update()

    def value(self) -> float | None:
        return self._value

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 14
        rect = QRectF(width, width, self.width() - 2 * width, self.height() - 2 * width)
        if self.done:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.OK))
            painter.drawEllipse(rect.adjusted(-width / 2, -width / 2, width / 2, width / 2))
            pen = QPen(QColor("#ffffff"), width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            w, h = rect.width(), rect.height()
            x, y = rect.left(), rect.top()
            painter.drawPolyline(
                [
                    QPointF(x + w * 0.27, y + h * 0.52),
                    QPointF(x + w * 0.44, y + h * 0.68),
                    QPointF(x + w * 0.74, y + h * 0.36),
                ]
            )
            painter.end()
            return
        painter.setPen(QPen(QColor("#d0d7e2"), width))
        painter.drawEllipse(rect)
        pen = QPen(QColor(theme.ACCENT), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        if self._value is None:
            painter.drawArc(rect, (90 - self._phase) * 16, -100 * 16)
        else:
            painter.drawArc(rect, 90 * 16, int(-360 * 16 * self._value))
            if self.moving:
                painter.setPen(QPen(QColor(theme.ACCENT).lighter(160), width))
                painter.drawArc(rect, (90 - self._phase) * 16, -24 * 16)
        painter.end()
