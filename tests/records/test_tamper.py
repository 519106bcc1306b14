"""Someone who can write the records database tries to rewrite history; verify must see it.

Each attack is run on SQLite and on PostgreSQL (``store_url``). The attacker works on the
database directly: without the chain key unless a test says otherwise, with the plain SHA-256
the chain used before it was keyed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.records import AuditEvent, AuditKind, RecordError, RecordStore, open_records
from kiosk.records.chain import GENESIS, head_text, row_text
from kiosk.records.chainkey import load_chain_key
from kiosk.records.store import NewRecord

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


class Attacker:
    """A connection to the records database that bypasses the kiosk."""

    def __init__(self, url: str) -> None:
        self.pg = not url.startswith("sqlite:")
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(url)
        else:
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"))

    def q(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.execute(sql.replace("?", "%s") if self.pg else sql, params)
        return list(cur.fetchall()) if cur.description else []

    def rechain(self, mac: Any = None) -> None:
        """Number the records 1.. again and recompute every hash and the head."""
        sign = mac or (lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest())
        prev = GENESIS
        rows = self.q("SELECT seq, kind, at, kiosk_id, reception_id, body FROM chain ORDER BY seq")
        self.q("UPDATE chain SET seq = -seq")  # free the numbers
        for n, (old, kind, at, kiosk_id, reception_id, body) in enumerate(rows, 1):
            digest = sign(row_text(n, kind, at, kiosk_id, reception_id, body, prev))
            self.q(
                "UPDATE chain SET seq = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (n, prev, digest, -old),
            )
            prev = digest
        head_mac = mac(head_text(len(rows), prev)) if mac else None
        self.q(
            "UPDATE chain_head SET seq = ?, hash = ?, mac = ? WHERE id = 1",
            (len(rows), prev, head_mac),
        )

    def head(self) -> tuple[Any, ...]:
        return self.q("SELECT seq, hash, mac FROM chain_head WHERE id = 1")[0]

    def set_head(self, head: tuple[Any, ...]) -> None:
        self.q("UPDATE chain_head SET seq = ?, hash = ?, mac = ? WHERE id = 1", head)


@contextmanager
def attacker(url: str) -> Iterator[Attacker]:
    who = Attacker(url)
    try:
        yield who
        who.conn.commit()
    finally:
        who.conn.close()


def fill(url: str, tmp_path: Path, count: int = 5) -> Settings:
    """``count`` audit events recorded by the kiosk (checkpoints in the kiosk home)."""
    settings = Settings(outbox=tmp_path / "outbox")
    with open_records(settings, url=url) as records:
        for n in range(count):
            at = T0 + timedelta(seconds=n)
            records.record_event(AuditEvent(AuditKind.CARD_READ, at, f"r{n}"))
    return settings


def verify(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["records", "verify", "--records", url, *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out + out.err


def test_an_untouched_chain_verifies(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    code, text = verify(store_url, capsys)
    assert code == 0, text
    assert "ok: 5 records" in text and "5 checkpoints agree" in text


def test_rehashing_the_whole_chain_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        who.q("UPDATE chain SET body = ? WHERE seq = 2", ('{"event":"staff"}',))
        who.rechain()
    code, text = verify(store_url, capsys)
    assert code == 1
    assert "record #2 was changed after it was written, or written without the key" in text
    assert "record #2 differs from the checkpoint" in text


def test_deleting_a_record_and_rechaining_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        who.q("DELETE FROM chain WHERE seq = 3")
        who.rechain()
    code, text = verify(store_url, capsys)
    assert code == 1 and "record #3 was changed" in text
    assert "record #5 is missing: the checkpoint" in text  # 5 were checkpointed, 4 are left


def test_rechaining_with_the_key_is_found_by_the_checkpoints(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even holding the key file, a rewritten chain differs from the signed checkpoints."""
    fill(store_url, tmp_path)
    key = load_chain_key()
    with attacker(store_url) as who:
        who.q("DELETE FROM chain WHERE seq = 3")
        who.rechain(key.row_mac)
    code, text = verify(store_url, capsys)
    assert code == 1
    assert "was changed" not in text  # every signature is right...
    assert "record #3 differs from the checkpoint" in text  # ...but history is not
    code, text = verify(store_url, capsys, "--checkpoints", str(tmp_path / "nothing-here"))
    assert code == 0 and "no checkpoints found" in text  # what the checkpoints add


def test_truncating_with_the_head_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        who.q("DELETE FROM chain")
        who.set_head((0, GENESIS, None))
    code, text = verify(store_url, capsys)
    assert code == 1 and "0 records" in text
    assert "the chain head (#0) was set outside the kiosk" in text
    assert "record #1 to #5 are missing: the checkpoint" in text


def test_truncating_with_a_saved_empty_head_is_found_by_the_checkpoints(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attacker kept the signed head of the empty database and puts it back."""
    RecordStore.open(store_url).close()
    with attacker(store_url) as who:
        saved = who.head()
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        who.q("DELETE FROM chain")
        who.set_head(saved)
    code, text = verify(store_url, capsys)
    assert code == 1 and "set outside the kiosk" not in text  # a genuine head...
    assert "record #1 to #5 are missing: the checkpoint" in text  # ...of an older chain


def test_deleting_the_newest_and_moving_the_head_back_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        (digest,) = who.q("SELECT hash FROM chain WHERE seq = 4")[0]
        who.q("DELETE FROM chain WHERE seq = 5")
        who.set_head((4, digest, who.head()[2]))
    code, text = verify(store_url, capsys)
    assert code == 1
    assert "the chain head (#4) was set outside the kiosk" in text
    assert "record #5 is missing: the checkpoint" in text


def test_deleting_the_newest_and_replaying_an_older_head_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = fill(store_url, tmp_path, 4)
    with attacker(store_url) as who:
        saved = who.head()  # signed by the kiosk when record #4 was the newest
    with open_records(settings, url=store_url) as records:
        records.record_event(AuditEvent(AuditKind.STAFF, T0, "r5", staff_id="staff-01"))
    with attacker(store_url) as who:
        who.q("DELETE FROM chain WHERE seq = 5")
        who.set_head(saved)
    code, text = verify(store_url, capsys)
    assert code == 1 and "set outside the kiosk" not in text
    assert "record #5 is missing: the checkpoint" in text


def test_appending_a_forged_record_with_a_correct_plain_hash_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    body = json.dumps({"event": "visual_confirmed", "staff_id": "staff-09", "detail": {}})
    at = "2026-04-01T10:00:00.000000+00:00"
    with attacker(store_url) as who:
        seq, prev, _ = who.head()
        text = row_text(seq + 1, "event", at, "kiosk-1", "r9", body, prev)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        who.q(
            "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq + 1, "event", at, "kiosk-1", "r9", body, prev, digest),
        )
        who.set_head((seq + 1, digest, None))
    code, text = verify(store_url, capsys)
    assert code == 1
    assert "record #6 was changed after it was written, or written without the key" in text
    assert "the chain head (#6) was set outside the kiosk" in text


def test_records_past_the_head_are_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        seq, prev, _ = who.head()
        for n in (1, 2):
            who.q(
                "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
                " VALUES (?, 'reception', ?, 'kiosk-1', 'rx', ?, ?, ?)",
                (seq + n, "2026-04-01T10:00:00+00:00", '{"outcome":"completed"}', prev, prev),
            )
    code, text = verify(store_url, capsys)
    assert code == 1
    assert "record #6 and the 1 records after it lie past the chain head (#5)" in text
    assert main(["records", "list", "--records", store_url]) == 0
    assert "2 records lie past the chain head" in capsys.readouterr().err


def test_a_body_that_is_not_json_is_found(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_url, tmp_path)
    with attacker(store_url) as who:
        who.q("UPDATE chain SET body = 'not json {' WHERE seq = 2")
    code, text = verify(store_url, capsys)
    assert code == 1 and "record #2 has a body that is not a JSON object" in text
    assert main(["records", "list", "--events", "--records", store_url]) == 2
    err = capsys.readouterr().err
    assert "record #2 cannot be read" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_head_that_is_not_a_whole_number_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"  # PostgreSQL's column types refuse it
    settings = fill(url, tmp_path)
    with attacker(url) as who:
        who.q("UPDATE chain_head SET seq = 'abc' WHERE id = 1")
    code, text = verify(url, capsys)
    assert code == 1 and "the chain head is not a whole number ('abc')" in text
    with open_records(settings, url=url) as records, pytest.raises(RecordError, match="damaged"):
        records.record_event(AuditEvent(AuditKind.CARD_READ, T0, "r9"))


def test_a_forged_checkpoint_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    settings = fill(url, tmp_path)
    (daily,) = settings.checkpoints_dir().glob("*.checkpoint")
    lines = daily.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    entry["seq"] = 9  # claims more records than there are, without the key to sign it
    daily.write_text("\n".join([*lines, json.dumps(entry)]) + "\n", encoding="utf-8")
    code, text = verify(url, capsys)
    assert code == 1 and f"{daily.name}:6 is not signed with this key" in text


def test_a_database_signed_with_another_key_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    fill(url, tmp_path)
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "another-kiosk"))
    code, text = verify(url, capsys)  # no key in this kiosk home: nothing is created
    assert code == 1 and "there is no records chain key" in text
    assert not (tmp_path / "another-kiosk" / "records-key").exists()
    with pytest.raises(RecordError, match="signed with another chain key"):
        RecordStore.open(url)  # a kiosk with another key refuses to extend the chain
    code, text = verify(url, capsys, "--key", str(tmp_path / "another-kiosk" / "records-key"))
    assert code == 1 and "not with this key" in text


def test_the_key_is_kept_outside_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    fill(url, tmp_path)
    key = load_chain_key(create=False)
    assert key.source.stat().st_mode & 0o777 == 0o600
    secret = key.source.read_text(encoding="ascii").strip()
    assert secret not in (tmp_path / "records.db").read_bytes().decode("latin-1")
    with RecordStore.open(url) as store:  # reopened: the same key, never rewritten
        store.append([NewRecord("event", T0, "r9", {"event": "card_read"})])
        assert store.verify().ok
    assert key.source.read_text(encoding="ascii").strip() == secret
