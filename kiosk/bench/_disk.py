"""Where benchmarks write, and what the disk alone costs there (helpers, not a benchmark).

Receptions are durable: each commits its record with SQLite ``synchronous=FULL`` (WAL) and
writes the clinic's result file with fsync and rename. On tmpfs an fsync is free, on a disk
it is most of the time, so a figure means little without the filesystem it was taken on.
:func:`filesystem` names it (from ``/proc/mounts``); :class:`IoFloor` measures, in the same
folder, one WAL commit with ``synchronous=FULL`` plus one fsynced write-and-rename of a
small file: the least a reception can cost there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

RESULT_BYTES = 2048  # about one result XML file


def mounts(table: str = "/proc/mounts") -> list[tuple[str, str, str]]:
    """(device, mount point, filesystem type) for every mount."""
    rows: list[tuple[str, str, str]] = []
    try:
        with open(table, encoding="utf-8") as lines:
            for line in lines:
                fields = line.split()
                if len(fields) >= 3:
                    point = fields[1].replace("\\040", " ")
                    rows.append((fields[0], point, fields[2]))
    except OSError:
        pass
    return rows


def filesystem(path: Path, table: str = "/proc/mounts") -> dict[str, Any]:
    """The filesystem holding ``path``: its type, mount point and device."""
    resolved = path.resolve()
    best: tuple[str, str, str] | None = None
    for device, point, kind in mounts(table):
        inside = resolved == Path(point) or Path(point) in resolved.parents
        if inside and (best is None or len(point) >= len(best[1])):
            best = (device, point, kind)
    if best is None:
        return {"path": str(resolved), "type": None, "mount_point": None, "device": None}
    return {"path": str(resolved), "type": best[2], "mount_point": best[1], "device": best[0]}


class IoFloor:
    """One durable commit and one durable small file in ``folder``, timed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / "floor.db", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, body TEXT)")
        self._n = 0
        self._data = b"x" * RESULT_BYTES

    def sample(self) -> float:
        """Seconds for one WAL commit (synchronous=FULL) + one fsynced write-and-rename."""
        self._n += 1
        start = time.perf_counter()
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("INSERT INTO t (n, body) VALUES (?, ?)", (self._n, "x" * 200))
        self._db.execute("COMMIT")
        temp = self.folder / "floor.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, self._data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, self.folder / "floor.xml")
        folder_fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)
        return time.perf_counter() - start

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
