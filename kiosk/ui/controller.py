"""Wires the kiosk window to the flow: a button's event goes to the flow as it is, flow
changes become screens."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.reception import Change, Event
from kiosk.ui.bridge import FlowBridge
from kiosk.ui.present import present_change
from kiosk.ui.voice import VoiceGuide
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)

TICK_MS = 1000
"""How often time is let act on the flow (inactivity, end screens), in milliseconds."""

INTERRUPTING = frozenset({Event.CANCEL})
"""Events that first stop a running face attempt (it would hold the flow's thread)."""


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
    ) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.voice = voice
        self.last_change: Change | None = None
        window.chosen.connect(self.choose)
        window.language_changed.connect(lambda _lang: self._speak())
        bridge.changed.connect(self.on_change)
        bridge.frame.connect(self.on_frame)
        bridge.failed.connect(self.on_failure)
        self.ticker = QTimer(self)
        self.ticker.setInterval(tick_ms)
        self.ticker.timeout.connect(bridge.tick)

    def start(self) -> None:
        self.bridge.start()
        if self.ticker.interval() > 0:
            self.ticker.start()

    def stop(self) -> None:
        self.ticker.stop()
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
        shown = present_change(change)
        if shown is None:
            return
        screen_id, data = shown
        before = self.window.current_id
        self.window.show_screen(screen_id, data)
        self.presented.emit(screen_id)
        if screen_id != before or data.get("wrong"):
            self._speak()

    def on_failure(self, event: str, error: str) -> None:
        """A collaborator failed (camera, face process, card reader …): end the reception
        cleanly — nothing half-done is recorded — rather than leave the patient waiting."""
        log.warning("reception ended after %s failed (%s)", event, error)
        if event not in (Event.CANCEL, Event.CARD_REMOVED, Event.TICK):
            self.bridge.interrupt_then(Event.CANCEL)

    def on_frame(self, image: Any, guidance: str, progress: float) -> None:
        if image is not None:
            self.window.show_frame(image)
            self.bridge.frame_painted()
        face = self.window.face_screen
        face.show_guidance(guidance, progress)

    def _speak(self) -> None:
        if self.voice is not None:
            self.voice.say(self.window.current().spoken_text(), self.window.languages.current)
