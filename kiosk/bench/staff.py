"""Staff station: call-to-alert and confirm-to-screen with N headless kiosks and a real browser.

N kiosks (default 8) with their links, one station and one headless chromium signed in as a
member of staff, over one records database (``--records``: SQLite in a temporary folder by
default, or ``postgresql://…``). Each round every kiosk's patient presses 職員を呼ぶ at once;
``call_to_alert`` runs from the press to the page's alert (its own clock), and
``confirm_to_screen`` from the tap on 本人確認OK to the kiosk's flow leaving 目視確認待ち.
One untimed round comes first (``--warmup-rounds``): in it the process loads the JPEG 2000
codec and each virtual card builds its chip photo, once, as a kiosk does at its first
patient of the day, but here every kiosk does it at once in one interpreter.

The kiosks are threads of this one process, beside the station (``kiosks_as``: "threads"):
each has its own flow, link and database connections, as ``kiosk run`` would, but they share
one interpreter and its lock, so the figures are an upper bound of what separate kiosks give.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.bench._pairing import pair_all
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.reception import Change, State
from kiosk.reception.events import Event
from kiosk.station.app import StationConfig
from kiosk.station.headless import FlowThread
from kiosk.station.kiosk_link import KioskLink
from kiosk.station.records_access import connect
from kiosk.station.server import Binding, StationThread
from kiosk.station_tables.calls import CallBoard
from kiosk.wiring.services import build_services

CHROMIUM = "/usr/bin/chromium"
PASSWORD = secrets.token_urlsafe(18)  # a fresh one per run, never written anywhere
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless chromium for a station page: no sandbox (root in CI), no GPU, no background
network traffic of its own."""
KIOSKS_AS = "threads"
"""How the kiosks run: threads of the bench's own process (not one process each)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kiosks", type=int, default=8, help="headless kiosks (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="calls per kiosk (default 3)")
    parser.add_argument(
        "--warmup-rounds",
        type=int,
        default=1,
        help="untimed rounds first (default 1; 0: time the process's first calls too)",
    )
    parser.add_argument("--records", help="records database (default: SQLite, temporary)")
    parser.add_argument("--chromium", default=CHROMIUM, help="the browser to drive")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, -(-len(ordered) * 95 // 100) - 1)], 1)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 1)


class _Kiosk:
    def __init__(self, url: str, kiosk_id: str) -> None:
        self.kiosk_id = kiosk_id
        self.services = build_services(
            Settings(kiosk_id=kiosk_id), camera="scripted:no-match", records=url
        )
        self.card = self.services.insert_card("virtual:auth-pin-locked")
        self.flow = self.services.reception()
        self.thread = FlowThread(self.flow, name=f"flow-{kiosk_id}")
        self.board = CallBoard.open(url)
        self.link = KioskLink(self.flow, self.board, kiosk_id, self.thread, frames=None)
        self.left_wait: float | None = None
        self.flow.add_listener(self._on_change)
        self.link.start()

    def _on_change(self, change: Change) -> None:
        if change.previous == State.STAFF_WAIT and change.state != State.STAFF_WAIT:
            self.left_wait = time.time()

    def call(self) -> float:
        self.left_wait = None
        self.thread.call(lambda: self.flow.send(Event.CARD_PLACED))
        pressed = time.time()
        self.thread.call(lambda: self.flow.send(Event.CALL_STAFF))
        return pressed

    def reset(self) -> None:
        def leave() -> None:
            self.services.slot.remove()
            while self.flow.state != State.START:  # the end screen, then the start
                self.flow.send(Event.CARD_REMOVED)
            power_on = getattr(self.card, "power_on", None)
            if callable(power_on):
                power_on()
            self.services.slot.insert(self.card)

        self.thread.call(leave)

    def stop(self) -> None:
        self.link.stop()
        self.thread.stop()
        self.board.close()
        self.services.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: argparse.Namespace) -> dict[str, Any]:
    count, rounds = max(1, int(args.kiosks)), max(1, int(args.rounds))
    if not Path(args.chromium).exists():
        raise KioskError(f"no browser at {args.chromium}: apt-get install chromium")
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-staff-"))
    old_home = os.environ.get("KIOSK_HOME")
    os.environ["KIOSK_HOME"] = str(folder / "home")
    url = args.records or f"sqlite:///{folder / 'records.db'}"
    parts = connect(url)
    try:
        parts.accounts.add("bench-staff", PASSWORD, at=datetime.now(UTC))
    except KioskError:
        pass  # a reused database keeps its account
    finally:
        parts.db.close()
    server = StationThread(Binding("127.0.0.1", _free_port()), StationConfig(url)).start()
    kiosks = [_Kiosk(url, f"bench-{n + 1}") for n in range(count)]
    try:
        pair_all(url, [k.link for k in kiosks])
        warmup = max(0, int(getattr(args, "warmup_rounds", 1)))
        return _measure(args.chromium, server.binding.url, kiosks, (warmup, rounds), count, url)
    finally:
        for kiosk in kiosks:
            kiosk.stop()
        server.stop()
        if old_home is None:
            os.environ.pop("KIOSK_HOME", None)
        else:
            os.environ["KIOSK_HOME"] = old_home
        shutil.rmtree(folder, ignore_errors=True)


def _measure(
    chromium: str,
    base: str,
    kiosks: list[_Kiosk],
    runs: tuple[int, int],
    count: int,
    url: str,
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    alerts: list[float] = []
    confirms: list[float] = []
    profile = tempfile.mkdtemp(prefix="kiosk-bench-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=list(CHROMIUM_ARGS),
        )
        browser = f"chromium {context.browser.version if context.browser else '?'}"
        page = context.new_page()
        page.goto(base)
        page.fill("#staff_id", "bench-staff")
        page.fill("#password", PASSWORD)
        page.click("#login")
        page.wait_for_selector("#calls")
        warmup, rounds = runs
        for done in range(warmup + rounds):
            if done == warmup:  # the untimed rounds are over
                alerts.clear()
                confirms.clear()
            pressed: dict[str, float] = {}
            threads = [
                threading.Thread(target=lambda k=k, p=pressed: p.__setitem__(k.kiosk_id, k.call()))
                for k in kiosks
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            calls = _wait_calls(page, kiosks)
            for kiosk in kiosks:
                call_id, alerted = calls[kiosk.kiosk_id]
                alerts.append(alerted - pressed[kiosk.kiosk_id] * 1000)
                _open_call(page, call_id)
                page.wait_for_selector("#confirm-ok:not([disabled])", timeout=60_000)
                tapped = page.evaluate(
                    "() => { const t = Date.now();"
                    " document.getElementById('confirm-ok').click(); return t; }"
                )
                deadline = time.monotonic() + 60
                while kiosk.left_wait is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                if kiosk.left_wait is None:
                    raise KioskError(f"{kiosk.kiosk_id} never left 目視確認待ち")
                confirms.append(kiosk.left_wait * 1000 - tapped)
            for kiosk in kiosks:
                kiosk.reset()
        context.close()
    shutil.rmtree(profile, ignore_errors=True)
    return {
        "kiosks": count,
        "rounds": rounds,
        "warmup_rounds": warmup,
        "calls": len(alerts),
        "call_to_alert_ms_p95": _p95(alerts),
        "call_to_alert_ms_median": _median(alerts),
        "confirm_to_screen_ms_p95": _p95(confirms),
        "confirm_to_screen_ms_median": _median(confirms),
        "target_ms_p95": 1000,
        "browser": browser,
        "records": url.split(":", 1)[0],
        "kiosks_as": KIOSKS_AS,
    }


def _open_call(page: Any, call_id: str) -> None:
    """Staff open the call ``call_id``: the list is drawn again as states arrive, so a tap
    that landed on its neighbour is made again."""
    from playwright.sync_api import TimeoutError as NotYet

    selected = "id => (document.querySelector('li.call.selected') || {}).id === 'call-' + id"
    for _ in range(5):
        page.click(f"#call-{call_id}")
        try:
            page.wait_for_function(selected, arg=call_id, timeout=5_000)
        except NotYet:
            continue
        return
    raise KioskError(f"the station page would not open the call {call_id}")


def _wait_calls(page: Any, kiosks: list[_Kiosk]) -> dict[str, tuple[str, float]]:
    """Each kiosk's open call id and when the page alerted for it (ms since the epoch)."""
    wanted = {k.kiosk_id for k in kiosks}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = page.evaluate(
            "() => Array.from(document.querySelectorAll('li.call.open')).map("
            "li => [li.dataset.kiosk, li.id.slice(5), window.stationAlertTimes[li.id.slice(5)]])"
        )
        calls = {kiosk: (call, float(at)) for kiosk, call, at in found if at}
        if wanted <= set(calls):
            return calls
        time.sleep(0.02)
    raise KioskError("the station page did not show every call within 60 s")
