"""Wires the kiosk window to the flow: a button's event goes to the flow as it is, flow
changes become screens.

Around the screens: a beep when the card is detected; a chime, repeated, while the kiosk
asks for a card left on the reader; a face match held for a moment with its success mark
before the next screen; every image of the patient forgotten when a reception ends; the
screen's text spoken on arrival and on 「もう一度読む」."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.reception import Change, Event, State
from kiosk.ui.bridge import FlowBridge
from kiosk.ui.present import present, present_change
from kiosk.ui.voice import VoiceGuide
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)

TICK_MS = 1000
"""How often time is let act on the flow (inactivity, end screens), in milliseconds."""

INTERRUPTING = frozenset({Event.CANCEL})
"""Events that first stop a running face attempt (it would hold the flow's thread)."""

SUCCESS_MS = 1200
"""How long a face match shows its success mark before the next screen."""

CHIME_MS = 6000
"""How often the chime repeats while a card is left on the reader."""

CHIMING = frozenset({"take-card"})
"""The screen that asks for the card still on the reader (take-card and card-left)."""

ENDINGS = frozenset({"start", "done", "cancelled", "card-error", *CHIMING})
"""Screens after which no image of the patient may stay anywhere."""


class KioskController(QObject):
    """Connects one :class:`KioskWindow` to one :class:`FlowBridge`."""

    presented = Signal(str)  # screen id shown because the flow said so

    def __init__(
        self,
        window: KioskWindow,
        bridge: FlowBridge,
        *,
        voice: VoiceGuide | None = None,
        tick_ms: int = TICK_MS,
        success_ms: int = SUCCESS_MS,
        chime_ms: int = CHIME_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.voice = voice
        self.last_change: Change | None = None
        self.success_ms = success_ms
        self._held: Change | None = None
        self._said: tuple[object, ...] = ()
        self._holding = QTimer(self)
        self._holding.setSingleShot(True)
        self._holding.timeout.connect(self._release)
        self.chime = QTimer(self)
        self.chime.setInterval(chime_ms)
        self.chime.timeout.connect(self._chime)
        window.chosen.connect(self.choose)
        window.language_changed.connect(lambda _lang: self._speak())
        window.repeat_requested.connect(self._speak)
        if voice is not None:
            window.set_voice_on(voice.on)
        bridge.changed.connect(self.on_change)
        bridge.frame.connect(self.on_frame)
        bridge.failed.connect(self.on_failure)
        self.ticker = QTimer(self)
        self.ticker.setInterval(tick_ms)
        self.ticker.timeout.connect(bridge.tick)

    def start(self) -> None:
        first = present(self.bridge.flow.screen())  # before any event: the start's options
        if first is not None:
            self.window.show_screen(*first)
        self.bridge.start()
        if self.ticker.interval() > 0:
            self.ticker.start()

    def stop(self) -> None:
        self.ticker.stop()
        self.chime.stop()
        self._holding.stop()
        self.bridge.stop()

    # -- buttons -> events ----------------------------------------------------------------
    def choose(self, event: Event, value: Any = None) -> None:
        """A button was pressed: send its event and value to the flow (a PIN is not kept)."""
        if event in INTERRUPTING:
            self.bridge.interrupt_then(event)
        else:
            self.bridge.request(event, value)

    def place_card(self) -> None:
        self.bridge.request(Event.CARD_PLACED)

    def remove_card(self) -> None:
        self.bridge.interrupt_then(Event.CARD_REMOVED)

    # -- flow -> screens ------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        self.last_change = change
        if change.state == State.READING and change.previous != State.READING and self.voice:
            self.voice.play("beep")  # the card is detected
        shown = present_change(change)
        if shown is None:
            return
        if self._holding.isActive():
            self._held = change  # shown when the success mark has been seen
            return
        screen_id, _data = shown
        matched = (
            self.window.current_id == "face"
            and change.event == Event.LOOK_AT_CAMERA
            and screen_id not in ("face", "face-failed")
        )
        if matched and self.success_ms > 0:
            self.window.face_screen.show_success()
            self._speak_text(self.window.face_screen.success.text())
            self._held = change
            self._holding.start(self.success_ms)
            return
        self._present(shown)

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            shown = present_change(held)
            if shown is not None:
                self._present(shown)

    def _present(self, shown: tuple[str, dict[str, Any]]) -> None:
        screen_id, data = shown
        before = self.window.current_id
        said = (screen_id, tuple(data.get("body", ())))
        if screen_id in ENDINGS:
            self.window.clear_images()
        self.window.show_screen(screen_id, data)
        self.presented.emit(screen_id)
        if screen_id in CHIMING and before not in CHIMING:
            self._chime()
            self.chime.start()
        elif screen_id not in CHIMING:
            self.chime.stop()
        if said != self._said or data.get("wrong"):
            self._speak()  # a new screen, or new words on it (the next consent item …)
        self._said = said

    def _chime(self) -> None:
        if self.voice is not None:
            self.voice.play("chime")

    def on_failure(self, event: str, error: str) -> None:
        """A collaborator failed (camera, face process, card reader …): end the reception
        cleanly — nothing half-done is recorded — rather than leave the patient waiting."""
        log.warning("reception ended after %s failed (%s)", event, error)
        if event not in (Event.CANCEL, Event.CARD_REMOVED, Event.TICK):
            self.bridge.interrupt_then(Event.CANCEL)

    def on_frame(self, image: Any, guidance: str, progress: float) -> None:
        if self.window.current_id != "face" or self._holding.isActive():
            self.bridge.frame_painted()
            return  # a late frame of an attempt already over is never shown
        if image is not None:
            self.window.show_frame(image)
            self.bridge.frame_painted()
        face = self.window.face_screen
        face.show_guidance(guidance, progress)

    def _speak(self) -> None:
        screen = self.window.current()
        asking = screen.ask_first.isVisibleTo(screen)  # the cancel question over the screen
        self._speak_text(screen.ask_first.spoken_text() if asking else screen.spoken_text())

    def _speak_text(self, text: str) -> None:
        if self.voice is not None:
            self.voice.say(text, self.window.languages.current)
