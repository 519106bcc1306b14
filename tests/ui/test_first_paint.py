"""``kiosk run``: the first painted frame is announced, and the face verifier waits for it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel

from kiosk.commands.window import DeferredFace
from kiosk.ui.first_paint import ENV, MARKER, watch_first_paint

TIMEOUT_MS = 60_000  # generous: waits end as soon as the condition holds


class Paints(QObject):
    """Counts a widget's paint events."""

    def __init__(self, widget: QLabel) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _queue_drained(qtbot: Any) -> None:
    """Wait until everything queued on the GUI thread so far (a zero-time timer the first
    paint's watcher started, say) has run."""
    drained: list[bool] = []
    QTimer.singleShot(0, lambda: drained.append(True))
    qtbot.waitUntil(lambda: bool(drained), timeout=TIMEOUT_MS)


@pytest.mark.parametrize("announce", [True, False])
def test_the_first_paint_is_announced_on_request(
    announce: bool, qtbot: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if announce:
        monkeypatch.setenv(ENV, "1")
    else:
        monkeypatch.delenv(ENV, raising=False)
    window = QLabel("start")
    qtbot.addWidget(window)
    painted = threading.Event()
    watcher = watch_first_paint(window, painted)
    paints = Paints(window)
    assert not painted.is_set()  # nothing painted before the window is shown
    window.show()
    qtbot.waitUntil(painted.is_set, timeout=TIMEOUT_MS)
    assert painted.is_set() and watcher.painted is painted
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(MARKER)]
    if announce:
        assert len(lines) == 1 and float(lines[0].split()[1]) > 0
    else:
        assert lines == []
    before = paints.count
    window.update()  # later paints announce nothing more: paint again, and let it all run
    qtbot.waitUntil(lambda: paints.count > before, timeout=TIMEOUT_MS)
    _queue_drained(qtbot)
    assert not [x for x in capsys.readouterr().out.splitlines() if x.startswith(MARKER)]
    window.close()


class Face:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def warm_up(self) -> None:
        self.calls.append("warm")

    def attempt(self) -> str:
        return "verdict"

    def close(self) -> None:
        self.calls.append("close")


class WatchedEvent(threading.Event):
    """An Event that says when someone has started waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waited = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waited.set()
        return super().wait(timeout)


def test_the_face_is_built_at_warm_up_after_the_first_frame() -> None:
    built: list[Face] = []

    def build() -> Face:
        built.append(Face())
        return built[-1]

    painted = WatchedEvent()
    face = DeferredFace(build, painted)
    warm = threading.Thread(target=face.warm_up)
    warm.start()
    assert painted.waited.wait(60)  # the warm-up waits for the first frame …
    assert warm.is_alive() and built == []  # … having built nothing before it
    painted.set()
    warm.join(30)
    assert not warm.is_alive()
    assert len(built) == 1 and built[0].calls == ["warm"]
    assert face.attempt() == "verdict" and len(built) == 1  # everything else is the face's
    face.close()
    assert built[0].calls == ["warm", "close"]


def test_a_face_never_used_is_never_built() -> None:
    built: list[Face] = []
    face = DeferredFace(lambda: built.append(Face()) or built[-1], threading.Event())
    face.close()
    assert built == []
