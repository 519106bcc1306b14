"""The kiosk window driven by the real flow (kiosk.reception) with in-memory collaborators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QObject

from helpers.doubles import FakeCard, FakeCertificates, FakeEligibility, FakeSlot, MemoryRecords
from helpers.qt import TIMEOUT_MS, answer_consents, tap, wait_screen
from kiosk.reception import Event, Reception
from kiosk.reception.clock import ManualClock
from kiosk.reception.policy import FlowPolicy
from kiosk.wiring.memory import ScriptedFace, StaticStaff

STAFF_PASSWORD = "staff-pass-for-tests"


@dataclass
class Kiosk:
    flow: Reception
    slot: FakeSlot
    face: ScriptedFace
    records: MemoryRecords
    eligibility: FakeEligibility
    clock: ManualClock
    window: object
    bridge: object
    controller: object


@pytest.fixture
def make_kiosk(qtbot):  # type: ignore[no-untyped-def]
    made: list[Kiosk] = []

    def make(
        card: FakeCard | None = None,
        face: list[str] | None = None,
        policy: FlowPolicy | None = None,
        eligibility: FakeEligibility | None = None,
    ) -> Kiosk:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui import theme
        from kiosk.ui.bridge import FlowBridge
        from kiosk.ui.controller import KioskController
        from kiosk.ui.i18n import Languages
        from kiosk.ui.window import KioskWindow

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app)
        slot = FakeSlot(None)
        scripted = ScriptedFace(face or ["match"])
        records = MemoryRecords()
        elig = eligibility or FakeEligibility()
        clock = ManualClock()
        flow = Reception(
            slot=slot,
            certificates=FakeCertificates(slot),
            face=scripted,
            eligibility=elig,
            records=records,
            staff=StaticStaff(STAFF_PASSWORD),
            clock=clock,
            policy=policy,
        )
        window = KioskWindow(Languages(app))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        bridge = FlowBridge(flow)
        controller = KioskController(window, bridge, tick_ms=0)
        controller.start()
        kiosk = Kiosk(flow, slot, scripted, records, elig, clock, window, bridge, controller)
        made.append(kiosk)
        if card is not None:
            slot.card = card
        return kiosk

    yield make
    for kiosk in made:
        kiosk.controller.stop()  # type: ignore[attr-defined]
        kiosk.window.languages.switch("ja")  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ui: kiosk window tests")


class _Handled(QObject):
    """Lives on the GUI thread: the flow's answers reach it queued, after every change the
    flow announced before them has reached the window."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def record(self, event: str, *_: object) -> None:
        self.events.append(event)


class Driver:
    """Taps and waits, for the tests (``ui.tap(...)``, ``ui.wait_screen(...)``)."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot

    def wait_screen(self, kiosk: Any, screen_id: str) -> None:
        wait_screen(self.qtbot, kiosk, screen_id)

    def tap(self, widget: Any, name: str) -> None:
        tap(self.qtbot, widget, name)

    def type_pin(self, kiosk: Any, digits: str) -> None:
        screen = kiosk.window.screens["pin"]
        for digit in digits:
            tap(self.qtbot, screen, f"key_{digit}")
        tap(self.qtbot, screen, "key_ok")

    def answer_consents(
        self, kiosk: Any, answers: Sequence[bool], high_cost: str = "not_use"
    ) -> list[str]:
        return answer_consents(self.qtbot, kiosk, answers, high_cost)

    def tick(self, app: App, seconds: float) -> None:
        """Let ``seconds`` pass on the app's manual clock, then wait until the flow has handled
        that tick and the window has been told everything the flow said before its answer."""
        bridge = app.kiosk.bridge
        handled = _Handled()
        bridge.settled.connect(handled.record)
        bridge.refused.connect(handled.record)
        try:
            app.clock.advance(seconds)
            bridge.tick()
            self.qtbot.waitUntil(lambda: Event.TICK in handled.events, timeout=TIMEOUT_MS)
        finally:
            bridge.settled.disconnect(handled.record)
            bridge.refused.disconnect(handled.record)


@pytest.fixture
def ui(qtbot: Any) -> Driver:
    return Driver(qtbot)


@dataclass
class App:
    """A whole kiosk (window, operator panel, staff console) over the real services."""

    kiosk: Any  # kiosk.ui.app.KioskApp
    services: Any
    clock: ManualClock
    records: MemoryRecords

    @property
    def window(self) -> Any:
        return self.kiosk.window

    @property
    def flow(self) -> Any:
        return self.kiosk.flow


@pytest.fixture
def make_app(qtbot: Any):  # type: ignore[no-untyped-def]
    """KioskApp over build_services: virtual cards from the deck, scripted or real face."""
    made: list[App] = []

    def make(
        camera: str = "scripted:match",
        face: Any = None,
        start: bool = True,
        records: str = "memory",
        **settings: Any,
    ) -> App:
        from PySide6.QtWidgets import QApplication

        from kiosk.config import Settings
        from kiosk.ui import theme
        from kiosk.ui.app import KioskApp
        from kiosk.wiring.services import build_services

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app)
        clock = ManualClock()
        memory = MemoryRecords()
        services = build_services(
            Settings(**settings),
            camera=camera,
            records=memory if records == "memory" else None,  # None: SQLite in KIOSK_HOME
            clock=clock,
            face=face,
        )
        kiosk = KioskApp(app, services, voice=False, tick_ms=0)
        for widget in (kiosk.window, kiosk.console, kiosk.panel):
            if widget is not None:
                qtbot.addWidget(widget)
        if start:
            kiosk.start()
        made.append(App(kiosk, services, clock, memory))
        return made[-1]

    yield make
    for app in made:
        app.kiosk.stop()
        app.kiosk.languages.switch("ja")
        app.services.close()
