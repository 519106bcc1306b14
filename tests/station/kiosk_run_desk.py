"""``kiosk run`` with a desk, in a process of its own (test_kiosk_run.py starts it): the real
Qt window (offscreen), the staff station it serves on the given port, and a real browser at
the desk that sees the call and confirms it. Prints what it saw as one JSON line.

``kiosk run`` keeps the main thread (the Qt event loop); the patient's taps are posted to it
and the browser runs on a thread of its own.

Usage: ``python kiosk_run_desk.py RECORDS_URL PORT BROWSER_PROFILE``
"""

from __future__ import annotations

import json
import os
import sys
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

from helpers.desk_page import sign_in_at_desk
from kiosk.cli import main as kiosk_main

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


def _corner_code() -> str | None:
    from kiosk.ui.pairing_code import PairingCode

    corner = _window().findChild(PairingCode)
    return corner.code if corner is not None and corner.isVisible() else None


def _until(condition: Callable[[], Any], what: str, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def main(sqlite_url: str, port: int, browser_profile: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qapp = QApplication(sys.argv[:1])
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

    def pair_at_the_desk(page: Any) -> None:
        """As a clinic does once: 登録 at the desk, the code in the kiosk's corner typed in."""
        page.click("#tab-kiosks")
        page.click("#pair-start-kiosk-1", timeout=60_000)
        code = _until(lambda: gui.call(_corner_code), "the pairing code on the kiosk")
        seen["pairing_code"] = code
        page.fill("#pair-code-kiosk-1", code)
        page.click("#pair-confirm-kiosk-1")
        seen["paired"] = page.inner_text("#pair-message-kiosk-1", timeout=60_000)
        page.click("#tab-calls")

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
                sign_in_at_desk(page, base, "nurse-01")
                pair_at_the_desk(page)
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

    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(qapp.quit)  # never hang the test run
    limit.start(int(LIMIT_S * 1000))
    threading.Thread(target=drive, name="desk", daemon=True).start()
    try:
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
    finally:
        limit.stop()
    print(json.dumps({"code": code, "failure": failure, **seen}, ensure_ascii=False), flush=True)
    return 0


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
