"""The operator panel's rehearsal group (outside kiosk mode): what a trainer needs to run a
clinic day at the simulator.

- The chosen deck card's description and what it leads to at the kiosk.
- デッキの状態に戻す: the chosen card back to its deck state (the placed one is taken away,
  reset and placed again; a card keeps its state while the kiosk runs otherwise).
- The camera follows the card's holder (on by default, for a person camera): a ``biden`` card
  gets the ``biden`` camera, in the variant chosen (live, mask, photo, still, closed eyes).
- The training clock: the long waits shortened
  (:data:`~kiosk.ui.rehearsal_plan.TRAINING_WAITS`), said on the kiosk's screen.
- A rehearsal plan (:mod:`kiosk.ui.rehearsal_plan`) stepped through with 次の状況: each
  situation applied (card reset and placed, camera, settings, training clock) and its texts
  shown for the trainer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.reception import Event, State
from kiosk.reception.errors import FlowError
from kiosk.simcard.deck import get_profile
from kiosk.texts import catalogue
from kiosk.ui.operator_panel import shrinks
from kiosk.ui.rehearsal_plan import (
    CAMERA_VARIANTS,
    TRAINING_WAITS,
    RehearsalPlan,
    Situation,
    camera_for,
    expected_outcome,
    load_plan,
    plan_files,
)

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

TAG = "rehearsal"
"""The bridge job tag of a card reset or a situation applied (its result: the trace line)."""
POLICY_TAG = "rehearsal-policy"

MARKER_STYLE = (
    "QLabel { background: #b35900; color: white; font-size: 18px; font-weight: bold;"
    " padding: 4px 12px; border-bottom-right-radius: 8px; }"
)


class TrainingMarker(QLabel):
    """On the kiosk's screen while the training clock runs: 練習モード: 待ち時間短縮 (top left,
    not a control)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("training_marker")
        self.setStyleSheet(MARKER_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.hide()

    def show_marker(self, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        self.move(0, 0)
        self.show()
        self.raise_()


class RehearsalGroup(QGroupBox):
    """The controls; emits what the trainer asked for."""

    reset_requested = Signal(str)  # card spec
    training_toggled = Signal(bool)
    next_requested = Signal()

    def __init__(self, language: str = "ja") -> None:
        super().__init__()
        self.setObjectName("rehearsal")
        self.language = language
        grid = QGridLayout(self)
        self.about = QLabel()
        self.about.setObjectName("card_about")
        self.about.setWordWrap(True)
        self.reset = QPushButton()
        self.reset.setObjectName("reset_card")
        self.follow = QCheckBox()
        self.follow.setObjectName("follow_camera")
        self.follow.setChecked(True)
        self.variant = QComboBox()
        shrinks(self.variant)
        self.variant.setObjectName("camera_variant")
        self.training = QCheckBox()
        self.training.setObjectName("training_clock")
        self.plan_title = QLabel()
        self.plan_title.setObjectName("plan_title")
        self.situation = QPlainTextEdit()
        self.situation.setObjectName("situation")
        self.situation.setReadOnly(True)
        self.situation.setMaximumHeight(130)
        self.next = QPushButton()
        self.next.setObjectName("next_situation")
        grid.addWidget(self.about, 0, 0, 1, 2)
        grid.addWidget(self.reset, 1, 0, 1, 2)
        grid.addWidget(self.follow, 2, 0)
        grid.addWidget(self.variant, 2, 1)
        grid.addWidget(self.training, 3, 0, 1, 2)
        grid.addWidget(self.plan_title, 4, 0)
        grid.addWidget(self.next, 4, 1)
        grid.addWidget(self.situation, 5, 0, 1, 2)
        self.training.toggled.connect(self.training_toggled.emit)
        self.next.clicked.connect(self.next_requested.emit)
        self.card = ""  # the chosen card spec
        self.situation_now: Situation | None = None
        self.step = (0, 0)  # situation number, of how many
        self.wiring: Rehearsal | None = None
        self.retranslate()

    def say(self, key: str, **values: Any) -> str:
        return catalogue().get(key, self.language, **values)

    def chosen_variant(self) -> str:
        return str(self.variant.currentData() or "live")

    def choose_variant(self, variant: str) -> None:
        self.variant.setCurrentIndex(max(0, self.variant.findData(variant)))

    def show_card(self, spec: str, outcome_key: str, description: str) -> None:
        self.card = spec
        if not outcome_key:
            self.about.setText("")
            return
        outcome = self.say(outcome_key)
        self.about.setText(f"{description}\n{self.say('operator.outcome_label')} {outcome}")

    def show_situation(self, situation: Situation, number: int, total: int) -> None:
        self.situation_now, self.step = situation, (number, total)
        self.retranslate()

    def retranslate(self) -> None:
        variant = self.chosen_variant()
        self.setTitle(self.say("operator.rehearsal"))
        self.reset.setText(self.say("operator.reset_card"))
        self.follow.setText(self.say("operator.follow_camera"))
        self.variant.clear()
        for name in CAMERA_VARIANTS:
            self.variant.addItem(self.say(f"operator.variant.{name}"), name)
        self.choose_variant(variant)
        self.training.setText(self.say("operator.training_clock"))
        self.next.setText(self.say("operator.next_situation"))
        situation = self.situation_now
        if situation is None:
            self.plan_title.setText(self.say("operator.plan_none"))
            self.situation.setPlainText("")
            return
        number, total = self.step
        title = situation.text("title", self.language)
        self.plan_title.setText(f"{number} / {total}: {title}")
        self.situation.setPlainText(
            "\n".join(
                f"{self.say(f'operator.plan.{key}')} {situation.text(key, self.language)}"
                for key in ("situation", "trainee", "kiosk")
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def attach_rehearsal(app: KioskApp) -> RehearsalGroup | None:
    """The group on ``app``'s operator panel (None in kiosk mode: no panel)."""
    if app.panel is None:
        return None
    group = RehearsalGroup(app.panel.language)
    app.panel.add_group(group)
    group.wiring = Rehearsal(group, app)
    return group


class Rehearsal(QObject):
    """The group's wiring: jobs on the flow's thread, their results back here (a GUI-thread
    object: the bridge's signals reach its methods queued)."""

    def __init__(self, group: RehearsalGroup, app: KioskApp) -> None:
        super().__init__(group)
        self.group = group
        self.app = app
        self.base_policy = app.flow.policy
        self.settings: dict[str, Any] = {}  # the situation's settings over the base policy
        self.marker = TrainingMarker(app.window)
        self.plan: RehearsalPlan | None = None
        self.index = -1
        files = plan_files()
        try:
            self.plan = load_plan(files[0]) if files else None
        except KioskError as exc:
            log.warning("rehearsal plan unusable: %s", exc)
        group.next.setEnabled(self.plan is not None)
        panel = app.panel
        assert panel is not None  # noqa: S101 (attached to it)
        panel.profile.currentTextChanged.connect(self.card_chosen)
        group.reset.clicked.connect(lambda: self.reset(panel.profile.currentText().strip()))
        group.training_toggled.connect(self.set_training)
        group.next_requested.connect(self.next_situation)
        app.bridge.job_done.connect(self.job_done)
        app.follow_camera = self.camera_for
        app.bridge.changed.connect(self._keep_marker_on_top)
        self.card_chosen(panel.profile.currentText())

    # -- the chosen card --------------------------------------------------------------------

    def card_chosen(self, spec: str) -> None:
        name = spec.strip().removeprefix("virtual:")
        try:
            profile = get_profile(name)
        except KioskError:
            self.group.show_card(spec, "", "")
            return
        policy = self.app.flow.policy
        today = self.app.flow.clock.now().date()
        key = expected_outcome(profile, today, policy.alert_months, policy.grace_months)
        self.group.show_card(spec, key, profile.description)

    def camera_for(self, spec: str) -> str | None:
        """The camera of the card's holder, when following and the camera is a person's."""
        current = str(self.app.services.camera or "")
        if not self.group.follow.isChecked() or not current.startswith("person:"):
            return None
        if not spec.startswith("virtual:"):
            return None
        try:
            camera = camera_for(spec.removeprefix("virtual:"), self.group.chosen_variant())
        except KioskError:
            return None
        return None if camera == current else camera

    # -- resets and situations --------------------------------------------------------------

    def reset(self, spec: str) -> None:
        """The card ``spec`` back to its deck state; placed again if it was on the reader."""
        if not spec:
            return
        if spec == self.app.tray.current_spec:
            self._lay_down(spec)
        else:
            self.app.bridge.run_job(TAG, lambda: self._forget(spec))

    def _forget(self, spec: str) -> str:
        self.app.tray.reset(spec)
        return self.group.say("operator.traced_reset", card=spec)

    def _lay_down(self, spec: str, policy: dict[str, Any] | None = None) -> None:
        """Take the card away, bring the kiosk back to its start, reset ``spec`` to its deck
        state and place it (the camera following), in one job on the flow's thread."""
        camera = self.camera_for(spec)
        self.app.flow.interrupt()  # a face attempt running

        def job() -> str:
            self.app.tray.remove()
            for _ in range(3):  # a reception ended by the card's removal, then its end screen
                if self.app.flow.state == State.START:
                    break
                try:
                    self.app.flow.send(Event.CARD_REMOVED)
                except FlowError:
                    break
            if policy is not None:
                self._apply_policy(policy)
            said = self._forget(spec)
            if camera:
                self.app.switch_camera(camera)
            self.app.tray.place(spec)
            self.app.flow.send(Event.CARD_PLACED)
            return said

        self.app.bridge.run_job(TAG, job)

    def next_situation(self) -> None:
        if self.plan is None:
            return
        self.index = (self.index + 1) % len(self.plan.situations)
        situation = self.plan.situations[self.index]
        self.group.show_situation(situation, self.index + 1, len(self.plan.situations))
        self.group.choose_variant(situation.camera)
        self.group.training.blockSignals(True)
        self.group.training.setChecked(situation.training_clock)
        self.group.training.blockSignals(False)
        self._show_marker(situation.training_clock)
        panel = self.app.panel
        assert panel is not None  # noqa: S101 (attached to it)
        spec = f"virtual:{situation.card}"
        panel.profile.setCurrentText(spec)
        self.settings = dict(situation.settings)
        self._lay_down(spec, self._overrides())

    # -- the training clock -----------------------------------------------------------------

    def _overrides(self) -> dict[str, Any]:
        waits = TRAINING_WAITS if self.group.training.isChecked() else {}
        return {**self.settings, **waits}

    def set_training(self, on: bool) -> None:
        self._show_marker(on)
        overrides = self._overrides()
        self.app.bridge.run_job(POLICY_TAG, lambda: self._apply_policy(overrides))

    def _apply_policy(self, overrides: dict[str, Any]) -> str:
        self.app.flow.policy = self.base_policy.with_overrides(overrides)
        return ""

    def _keep_marker_on_top(self, _change: object) -> None:
        if self.marker.isVisible():
            self.marker.raise_()

    def _show_marker(self, on: bool) -> None:
        if on:
            self.marker.show_marker(self.group.say("operator.training_marker"))
        else:
            self.marker.hide()

    def job_done(self, tag: str, result: object) -> None:
        if tag not in (TAG, POLICY_TAG):
            return
        panel = self.app.panel
        assert panel is not None  # noqa: S101 (attached to it)
        if isinstance(result, Exception):
            panel.add_trace(self.group.say("operator.refused", reason=str(result)))
        elif result:
            panel.add_trace(str(result))
        panel.set_counters(self.app.tray.pin_counters())
