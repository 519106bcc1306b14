"""Where the chain key comes from: a settings file, a systemd credential, the kiosk home."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.paths import kiosk_home
from kiosk.records import AuditEvent, AuditKind, RecordError, RecordStore, open_records
from kiosk.records.chainkey import CREDENTIAL, load_chain_key
from kiosk.records.store import NewRecord

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def record_one(settings: Settings, url: str) -> str:
    with open_records(settings, url=url) as records:
        records.record_event(AuditEvent(AuditKind.CARD_READ, T0, "r1"))
        key_id = records.store.key_id()
    assert key_id is not None
    return key_id


def test_created_once_in_the_kiosk_home_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    home_key = kiosk_home() / "records-key"
    assert not home_key.exists()
    url = f"sqlite:///{tmp_path / 'records.db'}"
    first = record_one(Settings(outbox=tmp_path / "outbox"), url)
    assert home_key.stat().st_mode & 0o777 == 0o600
    text = home_key.read_text(encoding="ascii")
    assert record_one(Settings(outbox=tmp_path / "outbox"), url) == first
    assert home_key.read_text(encoding="ascii") == text


def test_a_systemd_credential_is_used_and_never_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    (credentials / CREDENTIAL).write_text(secrets.token_hex(32), encoding="ascii")
    url = f"sqlite:///{tmp_path / 'records.db'}"
    key_id = record_one(Settings(outbox=tmp_path / "outbox"), url)
    assert key_id == load_chain_key(create=False).key_id
    assert load_chain_key().source == credentials / CREDENTIAL
    assert not (kiosk_home() / "records-key").exists()
    assert main(["records", "verify", "--records", url]) == 0
    assert f"signed with key {key_id}" in capsys.readouterr().out


def test_a_configured_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "keys" / "records-key"
    url = f"sqlite:///{tmp_path / 'records.db'}"
    settings_file = tmp_path / "facility.toml"
    settings_file.write_text(
        f'[records]\nurl = "{url}"\nchain_key_file = "{key_file}"\n'
        f'checkpoints = "{tmp_path / "cp"}"\noutbox = "{tmp_path / "outbox"}"\n',
        encoding="utf-8",
    )
    settings = Settings(
        outbox=tmp_path / "outbox", chain_key_file=key_file, checkpoints=tmp_path / "cp"
    )
    record_one(settings, url)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert list((tmp_path / "cp").glob("*.checkpoint"))
    assert not (kiosk_home() / "records-key").exists()
    assert main(["records", "verify", "--settings", str(settings_file)]) == 0
    assert "1 checkpoints agree" in capsys.readouterr().out


def test_a_damaged_key_file_is_one_clear_error(tmp_path: Path) -> None:
    key_file = tmp_path / "records-key"
    key_file.write_text("not hex", encoding="ascii")
    settings = Settings(outbox=tmp_path / "outbox", chain_key_file=key_file)
    with pytest.raises(RecordError, match=r"records chain key .* is unreadable"):
        open_records(settings, url=f"sqlite:///{tmp_path / 'records.db'}")
    assert key_file.read_text(encoding="ascii") == "not hex"  # never replaced


def test_a_read_only_store_never_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    RecordStore.open(url).close()
    record = NewRecord("event", T0, "r1", {"event": "card_read"})
    with (
        RecordStore.open(url, read_only=True) as store,
        pytest.raises(RecordError, match="read-only"),
    ):
        store.append([record])


def test_the_key_is_never_shown() -> None:
    key = load_chain_key()
    secret = key.source.read_text(encoding="ascii").strip()
    assert secret not in repr(key) and secret not in str(key) and key.key_id in repr(key)
