"""Shared test set-up: Qt offscreen before any QApplication, opt-in hardware tests."""

from __future__ import annotations

import os

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
