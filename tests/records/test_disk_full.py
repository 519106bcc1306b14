"""A full disk while recording: the records' own error, nothing half-written, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.eligibility.model import (
    ConsentItem,
    Consents,
    InsuranceRecord,
    InsuredPerson,
    QualificationResult,
    QualificationValidity,
)
from kiosk.errors import KioskError
from kiosk.faults.records import sqlite_commit_fails
from kiosk.records import AuditEvent, AuditKind, IdentityMethod, open_records
from kiosk.records.errors import RecordError, StorageFullError

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
PERSON = InsuredPerson("見本　花子", "ﾐﾎﾝ ﾊﾅｺ", "2", T0.date())
INSURANCE = InsuranceRecord(insurer_number="06139992", insured_identification_number="12")


def reception(records: object, n: int) -> object:
    at = T0 + timedelta(minutes=n)
    return records.record_reception(  # type: ignore[attr-defined]
        f"rx-{n}",
        at=at,
        cert_serial=100 + n,
        method=IdentityMethod.PIN,
        result=QualificationResult(QualificationValidity.VALID, at, PERSON, INSURANCE),
        consents=Consents(at, {ConsentItem.MEDICATION: True}),
        events=[AuditEvent(AuditKind.CARD_READ, at, f"rx-{n}", detail={"note": "x" * 400})],
    )


def test_recording_until_the_database_is_full(tmp_path: Path) -> None:
    settings = Settings(outbox=tmp_path / "outbox")
    with open_records(settings, url=f"sqlite:///{tmp_path / 'records.db'}") as records:
        db = records.store.db
        pages = int(db.execute("PRAGMA page_count")[0][0])
        db.execute(f"PRAGMA max_page_count = {pages + 3}")  # room for a few receptions
        done = 0
        with pytest.raises(StorageFullError) as refused:
            for n in range(200):
                reception(records, n)
                done += 1
        assert isinstance(refused.value, KioskError)  # the flow shows its system-error screen
        assert "nothing of this transaction was recorded" in str(refused.value)
        assert done >= 1
        results = sorted((tmp_path / "outbox" / "face").glob("OQSsiquc01res_face_*.xml"))
        assert len(results) == done  # no result for the reception that was not recorded
        assert not list((tmp_path / "outbox" / "face" / ".partial").iterdir())
        stored = records.store.records(kind="reception")
        assert [r.reception_id for r in stored] == [f"rx-{n}" for n in range(done)]
        folders = [settings.checkpoints_dir(), settings.results_dir()]
        verification = records.store.verify(checkpoints=folders)
        assert verification.ok, verification.summary()
        assert verification.checkpoints == 2 * done  # the day's file and one per result


def test_a_commit_that_fails_rolls_back(tmp_path: Path) -> None:
    settings = Settings(outbox=tmp_path / "outbox")
    with open_records(settings, url=f"sqlite:///{tmp_path / 'records.db'}") as records:
        reception(records, 0)
        with sqlite_commit_fails(records.store.db) as refused, pytest.raises(StorageFullError):
            reception(records, 1)
        assert refused
        with (
            sqlite_commit_fails(records.store.db, "disk I/O error") as refused,
            pytest.raises(RecordError, match="disk I/O error"),
        ):
            records.record_event(AuditEvent(AuditKind.CARD_READ, T0, "rx-2"))
        assert refused
        reception(records, 3)  # the next patient is recorded
        stored = records.store.records(kind="reception")
        assert [r.reception_id for r in stored] == ["rx-0", "rx-3"]
        assert len(list((tmp_path / "outbox" / "face").glob("OQSsiquc01res_face_*.xml"))) == 2
        assert records.store.verify().ok
