"""``kiosk run`` as a whole: the real Qt window (offscreen), the staff station it serves on a
free port, and a real browser at the desk that sees the call and confirms it.

``kiosk run`` keeps this thread (the Qt event loop); the patient's taps are posted to it and
the browser runs on a thread of its own."""

from __future__ import annotations

import socket
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.cli import main as kiosk_main

PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
LIMIT_S = 240.0


class GuiThread(QObject):
    """Runs callables on the GUI thread for another thread (queued signal)."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._run)

    def _run(self, job: Callable[[], None]) -> None:
        job()

    def call(self, work: Callable[[], Any], timeout_s: float = 30.0) -> Any:
        done: Future[Any] = Future()

        def job() -> None:
            try:
                done.set_result(work())
            except BaseException as exc:
                done.set_exception(exc)

        self.posted.emit(job)
        return done.result(timeout_s)


def _window() -> Any:
    from kiosk.ui.window import KioskWindow

    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow))


def _until(condition: Callable[[], Any], what: str, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_kiosk_run_with_its_station_and_a_browser_at_the_desk(
    qapp, sqlite_url: str, browser_profile: Path, st
) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is not installed"
    st.add_staff(sqlite_url, "nurse-01")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    base = f"http://127.0.0.1:{port}/"
    gui = GuiThread()
    seen: dict[str, Any] = {}
    failure: list[str] = []

    def screen() -> str:
        return str(gui.call(lambda: _window().current_id))

    def tap(name: str) -> None:
        def press() -> None:
            button = _window().current().findChild(QPushButton, name)
            assert button is not None and button.isVisible() and button.isEnabled(), name
            button.click()

        gui.call(press)

    def desk() -> None:
        from playwright.sync_api import sync_playwright

        _until(lambda: _healthy(base), "the station to serve")
        _until(lambda: screen() == "method", "the method screen")  # the card was placed
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(browser_profile),
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            try:
                page = context.new_page()
                page.goto(base)
                page.fill("#staff_id", "nurse-01")
                page.fill("#password", PASSWORD)
                page.click("#login")
                page.wait_for_selector("#calls")
                tap("call_staff")  # the patient presses 職員を呼ぶ
                _until(lambda: screen() == "staff-wait", "the staff-wait screen")
                seen["staff_button"] = gui.call(
                    lambda: _window().current().findChild(QPushButton, "staff_button") is not None
                )
                page.wait_for_selector("li.call.open", timeout=60_000)
                seen["call"] = page.inner_text("li.call.open")
                page.wait_for_selector("img#chip-photo", timeout=60_000)
                page.wait_for_selector("#confirm-ok:not([disabled])", timeout=60_000)
                page.click("#confirm-ok")
                seen["screen"] = _until(
                    lambda: (s := screen()) != "staff-wait" and s, "the patient's screen"
                )
                page.wait_for_selector("#view-message", timeout=60_000)
                seen["message"] = page.inner_text("#view-message")
            finally:
                context.close()

    def drive() -> None:
        try:
            desk()
        except BaseException:
            failure.append(traceback.format_exc())
        finally:
            gui.posted.emit(qapp.quit)

    QTimer.singleShot(int(LIMIT_S * 1000), qapp.quit)  # never hang the test run
    threading.Thread(target=drive, name="desk", daemon=True).start()
    code = kiosk_main(
        [
            "run",
            "--card",
            "virtual:auth-pin-locked",
            "--camera",
            "scripted:no-match",
            "--records",
            sqlite_url,
            "--station-port",
            str(port),
            "--no-voice",
        ]
    )
    assert not failure, failure[0]
    assert code == 0
    assert seen["staff_button"]  # the on-reader staff button is on the waiting screen
    assert "暗証番号" in seen["call"]  # the reason in words
    assert seen["screen"] == "consent-item"  # confirmed at the desk: the patient moves on
    assert "nurse-01" in seen["message"]


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
