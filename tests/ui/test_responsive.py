"""The GUI thread is never blocked for more than 50 ms, measured during a real face reception
(virtual card, the deck person's photos as the camera, the dlib verifier on the worker)."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.simcard.deck import get_profile

LIMIT_MS = 50.0
BEAT_MS = 5


class Watchdog(QObject):
    """A precise heartbeat on the GUI thread; the longest gap between beats is the longest
    time any handler kept the event loop busy."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = 0.0
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000 - BEAT_MS)
        self.last = now

    @property
    def worst_ms(self) -> float:
        return max(self.gaps, default=0.0)


class _Warm(QObject):
    warmed = Signal()

    def done(self, tag: str, _result: object) -> None:
        if tag == "warm":
            self.warmed.emit()


class _Counter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.frames = 0

    def frame(self, *_: object) -> None:
        self.frames += 1


def test_gui_thread_never_blocks_during_a_face_reception(qtbot, make_app, ui) -> None:
    from kiosk.ui.app import face_for_ui

    camera = f"person:{get_profile('standard').person}"
    warm = _Warm()
    app = make_app(camera=camera, face=face_for_ui(camera), start=False)
    app.kiosk.bridge.job_done.connect(warm.done)
    with qtbot.waitSignal(warm.warmed, timeout=60000):
        app.kiosk.start()
    # the kiosk is idle and warm (camera open, face child started): a patient arrives
    counter = _Counter()
    app.kiosk.bridge.frame.connect(counter.frame)
    dog = Watchdog()
    dog.start()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.wait_screen(app, "face")
    # matched: the real verifier said so (the success mark shows first; a busy machine is slow)
    qtbot.waitUntil(lambda: app.window.current_id == "consent-item", timeout=60000)
    dog.stop()
    assert counter.frames > 10, "camera frames did not reach the preview"
    assert app.window.face_screen.preview.frames_shown > 0
    assert len(dog.gaps) > 100
    assert dog.worst_ms <= LIMIT_MS, f"GUI blocked {dog.worst_ms:.0f} ms"
