"""Crash safety: writers killed with SIGKILL at random moments lose no acknowledged record,
leave no half-written reception, and the chain still verifies."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from kiosk.records import RecordStore

RUNS = 200
GROUP = 3  # records per reception: two events and the reception, one transaction

WRITER = r"""
import sys
from datetime import UTC, datetime
from kiosk.records.store import NewRecord, RecordStore

url, run = sys.argv[1], sys.argv[2]
store = RecordStore.open(url, kiosk_id="crash")
print("READY", flush=True)
n = 0
while True:
    rid = f"{run}-{n}"
    now = datetime.now(UTC)
    store.append([
        NewRecord("event", now, rid, {"event": "card_read"}),
        NewRecord("event", now, rid, {"event": "pin_ok", "detail": {"which": "auth"}}),
        NewRecord("reception", now, rid, {"outcome": "completed", "n": n}),
    ])
    print("ACK", rid, flush=True)
    n += 1
"""


def run_writer(url: str, run: int, rng: random.Random) -> set[str]:
    """Start a writer, kill it at a random moment, return the receptions it acknowledged."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, f"w{run}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("READY"):
                ready.set()
        ready.set()

    reader = threading.Thread(target=read)
    reader.start()
    if rng.random() < 0.1:
        delay = rng.uniform(0.0, 0.08)  # sometimes while it starts (opening, migrating)
    else:
        ready.wait(120)
        delay = rng.uniform(0.0, 0.03)  # usually in the middle of appending
    # the random delay IS the test (kill at an arbitrary moment), not a wait for an event
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    reader.join(30)
    assert proc.returncode == -signal.SIGKILL or proc.returncode is not None
    return {
        line.split()[1]
        for line in lines
        if line.endswith("\n") and line.startswith("ACK ") and len(line.split()) == 2
    }


@pytest.mark.slow
def test_sigkilled_writers_lose_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    url = f"sqlite:///{db}"
    rng = random.Random(20260401)
    acknowledged: set[str] = set()
    for run in range(RUNS):
        acknowledged |= run_writer(url, run, rng)

    with RecordStore.open(url) as store:
        verification = store.verify()
        records = store.records()
    assert verification.ok, verification
    per_reception = Counter(r.reception_id for r in records)
    assert acknowledged <= set(per_reception), "an acknowledged reception is missing"
    half = {rid: n for rid, n in per_reception.items() if n != GROUP}
    assert not half, f"half-written receptions: {half}"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(acknowledged) > RUNS  # the writers did get work done between the kills
