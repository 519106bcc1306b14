"""``kiosk run``: the first painted frame is announced, and the face verifier waits for it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.commands.window import DeferredFace
from kiosk.ui.first_paint import ENV, MARKER, watch_first_paint


def _app() -> QApplication:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    return app


def _until(condition: Any, app: QApplication, limit_s: float = 30.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


@pytest.mark.parametrize("announce", [True, False])
def test_the_first_paint_is_announced_on_request(
    announce: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if announce:
        monkeypatch.setenv(ENV, "1")
    else:
        monkeypatch.delenv(ENV, raising=False)
    app = _app()
    window = QLabel("start")
    painted = threading.Event()
    watcher = watch_first_paint(window, painted)
    assert not painted.is_set()  # nothing painted before the window is shown
    window.show()
    _until(painted.is_set, app)
    assert painted.is_set() and watcher.painted is painted
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(MARKER)]
    if announce:
        assert len(lines) == 1 and float(lines[0].split()[1]) > 0
    else:
        assert lines == []
    window.update()  # later paints announce nothing more
    _until(lambda: False, app, 0.2)
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


def test_the_face_is_built_at_warm_up_after_the_first_frame() -> None:
    built: list[Face] = []

    def build() -> Face:
        built.append(Face())
        return built[-1]

    painted = threading.Event()
    face = DeferredFace(build, painted)
    warm = threading.Thread(target=face.warm_up)
    warm.start()
    warm.join(0.3)
    assert warm.is_alive() and built == []  # waits for the first frame
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
