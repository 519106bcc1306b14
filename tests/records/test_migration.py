"""Schema 1 databases (plain SHA-256 chain) are re-signed when a kiosk opens them, if intact."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.records import RecordError, RecordStore
from kiosk.records.chain import GENESIS, plain_hash, row_text
from kiosk.records.schema import LEGACY_SCHEMA, MIGRATIONS, SCHEMA_VERSION

Tamper = Callable[..., None]
AT = "2026-04-01T00:30:00.000000+00:00"


def legacy_database(url: str, tamper: Tamper, count: int = 3) -> list[str]:
    """A database as the kiosk wrote it before the chain was keyed; returns the bodies."""
    tamper(url, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for statement in MIGRATIONS[LEGACY_SCHEMA]:
        tamper(url, statement)
    tamper(url, "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(LEGACY_SCHEMA),))
    prev, bodies = GENESIS, []
    for seq in range(1, count + 1):
        body = json.dumps({"event": "card_read", "n": seq}, separators=(",", ":"))
        digest = plain_hash(row_text(seq, "event", AT, "kiosk-1", f"r{seq}", body, prev))
        tamper(
            url,
            "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
            " VALUES (?, 'event', ?, 'kiosk-1', ?, ?, ?, ?)",
            (seq, AT, f"r{seq}", body, prev, digest),
        )
        prev = digest
        bodies.append(body)
    tamper(url, "UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (count, prev))
    return bodies


def test_an_intact_legacy_database_is_re_signed(
    store_url: str, tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy_database(store_url, tamper)
    assert main(["records", "verify", "--records", store_url]) == 1  # read-only: not migrated
    assert "unsigned chain of schema 1" in capsys.readouterr().err
    with RecordStore.open(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        records = store.records()
        assert [r.body.get("n") for r in records[:3]] == [1, 2, 3]  # the records are kept
        assert records[3].body == {
            "event": "chain_keyed",
            "staff_id": None,
            "detail": {"unsigned_records": 3, "key_id": store.key_id()},
        }
        assert store.verify().ok
    assert main(["records", "verify", "--records", store_url]) == 0
    assert "ok: 4 records" in capsys.readouterr().out


def test_a_broken_legacy_database_is_refused_and_left_alone(tmp_path: Path, tamper: Tamper) -> None:
    db = tmp_path / "records.db"
    url = f"sqlite:///{db}"
    legacy_database(url, tamper)
    tamper(url, "UPDATE chain SET body = '{}' WHERE seq = 2")

    def chain() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(db)) as conn:
            return list(conn.execute("SELECT * FROM chain ORDER BY seq"))

    before = chain()
    with pytest.raises(RecordError, match="record #2 was changed"):
        RecordStore.open(url)
    assert chain() == before  # nothing was re-signed: tampering is never laundered
    with RecordStore.open(url, read_only=True) as store:
        assert store.schema_version() == LEGACY_SCHEMA


def test_a_downgrade_to_the_unsigned_chain_is_found(
    store_url: str, tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rewriting a signed database as schema 1 with plain hashes does not pass for intact."""
    with RecordStore.open(store_url):
        pass
    tamper(store_url, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert main(["records", "verify", "--records", store_url]) == 1
    assert "unsigned chain of schema 1" in capsys.readouterr().err


def test_a_legacy_archive_without_the_key(
    tmp_path: Path, tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    legacy_database(f"sqlite:///{db}", tamper)
    assert main(["records", "verify", "--archive", str(db)]) == 0
    out = capsys.readouterr()
    assert "structure ok: 3 records" in out.out and "unsigned schema 1 chain" in out.err
