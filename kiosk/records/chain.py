"""The hash chain that makes changed, removed or reordered records visible.

Every stored record is a row ``(seq, kind, at, kiosk_id, reception_id, body, prev_hash,
hash)``: ``seq`` counts from 1 without gaps, ``body`` is canonical JSON of the record's own
fields, ``prev_hash`` is the hash of record ``seq - 1`` (:data:`GENESIS` for the first) and
``hash`` is SHA-256 over the canonical JSON of all the other columns. A head row
(``last seq``, ``last hash``) is updated in the same transaction, so removing the newest
records is seen too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ChainRow:
    seq: int
    kind: str
    at: str  # ISO 8601, UTC
    kiosk_id: str
    reception_id: str | None
    body: str  # canonical JSON
    prev_hash: str
    hash: str

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.seq,
            self.kind,
            self.at,
            self.kiosk_id,
            self.reception_id,
            self.body,
            self.prev_hash,
            self.hash,
        )


def row_hash(
    seq: int, kind: str, at: str, kiosk_id: str, reception_id: str | None, body: str, prev: str
) -> str:
    fields = {
        "seq": seq,
        "kind": kind,
        "at": at,
        "kiosk_id": kiosk_id,
        "reception_id": reception_id,
        "body": body,
        "prev": prev,
    }
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


def link(
    seq: int,
    prev: str,
    kind: str,
    at: str,
    kiosk_id: str,
    reception_id: str | None,
    body: dict[str, Any],
) -> ChainRow:
    """The row for a new record following a record whose hash is ``prev``."""
    text = canonical(body)
    digest = row_hash(seq, kind, at, kiosk_id, reception_id, text, prev)
    return ChainRow(seq, kind, at, kiosk_id, reception_id, text, prev, digest)


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_rows`: ``first_bad`` is None when the chain holds."""

    count: int
    first_bad: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def verify_rows(rows: Iterable[tuple[Any, ...]], head: tuple[int, str]) -> Verification:
    """Check rows (in ``seq`` order) and the head; stop at the first bad record."""
    prev = GENESIS
    expected = 1
    count = 0
    for raw in rows:
        row = ChainRow(*raw)
        if row.seq != expected:
            if row.seq > expected:
                return Verification(count, expected, f"is missing (the next record is #{row.seq})")
            return Verification(count, row.seq, "appears twice or out of order")
        if row.prev_hash != prev:
            return Verification(
                count, row.seq, "does not follow the record before it (removed or reordered)"
            )
        digest = row_hash(
            row.seq, row.kind, row.at, row.kiosk_id, row.reception_id, row.body, row.prev_hash
        )
        if digest != row.hash:
            return Verification(count, row.seq, "was changed after it was written")
        prev = row.hash
        expected += 1
        count += 1
    head_seq, head_hash = head
    if head_seq != count or head_hash != prev:
        if head_seq > count:
            return Verification(count, count + 1, "is missing (records at the end were removed)")
        return Verification(count, head_seq or 1, "the chain head does not match the records")
    return Verification(count)
