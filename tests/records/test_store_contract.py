"""The record store's contract, run on SQLite and on PostgreSQL (``store_url``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.eligibility.model import (
    ConsentItem,
    Consents,
    InsuranceRecord,
    InsuredPerson,
    PrescriptionForm,
    QualificationResult,
    QualificationValidity,
)
from kiosk.records import (
    AuditEvent,
    AuditKind,
    IdentityMethod,
    Outcome,
    RecordError,
    RecordStore,
    open_records,
)
from kiosk.records.schema import SCHEMA_VERSION
from kiosk.records.store import NewRecord

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)

Tamper = Callable[..., None]


def result_at(at: datetime) -> QualificationResult:
    return QualificationResult(
        QualificationValidity.VALID,
        at,
        person=InsuredPerson("見本　太郎", "ﾐﾎﾝ ﾀﾛｳ", "1", date(1980, 2, 17)),
        insurance=InsuranceRecord(insurer_number="06139992", insured_identification_number="12"),
    )


def settings_for(tmp_path: Path) -> Settings:
    return Settings(outbox=tmp_path / "outbox", kiosk_id="front-1")


def fill(store: RecordStore, count: int) -> list[int]:
    seqs: list[int] = []
    for n in range(count):
        seqs += store.append(
            [NewRecord("event", T0 + timedelta(seconds=n), f"r{n}", {"event": "card_read", "n": n})]
        )
    return seqs


def test_append_is_one_transaction_with_contiguous_numbers(store_url: str) -> None:
    with RecordStore.open(store_url) as store:
        batch = [NewRecord("event", T0, "r1", {"event": "card_read"})] * 3
        assert store.append(batch) == [1, 2, 3]
        assert store.append([NewRecord("reception", T0, "r1", {"outcome": "x"})]) == [4]
        got = store.records()
        assert [r.seq for r in got] == [1, 2, 3, 4]
        assert got[3].body == {"outcome": "x"} and got[3].reception_id == "r1"
        assert got[0].at == T0
        assert store.verify().ok and store.verify().count == 4


def test_failed_append_leaves_nothing(store_url: str) -> None:
    with RecordStore.open(store_url) as store:
        fill(store, 2)
        bad = NewRecord("event", datetime(2026, 1, 1), "r9", {})  # naive time: refused
        with pytest.raises(RecordError):
            store.append([NewRecord("event", T0, "r8", {}), bad])
        assert [r.seq for r in store.records()] == [1, 2]
        assert store.append([NewRecord("event", T0, "r10", {})]) == [3]
        assert store.verify().ok


def test_schema_version_and_reopen(store_url: str) -> None:
    with RecordStore.open(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        fill(store, 3)
    with RecordStore.open(store_url) as again:
        assert again.schema_version() == SCHEMA_VERSION
        assert len(again.records()) == 3 and again.verify().ok


def test_newer_schema_is_refused(store_url: str, tamper: Tamper) -> None:
    RecordStore.open(store_url).close()
    tamper(store_url, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(RecordError, match="newer than this kiosk"):
        RecordStore.open(store_url)


@pytest.mark.parametrize(
    ("change", "first_bad", "words"),
    [
        ('UPDATE chain SET body = \'{"event":"card_read","n":99}\' WHERE seq = 3', 3, "changed"),
        ("UPDATE chain SET at = '2020-01-01T00:00:00.000000+00:00' WHERE seq = 2", 2, "changed"),
        ("UPDATE chain SET kiosk_id = 'other' WHERE seq = 4", 4, "changed"),
        ("DELETE FROM chain WHERE seq = 3", 3, "missing"),
        ("DELETE FROM chain WHERE seq = 5", 5, "missing"),
        # reorder: records 2 and 3 swap places
        (
            "UPDATE chain SET seq = 1000 WHERE seq = 2; UPDATE chain SET seq = 2 WHERE seq = 3;"
            " UPDATE chain SET seq = 3 WHERE seq = 1000",
            2,
            "does not follow",
        ),
    ],
    ids=["body-changed", "time-changed", "kiosk-changed", "removed", "last-removed", "reordered"],
)
def test_verify_names_the_first_bad_record(
    store_url: str,
    tamper: Tamper,
    capsys: pytest.CaptureFixture[str],
    change: str,
    first_bad: int,
    words: str,
) -> None:
    with RecordStore.open(store_url) as store:
        fill(store, 5)
    assert main(["records", "verify", "--records", store_url]) == 0
    assert "ok: 5 records" in capsys.readouterr().out
    tamper(store_url, change)
    with RecordStore.open(store_url) as store:
        result = store.verify()
    assert not result.ok and result.first_bad == first_bad and words in (result.reason or "")
    assert main(["records", "verify", "--records", store_url]) == 1
    assert f"record #{first_bad} " in capsys.readouterr().err


def test_two_kiosks_append_to_one_chain(store_url: str) -> None:
    stores = [RecordStore.open(store_url, kiosk_id=f"k{i}") for i in range(3)]
    errors: list[BaseException] = []

    def work(store: RecordStore) -> None:
        try:
            for n in range(20):
                store.append([NewRecord("event", T0, f"{store.kiosk_id}-{n}", {"n": n})] * 2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    records = stores[0].records()
    assert [r.seq for r in records] == list(range(1, 121))
    assert {r.kiosk_id for r in records} == {"k0", "k1", "k2"}
    assert stores[0].verify().ok
    for store in stores:
        store.close()


def test_completed_reception_record_and_file(store_url: str, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    given = T0 + timedelta(minutes=2)
    consents = Consents(
        given, {ConsentItem.MEDICATION: True, ConsentItem.CHECKUPS: False}, limit_info=True
    )
    events = [
        AuditEvent(AuditKind.CARD_READ, T0, "rx-1"),
        AuditEvent(AuditKind.METHOD_CHOSEN, T0, "rx-1", detail={"method": "pin"}),
        AuditEvent(AuditKind.PIN_WRONG, T0, "rx-1", detail={"which": "auth", "tries_left": 2}),
    ]
    with open_records(settings, url=store_url) as records:
        receipt = records.record_reception(
            "rx-1",
            at=given,
            cert_serial=0xABCDEF,
            method=IdentityMethod.PIN,
            result=result_at(given),
            consents=consents,
            prescription=PrescriptionForm.ELECTRONIC,
            events=events,
        )
        stored = records.store.records()
        card = records.card_ref(0xABCDEF)
    assert receipt.seq == 4 and receipt.xml_path.parent == tmp_path / "outbox" / "face"
    assert receipt.xml_path.read_bytes().startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    assert [r.kind for r in stored] == ["event", "event", "event", "reception"]
    assert stored[2].body["detail"] == {"which": "auth", "tries_left": 2}
    body = stored[3].body
    assert body["outcome"] == "completed" and body["identity"] == "pin"
    assert body["card"] == card and "abcdef" not in json.dumps(body).lower()
    assert body["consents"]["items"] == {"medication": "given", "checkups": "refused"}
    assert body["consents"]["limit_info"] is True and body["consents"]["specific_disease"] is None
    assert datetime.fromisoformat(body["consents"]["given_at"]) == given
    assert datetime.fromisoformat(body["consents"]["expires_at"]) == given + timedelta(hours=24)
    assert body["prescription"] == "electronic" and stored[3].kiosk_id == "front-1"


def test_outcome_and_event_records(store_url: str, tmp_path: Path) -> None:
    with open_records(settings_for(tmp_path), url=store_url) as records:
        seq = records.record_outcome(
            "rx-2",
            at=T0,
            outcome=Outcome.CARD_REMOVED,
            cert_serial=5,
            events=[AuditEvent(AuditKind.CARD_REMOVED, T0, "rx-2")],
        )
        records.record_outcome("rx-3", at=T0, outcome=Outcome.CARD_ERROR, error_code="002")
        staff = records.record_event(
            AuditEvent(AuditKind.VISUAL_CONFIRMED, T0, "rx-4", staff_id="staff-07")
        )
        with pytest.raises(RecordError):
            records.record_outcome("rx-5", at=T0, outcome=Outcome.COMPLETED)
        stored = records.store.records()
    assert seq == 2 and staff == 4
    assert stored[1].body["outcome"] == "card_removed" and "consents" not in stored[1].body
    assert stored[2].body["error_code"] == "002" and stored[2].body["card"] is None
    assert stored[3].body == {"event": "visual_confirmed", "staff_id": "staff-07", "detail": {}}
    assert not list((tmp_path / "outbox").rglob("*.xml"))  # no result file without completion


def test_list_and_export(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    consents = Consents(now, {ConsentItem.MEDICATION: True, ConsentItem.CHECKUPS: False})
    with open_records(settings_for(tmp_path), url=store_url) as records:
        records.record_reception(
            "rx-today",
            at=now,
            cert_serial=7,
            method=IdentityMethod.FACE,
            result=result_at(now),
            consents=consents,
        )
        records.record_outcome("rx-old", at=now - timedelta(days=3), outcome=Outcome.TIMED_OUT)
    assert main(["records", "list", "--records", store_url]) == 0
    out = capsys.readouterr().out
    assert "rx-today" in out and "rx-old" in out and "medication:given" in out
    assert main(["records", "list", "--today", "--records", store_url]) == 0
    out = capsys.readouterr().out
    assert "rx-today" in out and "rx-old" not in out

    fhir = tmp_path / "consents.json"
    assert (
        main(["records", "export", "--format", "fhir", "--out", str(fhir), "--records", store_url])
        == 0
    )
    bundle = json.loads(fhir.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    resources = {
        e["resource"]["category"][0]["coding"][1]["code"]: e["resource"] for e in bundle["entry"]
    }
    assert set(resources) == {"medication", "checkups"}
    assert resources["medication"]["status"] == "active"
    assert resources["checkups"]["status"] == "rejected"
    assert resources["checkups"]["provision"]["type"] == "deny"
    med = resources["medication"]
    assert med["resourceType"] == "Consent"
    assert med["scope"]["coding"][0]["code"] == "patient-privacy"
    assert med["patient"]["identifier"]["value"]  # the card reference
    start = datetime.fromisoformat(med["provision"]["period"]["start"])
    end = datetime.fromisoformat(med["provision"]["period"]["end"])
    assert start == datetime.fromisoformat(med["dateTime"]) and end - start == timedelta(hours=24)
    assert med["provision"]["purpose"][0]["code"] == "medication" and med["policy"][0]["uri"]

    assert main(["records", "export", "--format", "csv", "--records", store_url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("seq,at,kiosk_id,reception_id,outcome")
    assert len(lines) == 3 and ",completed," in lines[1] and ",given,refused,," in lines[1]
    assert ",timed_out," in lines[2]


def test_reading_tools_do_not_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "records.db"
    assert main(["records", "verify", "--records", f"sqlite:///{missing}"]) == 2
    assert "no records database" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_imports_stay_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kiosk.records, kiosk.eligibility, kiosk.config, kiosk.commands.records;"
        "heavy = {'psycopg', 'sqlite3', 'cryptography', 'PySide6', 'smartcard', 'cv2'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_today_for_the_staff_console(store_url: str, tmp_path: Path) -> None:
    from kiosk.eligibility.model import JST

    noon = datetime(2026, 4, 1, 12, 0, tzinfo=JST)
    with open_records(settings_for(tmp_path), url=store_url) as records:
        records.record_outcome("yesterday", at=noon - timedelta(days=1), outcome=Outcome.CANCELLED)
        records.record_outcome(
            "early", at=noon.replace(hour=0, minute=1), outcome=Outcome.TIMED_OUT
        )
        records.record_event(AuditEvent(AuditKind.CARD_READ, noon, "early"))
        records.record_reception(
            "late",
            at=noon.replace(hour=23, minute=59),
            cert_serial=3,
            method=IdentityMethod.FACE,
            result=result_at(noon),
            consents=Consents(noon, {}),
        )
        assert [r.reception_id for r in records.today(noon)] == ["early", "late"]
        assert len(records.today(noon, events=True)) == 3
