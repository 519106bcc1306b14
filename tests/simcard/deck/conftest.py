"""Fixtures of the deck tests: one CA state and one card per profile for the whole session
(RSA key generation is the slow part), issued on a fixed day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.deck import load_deck
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import CardState

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deck-home")


@pytest.fixture(scope="session")
def ca(session_home: Path) -> CertificateAuthority:
    return CertificateAuthority.load(home=session_home)


@pytest.fixture(scope="session")
def cards(ca: CertificateAuthority) -> dict[str, CardState]:
    """Every profile of the deck, issued once on TODAY by the session CA."""
    return {name: issue_card(name, today=TODAY, ca=ca) for name in load_deck()}
