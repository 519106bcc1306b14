"""Shared test set-up: Qt offscreen before any QApplication, opt-in hardware tests, a KIOSK_HOME
per test, and pcscd with the vpcd virtual reader (card, bench).

Helpers that tests import (waiting, tapping, the consent walk, test doubles) are in
``tests/helpers`` (``tests`` is on ``pythonpath``: ``from helpers.waiting import wait_for``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reader", default=None, help="run the real-reader tests on this PC/SC reader"
    )
    parser.addoption("--webcam", default=None, help="run the webcam tests on this camera index")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "reader" in item.keywords and not config.getoption("--reader"):
            item.add_marker(pytest.mark.skip(reason="needs a real reader: --reader NAME"))
        if "webcam" in item.keywords and not config.getoption("--webcam"):
            item.add_marker(pytest.mark.skip(reason="needs a webcam: --webcam INDEX"))


@pytest.fixture(autouse=True)
def _kiosk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own KIOSK_HOME so nothing leaks between tests or into ~."""
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path_factory.mktemp("kiosk-home")))


# -- pcscd + vpcd -------------------------------------------------------------------------------

VPCD_SLOT0 = "Virtual PCD 00 00"


def _pcscd_answers() -> str | None:
    """None when pcscd answers with its vpcd reader, else why not."""
    from kiosk.card.errors import CardError
    from kiosk.card.pcsc import list_readers

    try:
        readers = list_readers()
    except CardError as exc:
        return str(exc)
    if VPCD_SLOT0 not in readers:
        return f"pcscd runs but has no {VPCD_SLOT0!r} reader (install vsmartcard-vpcd, restart)"
    return None


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """A pcscd with the vpcd reader: the running one, or one started here (stopped by PID)."""
    if _pcscd_answers() is None:
        yield
        return
    if shutil.which("pcscd") is None:
        pytest.skip("pcscd is not installed (apt install pcscd vsmartcard-vpcd)")
    try:
        proc = subprocess.Popen(
            ["pcscd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        pytest.skip(f"cannot start pcscd: {exc}")
    # pcscd gives no readiness signal; poll its socket (generously: a loaded machine is slow)
    deadline = time.monotonic() + 60
    problem = _pcscd_answers()
    while problem is not None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        problem = _pcscd_answers()
    if problem is not None:
        proc.terminate()
        proc.wait(10)
        pytest.skip(f"pcscd could not be started: {problem}")
    yield
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
