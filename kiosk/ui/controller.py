"""Wires the kiosk window to the flow: screen intents become flow events, flow changes
become screens. The only place that knows both sides' names."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.reception import Change
from kiosk.ui.bridge import FlowBridge
from kiosk.ui.present import present_change
from kiosk.ui.voice import VoiceGuide
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)

TICK_MS = 1000
"""How often time is let act on the flow (inactivity, end screens), in milliseconds."""

HIGH_COST_EVENTS = {
    "use": "high_cost",
    "limit": "limit_info",
    "specific_disease": "specific_disease_info",
}


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
        window.cancel_requested.connect(lambda: bridge.interrupt_then("cancel"))
        window.method_chosen.connect(self._method)
        window.pin_entered.connect(lambda pin: bridge.request("pin_entered", pin))
        window.register_answered.connect(lambda yes: bridge.request("register", yes))
        window.proceed.connect(lambda: bridge.request("next"))
        window.consent_answered.connect(lambda _item, yes: bridge.request("consent", yes))
        window.high_cost_answered.connect(self._high_cost)
        window.prescription_chosen.connect(
            lambda kind: bridge.request("prescription", kind == "electronic")
        )
        window.continue_requested.connect(lambda: bridge.request("continue_"))
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

    # -- intents -> events ----------------------------------------------------------------
    def _method(self, method: str) -> None:
        if method == "face":
            event = "retry_face" if self.window.current_id == "face-failed" else "choose_face"
        elif method == "pin":
            event = "choose_pin"
        else:
            event = "call_staff"
        self.bridge.request(event)

    def _high_cost(self, stage: str, yes: bool) -> None:
        self.bridge.request(HIGH_COST_EVENTS.get(stage, "high_cost"), yes)

    def place_card(self) -> None:
        self.bridge.request("card_placed")

    def remove_card(self) -> None:
        self.bridge.interrupt_then("card_removed")

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
        if event not in ("cancel", "card_removed", "tick"):
            self.bridge.interrupt_then("cancel")

    def on_frame(self, image: Any, guidance: str, progress: float) -> None:
        if image is not None:
            self.window.show_frame(image)
            self.bridge.frame_painted()
        face = self.window.face_screen
        face.show_guidance(guidance, progress)

    def _speak(self) -> None:
        if self.voice is not None:
            self.voice.say(self.window.current().spoken_text(), self.window.languages.current)
