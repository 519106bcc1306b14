"""``kiosk records verify`` (and list, export) read the database without changing anything.

Every check takes the folder's files (names, bytes, modification times) before and after:
a closed WAL database, a rollback-journal database, a read-only copy in a read-only folder,
a database a kiosk has open. Archived copies are checked with and without the key.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.records import AuditEvent, AuditKind, RecordError, open_records
from kiosk.records.chainkey import load_chain_key

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file of the folder: bytes (SHA-256), modification time, mode."""
    return {
        p.name: (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder",
            p.stat().st_mtime_ns,
            p.stat().st_mode,
        )
        for p in sorted(folder.iterdir())
    }


def make(db: Path, count: int = 4) -> Settings:
    settings = Settings(outbox=db.parent / "outbox", checkpoints=db.parent / "checkpoints")
    with open_records(settings, url=f"sqlite:///{db}") as records:
        for n in range(count):
            at = T0 + timedelta(seconds=n)
            records.record_event(AuditEvent(AuditKind.CARD_READ, at, f"r{n}"))
    return settings


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out + out.err


def journal_mode(db: Path) -> str:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


@pytest.fixture
def readonly_copy(tmp_path: Path) -> Iterator[Path]:
    """A 0444 copy of a kiosk's database in a 0555 folder (as on read-only media)."""
    make(tmp_path / "kiosk" / "records.db")
    folder = tmp_path / "media"
    folder.mkdir()
    copy = folder / "records.db"
    shutil.copy2(tmp_path / "kiosk" / "records.db", copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield copy
    finally:
        folder.chmod(0o755)


def test_verify_list_export_leave_a_closed_wal_database_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    make(db)
    before = snapshot(tmp_path)
    url = f"sqlite:///{db}"
    assert run(capsys, "records", "verify", "--records", url)[0] == 0
    assert run(capsys, "records", "list", "--events", "--records", url)[0] == 0
    assert run(capsys, "records", "export", "--format", "csv", "--records", url)[0] == 0
    assert snapshot(tmp_path) == before  # no -wal, no -shm, no journal, same bytes and times


def test_a_rollback_journal_database_stays_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    make(db)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    assert journal_mode(db) == "delete"
    before = snapshot(tmp_path)
    code, text = run(capsys, "records", "verify", "--records", f"sqlite:///{db}")
    assert code == 0 and "ok: 4 records" in text
    assert snapshot(tmp_path) == before
    assert journal_mode(db) == "delete"  # not switched to WAL


def test_a_read_only_copy_on_read_only_media(
    readonly_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(readonly_copy.parent)
    key = str(load_chain_key(create=False).source)
    code, text = run(capsys, "records", "verify", "--records", f"sqlite:///{readonly_copy}")
    assert code == 0 and "ok: 4 records" in text
    code, text = run(capsys, "records", "verify", "--archive", str(readonly_copy), "--key", key)
    assert code == 0 and "ok: 4 records" in text
    assert snapshot(readonly_copy.parent) == before
    assert stat.S_IMODE(readonly_copy.parent.stat().st_mode) == 0o555


def test_an_archive_without_the_key_gets_a_structure_only_verdict(
    readonly_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(capsys, "records", "verify", "--archive", str(readonly_copy))
    assert code == 0
    assert "structure ok: 4 records" in text and "authenticity was NOT checked" in text


def test_an_archive_is_checked_against_given_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    settings = make(db)
    archive = tmp_path / "archive.db"
    shutil.copy2(db, archive)
    with closing(sqlite3.connect(archive)) as conn:  # the archive lost its newest record
        conn.execute("DELETE FROM chain WHERE seq = 4")
        conn.execute("UPDATE chain_head SET seq = 3, hash = (SELECT hash FROM chain WHERE seq = 3)")
        conn.commit()
    checkpoints = str(settings.checkpoints_dir())
    code, text = run(capsys, "records", "verify", "--archive", str(archive))
    assert code == 0 and "authenticity was NOT checked" in text  # the structure alone holds
    code, text = run(
        capsys, "records", "verify", "--archive", str(archive), "--checkpoints", checkpoints
    )
    assert code == 1 and "record #4 is missing: the checkpoint" in text
    key = str(load_chain_key(create=False).source)
    code, text = run(capsys, "records", "verify", "--archive", str(archive), "--key", key)
    assert code == 1 and "the chain head (#3) was set outside the kiosk" in text


def test_an_archive_with_a_gap_fails_even_without_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    make(db)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DELETE FROM chain WHERE seq = 2")
        conn.commit()
    code, text = run(capsys, "records", "verify", "--archive", str(db))
    assert code == 1 and "record #2 is missing" in text


def test_verify_sees_what_an_open_kiosk_has_not_checkpointed_into_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    settings = make(db, 2)
    with open_records(settings, url=f"sqlite:///{db}") as records:  # the kiosk is running
        records.record_event(AuditEvent(AuditKind.CARD_READ, T0, "r-live"))
        assert Path(f"{db}-wal").exists()
        main_file = snapshot(tmp_path)["records.db"]
        code, text = run(capsys, "records", "verify", "--records", f"sqlite:///{db}")
        assert code == 0 and "ok: 3 records" in text, text
        assert snapshot(tmp_path)["records.db"] == main_file


@pytest.mark.parametrize("command", ["verify", "list", "export"])
def test_dev_null_and_other_non_files_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    dev = set(os.listdir("/dev"))
    for target in ("/dev/null", str(tmp_path)):
        code, text = run(capsys, "records", command, "--records", f"sqlite:///{target}")
        assert code == 2 and "is not a regular file" in text
        assert len(text.strip().splitlines()) == 1
    assert set(os.listdir("/dev")) == dev  # no /dev/null-wal, -shm or -journal
    assert sorted(os.listdir(tmp_path)) == []


def test_archive_of_a_missing_or_special_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(capsys, "records", "verify", "--archive", str(tmp_path / "gone.db"))
    assert code == 2 and "there is no records database" in text
    code, text = run(capsys, "records", "verify", "--archive", "/dev/null")
    assert code == 2 and "is not a regular file" in text
    assert not (tmp_path / "gone.db").exists()


def test_the_kiosk_refuses_a_records_path_that_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="not a regular file"):
        open_records(Settings(outbox=tmp_path / "outbox"), url="sqlite:////dev/null")
    assert not Path("/dev/null-wal").exists() and not Path("/dev/null-journal").exists()


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "records.db"
    junk.write_bytes(b"not a database" * 100)
    before = snapshot(tmp_path)
    code, text = run(capsys, "records", "verify", "--records", f"sqlite:///{junk}")
    assert code == 2 and len(text.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("url", ["sqlite:///db\x00x", "sqlite:///" + "x" * 300])
def test_a_records_url_no_file_system_can_hold_is_one_line(url: str) -> None:
    from kiosk.config import Settings
    from kiosk.records import open_records
    from kiosk.records.errors import RecordError

    with pytest.raises(RecordError, match=r"NUL|over 255 bytes"):
        open_records(Settings(), url=url)
