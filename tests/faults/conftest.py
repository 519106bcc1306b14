"""Fixtures of the fault and soak tests: cards issued once per session, a headless kiosk per
test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.faults.harness import CardBox, HeadlessKiosk


@pytest.fixture(scope="session")
def cards() -> CardBox:
    """Cards issued once (RSA keys) and copied for every use."""
    return CardBox()


@pytest.fixture
def kiosk() -> Iterator[HeadlessKiosk]:
    """A headless kiosk over the real services in this test's KIOSK_HOME."""
    k = HeadlessKiosk()
    try:
        yield k
    finally:
        k.close()
