"""Signatures beside the station's tables: who may speak for the station and for each kiosk.

Everything here is in the shared records database, which anyone with write access can
change; what makes it trustworthy is the signatures (:mod:`kiosk.station_tables.keys`), whose
keys the database never holds:

- ``station_seals``: the station's signature over each request it leaves for a kiosk
  (:class:`Sealer`): the request, the kiosk, the call and reception it is for, when it was
  issued. The kiosk checks it against the stations it was paired with before it acts.
- ``station_enrolments``: each kiosk's public key as the station learned it at pairing,
  signed by that station (a row it did not sign is not an enrolment, :func:`enrolled`).
- ``station_call_seals``: the kiosk's signature over each call it opens (:func:`seal_call`);
  the desk answers only a call signed by the key enrolled for its kiosk.
- ``station_status_seals``: the kiosk's signature over the status it reports (its screen,
  無人/目視, whether a patient waits and for which reception, the PINs' tries left)
  (:class:`StatusSealer`); the desk believes only a status signed by the key enrolled for
  its kiosk (:func:`signed_statuses`). The heartbeat's time is not signed: a row kept
  fresh by someone else shows a kiosk as connected, nothing more.
- ``record_seals``: the writer's signature over each row of the records chain
  (:mod:`kiosk.station_tables.record_seals`).

The tables have their own schema version (``station_trust_version`` in ``meta``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from kiosk.records.chain import iso
from kiosk.records.database import Database, schema_change
from kiosk.records.errors import RecordError
from kiosk.station_tables.calls import (
    KIOSK_COLUMNS,
    Call,
    Command,
    CommandKind,
    KioskStatus,
    kiosk_status,
)
from kiosk.station_tables.keys import KeyPair, verify

TRUST_VERSION = 3
VERSION_KEY = "station_trust_version"
REQUEST = "kiosk station request"
ENROLMENT = "kiosk station enrolment"
CALL = "kiosk station call"
STATUS = "kiosk station status"

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS station_seals ("
    " command_id TEXT PRIMARY KEY, station_key TEXT NOT NULL, reception_id TEXT,"
    " seal TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS station_enrolments ("
    " station_key TEXT NOT NULL, kiosk_id TEXT NOT NULL, kiosk_key TEXT NOT NULL,"
    " paired_by TEXT NOT NULL, paired_at TEXT NOT NULL, seal TEXT NOT NULL, chain_seq BIGINT,"
    " PRIMARY KEY (station_key, kiosk_id))",
    "CREATE TABLE IF NOT EXISTS station_call_seals ("
    " call_id TEXT PRIMARY KEY, kiosk_key TEXT NOT NULL, seal TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS station_pairings ("
    " id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kiosk_key TEXT NOT NULL,"
    " commitment TEXT NOT NULL, created_at TEXT NOT NULL, station_key TEXT,"
    " station_nonce TEXT, kiosk_nonce TEXT, status TEXT NOT NULL, decided_by TEXT,"
    " seal TEXT)",
    "CREATE INDEX IF NOT EXISTS station_pairings_kiosk ON station_pairings (kiosk_id, status)",
    "CREATE TABLE IF NOT EXISTS station_status_seals ("
    " kiosk_id TEXT PRIMARY KEY, kiosk_key TEXT NOT NULL, seal TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS record_seals ("
    " seq BIGINT PRIMARY KEY, signer_key TEXT NOT NULL, seal TEXT NOT NULL)",
)


def ensure_trust_schema(db: Database) -> None:
    """Create the tables of signatures, or add those of a newer version (once; kiosks and
    stations racing take turns)."""
    if db.table_exists("meta") and _version(db) == TRUST_VERSION:
        return
    with schema_change(db):
        found = _version(db)
        if found is not None and found > TRUST_VERSION:
            raise RecordError(
                f"the records database {db.url} has station trust tables {found}, newer "
                "than this software: update the kiosk software"
            )
        if found == TRUST_VERSION:
            return
        for statement in SCHEMA:  # each one "IF NOT EXISTS": an older version gains the new
            db.execute(statement)
        if found is not None and found < 3:  # version 3: the chain's length at each pairing
            db.execute("ALTER TABLE station_enrolments ADD COLUMN chain_seq BIGINT")
        if found is None:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)", (VERSION_KEY, str(TRUST_VERSION))
            )
        else:
            db.execute("UPDATE meta SET value = ? WHERE key = ?", (str(TRUST_VERSION), VERSION_KEY))


def _version(db: Database) -> int | None:
    rows = db.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,))
    return int(rows[0][0]) if rows else None


# -- requests: signed by the station --------------------------------------------------------


def request_payload(command: Command, reception_id: str | None) -> dict[str, Any]:
    """What the station signs of a request (and the kiosk checks)."""
    return {
        "id": command.id,
        "kiosk_id": command.kiosk_id,
        "kind": command.kind.value,
        "value": command.value,
        "staff_id": command.staff_id,
        "call_id": command.call_id,
        "reception_id": reception_id,
        "issued_at": iso(command.created_at),
    }


def request_reception(db: Database, command: Command) -> str | None:
    """The reception a request is for: its call's, or the one it names (images)."""
    if command.call_id is not None:
        rows = db.execute("SELECT reception_id FROM station_calls WHERE id = ?", (command.call_id,))
        return str(rows[0][0]) if rows and rows[0][0] is not None else None
    named = command.value.get("reception_id")
    return named if isinstance(named, str) else None


class Sealer:
    """The station's signature on each request it leaves (``CallBoard.seal``): in the
    request's own transaction, so no kiosk ever sees it unsigned."""

    def __init__(self, key: KeyPair) -> None:
        self.key = key

    def __call__(self, db: Database, command: Command) -> None:
        reception = request_reception(db, command)
        seal = self.key.sign(REQUEST, request_payload(command, reception))
        db.execute(
            "INSERT INTO station_seals (command_id, station_key, reception_id, seal)"
            " VALUES (?, ?, ?, ?)",
            (command.id, self.key.public, reception, seal),
        )


def seal_of(db: Database, command_id: str) -> tuple[str, str | None, str] | None:
    """The seal of a request: (station key, reception, signature), None when unsigned."""
    rows = db.execute(
        "SELECT station_key, reception_id, seal FROM station_seals WHERE command_id = ?",
        (command_id,),
    )
    if not rows:
        return None
    key, reception, seal = rows[0]
    return str(key), None if reception is None else str(reception), str(seal)


def refusals(db: Database, since: datetime) -> list[dict[str, Any]]:
    """Requests kiosks refused lately (forged, replayed, misdirected): for the desk."""
    rows = db.execute(
        "SELECT kiosk_id, kind, result, done_at FROM station_commands"
        " WHERE done_at >= ? AND result LIKE ? ORDER BY done_at",
        (iso(since), "refused%"),  # a parameter: a literal % is a placeholder to psycopg
    )
    return [
        {"kiosk_id": r[0], "kind": r[1], "why": str(r[2]).partition(":")[2], "at": r[3]}
        for r in rows
    ]


# -- enrolments: each kiosk's key, signed by the station that paired it --------------------


def enrolment_payload(
    kiosk_id: str, kiosk_key: str, staff_id: str, at: str, chain_seq: int | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kiosk_id": kiosk_id,
        "kiosk_key": kiosk_key,
        "paired_by": staff_id,
        "paired_at": at,
    }
    if chain_seq is not None:  # records after it must be signed by this key
        payload["chain_seq"] = chain_seq
    return payload


def enrol(db: Database, station: KeyPair, kiosk_id: str, kiosk_key: str, staff_id: str) -> None:
    """``kiosk_key`` speaks for ``kiosk_id`` at this station from now on (inside a write)."""
    at = iso(datetime.now(UTC))
    head = db.execute("SELECT seq FROM chain_head") if db.table_exists("chain_head") else []
    chain_seq = int(head[0][0]) if head else None  # no records chain here: nothing to keep
    seal = station.sign(ENROLMENT, enrolment_payload(kiosk_id, kiosk_key, staff_id, at, chain_seq))
    db.execute(
        "DELETE FROM station_enrolments WHERE station_key = ? AND kiosk_id = ?",
        (station.public, kiosk_id),
    )
    db.execute(
        "INSERT INTO station_enrolments (station_key, kiosk_id, kiosk_key, paired_by,"
        " paired_at, seal, chain_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (station.public, kiosk_id, kiosk_key, staff_id, at, seal, chain_seq),
    )


def enrolled(db: Database, station_public: str) -> dict[str, str]:
    """Kiosk ID -> its key, as this station enrolled them (rows it did not sign ignored)."""
    return {kiosk_id: key for kiosk_id, (key, _) in enrolments(db, station_public).items()}


def enrolments(db: Database, station_public: str) -> dict[str, tuple[str, int | None]]:
    """Kiosk ID -> (its key, the chain's length when it was paired), as this station enrolled
    them (rows it did not sign ignored)."""
    rows = db.execute(
        "SELECT kiosk_id, kiosk_key, paired_by, paired_at, seal, chain_seq"
        " FROM station_enrolments WHERE station_key = ?",
        (station_public,),
    )
    found = _enrolled(station_public, tuple(tuple(r) for r in rows))
    return {kiosk_id: (key, chain_seq) for kiosk_id, key, chain_seq in found}


@lru_cache(maxsize=16)
def _enrolled(
    station_public: str, rows: tuple[tuple[Any, ...], ...]
) -> tuple[tuple[str, str, int | None], ...]:
    """The enrolments signed by ``station_public`` (remembered: the desk reads the same rows
    on every change)."""
    found = []
    for kiosk_id, kiosk_key, staff_id, at, seal, chain_seq in rows:
        seq = None if chain_seq is None else int(chain_seq)
        payload = enrolment_payload(kiosk_id, kiosk_key, staff_id, at, seq)
        if verify(station_public, ENROLMENT, payload, seal):
            found.append((str(kiosk_id), str(kiosk_key), seq))
    return tuple(found)


# -- calls: signed by the kiosk -------------------------------------------------------------


def call_payload(call: Call) -> dict[str, Any]:
    return {
        "id": call.id,
        "kiosk_id": call.kiosk_id,
        "reception_id": call.reception_id,
        "reason": call.reason.value,
        "detail": call.detail,
        "created_at": iso(call.created_at),
    }


def seal_call(db: Database, key: KeyPair, call: Call) -> None:
    """The kiosk signs the call it opened (its reason as it is now)."""
    seal = key.sign(CALL, call_payload(call))
    with db.write():
        db.execute("DELETE FROM station_call_seals WHERE call_id = ?", (call.id,))
        db.execute(
            "INSERT INTO station_call_seals (call_id, kiosk_key, seal) VALUES (?, ?, ?)",
            (call.id, key.public, seal),
        )


def signed_calls(db: Database, calls: list[Call], keys: dict[str, str]) -> set[str]:
    """The IDs of ``calls`` signed by the key enrolled for their kiosk."""
    if not calls:
        return set()
    marks = ", ".join("?" for _ in calls)
    sql = f"SELECT call_id, seal FROM station_call_seals WHERE call_id IN ({marks})"  # noqa: S608
    rows = db.execute(sql, tuple(c.id for c in calls))
    seals = {str(r[0]): str(r[1]) for r in rows}
    return {
        c.id for c in calls if verify(keys.get(c.kiosk_id), CALL, call_payload(c), seals.get(c.id))
    }


# -- statuses: signed by the kiosk ----------------------------------------------------------


def status_payload(status: KioskStatus) -> dict[str, Any]:
    """What a kiosk signs of its status (not ``held``, which the station writes, nor the
    heartbeat's time)."""
    return {
        "kiosk_id": status.kiosk_id,
        "state": status.state,
        "mode": status.mode,
        "waiting": status.waiting,
        "reception_id": status.reception_id,
        "pins": status.pins,
        "desk_reachable": status.desk_reachable,
    }


class StatusSealer:
    """The kiosk's signature on each status it reports (``CallBoard.seal_status``): in the
    report's own transaction, so no desk ever reads it unsigned."""

    def __init__(self, key: KeyPair) -> None:
        self.key = key

    def __call__(self, db: Database, status: KioskStatus) -> None:
        seal = self.key.sign(STATUS, status_payload(status))
        db.execute(
            "INSERT INTO station_status_seals (kiosk_id, kiosk_key, seal) VALUES (?, ?, ?)"
            " ON CONFLICT (kiosk_id) DO UPDATE SET kiosk_key = excluded.kiosk_key,"
            " seal = excluded.seal",
            (status.kiosk_id, self.key.public, seal),
        )


def signed_statuses(db: Database, keys: dict[str, str]) -> tuple[list[KioskStatus], set[str]]:
    """Every kiosk's status, and the IDs of those signed by the key enrolled for them. The
    row and its seal are read in one statement: a kiosk reporting between two reads would
    otherwise look forged."""
    columns = ", ".join("k." + name.strip() for name in KIOSK_COLUMNS.split(","))
    rows = db.execute(
        f"SELECT {columns}, s.seal FROM station_kiosks k"  # noqa: S608
        " LEFT JOIN station_status_seals s ON s.kiosk_id = k.kiosk_id ORDER BY k.kiosk_id"
    )
    statuses, signed = [], set()
    for row in rows:
        status = kiosk_status(row[:-1])
        statuses.append(status)
        if _status_signed(keys.get(status.kiosk_id), tuple(row)):
            signed.add(status.kiosk_id)
    return statuses, signed


@lru_cache(maxsize=4096)
def _status_signed(public: str | None, row: tuple[Any, ...]) -> bool:
    """Whether ``public`` signed the status of ``row`` (its seal last); remembered, as the
    desk reads the same rows on every change."""
    return verify(public, STATUS, status_payload(kiosk_status(row[:-1])), row[-1])


def recent(hours: float = 1.0) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


__all__ = [
    "CommandKind",
    "Sealer",
    "StatusSealer",
    "enrol",
    "enrolled",
    "seal_call",
    "seal_of",
    "signed_statuses",
]
