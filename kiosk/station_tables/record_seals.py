"""Each record of the chain signed by the kiosk (or station) that wrote it.

The records chain is an HMAC under the records key (:mod:`kiosk.records.chainkey`), which
every kiosk of an installation holds: it shows any change made without that key, but one
kiosk could append records in another's name. So each writer also signs the rows it appends
with its own key (:mod:`kiosk.station_tables.keys`), in the append's transaction
(``record_seals``, :class:`RecordSealer`). :func:`check_record_seals` (``kiosk records
verify``) then checks every record against the kiosk it names:

- a record of a kiosk that signed an earlier record must be signed too, and by a key that
  signed the row as it is;
- when a station's public key is known (this home's station, the stations this kiosk was
  paired with, ``--station-key``), a paired kiosk's records must be signed by the key that
  station enrolled for it, and every one after its pairing must be signed (the enrolment,
  signed by the station, keeps the chain's length then); the station's by the station's
  key, every one after its first pairing;
- records written before their kiosk signed any (older software) are counted, not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.records.chain import ChainRow
from kiosk.records.database import Database
from kiosk.records.store import RecordStore
from kiosk.station_tables.keys import KeyPair, verify
from kiosk.station_tables.trust import enrolments, ensure_trust_schema

RECORD = "kiosk record"
STATION_WRITER = "station"  # the kiosk ID the station writes its own records under


def record_payload(row: ChainRow) -> dict[str, Any]:
    """What a writer signs of a row: all of it (its HMAC included)."""
    return {"row": list(row.as_tuple())}


class RecordSealer:
    """The writer's signature on each row it appends (``RecordStore.seal``)."""

    def __init__(self, key: KeyPair) -> None:
        self.key = key

    def __call__(self, db: Database, rows: Sequence[ChainRow]) -> None:
        db.executemany(
            "INSERT INTO record_seals (seq, signer_key, seal) VALUES (?, ?, ?)",
            [
                (row.seq, self.key.public, self.key.sign(RECORD, record_payload(row)))
                for row in rows
            ],
        )


def sign_records(store: RecordStore, key: KeyPair) -> None:
    """From now on ``store`` signs each row it appends with ``key``."""
    ensure_trust_schema(store.db)
    store.seal = RecordSealer(key)


@dataclass
class SealCheck:
    """What :func:`check_record_seals` found."""

    checked: int = 0  # records whose signature was checked
    against_pairing: int = 0  # of those, checked against the key a station enrolled
    before_signing: int = 0  # records written before their kiosk signed any
    signers: dict[str, set[str]] = field(default_factory=dict)  # kiosk ID -> its signing keys
    findings: list[tuple[int, str]] = field(default_factory=list)  # (record, what is wrong)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_record_seals(db: Database, stations: Iterable[str]) -> SealCheck:
    """Check each record's signature; ``stations``: the station public keys trusted here.

    A trusted station's enrolment of a kiosk (signed by it, :func:`enrolments`) names the
    kiosk's key and the chain's length when it was paired: every later record of that kiosk
    must be signed by that key, so removing signatures hides nothing. Likewise every station
    record after the station's first pairing."""
    trusted = set(stations)
    keys: dict[str, set[str]] = {STATION_WRITER: trusted} if trusted else {}
    since: dict[str, int] = {}  # writer -> the record after which each of its own is signed
    for station in sorted(trusted):
        for kiosk_id, (key, chain_seq) in enrolments(db, station).items():
            keys.setdefault(kiosk_id, set()).add(key)
            if chain_seq is not None:
                since[kiosk_id] = min(since.get(kiosk_id, chain_seq), chain_seq)
                since[STATION_WRITER] = min(since.get(STATION_WRITER, chain_seq), chain_seq)
    rows = db.iterate(  # one row at a time: memory stays flat however many there are
        "SELECT c.seq, c.kind, c.at, c.kiosk_id, c.reception_id, c.body, c.prev_hash, c.hash,"
        " s.signer_key, s.seal FROM chain c LEFT JOIN record_seals s ON s.seq = c.seq"
        " ORDER BY c.seq"
    )
    try:
        return _checked(rows, keys, since)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # end the read snapshot


def _checked(
    rows: Iterable[Sequence[Any]], keys: dict[str, set[str]], since: dict[str, int]
) -> SealCheck:
    check = SealCheck()
    for *columns, signer, seal in rows:
        row = ChainRow(*columns)
        writer = str(row.kiosk_id)
        if signer is None:
            if writer in check.signers or row.seq > since.get(writer, row.seq):
                check.findings.append((row.seq, f"(kiosk {writer}) is not signed by its kiosk"))
            else:  # written before its kiosk signed records (older software)
                check.before_signing += 1
            continue
        check.checked += 1
        check.signers.setdefault(writer, set()).add(str(signer))
        if not verify(str(signer), RECORD, record_payload(row), seal):
            check.findings.append((row.seq, f"(kiosk {writer}) does not match its signature"))
        elif writer in keys:
            check.against_pairing += 1
            if signer not in keys[writer]:
                whose = "the station's" if writer == STATION_WRITER else "the one paired with it"
                check.findings.append(
                    (row.seq, f"(kiosk {writer}) is signed by key {str(signer)[:16]}, not {whose}")
                )
    return check
