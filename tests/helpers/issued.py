"""Virtual cards issued by one test CA: the CA and each profile's auth certificate."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.issue import issue_card

World = tuple[CertificateAuthority, dict[str, bytes]]


def issued_world(home: Path, profiles: Iterable[str]) -> World:
    """A CA in ``home`` and the auth certificate of a card of each of ``profiles``."""
    ca = CertificateAuthority.load(home)
    certs = {}
    for name in profiles:
        state = issue_card(name, ca=ca)
        assert state.auth_cert is not None
        certs[name] = state.auth_cert
    return ca, certs
