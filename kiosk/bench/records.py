"""Records at scale: appending to a full store, verifying and exporting it, and their memory.

Fills a SQLite store (WAL, synchronous=FULL) in a temporary folder on the kiosk home's
filesystem (the folder is the kiosk home for the run and its children: the chain key and
checkpoints stay in it) with ``--receptions`` completed receptions (100,000 by default) through the
store's own append path (``RecordStore.append``, 1,000 records a transaction: the same
rows, hashes and chain as one reception a transaction, without 100,000 fsyncs). Then:

* ``append_filled_over_fresh``: median time of appending one reception (one transaction, as
  the kiosk does) to the filled store over the same to a fresh store, interleaved;
* ``verify_s`` / ``verify_peak_rss_mb``: ``kiosk records verify`` in a child process;
* ``export_s`` / ``export_peak_rss_mb``: ``kiosk records export --format fhir --out FILE``
  (the whole FHIR Bundle) in a child process.

Peak RSS is the child's own high-water mark (``VmHWM`` in /proc/self/status, read by the
child as it ends), interpreter included. (A spawned child's rusage ``ru_maxrss`` would count
the parent's memory at the spawn too.)
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.bench._disk import filesystem
from kiosk.errors import KioskError
from kiosk.paths import kiosk_home, kiosk_home_at
from kiosk.records.chain import iso
from kiosk.records.store import NewRecord, RecordStore

PROBE = (
    "import sys\n"
    "from kiosk.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "with open('/proc/self/status', encoding='ascii') as status:\n"
    "    hwm = [line.split()[1] for line in status if line.startswith('VmHWM:')]\n"
    "with open(sys.argv[1], 'w', encoding='ascii') as out:\n"
    "    out.write(hwm[0] if hwm else '0')\n"
    "sys.exit(code)\n"
)
"""``kiosk <argv>``, then the process's peak RSS (kB) written to the file named first."""
BATCH = 1000
T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--receptions", type=int, default=100_000, help="receptions in the filled store"
    )
    parser.add_argument(
        "--appends", type=int, default=100, help="single appends timed on each store (median)"
    )


def reception(n: int) -> NewRecord:
    """A completed reception as the recorder writes it (two consent items, limit info)."""
    at = T0 + timedelta(seconds=20 * n)
    body = {
        "outcome": "completed",
        "card": f"{n * 2654435761 % 16**32:032x}",
        "identity": "face" if n % 3 else "pin",
        "staff_id": None,
        "validity": 1,
        "consents": {
            "given_at": iso(at),
            "expires_at": iso(at + timedelta(hours=24)),
            "items": {"medication": "given", "checkups": "refused" if n % 4 else "given"},
            "limit_info": bool(n % 2),
            "specific_disease": None,
        },
        "prescription": "paper",
        "institution": "1312345678",
    }
    return NewRecord("reception", at, f"{n:08x}{n * 7919 % 65536:04x}", body)


def fill(store: RecordStore, count: int, start: int = 1) -> float:
    """Append ``count`` receptions in transactions of :data:`BATCH`; seconds taken."""
    began = time.perf_counter()
    for first in range(start, start + count, BATCH):
        last = min(first + BATCH, start + count)
        store.append([reception(n) for n in range(first, last)])
    return time.perf_counter() - began


def child(argv: list[str], folder: Path) -> tuple[float, float]:
    """Run ``kiosk <argv>`` as a child: (seconds, its peak RSS in MB); fails with its output."""
    peak = folder / "peak-rss-kb"
    began = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", PROBE, str(peak), *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise KioskError(f"kiosk {argv[0]} {argv[1]} failed ({done.returncode}): {tail}")
    return seconds, int(peak.read_text(encoding="ascii")) / 1024.0


def _appends(filled: RecordStore, fresh: RecordStore, count: int, start: int) -> float:
    """Median single-reception append on ``filled`` over the same on ``fresh``, interleaved."""
    on_filled: list[float] = []
    on_fresh: list[float] = []
    for i in range(count):
        for store, times in ((filled, on_filled), (fresh, on_fresh)):
            began = time.perf_counter()
            store.append([reception(start + i)])
            times.append(time.perf_counter() - began)
    return statistics.median(on_filled) / statistics.median(on_fresh)


def run(args: argparse.Namespace) -> dict[str, Any]:
    count = int(args.receptions)
    if count < 1 or args.appends < 1:
        raise KioskError("--receptions and --appends must be 1 or more")
    base = kiosk_home()
    figures: dict[str, Any] = {"receptions": count}
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-", dir=base)))
        stack.enter_context(kiosk_home_at(folder))  # its chain key and checkpoints, not ours
        url = f"sqlite:///{folder / 'records.db'}"
        filled = stack.enter_context(RecordStore.open(url))
        fresh = stack.enter_context(RecordStore.open(f"sqlite:///{folder / 'fresh.db'}"))
        fill_s = fill(filled, count)
        ratio = _appends(filled, fresh, int(args.appends), count + 1)
        filled.close()
        verify_s, verify_rss = child(["records", "verify", "--records", url], folder)
        export = folder / "consents.json"
        export_s, export_rss = child(
            ["records", "export", "--format", "fhir", "--out", str(export), "--records", url],
            folder,
        )
        figures |= {
            "append_filled_over_fresh": round(ratio, 2),
            "verify_s": round(verify_s, 2),
            "verify_peak_rss_mb": round(verify_rss, 1),
            "export_s": round(export_s, 2),
            "export_peak_rss_mb": round(export_rss, 1),
            "export_mb": round(export.stat().st_size / 1e6, 1),
            "fill_s": round(fill_s, 1),
            "database_mb": round((folder / "records.db").stat().st_size / 1e6, 1),
            "filesystem": filesystem(base),
        }
    return figures
