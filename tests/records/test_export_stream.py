"""Exports stream: each entry or row is written as its record arrives, never all at once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.records import RecordStore, StoredRecord
from kiosk.records.export import (
    csv_text,
    fhir_bundle,
    write_csv,
    write_fhir_bundle,
    write_fhir_ndjson,
)
from kiosk.records.store import NewRecord

T0 = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
COUNT = 40


def reception(n: int) -> StoredRecord:
    body = {
        "outcome": "completed",
        "card": f"card-{n}",
        "identity": "pin",
        "consents": {
            "items": {"medication": "given", "checkups": "refused"},
            "limit_info": True,
            "given_at": T0.isoformat(),
            "expires_at": (T0 + timedelta(hours=24)).isoformat(),
        },
        "institution": "1312345678",
    }
    return StoredRecord(n, "reception", T0 + timedelta(seconds=n), "kiosk-1", f"rx-{n}", body)


class Pulled:
    """Records handed out one at a time, counting how many were taken so far."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[StoredRecord]:
        for n in range(1, COUNT + 1):
            self.taken += 1
            yield reception(n)


class Watching(io.StringIO):
    """A text file that notes how many records had been taken at each write."""

    def __init__(self, source: Pulled) -> None:
        super().__init__()
        self.source = source
        self.taken_at_write: list[int] = []

    def write(self, text: str) -> int:
        self.taken_at_write.append(self.source.taken)
        return super().write(text)


@pytest.mark.parametrize("write", [write_csv, write_fhir_bundle, write_fhir_ndjson])
def test_output_is_written_while_records_are_still_coming(write: object) -> None:
    source = Pulled()
    out = Watching(source)
    assert callable(write)
    write(source, out)
    assert source.taken == COUNT
    written_early = [taken for taken in out.taken_at_write if 0 < taken < COUNT]
    assert len(written_early) >= COUNT - 2  # about one write per record, as they arrive


def test_streamed_texts_equal_the_in_memory_ones() -> None:
    rows = [reception(n) for n in range(1, COUNT + 1)]
    out = io.StringIO()
    assert write_fhir_bundle(rows, out) == 2 * COUNT + COUNT  # medication, checkups, limit
    assert json.loads(out.getvalue()) == fhir_bundle(rows)
    assert len(out.getvalue().splitlines()) == 1 + 3 * COUNT + 1  # one entry a line
    empty = io.StringIO()
    write_fhir_bundle([], empty)
    assert json.loads(empty.getvalue()) == fhir_bundle([])
    ndjson = io.StringIO()
    write_fhir_ndjson(rows, ndjson)
    lines = [json.loads(line) for line in ndjson.getvalue().splitlines()]
    assert lines == [entry["resource"] for entry in fhir_bundle(rows)["entry"]]
    assert csv_text(rows).count("\n") == COUNT + 1


def test_the_store_streams_in_chain_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    with RecordStore.open(url) as store:
        for n in range(1, 6):
            record = reception(n)
            store.append([NewRecord("reception", record.at, record.reception_id, record.body)])
            store.append([NewRecord("event", record.at, None, {"event": "card_read"})])
        stream = store.stream(kind="reception")
        first = next(stream)  # a generator: the rest are not read yet
        assert first.reception_id == "rx-1"
        assert [r.reception_id for r in stream] == ["rx-2", "rx-3", "rx-4", "rx-5"]
        assert list(store.stream(kind="reception")) == store.records(kind="reception")
    assert main(["records", "export", "--format", "fhir-ndjson", "--records", url]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5 * 3
    out = tmp_path / "consents.json"
    assert main(["records", "export", "--out", str(out), "--records", url]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["entry"]) == 15
    assert not list(tmp_path.glob(".*.tmp"))
