"""Composition root of the kiosk window: services → flow → bridge → window, operator panel
and staff console (``kiosk run``). Tests build a :class:`KioskApp` the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import staff_password_ok
from kiosk.reception import Change, Event, State
from kiosk.simcard.people import load_people
from kiosk.ui.bridge import FlowBridge
from kiosk.ui.controller import KioskController
from kiosk.ui.i18n import Languages
from kiosk.ui.operator_panel import OperatorPanel
from kiosk.ui.panel_card_state import attach_card_state
from kiosk.ui.panel_phone import PhoneDesk
from kiosk.ui.panel_rehearsal import attach_rehearsal
from kiosk.ui.staff_console import StaffConsole
from kiosk.ui.tray import CardTray, deck_profiles
from kiosk.ui.voice import VoiceGuide
from kiosk.ui.window import KioskWindow
from kiosk.wiring.services import face_for_camera

if TYPE_CHECKING:
    from kiosk.wiring.services import Services

log = logging.getLogger(__name__)

STAFF_SHORTCUT = "Ctrl+Alt+S"
"""Opens the staff console (password first), outside kiosk mode only: a tool for developers
and trainers at the simulator. In kiosk mode staff work at the staff station (visual checks,
calls) and on the reader's own keypad; leaving kiosk mode is the deployment's business (the
systemd unit of kiosk.deploy)."""

PIN_STATES = frozenset({State.START, State.STAFF_WAIT, State.PIN_LOCKED, State.METHOD})

END_STATES = frozenset({State.START, State.DONE, State.CANCELLED, State.CARD_ERROR})
"""States after which the staff console's live image is cleared."""
"""States where the staff console re-reads the card's PINs by itself (no session running)."""


def camera_choices() -> list[str]:
    """Camera specs for the operator panel: the people of the deck, then the real cameras."""
    people: list[str] = []
    try:
        people = [f"person:{name}" for name in load_people()]
    except Exception as exc:  # the panel still takes a typed spec
        log.info("people unavailable: %s", type(exc).__name__)
    return [*people, "scripted:match", "scripted:no-match", "cv:0"]


def face_for_ui(camera: str, settings: Any = None) -> Any:
    """The flow's face verifier for a window: dlib runs in a child process (it keeps the GIL
    while it works; on a thread of this process that would freeze the GUI). The camera is
    still read here (OpenCV releases the GIL) so the preview gets every frame."""
    return face_for_camera(camera, settings, in_child=True)


def settings_summary(settings: Any) -> str:
    """The facility settings as ``name = value`` lines (no secrets are in Settings)."""
    from dataclasses import fields

    return "\n".join(f"{f.name} = {getattr(settings, f.name)!r}" for f in fields(settings))


class KioskApp(QObject):
    """Everything on screen for one kiosk, wired to one flow."""

    def __init__(
        self,
        app: QApplication,
        services: Services,
        *,
        kiosk_mode: bool = False,
        voice: bool = True,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.app = app
        self.services = services
        self.flow = services.reception()
        self.languages = Languages(app)
        self.window = KioskWindow(self.languages, kiosk_mode=kiosk_mode)
        self.bridge = FlowBridge(self.flow)
        self.voice = VoiceGuide(enabled=voice, parent=self)
        self.controller = KioskController(
            self.window, self.bridge, voice=self.voice, tick_ms=tick_ms
        )
        self.tray = CardTray(services.slot)
        self.follow_camera: Callable[[str], str | None] | None = None  # card spec → camera
        self.panel: OperatorPanel | None = None
        if not kiosk_mode:
            self.panel = OperatorPanel(
                deck_profiles(),
                camera_choices(),
                language=staff_language_of(services.settings),
                eligibility=getattr(services.eligibility, "service", None),
                phone=getattr(services, "phone", None) is not None,
            )
            self.panel.place_requested.connect(self.place_card)
            self.panel.remove_requested.connect(self.remove_card)
            self.panel.camera_requested.connect(self.set_camera)
            self.tray.trace_listeners.append(self._traced)
            # bound methods of GUI-thread QObjects only: a lambda would run on the worker
            self.bridge.settled.connect(self._on_settled)
        self.card_state = attach_card_state(self)  # the panel's card-state group
        self.rehearsal = attach_rehearsal(self)  # and its rehearsal group
        staff_language = staff_language_of(services.settings)
        self.console = StaffConsole(
            self._check_password,
            language=lambda: staff_language,  # never the patient's choice
            settings_text=settings_summary(services.settings),
        )
        self.console.mode_requested.connect(
            lambda visual, credential: self.bridge.request(Event.STAFF_MODE, (visual, credential))
        )
        self.console.confirm_requested.connect(
            lambda ok: self.bridge.request(Event.STAFF_CONFIRM, ok)
        )
        self.console.pins_requested.connect(self.read_pins)
        self.console.exit_requested.connect(self.quit)
        self.bridge.changed.connect(self._on_change)
        self.bridge.staff_photo.connect(self.console.set_photo)
        self.bridge.frame.connect(self._on_frame)
        self.bridge.job_done.connect(self._job_done)
        group = self.panel.phone_box if self.panel is not None else None
        self.phone = PhoneDesk(self.bridge, services, group)  # the 汎用カードリーダー
        self.shortcut = QShortcut(QKeySequence(STAFF_SHORTCUT), self.window)
        self.shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.shortcut.activated.connect(self.show_console)
        self._pending_trace: list[str] = []

    # -- lifetime -------------------------------------------------------------------------
    def start(self, *, fullscreen: bool = False, card: str | None = None) -> None:
        self.controller.start()
        if fullscreen:
            self.window.cover_screen()
        else:
            place_windows(self.window, self.panel, self.console)
        if not self.window.kiosk_mode:
            self.read_today()
        self.warm_up()
        if card:
            self.place_card(card)

    def warm_up(self) -> None:
        """Open the camera and start the face child while the kiosk is idle, on the flow's
        thread: opening a camera source imports OpenCV (and, for ``person:``, the face
        libraries), which keeps the GIL for up to a second — better at boot than in front
        of a patient."""
        self.bridge.run_job("warm", self._warm_up)

    def _warm_up(self) -> str:
        face = self.flow.face
        warm = getattr(face, "warm_up", None)  # scripted verdicts have nothing to warm
        if callable(warm):
            warm()
        return "warm"

    def quit(self) -> None:
        """Leave the kiosk (staff console only)."""
        self.stop()
        self.window.release()
        self.window.close()
        self.console.close()
        if self.panel is not None:
            self.panel.close()
        self.app.quit()

    def stop(self) -> None:
        self.controller.stop()
        self.voice.close()

    def show_console(self) -> None:
        """Outside kiosk mode only: in kiosk mode staff work at the staff station, never
        over the patient's screen."""
        if self.window.kiosk_mode:
            log.info("kiosk mode: the staff console stays closed; staff use the station")
            return
        if not self.console.isVisible():
            screen = self.window.screen() or QGuiApplication.primaryScreen()
            if screen is not None:
                panel = self.panel.frameGeometry() if self.panel is not None else None
                area = screen.availableGeometry()
                beside = console_place(area, self.window.frameGeometry(), panel)
                if beside is not None:
                    self.console.setGeometry(beside)
        self.console.show()  # asked for: beside the kiosk when there is room
        self.console.raise_()
        self.console.activateWindow()

    # -- simulator controls (all card work on the flow's thread) --------------------------
    def place_card(self, spec: str) -> None:
        """Put a card on the reader (taking the one there away first, as a hand would); the
        camera follows the card's holder when ``follow_camera`` says so (rehearsals)."""
        if self.tray.current is not None:
            self.remove_card()
        camera = self.follow_camera(spec) if self.follow_camera is not None else None
        if camera:
            self.bridge.run_job("camera", lambda: self.switch_camera(camera))
        self.bridge.run_job("place", lambda: self.tray.place(spec))

    def remove_card(self) -> None:
        self.flow.interrupt()
        self.bridge.run_job("remove", self.tray.remove)

    def set_camera(self, spec: str) -> None:
        def switch() -> str:
            if self.flow.state != State.START:
                return "busy"
            return self.switch_camera(spec)

        self.bridge.run_job("camera", switch)

    def switch_camera(self, spec: str) -> str:
        """On the flow's thread, between receptions: the face verifier of camera ``spec``."""
        face = face_for_ui(spec, self.services.settings)
        old, self.services.face = self.services.face, face
        self.services.camera = spec
        self.flow.face = face
        close = getattr(old, "close", None)
        if callable(close):
            close()
        self._warm_up()
        return spec

    def read_pins(self) -> None:
        """Every PIN of the card on the reader, spending no try (on the flow's thread)."""
        if self.tray.current is None:
            self.console.set_pins([])
            return
        self.bridge.run_job("pins", self._pin_statuses)

    def _pin_statuses(self) -> list[Any]:
        # Mid-reception, ask through the flow's own card session so its applet selection
        # stays what it believes; between receptions, through a fresh one.
        statuses = self.flow.pin_statuses() if hasattr(self.flow, "pin_statuses") else None
        if statuses is not None:
            return list(statuses)
        return list(self.services.slot.pin_statuses())

    def _job_done(self, tag: str, result: object) -> None:
        if tag == "trace":
            if self.panel is not None:
                self.panel.add_trace(str(result))
                self._refresh_counters()
            return
        if isinstance(result, Exception):
            if tag == "place":
                log.warning("card could not be placed: %s", result)
            return
        if tag == "place":
            self.bridge.request(Event.CARD_PLACED)
            self._refresh_counters()
            if self.console.logged_in:
                self.read_pins()
        elif tag == "remove":
            self.bridge.request(Event.CARD_REMOVED)
            self._refresh_counters()
        elif tag == "pins" and isinstance(result, list):
            self.console.set_pins(result)
        elif tag == "today" and isinstance(result, list):
            self.console.set_today(result)

    def _traced(self, entry: Any) -> None:
        # called on the flow's thread: hand the redacted line to the GUI thread
        self.bridge.job_done.emit("trace", str(entry))

    def _on_settled(self, _event: str, _state: object) -> None:
        self._refresh_counters()

    def _on_frame(self, image: object, _guidance: str, _progress: float) -> None:
        if isinstance(image, QImage):
            self.console.set_live(image)

    def _refresh_counters(self) -> None:
        if self.panel is not None:
            self.panel.set_counters(self.tray.pin_counters())

    # -- flow -> staff console ------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        language = getattr(self.services.settings, "language", "ja")
        if change.state == State.START and self.languages.current != language:
            self.window.set_language(language)  # the next patient starts in the facility's
        if change.state == State.START:
            self.window.set_large_text(False)  # and with normal text
        if change.state in END_STATES:
            self.console.set_live(None)  # no image of the last patient stays on the desk
        self.console.set_mode(self.flow.visit.staff_visual)
        self.console.set_waiting(change.state == State.STAFF_WAIT)
        if change.state in PIN_STATES and change.event != "tick" and self.console.logged_in:
            self.read_pins()
        if self.window.kiosk_mode:
            return  # the console is not used in kiosk mode: nothing to read for it
        if change.state in (State.DONE, State.CANCELLED, State.START) and change.event != "tick":
            self.read_today()

    def read_today(self) -> None:
        """Today's receptions and consents from the records (on the flow's thread)."""
        self.bridge.run_job("today", lambda: today_rows(self.services.records))

    # -- staff password -------------------------------------------------------------------
    def _check_password(self, password: str) -> bool:

        return staff_password_ok(self.services.settings, password)


def staff_language_of(settings: Any) -> str:
    """The staff side's language: the facility's, whatever a patient chose."""
    language = str(getattr(settings, "language", "ja") or "ja")
    return language if language in ("ja", "en") else "ja"


def place_windows(window: QWidget, panel: QWidget | None, console: QWidget) -> None:
    """Windowed (simulator) mode: the kiosk at 1280×800 or as much of the screen as there
    is, the operator panel beside it when it fits and overlapping its right edge when not —
    never off the screen; the staff console beside them when there is room, else it waits
    for Ctrl+Alt+S (:func:`console_place`)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1760, 800)
    width = min(1280, area.width())
    height = min(800, area.height())
    window.resize(width, height)
    window.move(area.left(), area.top())
    window.show()
    if panel is not None:
        panel_width = min(480, area.width())
        panel.resize(panel_width, min(800, area.height()))
        x = min(area.left() + width + 8, area.right() - panel_width + 1)
        panel.move(max(area.left(), x), area.top())
        panel.show()
    beside = console_place(area, window.frameGeometry(), panel.frameGeometry() if panel else None)
    if beside is not None:  # never over the kiosk: beside it, or not until asked for
        console.setGeometry(beside)
        console.show()


CONSOLE_MIN = (480, 400)
"""The smallest staff console worth opening by itself (width, height)."""


def console_place(area: QRect, window: QRect, panel: QRect | None) -> QRect | None:
    """Where the staff console opens without covering the kiosk window or the operator panel:
    to their right, else below them; None when the screen has no such room."""
    right = max(window.right(), panel.right() if panel is not None else window.right())
    x = right + 9
    width = min(900, area.right() - x + 1)
    if width >= CONSOLE_MIN[0]:
        return QRect(x, area.top(), width, min(640, area.height()))
    bottom = max(window.bottom(), panel.bottom() if panel is not None else window.bottom())
    y = bottom + 9
    height = min(640, area.bottom() - y + 1)
    if height >= CONSOLE_MIN[1]:
        return QRect(area.left(), y, min(900, area.width()), height)
    return None


def today_rows(records: Any, now: datetime | None = None) -> list[tuple[str, str, str, str]]:
    """Today's records as (time, kind, identity method, consents given) rows.

    ``records`` is the flow's Records port: the store adapter (``.store`` is the
    kiosk.records Records, with ``today()``) or the in-memory one of the tests.
    """
    recorder = getattr(records, "store", None)  # kiosk.records Records (has today())
    rows: list[tuple[str, str, str, str]] = []
    if recorder is not None and hasattr(recorder, "today"):
        for record in recorder.today(now):
            body = record.body if isinstance(record.body, dict) else {}
            consents = body.get("consents") or {}
            items = consents.get("items", {}) if isinstance(consents, dict) else {}
            given = [k for k, v in items.items() if v == "given"] if isinstance(items, dict) else []
            when = record.at.astimezone().strftime("%H:%M:%S")
            kind = str(body.get("outcome") or record.kind)
            rows.append((when, kind, str(body.get("identity") or ""), ", ".join(given)))
        return rows
    for result in getattr(records, "receptions", []):
        given = [str(getattr(k, "value", k)) for k, v in result.consents.items() if v]
        when = result.finished_at.astimezone().strftime("%H:%M:%S")
        rows.append((when, "completed", str(result.method.value), ", ".join(given)))
    return rows
