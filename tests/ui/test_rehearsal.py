"""Rehearsals at the simulator: the shipped plan stepped through with 次の状況 (each situation
applied, the screen it names reached), a card reset to its deck state, the camera following
the card's holder in every variant, the training clock's shorter waits said on screen, and
the staff console never over the kiosk."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, QRect

from helpers.qt import TIMEOUT_MS
from kiosk.reception import Event
from kiosk.simcard.deck import get_profile, profile_names
from kiosk.ui.rehearsal_plan import CAMERA_VARIANTS, TRAINING_WAITS, load_plan, plan_files
from kiosk.vocabulary import PinKind
from kiosk.wiring.memory import ScriptedFace

MS = TIMEOUT_MS
YES = {"yes": True, "no": False}
SHOWN_ON = {"card-left": "take-card"}
"""States the window shows on another state's screen (take-card says the staff were called)."""


class Settled(QObject):
    """The events the flow has handled (the bridge's ``settled``, queued to the GUI)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def record(self, event: str, *_: object) -> None:
        self.events.append(str(event))


def _send(qtbot: Any, app: Any, event: Event, value: Any = None) -> None:
    settled = Settled()
    app.kiosk.bridge.settled.connect(settled.record)
    app.kiosk.bridge.refused.connect(settled.record)
    try:
        app.kiosk.bridge.request(event, value)
        qtbot.waitUntil(lambda: event in settled.events, timeout=TIMEOUT_MS)
    finally:
        app.kiosk.bridge.settled.disconnect(settled.record)
        app.kiosk.bridge.refused.disconnect(settled.record)


def _placed(app: Any) -> Any:
    """The card on the reader (a fresh one after each reset to the deck)."""
    current = app.kiosk.tray.current
    return None if current is None else current.inner


def _patient(qtbot: Any, app: Any, ui: Any, card: str, step: Any) -> None:
    """One patient step of a plan, in the scenarios' words."""
    action, arg = (step, None) if isinstance(step, str) else next(iter(step.items()))
    if action == "choose":
        _send(qtbot, app, {"pin": Event.CHOOSE_PIN, "face": Event.CHOOSE_FACE}[arg])
    elif action == "pin":
        _send(qtbot, app, Event.PIN_ENTERED, get_profile(card).auth_pin)
    elif action == "face":
        _send(qtbot, app, Event.LOOK_AT_CAMERA)
    elif action == "consent":
        for answer in arg:
            _send(qtbot, app, Event.CONSENT, YES[answer] if isinstance(answer, str) else answer)
    elif action == "high_cost":
        _send(qtbot, app, Event.HIGH_COST, YES[arg] if isinstance(arg, str) else arg)
    elif action == "wait":
        ui.tick(app, arg)
    else:
        raise AssertionError(f"a plan step the test does not know: {step!r}")


def test_the_plan_has_a_situation_for_every_deck_trouble() -> None:
    (path,) = plan_files()
    plan = load_plan(path)
    cards = {s.card for s in plan.situations}
    troubles = set(profile_names()) - {"standard", "elderly", "high-cost"}
    assert troubles <= cards and len(plan.situations) >= 10
    assert all(s.shows for s in plan.situations)


def test_the_plan_is_stepped_through_with_next_situation(qtbot, make_app, ui) -> None:
    app = make_app()
    group = app.kiosk.rehearsal
    plan = group.wiring.plan
    marker = group.wiring.marker
    for number, situation in enumerate(plan.situations, start=1):
        verdict = "match" if situation.camera == "live" else "no-match"
        app.flow.face = ScriptedFace([verdict])  # what the face pipeline says of that camera
        before = _placed(app)
        ui.tap(group, "next_situation")
        assert group.plan_title.text().startswith(f"{number} / {len(plan.situations)}: ")
        assert situation.text("trainee", "ja") in group.situation.toPlainText()
        qtbot.waitUntil(lambda b=before: _placed(app) not in (None, b), timeout=TIMEOUT_MS)
        assert app.kiosk.tray.current_spec == f"virtual:{situation.card}"
        qtbot.waitUntil(
            lambda: app.flow.state.value not in ("start", "reading"), timeout=TIMEOUT_MS
        )
        assert marker.isVisible() is situation.training_clock
        for key, value in situation.settings.items():
            assert getattr(app.flow.policy, key) == value
        for step in situation.patient:
            _patient(qtbot, app, ui, situation.card, step)
        qtbot.waitUntil(lambda s=situation: app.flow.state.value == s.shows, timeout=TIMEOUT_MS)
        ui.wait_screen(app, SHOWN_ON.get(situation.shows, situation.shows))  # the window too
        if situation.shows == "card-left":
            assert app.window.current().stage == "card-left"
    ui.tap(group, "next_situation")  # round again: the first situation
    assert group.plan_title.text().startswith("1 / ")


def test_reset_to_deck_restores_a_locked_card(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.panel.profile.setCurrentText("virtual:auth-pin-one-left")
    app.kiosk.place_card("virtual:auth-pin-one-left")
    ui.wait_screen(app, "method")
    _send(qtbot, app, Event.CHOOSE_PIN)
    _send(qtbot, app, Event.PIN_ENTERED, "0000")
    ui.wait_screen(app, "pin-locked")
    locked = app.kiosk.tray.current.inner
    assert locked.state.pins[PinKind.AUTH].tries_left == 0
    ui.tap(app.kiosk.rehearsal, "reset_card")
    qtbot.waitUntil(lambda: _placed(app) not in (None, locked), timeout=TIMEOUT_MS)
    ui.wait_screen(app, "method")
    fresh = app.kiosk.tray.current.inner
    assert fresh.state.pins[PinKind.AUTH].tries_left == 1  # the deck's state again
    assert "デッキの状態に戻しました" in app.kiosk.panel.trace.toPlainText()
    qtbot.waitUntil(
        lambda: app.kiosk.panel.counter_text("auth").startswith("1 / 3"), timeout=TIMEOUT_MS
    )


def test_the_card_shows_its_description_and_outcome(make_app) -> None:
    app = make_app()
    app.kiosk.panel.profile.setCurrentText("virtual:expired-certificate")
    about = app.kiosk.rehearsal.about.text()
    assert get_profile("expired-certificate").description in about and "エラー006" in about
    app.kiosk.panel.profile.setCurrentText("virtual:qualification-invalid")
    assert "資格無効" in app.kiosk.rehearsal.about.text()


def test_the_camera_follows_the_cards_holder_in_every_variant(
    qtbot, make_app, ui, monkeypatch
) -> None:
    from kiosk.face.camera.sources import PERSON_FLAGS

    assert set(CAMERA_VARIANTS) == {"live", *PERSON_FLAGS}  # every variant is offered
    opened: list[str] = []

    def face_for(spec: str, settings: Any = None) -> ScriptedFace:
        opened.append(spec)
        return ScriptedFace(["match"])

    monkeypatch.setattr("kiosk.ui.app.face_for_ui", face_for)
    app = make_app(camera="person:obama", face=ScriptedFace(["match"]))
    group = app.kiosk.rehearsal
    assert [group.variant.itemData(i) for i in range(group.variant.count())] == list(
        CAMERA_VARIANTS
    )
    assert group.follow.isChecked()  # by default
    app.kiosk.place_card("virtual:auth-pin-locked")  # biden's card
    ui.wait_screen(app, "method")
    assert app.services.camera == "person:biden" and opened == ["person:biden"]
    group.choose_variant("mask")
    app.kiosk.remove_card()
    ui.wait_screen(app, "cancelled")
    ui.tick(app, 30)
    ui.wait_screen(app, "start")
    app.kiosk.place_card("virtual:face-only")  # collins's card, masked
    ui.wait_screen(app, "method")
    assert app.services.camera == "person:collins?mask"
    group.follow.setChecked(False)
    assert group.wiring.camera_for("virtual:standard") is None  # the camera stays as chosen


def test_the_training_clock_shortens_the_waits_and_says_so(qtbot, make_app, ui) -> None:
    app = make_app()
    group = app.kiosk.rehearsal
    marker = group.wiring.marker
    assert not marker.isVisible()
    group.training.setChecked(True)
    qtbot.waitUntil(
        lambda: app.flow.policy.card_left_alert_s == TRAINING_WAITS["card_left_alert_s"],
        timeout=TIMEOUT_MS,
    )
    assert marker.isVisible() and marker.text() == "練習モード: 待ち時間短縮"
    assert app.flow.policy.idle_timeout_s == TRAINING_WAITS["idle_timeout_s"]
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    _send(qtbot, app, Event.CHOOSE_PIN)
    _send(qtbot, app, Event.PIN_ENTERED, get_profile("standard").auth_pin)
    ui.answer_consents(app, [True, True])
    ui.tick(app, 10)  # the end screen's time
    ui.wait_screen(app, "take-card")
    ui.tick(app, 4)
    assert app.flow.state.value == "take-card"
    ui.tick(app, 1)  # 5 s, not 30 s
    qtbot.waitUntil(lambda: app.window.current().stage == "card-left", timeout=TIMEOUT_MS)
    assert app.flow.state.value == "card-left"
    group.training.setChecked(False)
    qtbot.waitUntil(lambda: app.flow.policy.card_left_alert_s == 30.0, timeout=TIMEOUT_MS)
    assert not marker.isVisible()


@pytest.mark.parametrize(
    ("screen", "console"),
    [((1280, 800), None), ((2560, 1440), QRect(1776, 0, 784, 640))],
)
def test_the_staff_console_never_opens_over_the_kiosk(screen, console) -> None:
    from kiosk.ui.app import console_place

    area = QRect(0, 0, *screen)
    window = QRect(0, 0, min(1280, screen[0]), min(800, screen[1]))
    panel = QRect(min(1288, screen[0] - 480), 0, 480, min(800, screen[1]))
    place = console_place(area, window, panel)
    assert place == console
    if place is not None:
        assert not place.intersects(window) and not place.intersects(panel)
        assert area.contains(place)


def test_a_card_file_is_reset_to_its_deck_state_in_place(tmp_path) -> None:
    from kiosk.simcard.cardfile import load_card, save_card
    from kiosk.simcard.issue import issue_card
    from kiosk.ui.tray import CardTray, NoVirtualCardError

    path = tmp_path / "patient.card"
    state = issue_card("auth-pin-one-left")
    state.pins[PinKind.AUTH].tries_left = 0  # locked during the rehearsal
    save_card(path, state)
    tray = CardTray(slot=None)  # type: ignore[arg-type]  # nothing is placed
    tray.reset(str(path))
    fresh = load_card(path)
    assert fresh.profile == "auth-pin-one-left" and fresh.pins[PinKind.AUTH].tries_left == 1
    with pytest.raises(NoVirtualCardError):
        tray.reset("pcsc")


@pytest.mark.parametrize(
    ("card", "words"),
    [
        ("maru-kanji", "●"),
        ("maru-kana", "●"),
        ("standard", "受付が完了する"),
        ("broken-chip", "エラー001"),
        ("face-only", "暗証番号なし"),
    ],
)
def test_each_deck_card_says_what_it_leads_to(make_app, card: str, words: str) -> None:
    app = make_app()
    app.kiosk.panel.profile.setCurrentText(f"virtual:{card}")
    assert words in app.kiosk.rehearsal.about.text()
