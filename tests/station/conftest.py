"""Staff-station fixtures: headless kiosks with their links, the station on a free port,
staff accounts, a signed-in HTTP client and a real browser (Debian's chromium, headless)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from helpers.pairing import pair
from helpers.waiting import wait_for
from kiosk.bench.staff import CHROMIUM_ARGS as BENCH_CHROMIUM_ARGS
from kiosk.config import Settings
from kiosk.face.camera.sources import open_camera
from kiosk.reception.events import Event
from kiosk.station.app import StationConfig
from kiosk.station.headless import FlowThread
from kiosk.station.kiosk_link import KioskLink
from kiosk.station.records_access import connect
from kiosk.station.server import Binding, StationThread
from kiosk.station_tables.calls import CallBoard
from kiosk.station_tables.keys import station_key
from kiosk.wiring.services import build_services

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(BENCH_CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load_postgres_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "records_conftest", REPO / "tests" / "records" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    server = _load_postgres_module().PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.db'}"


def add_staff(url: str, staff_id: str, password: str = PASSWORD) -> None:
    parts = connect(url, station_key())  # as `kiosk staff add` does: signed as the station
    try:
        parts.accounts.add(staff_id, password, at=datetime.now(UTC))
    finally:
        parts.db.close()


@dataclass
class Kiosk:
    """One headless kiosk with its link to the station."""

    kiosk_id: str
    services: Any
    flow: Any
    thread: FlowThread
    link: KioskLink
    board: CallBoard

    def do(self, action: Callable[[], Any]) -> Any:
        return self.thread.call(action)

    def send(self, event: Event, value: Any = None) -> Any:
        """``event`` sent to the kiosk's reception on its own thread; the state after."""
        return self.thread.call(lambda: self.flow.send(event, value))

    def stop(self) -> None:
        self.link.stop()
        self.thread.stop()
        self.board.close()
        self.services.close()


def start_kiosk(
    url: str,
    kiosk_id: str,
    card: str = "virtual:auth-pin-locked",
    settings: dict[str, Any] | None = None,
    clock: Any = None,
    paired: bool = True,
    **link: Any,
) -> Kiosk:
    settings = Settings(kiosk_id=kiosk_id).with_overrides(settings or {})
    services = build_services(
        settings, card=card, camera="scripted:no-match", records=url, clock=clock
    )
    flow = services.reception()
    thread = FlowThread(flow, name=f"flow-{kiosk_id}")
    board = CallBoard.open(url)
    if paired:
        pair(url, kiosk_id)
    camera = open_camera(f"image:{REPO / 'assets/people/joe-biden-1.jpg'}")
    kiosk_link = KioskLink(
        flow, board, kiosk_id, thread, slot=services.slot, frames=camera.read, **link
    )
    kiosk_link.start()
    return Kiosk(kiosk_id, services, flow, thread, kiosk_link, board)


@pytest.fixture
def kiosks() -> Iterator[Callable[..., Kiosk]]:
    started: list[Kiosk] = []

    def make(url: str, kiosk_id: str, **options: Any) -> Kiosk:
        kiosk = start_kiosk(url, kiosk_id, **options)
        started.append(kiosk)
        return kiosk

    yield make
    for kiosk in started:
        kiosk.stop()


@pytest.fixture
def station() -> Iterator[Callable[..., StationThread]]:
    started: list[StationThread] = []

    def make(url: str, **options: Any) -> StationThread:
        server = StationThread(
            Binding("127.0.0.1", free_port()), StationConfig(url, **options)
        ).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def login_form(client: httpx.Client) -> str:
    page = client.get("/login")
    match = re.search(r"name='csrf' value='([^']+)'", page.text)
    assert match, page.text
    return match.group(1)


def sign_in(base: str, staff_id: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    """An HTTP client signed in as ``staff_id`` and the session's CSRF token."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    nonce = login_form(client)
    answer = client.post("/login", data={"staff_id": staff_id, "password": password, "csrf": nonce})
    assert answer.status_code == 303, answer.text
    home = client.get("/")
    match = re.search(r'"csrf": "([^"]+)"', home.text)
    assert match, home.text
    return client, match.group(1)


@pytest.fixture
def browser_profile() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="station-chromium-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def browser(browser_profile: Path) -> Iterator[Any]:
    """A headless chromium (Debian's), its profile in ``browser_profile``."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (listed in .ci/debian-packages)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(browser_profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def st() -> SimpleNamespace:
    """The helpers above, for the test modules (conftest is not importable by name)."""
    return SimpleNamespace(
        PASSWORD=PASSWORD,
        REPO=REPO,
        add_staff=add_staff,
        sign_in=sign_in,
        login_form=login_form,
        wait_for=wait_for,
    )
