"""Pairing a kiosk with a station: each learns the other's public key, and a member of staff
confirms it by typing the short code the kiosk shows into the station's page.

The rows travel through the shared database, which an attacker may write, so the code is a
short authentication string over both keys with commitments (as Bluetooth's numeric
comparison or ZRTP's SAS): nobody in the middle can make the kiosk and the station compute
the same code for different keys, except by a one-in-a-million guess that burns the attempt.

1. The kiosk asks (:func:`ask`): its kiosk ID, its public key and a commitment
   ``SHA-256(kiosk nonce)``; the nonce stays in the kiosk's memory.
2. Staff press 登録 at the station (:func:`claim`): the station adds its public key and a nonce
   of its own (derived from its private key and the row, so the row cannot change it).
3. The kiosk reveals its nonce (:func:`reveal`) once, for the first station key it saw, and
   shows the code ``SAS(kiosk key, station key, kiosk nonce, station nonce)``: 6 digits.
4. Staff type the code at the station (:func:`confirm`): the station checks the commitment
   and the code with its own nonce; equal: it enrols the kiosk's key (signed,
   :func:`kiosk.station_tables.trust.enrol`) and signs the pairing; different: the attempt is
   refused and over (the kiosk starts again with new nonces and a new code).
5. The kiosk checks the station's signature with the key it revealed to, and keeps that key
   (:func:`kiosk.station_tables.keys.trust_station`).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.records.chain import iso
from kiosk.records.database import Database
from kiosk.station_tables.bell import DESK, KIOSKS, bell_for
from kiosk.station_tables.keys import KeyPair, is_public_key, verify
from kiosk.station_tables.trust import enrol

PAIRED = "kiosk station paired"
PAIRING_S = 600.0
"""A pairing not finished within this long is over."""

OPEN, DONE, REFUSED = "open", "paired", "refused"


@dataclass(frozen=True)
class Pairing:
    id: str
    kiosk_id: str
    kiosk_key: str
    commitment: str
    created_at: datetime
    station_key: str | None
    station_nonce: str | None
    kiosk_nonce: str | None
    status: str
    seal: str | None

    def sealed_by(self, station_key: str) -> bool:
        """The station with ``station_key`` signed this pairing."""
        return self.status == DONE and verify(station_key, PAIRED, _paired(self), self.seal)


_COLUMNS = (
    "id, kiosk_id, kiosk_key, commitment, created_at, station_key, station_nonce,"
    " kiosk_nonce, status, seal"
)


def _row(row: tuple[object, ...]) -> Pairing:
    values = [None if v is None else str(v) for v in row]
    return Pairing(
        values[0] or "",
        values[1] or "",
        values[2] or "",
        values[3] or "",
        datetime.fromisoformat(values[4] or ""),
        values[5],
        values[6],
        values[7],
        values[8] or "",
        values[9],
    )


def _paired(pairing: Pairing) -> dict[str, str]:
    return {"id": pairing.id, "kiosk_id": pairing.kiosk_id, "kiosk_key": pairing.kiosk_key}


def commitment(nonce: str) -> str:
    return hashlib.sha256(f"kiosk pairing commitment\n{nonce}".encode()).hexdigest()


def code(kiosk_key: str, station_key: str, kiosk_nonce: str, station_nonce: str) -> str:
    """The 6 digits both sides show (kiosk) and check (station)."""
    text = "\n".join(("kiosk pairing code", kiosk_key, station_key, kiosk_nonce, station_nonce))
    return f"{int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], 'big') % 10**6:06d}"


def new_nonce() -> str:
    return secrets.token_hex(16)


# -- the kiosk's side -----------------------------------------------------------------------


def ask(db: Database, kiosk_id: str, kiosk_key: str, nonce: str) -> str:
    """Step 1: a pairing request for this kiosk; returns its ID."""
    pairing_id = uuid.uuid4().hex
    with db.write():
        db.execute(
            "INSERT INTO station_pairings (id, kiosk_id, kiosk_key, commitment, created_at,"
            " status) VALUES (?, ?, ?, ?, ?, ?)",
            (pairing_id, kiosk_id, kiosk_key, commitment(nonce), iso(datetime.now(UTC)), OPEN),
        )
        _ring(db, DESK)
    return pairing_id


def reveal(db: Database, pairing_id: str, nonce: str) -> None:
    """Step 3: the kiosk's nonce, once a station has claimed the request."""
    with db.write():
        db.execute(
            "UPDATE station_pairings SET kiosk_nonce = ? WHERE id = ? AND kiosk_nonce IS NULL",
            (nonce, pairing_id),
        )
        _ring(db, DESK)


def pairing(db: Database, pairing_id: str) -> Pairing | None:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM station_pairings WHERE id = ?",  # noqa: S608 - constant
        (pairing_id,),
    )
    return _row(rows[0]) if rows else None


def expired(pairing: Pairing, now: datetime | None = None) -> bool:
    age = (now or datetime.now(UTC)) - pairing.created_at
    return age > timedelta(seconds=PAIRING_S)


# -- the station's side ---------------------------------------------------------------------


def station_nonce(station: KeyPair, pairing: Pairing) -> str:
    """The station's nonce for a request: derived from its key and the request's own fields,
    so the database cannot give the station another one."""
    label = f"kiosk pairing nonce\n{pairing.id}\n{pairing.kiosk_key}\n{pairing.commitment}"
    return station.derive(label).hex()[:32]


def requests(db: Database, since: datetime | None = None) -> list[Pairing]:
    """Open requests of the last :data:`PAIRING_S`, oldest first."""
    since = since or datetime.now(UTC) - timedelta(seconds=PAIRING_S)
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM station_pairings"  # noqa: S608 - constant columns
        " WHERE status = ? AND created_at >= ? ORDER BY created_at, id",
        (OPEN, iso(since)),
    )
    return [_row(r) for r in rows if is_public_key(r[2])]


def claim(db: Database, station: KeyPair, kiosk_id: str) -> Pairing | None:
    """Step 2: this station answers the kiosk's newest open request (None: there is none)."""
    with db.write():
        mine = [p for p in requests(db) if p.kiosk_id == kiosk_id and p.station_key is None]
        if not mine:
            return None
        chosen = mine[-1]
        db.execute(
            "UPDATE station_pairings SET station_key = ?, station_nonce = ?"
            " WHERE id = ? AND station_key IS NULL",
            (station.public, station_nonce(station, chosen), chosen.id),
        )
        _ring(db, KIOSKS)
    return pairing(db, chosen.id)


def confirm(db: Database, station: KeyPair, kiosk_id: str, typed: str, staff_id: str) -> str:
    """Step 4: ``typed`` is the code the kiosk shows. Returns ``paired``, ``refused`` (a wrong
    code: the attempt is over) or ``none`` (no request of that kiosk is waiting for a code)."""
    digits = "".join(c for c in typed if c.isdigit())
    with db.write():
        shown = [
            p
            for p in requests(db)
            if p.kiosk_id == kiosk_id and p.station_key == station.public and p.kiosk_nonce
        ]
        if not shown:
            return "none"
        right = [p for p in shown if _matches(station, p, digits)]
        _ring(db, KIOSKS)
        _ring(db, DESK)
        if not right:  # every attempt waiting for a code is over: the kiosk starts again
            for attempt in shown:
                db.execute(
                    "UPDATE station_pairings SET status = ?, decided_by = ? WHERE id = ?",
                    (REFUSED, staff_id, attempt.id),
                )
            return REFUSED
        attempt = right[-1]
        seal = station.sign(PAIRED, _paired(attempt))
        db.execute(
            "UPDATE station_pairings SET status = ?, decided_by = ?, seal = ? WHERE id = ?",
            (DONE, staff_id, seal, attempt.id),
        )
        enrol(db, station, kiosk_id, attempt.kiosk_key, staff_id)
    return DONE


def _ring(db: Database, channel: str) -> None:
    """Inside the write: the other processes hear of it (PostgreSQL), this one at once."""
    bell = bell_for(db.url)
    bell.notify_in(db, channel, "pairing")
    bell.ring(channel)


def _matches(station: KeyPair, attempt: Pairing, digits: str) -> bool:
    nonce = attempt.kiosk_nonce or ""
    expected = code(attempt.kiosk_key, station.public, nonce, station_nonce(station, attempt))
    return commitment(nonce) == attempt.commitment and secrets.compare_digest(digits, expected)
