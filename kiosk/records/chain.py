"""The keyed chain that makes changed, removed, added or reordered records visible.

Every stored record is a row ``(seq, kind, at, kiosk_id, reception_id, body, prev_hash,
hash)``: ``seq`` counts from 1 without gaps, ``body`` is canonical JSON of the record's own
fields, ``prev_hash`` is the ``hash`` of record ``seq - 1`` (:data:`GENESIS` for the first)
and ``hash`` is an HMAC-SHA-256 under the chain key (:mod:`kiosk.records.chainkey`) over the
canonical JSON of all the other columns. A head row (last ``seq``, last ``hash`` and an HMAC
of the two) is updated in the same transaction. Schema 1 databases used plain SHA-256
(:func:`plain_hash`); they are re-signed when a kiosk first opens them.

:func:`verify_chain` reads every row, not only those up to the head, and lists every finding
in words: a changed or forged record, a gap, a record past the head, a body that is not JSON,
a head that is not a whole number or not signed, a record that differs from a checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.records.errors import RecordError

GENESIS = "0" * 64
_HEX64 = re.compile(r"[0-9a-f]{64}")


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

    def text(self) -> str:
        """What the row's hash covers."""
        return row_text(
            self.seq,
            self.kind,
            self.at,
            self.kiosk_id,
            self.reception_id,
            self.body,
            self.prev_hash,
        )


def iso(at: datetime) -> str:
    """A record's time as a row keeps it (``ChainRow.at``): ISO 8601 in UTC, microseconds."""
    if at.tzinfo is None:
        raise RecordError("record times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def row_text(
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
    return canonical(fields)


def head_text(seq: int, digest: str) -> str:
    """What the head's MAC covers (never the text of a row: other keys)."""
    return canonical({"head_seq": seq, "head_hash": digest})


def plain_hash(text: str) -> str:
    """Schema 1's row hash: SHA-256 without a key (anyone can recompute it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


Mac = Callable[[str], str]


def link(
    mac: Mac,
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
    digest = mac(row_text(seq, kind, at, kiosk_id, reception_id, text, prev))
    return ChainRow(seq, kind, at, kiosk_id, reception_id, text, prev, digest)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the records; ``seq`` is the record it is about, if any."""

    seq: int | None
    words: str

    def __str__(self) -> str:
        return f"record #{self.seq} {self.words}" if self.seq is not None else self.words


@dataclass(frozen=True)
class Expected:
    """A head the chain once had (a checkpoint): record ``seq`` had hash ``head``."""

    seq: int
    head: str
    where: str  # the file and line, for the message
    at: str


@dataclass
class Verification:
    """The outcome of :func:`verify_chain`: ``ok`` when there is no finding."""

    count: int
    findings: list[Finding] = field(default_factory=list)
    authenticated: bool = False  # every record's HMAC was checked with the key
    checkpoints: int = 0  # checkpoints compared
    notes: list[str] = field(default_factory=list)  # what was not checked, and why

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad(self) -> int | None:
        """The record of the first finding (0 when it is about the head or a file)."""
        if not self.findings:
            return None
        return self.findings[0].seq if self.findings[0].seq is not None else 0

    @property
    def reason(self) -> str | None:
        return self.findings[0].words if self.findings else None

    def summary(self) -> str:
        """The first finding in words (empty when ok)."""
        if not self.findings:
            return ""
        more = len(self.findings) - 1
        return str(self.findings[0]) + (f" (and {more} more findings)" if more else "")


def _typed(raw: Sequence[Any]) -> tuple[ChainRow | None, str]:
    """The row with its columns checked, or None and why it cannot be read."""
    if len(raw) != 8:
        return None, "has the wrong number of columns"
    seq, kind, at, kiosk_id, reception_id, body, prev, digest = raw
    if not isinstance(seq, int) or isinstance(seq, bool):
        return None, f"has a sequence number that is not a whole number ({_short(seq)})"
    for name, value in (("kind", kind), ("time", at), ("kiosk", kiosk_id), ("body", body)):
        if not isinstance(value, str):
            return None, f"has a {name} that is not text ({type(value).__name__})"
    if reception_id is not None and not isinstance(reception_id, str):
        return None, "has a reception id that is not text"
    for name, value in (("previous hash", prev), ("hash", digest)):
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            return None, f"has a {name} that is not 64 hex digits"
    return ChainRow(seq, kind, at, kiosk_id, reception_id, body, prev, digest), ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _signed(mac: Mac, text: str, claimed: Any) -> bool:
    return isinstance(claimed, str) and hmac.compare_digest(mac(text), claimed)


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _read_head(
    head: Sequence[Any] | None,
    mac: Mac | None,
    head_signed: bool,
    findings: list[Finding],
    unsigned_head: list[Finding],
) -> tuple[int | None, str | None]:
    """The head's ``(seq, hash)`` when well formed (None where not), with what is wrong with
    it added to ``findings`` (a head signed outside the kiosk to ``unsigned_head``)."""
    if head is None:
        findings.append(Finding(None, "the chain head is missing"))
        return None, None
    head_seq: int | None = None
    head_hash: str | None = None
    raw_seq, raw_hash, raw_mac = head
    if isinstance(raw_seq, int) and not isinstance(raw_seq, bool) and raw_seq >= 0:
        head_seq = raw_seq
    else:
        findings.append(Finding(None, f"the chain head is not a whole number ({_short(raw_seq)})"))
    if isinstance(raw_hash, str) and _HEX64.fullmatch(raw_hash):
        head_hash = raw_hash
    else:
        findings.append(Finding(None, "the chain head's hash is not 64 hex digits"))
    if (
        head_signed
        and mac is not None
        and head_seq is not None
        and head_hash is not None
        and not _signed(mac, head_text(head_seq, head_hash), raw_mac)
    ):
        unsigned_head.append(
            Finding(
                None,
                f"the chain head (#{head_seq}) was set outside the kiosk: its signature "
                "does not match (records at the end removed, or the head moved)",
            )
        )
    return head_seq, head_hash


def verify_chain(
    rows: Iterable[Sequence[Any]],
    head: Sequence[Any] | None,
    *,
    mac: Mac | None,
    head_signed: bool,
    expected: Sequence[Expected] = (),
) -> Verification:
    """Check every row (in ``seq`` order), the head ``(seq, hash, mac)`` and checkpoints.

    ``mac`` recomputes a row's hash (None: structure only, hashes are not checked);
    ``head_signed``: the head's MAC is checked with ``mac`` too.
    """
    findings: list[Finding] = []
    unsigned_head: list[Finding] = []  # reported after the records
    head_seq, head_hash = _read_head(head, mac, head_signed, findings, unsigned_head)
    wanted = {e.seq: e for e in expected if e.seq > 0}
    prev = GENESIS
    next_seq = 1
    count = 0
    past_head: list[int] = []
    hash_at_head = GENESIS if head_seq == 0 else None
    for raw in rows:
        count += 1
        row, why = _typed(raw)
        if row is None:
            seq = raw[0] if raw and isinstance(raw[0], int) else None
            findings.append(
                Finding(seq, why) if seq is not None else Finding(None, f"a record {why}")
            )
            continue
        gap = row.seq != next_seq
        if row.seq > next_seq:
            missing = "is missing" if row.seq == next_seq + 1 else f"to #{row.seq - 1} are missing"
            findings.append(Finding(next_seq, f"{missing} (the next record is #{row.seq})"))
        elif row.seq < next_seq:
            findings.append(Finding(row.seq, "appears twice or out of order"))
        if not gap and row.prev_hash != prev:
            findings.append(
                Finding(row.seq, "does not follow the record before it (removed or reordered)")
            )
        if mac is not None and not hmac.compare_digest(mac(row.text()), row.hash):
            findings.append(
                Finding(row.seq, "was changed after it was written, or written without the key")
            )
        if not _is_json_object(row.body):
            findings.append(Finding(row.seq, "has a body that is not a JSON object"))
        if head_seq is not None and row.seq > head_seq:
            past_head.append(row.seq)
        if row.seq == head_seq:
            hash_at_head = row.hash
        check = wanted.pop(row.seq, None)
        if check is not None and check.head != row.hash:
            findings.append(
                Finding(
                    row.seq,
                    f"differs from the checkpoint of {check.at} ({check.where}): "
                    "the chain was rewritten",
                )
            )
        prev = row.hash
        next_seq = max(next_seq, row.seq + 1)
    last = next_seq - 1
    if past_head:
        after = len(past_head) - 1
        words = "lies" if not after else f"and the {after} records after it lie"
        findings.append(
            Finding(
                past_head[0],
                f"{words} past the chain head (#{head_seq}): written outside the kiosk, or the "
                "head was moved back",
            )
        )
    if head_seq is not None and head_hash is not None:
        if head_seq > last:
            findings.append(
                Finding(
                    last + 1,
                    f"is missing: the head says #{head_seq}, records at the end were removed",
                )
            )
        elif hash_at_head is not None and hash_at_head != head_hash:
            findings.append(Finding(head_seq, "does not match the chain head"))
    beyond = [e for e in wanted.values() if e.seq > last]
    if beyond:
        newest = max(beyond, key=lambda e: e.seq)
        span = "is" if newest.seq == last + 1 else f"to #{newest.seq} are"
        findings.append(
            Finding(
                last + 1,
                f"{span} missing: the checkpoint of {newest.at} ({newest.where}) counts "
                f"{newest.seq} records, the database ends at #{last}",
            )
        )
    return Verification(count, findings + unsigned_head, checkpoints=len(expected))
