"""The records failing while a reception is recorded: database gone, write failing, disk full.

Every time: the patient sees the error screen (code 900: see the reception desk), the kiosk
returns to the start, no result file reaches the clinic for an unrecorded reception, the
acknowledged records stay (also after the kiosk restarts) and the chain verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext

import pytest

from kiosk.faults.harness import CardBox, Choices, HeadlessKiosk, auth_pin
from kiosk.faults.records import (
    FlakyDatabase,
    outbox_disk_full,
    sqlite_commit_fails,
    sqlite_full,
)
from kiosk.reception.events import Event
from kiosk.reception.states import State
from kiosk.records.database import default_url
from kiosk.records.store import RecordStore
from kiosk.vocabulary import ReaderError

PIN = Choices("pin", auth_pin())


def _results(kiosk: HeadlessKiosk) -> list[str]:
    outbox = kiosk.settings.results_dir()
    return sorted(p.name for p in outbox.glob("*.xml")) if outbox.is_dir() else []


def _partial(kiosk: HeadlessKiosk) -> list[str]:
    partial = kiosk.settings.results_dir() / ".partial"
    return sorted(p.name for p in partial.iterdir()) if partial.is_dir() else []


def _complete(kiosk: HeadlessKiosk, cards: CardBox) -> State:
    kiosk.place(cards.card())
    end = kiosk.answer(PIN)
    kiosk.back_to_start()
    return end


def _until_recording(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    """A reception up to its last answer (the high-cost screen), nothing recorded yet."""
    kiosk.place(cards.card())
    assert kiosk.answer(PIN, stop_at=frozenset({State.HIGH_COST})) == State.HIGH_COST


def _failed_recording(kiosk: HeadlessKiosk, fault: Callable[[], AbstractContextManager]) -> None:
    before = _results(kiosk)
    with fault():
        end = kiosk.flow.send(Event.HIGH_COST, False)
    assert end == State.CARD_ERROR
    screen = kiosk.flow.screen()
    assert screen.details.get("error_code") == ReaderError.SYSTEM.value
    assert "「職員を呼ぶ」を押してください" in screen.ja and screen.en  # the button it offers
    assert kiosk.back_to_start() == State.START
    assert _results(kiosk) == before  # no result file for a reception not recorded
    assert _partial(kiosk) == []


def _after(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    assert _complete(kiosk, cards) == State.DONE  # the store is back: the next patient
    assert kiosk.problems() == []
    assert kiosk.check_records() == []
    assert len(_results(kiosk)) == kiosk.stored_outcomes()["completed"]


@pytest.fixture
def flaky(kiosk: HeadlessKiosk) -> FlakyDatabase:
    db = FlakyDatabase(kiosk.record_store.db)
    kiosk.record_store.db = db
    return db


def test_database_unavailable(kiosk: HeadlessKiosk, cards: CardBox, flaky: FlakyDatabase) -> None:
    assert _complete(kiosk, cards) == State.DONE
    _until_recording(kiosk, cards)

    def down() -> Iterator[None]:
        flaky.down = True
        try:
            yield
        finally:
            flaky.down = False

    _failed_recording(kiosk, lambda: contextmanager_of(down))
    assert flaky.failures >= 1
    _after(kiosk, cards)


def test_write_fails_inside_the_transaction(
    kiosk: HeadlessKiosk, cards: CardBox, flaky: FlakyDatabase
) -> None:
    assert _complete(kiosk, cards) == State.DONE
    _until_recording(kiosk, cards)
    flaky.fail_write = flaky.writes  # the reception's own commit
    _failed_recording(kiosk, nullcontext)
    assert flaky.failures == 1
    _after(kiosk, cards)


def test_sqlite_full(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    """SQLite's own SQLITE_FULL: receptions go on until the database cannot grow."""
    done = 0
    with sqlite_full(kiosk.record_store.db):
        for _ in range(40):
            kiosk.place(cards.card())
            end = kiosk.answer(PIN)
            kiosk.back_to_start()
            if end == State.CARD_ERROR:
                break
            assert end == State.DONE
            done += 1
        else:
            pytest.fail("the database never filled up")
    assert kiosk.endings["card-error:900"] == 1
    assert kiosk.stored_outcomes()["completed"] == done + 0  # nothing half-recorded
    _after(kiosk, cards)


def test_the_disk_fills_at_commit(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    """SQLite's COMMIT itself fails ("database or disk is full"): the records' own error
    reaches the flow, which shows the system-error screen; earlier records stay."""
    assert _complete(kiosk, cards) == State.DONE
    _until_recording(kiosk, cards)
    refused: list[str] = []

    def full() -> AbstractContextManager:
        return sqlite_commit_fails(kiosk.record_store.db)

    with full() as commits:
        _failed_recording(kiosk, nullcontext)
        refused.extend(commits)
    assert refused, "the commit never happened"
    assert kiosk.stored_outcomes()["completed"] == 1
    _after(kiosk, cards)


def test_outbox_disk_full(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    assert _complete(kiosk, cards) == State.DONE
    _until_recording(kiosk, cards)
    refused: list[int] = []

    def full() -> AbstractContextManager:
        return outbox_disk_full(kiosk.settings.outbox_dir())

    with full() as calls:
        end = kiosk.flow.send(Event.HIGH_COST, False)
        refused.extend(calls)
    assert refused, "the outbox write never happened"
    assert end == State.CARD_ERROR
    assert kiosk.flow.screen().details.get("error_code") == ReaderError.SYSTEM.value
    assert kiosk.back_to_start() == State.START
    assert kiosk.stored_outcomes()["completed"] == 1  # the failed one was not recorded
    assert _partial(kiosk) == []
    _after(kiosk, cards)


def test_acknowledged_records_survive_a_restart(cards: CardBox) -> None:
    kiosk = HeadlessKiosk()
    flaky = FlakyDatabase(kiosk.record_store.db)
    kiosk.record_store.db = flaky
    try:
        for _ in range(3):
            assert _complete(kiosk, cards) == State.DONE
        _until_recording(kiosk, cards)
        flaky.fail_write = flaky.writes
        assert kiosk.flow.send(Event.HIGH_COST, False) == State.CARD_ERROR
        kiosk.back_to_start()
        acknowledged = dict(kiosk.records.acknowledged)
    finally:
        kiosk.close()  # the kiosk process ends
    with RecordStore.open(default_url(), create=False) as store:  # and starts again
        completed = [r for r in store.records(kind="reception") if r.body["outcome"] == "completed"]
        assert len(completed) == acknowledged["completed"] == 3
        assert store.verify().ok


def contextmanager_of(generator: Callable[[], Iterator[None]]) -> AbstractContextManager:
    from contextlib import contextmanager

    return contextmanager(generator)()
