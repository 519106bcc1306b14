"""Signed checkpoints of the chain head, kept outside the database.

After every commit the kiosk appends one line to the day's file in the checkpoints folder
(``kiosk_home()/checkpoints/2026-04-01.checkpoint``, Japan date; ``[records] checkpoints`` in
the settings), and beside every result file in the outbox it writes ``<result>.checkpoint``,
which leaves the kiosk with the result. A line is JSON::

    {"at": "…", "head": "<hash of record seq>", "kiosk": "front-1", "mac": "…", "seq": 12, "v": 1}

``mac`` is an HMAC-SHA-256 under a key derived from the chain key. A checkpoint says "record
``seq`` existed with this hash": ``kiosk records verify`` compares every checkpoint it reads
with the database, so removing the newest records (even with the head moved back), emptying
the database or re-linking it after a deletion shows, even to someone holding the key, as
long as one checkpoint made after the removed records survives outside their reach.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.eligibility.model import JST
from kiosk.records.chain import Expected, Finding, canonical
from kiosk.records.chainkey import ChainKey

SUFFIX = ".checkpoint"
VERSION = 1


def _signed_text(at: str, kiosk_id: str, seq: int, head: str) -> str:
    return canonical({"at": at, "head": head, "kiosk": kiosk_id, "seq": seq, "v": VERSION})


class CheckpointLog:
    """Writes this kiosk's checkpoints into ``folder`` (one file per Japan day)."""

    def __init__(self, folder: Path, key: ChainKey, kiosk_id: str) -> None:
        self.folder = folder
        self.key = key
        self.kiosk_id = kiosk_id
        self.last_line: str | None = None  # the newest line appended (for the result file)
        self._day: tuple[str, Path, int] | None = None  # the day's file, open for appends

    def line(self, seq: int, head: str, at: datetime | None = None) -> str:
        """One signed checkpoint line (with its newline)."""
        when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        mac = self.key.checkpoint_mac(_signed_text(when, self.kiosk_id, seq, head))
        entry = {"at": when, "head": head, "kiosk": self.kiosk_id, "mac": mac, "seq": seq}
        return canonical({**entry, "v": VERSION}) + "\n"

    def append(self, seq: int, head: str, at: datetime | None = None) -> Path:
        """Append a checkpoint to the day's file (OSError when it cannot).

        Not flushed to disk: it is written after the records' commit, so a power cut can
        only lose checkpoints (they then say less), never make one claim more than the
        database holds; a line cut short is ignored when read."""
        now = at or datetime.now(UTC)
        path, fd = self._open(f"{now.astimezone(JST):%Y-%m-%d}{SUFFIX}")
        line = self.line(seq, head, now)
        data = line.encode("utf-8")
        try:
            if os.write(fd, data) != len(data):
                raise OSError(f"short write to {path}")
        except OSError:
            self.close()  # reopened at the next checkpoint
            raise
        self.last_line = line
        return path

    def _open(self, name: str) -> tuple[Path, int]:
        """The day's file, opened once (O_APPEND) and kept until the day changes."""
        if self._day is not None and self._day[0] == name:
            return self._day[1], self._day[2]
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._day = (name, path, fd)
        return path, fd

    def close(self) -> None:
        day, self._day = self._day, None
        if day is not None:
            os.close(day[2])


@dataclass
class CheckpointReading:
    """What :func:`read_checkpoints` found: checkpoints to compare, and problems."""

    expected: list[Expected] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    count: int = 0  # signed (or, without a key, well-formed) checkpoints read
    notes: list[str] = field(default_factory=list)


def checkpoint_files(paths: Sequence[Path]) -> list[Path]:
    """``*.checkpoint`` files in the folders (and the files) given; missing ones skipped."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob(f"*{SUFFIX}") if p.is_file()))
        elif path.is_file():
            files.append(path)
    return files


def read_checkpoints(paths: Sequence[Path], key: ChainKey | None) -> CheckpointReading:
    """Read every checkpoint under ``paths``; with ``key`` their signatures are checked."""
    reading = CheckpointReading()
    by_seq: dict[int, Expected] = {}
    for path in checkpoint_files(paths):
        reading.files += 1
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reading.findings.append(
                Finding(None, f"the checkpoint file {path} is unreadable ({exc})")
            )
            continue
        lines = text.split("\n")
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}" if len(lines) > 2 else path.name
            entry = _parse(line)
            if entry is None:
                if number == len(lines):  # a last line cut short by a power loss
                    reading.notes.append(f"{path}:{number} is an incomplete checkpoint (ignored)")
                else:
                    reading.findings.append(
                        Finding(None, f"the checkpoint {path}:{number} is not a checkpoint")
                    )
                continue
            at, kiosk_id, seq, head, mac = entry
            if key is not None and not hmac.compare_digest(
                mac, key.checkpoint_mac(_signed_text(at, kiosk_id, seq, head))
            ):
                reading.findings.append(
                    Finding(
                        None,
                        f"the checkpoint {path}:{number} is not signed with this key "
                        "(forged, changed, or from another installation)",
                    )
                )
                continue
            reading.count += 1
            seen = by_seq.get(seq)
            if seen is not None and seen.head != head:
                reading.findings.append(
                    Finding(seq, f"has two checkpoints that disagree ({seen.where}, {where})")
                )
                continue
            if seen is None:
                by_seq[seq] = Expected(seq, head, where, at[:19].replace("T", " ") + " UTC")
    reading.expected = sorted(by_seq.values(), key=lambda e: e.seq)
    return reading


def _parse(line: str) -> tuple[str, str, int, str, str] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("v") != VERSION:
        return None
    at, kiosk_id, seq, head, mac = (entry.get(k) for k in ("at", "kiosk", "seq", "head", "mac"))
    if not (
        isinstance(at, str)
        and isinstance(kiosk_id, str)
        and isinstance(seq, int)
        and not isinstance(seq, bool)
        and seq >= 0
        and isinstance(head, str)
        and isinstance(mac, str)
    ):
        return None
    return at, kiosk_id, seq, head, mac
