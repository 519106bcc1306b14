"""The kiosk's half of pairing with a station (:mod:`kiosk.station_tables.pairing`): ask, show
the code once a station answers, keep the station's key once it signed the pairing.

A kiosk that is paired with no station asks by itself (its link, ``kiosk staff pair``); it
never pairs by itself: a member of staff signed in at the station types the code the kiosk
shows (on its screen, in ``kiosk run``'s output). Until then the kiosk obeys no request and
the desk shows it as unpaired.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.records.database import Database
from kiosk.station_tables import pairing as rows
from kiosk.station_tables.keys import KeyPair, trust_station, trusted_stations
from kiosk.station_tables.trust import ensure_trust_schema

log = logging.getLogger(__name__)


def shown_code(code: str) -> str:
    """The code as people read it: ``123 456``."""
    return f"{code[:3]} {code[3:]}"


class KioskPairing:
    """One kiosk's pairing, a step at a time (:meth:`step`, on the link's thread)."""

    def __init__(
        self,
        db: Database,
        kiosk_id: str,
        key: KeyPair,
        *,
        again: bool = False,
    ) -> None:
        self.db = db
        self.kiosk_id = kiosk_id
        self.key = key
        self.again = again  # pair with one more station although paired already
        self.listeners: list[Callable[[str | None], None]] = []
        self.code: str | None = None
        self._id: str | None = None
        self._nonce = ""
        self._station: str | None = None  # the station key this kiosk revealed its nonce to
        ensure_trust_schema(db)

    @property
    def paired(self) -> bool:
        return bool(trusted_stations(self.kiosk_id)) and not self.again

    def step(self) -> bool:
        """One look at the pairing; True once this kiosk is paired."""
        if self.paired:
            self._show(None)
            return True
        if self._id is None:
            self._nonce = rows.new_nonce()
            self._station = None
            self._id = rows.ask(self.db, self.kiosk_id, self.key.public, self._nonce)
            return False
        found = rows.pairing(self.db, self._id)
        if found is None or found.status == rows.REFUSED or rows.expired(found):
            self._id = None  # refused, expired or removed: ask again, with new nonces
            self._show(None)
            return False
        if self._station is None and found.station_key and found.station_nonce:
            self._station = found.station_key  # the first station to answer, and only it
            rows.reveal(self.db, self._id, self._nonce)
            shown = rows.code(self.key.public, found.station_key, self._nonce, found.station_nonce)
            self._show(shown)
        if self._station is not None and found.sealed_by(self._station):
            trust_station(self.kiosk_id, self._station)
            self.again = False
            self._id = None
            self._show(None)
            log.info("paired with the staff station")
            return True
        return False

    def _show(self, code: str | None) -> None:
        if code == self.code:
            return
        self.code = code
        for listener in list(self.listeners):
            listener(None if code is None else shown_code(code))
