"""Calls for staff, kiosk status and the desk's requests to a kiosk, in the records database.

A kiosk opens a call when its patient presses 職員を呼ぶ or when only 目視確認 is left (the
PIN locked, the face failed to the limit, a face-only card), reports its status (state,
無人/目視, waiting, every PIN's tries left) and takes the requests the desk left for it
(switch the mode, the staff's answer to a call, read the PINs again). The staff station
lists the calls in the order received and answers them: the first answer wins, in one
transaction that also leaves the request for the kiosk. Nothing here holds an image, a PIN
or a card holder's name.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from kiosk.records.chain import iso
from kiosk.records.database import Database, default_url, open_database
from kiosk.records.errors import RecordError
from kiosk.station_tables.bell import DESK, KIOSKS, Bell, bell_for
from kiosk.station_tables.schema import ensure_station_schema
from kiosk.vocabulary import IDENTITY_CALLS, CallReason


class CallStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    ENDED = "ended"  # the reception ended before anyone answered
    DISCONNECTED = "disconnected"  # the kiosk went silent mid-call (切断)


class CommandKind(StrEnum):
    MODE = "mode"  # value {"visual": bool, "hold": bool}
    CONFIRM = "confirm"  # value {"ok": bool}
    PINS = "pins"  # read every PIN's tries left again
    WATCH = "watch"  # value {"url", "station", "reception_id"}: send that station the images


@dataclass(frozen=True)
class Call:
    id: str
    kiosk_id: str
    reception_id: str | None
    reason: CallReason
    status: CallStatus
    created_at: datetime
    answered_by: str | None = None
    answered_at: datetime | None = None
    decision: str | None = None  # "ok" / "refused" / "handled" (対応しました)
    detail: dict[str, str] = field(default_factory=dict)  # the kiosk's screen, an error code
    taken_by: str | None = None  # the member of staff on their way (対応中)

    @property
    def about_identity(self) -> bool:
        """Answered with 本人確認OK / 確認できない (else closed with 対応しました)."""
        return self.reason in IDENTITY_CALLS

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kiosk_id": self.kiosk_id,
            "reception_id": self.reception_id,
            "reason": self.reason.value,
            "identity": self.about_identity,
            "detail": self.detail,
            "status": self.status.value,
            "created_at": iso(self.created_at),
            "taken_by": self.taken_by,
            "answered_by": self.answered_by,
            "decision": self.decision,
        }


@dataclass(frozen=True)
class KioskStatus:
    kiosk_id: str
    state: str
    mode: str  # "unattended" / "visual"
    held: bool  # the desk keeps it in 目視 between receptions
    waiting: bool  # a patient waits for 目視確認
    reception_id: str | None
    pins: list[dict[str, Any]]
    seen_at: datetime
    desk_reachable: bool = True

    def to_dict(self, now: datetime, stale_after_s: float) -> dict[str, Any]:
        return {
            "kiosk_id": self.kiosk_id,
            "state": self.state,
            "mode": self.mode,
            "held": self.held,
            "waiting": self.waiting,
            "pins": self.pins,
            "connected": (now - self.seen_at).total_seconds() <= stale_after_s,
            "seen_at": iso(self.seen_at),
        }


@dataclass(frozen=True)
class Command:
    id: str
    kiosk_id: str
    kind: CommandKind
    value: dict[str, Any]
    staff_id: str
    call_id: str | None
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


_CALL_COLUMNS = (
    "id, kiosk_id, reception_id, reason, status, created_at, answered_by, answered_at, decision,"
    " detail, taken_by"
)


HANDLED = "handled"
"""The decision of a call not about identity that staff closed (対応しました)."""

_ANSWERED = "UPDATE station_calls SET status = ?, answered_by = ?, answered_at = ?, decision = ?"
_ANSWER_CALL = _ANSWERED + " WHERE id = ? AND status = ? RETURNING kiosk_id"
_ANSWER_KIOSK = _ANSWERED + " WHERE kiosk_id = ? AND status = ? RETURNING id"


def _call(row: tuple[Any, ...]) -> Call:
    return Call(
        id=row[0],
        kiosk_id=row[1],
        reception_id=row[2],
        reason=CallReason(row[3]),
        status=CallStatus(row[4]),
        created_at=datetime.fromisoformat(row[5]),
        answered_by=row[6],
        answered_at=_time(row[7]),
        decision=row[8],
        detail=_detail(row[9]),
        taken_by=row[10],
    )


def _detail(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


KIOSK_COLUMNS = "kiosk_id, state, mode, held, waiting, reception_id, pins, seen_at, desk_reachable"


def kiosk_status(row: Sequence[Any]) -> KioskStatus:
    return KioskStatus(
        row[0],
        row[1],
        row[2],
        bool(row[3]),
        bool(row[4]),
        row[5],
        json.loads(row[6]),
        datetime.fromisoformat(row[7]),
        bool(row[8]),
    )


class CallBoard:
    """The calls, kiosk statuses and requests of one records database."""

    def __init__(self, db: Database, bell: Bell | None = None) -> None:
        self.db = db
        self.bell = bell if bell is not None else bell_for(db.url)
        self.seal: Callable[[Database, Command], None] | None = None  # the station's signature
        self.seal_status: Callable[[Database, KioskStatus], None] | None = None  # the kiosk's
        ensure_station_schema(db)

    @classmethod
    def open(cls, url: str | None = None) -> CallBoard:
        db = open_database(url or default_url())
        try:
            return cls(db)
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def _rang(self, channel: str, payload: str = "") -> None:
        self.bell.notify_in(self.db, channel, payload)

    # -- the kiosk's side --------------------------------------------------------------------

    def report(
        self,
        kiosk_id: str,
        *,
        state: str,
        mode: str,
        waiting: bool,
        reception_id: str | None,
        held: bool | None = None,
        pins: list[dict[str, Any]] | None = None,
        desk_reachable: bool = True,
        at: datetime | None = None,
    ) -> None:
        """The kiosk's status now (also its heartbeat); the desk is rung only when the
        status is not what the database had."""
        at = at or _now()
        with self.db.write():
            rows = self.db.execute(
                "SELECT state, mode, held, waiting, reception_id, pins, desk_reachable"
                " FROM station_kiosks WHERE kiosk_id = ?",
                (kiosk_id,),
            )
            had = tuple(rows[0]) if rows else None
            status = (
                state,
                mode,
                int(bool(had[2]) if had is not None and held is None else bool(held)),
                int(waiting),
                reception_id,
                had[5]
                if had is not None and pins is None
                else json.dumps(pins or [], ensure_ascii=False),
                int(desk_reachable),
            )
            changed = had is None or tuple(had) != status
            values = (*status[:6], iso(at), status[6])
            if rows:
                self.db.execute(
                    "UPDATE station_kiosks SET state = ?, mode = ?, held = ?, waiting = ?,"
                    " reception_id = ?, pins = ?, seen_at = ?, desk_reachable = ?"
                    " WHERE kiosk_id = ?",
                    (*values, kiosk_id),
                )
            else:
                self.db.execute(
                    "INSERT INTO station_kiosks (state, mode, held, waiting, reception_id, pins,"
                    " seen_at, desk_reachable, kiosk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, kiosk_id),
                )
            if self.seal_status is not None:  # signed in the same transaction (the desk checks)
                self.seal_status(self.db, kiosk_status((kiosk_id, *values)))
            if not changed:
                return  # stated again, as it was: a heartbeat
            self._rang(DESK, kiosk_id)
        self.bell.ring(DESK)

    def heartbeat(self, kiosk_id: str, at: datetime | None = None) -> None:
        """Still here (no change to tell: no bell)."""
        self.db.execute(
            "UPDATE station_kiosks SET seen_at = ? WHERE kiosk_id = ?",
            (iso(at or _now()), kiosk_id),
        )

    def open_call(
        self,
        kiosk_id: str,
        reception_id: str | None,
        reason: CallReason,
        at: datetime | None = None,
        detail: dict[str, str] | None = None,
    ) -> Call:
        """Call the desk; a reception with an open call keeps that call (its reason and
        ``detail`` — the kiosk's screen, an error code — updated)."""
        at = at or _now()
        detail = dict(detail or {})
        with self.db.write():
            rows = self.db.execute(
                f"SELECT {_CALL_COLUMNS} FROM station_calls"  # noqa: S608 - constant columns
                " WHERE kiosk_id = ? AND status = ? ORDER BY created_at",
                (kiosk_id, CallStatus.OPEN.value),
            )
            same = [r for r in rows if r[2] == reception_id]
            if same:
                call = _call(same[0])
                if call.reason != reason or call.detail != detail:
                    self.db.execute(
                        "UPDATE station_calls SET reason = ?, detail = ? WHERE id = ?",
                        (reason.value, json.dumps(detail, ensure_ascii=False), call.id),
                    )
                    call = Call(**{**call.__dict__, "reason": reason, "detail": detail})
            else:
                for old in rows:  # an earlier reception's call left open: it is over
                    self._end(old[0], CallStatus.ENDED, at)
                call = Call(
                    uuid.uuid4().hex,
                    kiosk_id,
                    reception_id,
                    reason,
                    CallStatus.OPEN,
                    at,
                    detail=detail,
                )
                self.db.execute(
                    "INSERT INTO station_calls (id, kiosk_id, reception_id, reason, status,"
                    " created_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        call.id,
                        kiosk_id,
                        reception_id,
                        reason.value,
                        call.status.value,
                        iso(at),
                        json.dumps(detail, ensure_ascii=False),
                    ),
                )
            self._rang(DESK, kiosk_id)
        self.bell.ring(DESK)
        return call

    def _end(self, call_id: str, status: CallStatus, at: datetime) -> None:
        self.db.execute(
            "UPDATE station_calls SET status = ?, ended_at = ? WHERE id = ? AND status = ?",
            (status.value, iso(at), call_id, CallStatus.OPEN.value),
        )

    def end_calls(
        self, kiosk_id: str, status: CallStatus = CallStatus.ENDED, at: datetime | None = None
    ) -> int:
        """The kiosk's open calls are over (its reception ended, or it went silent)."""
        at = at or _now()
        with self.db.write():
            rows = self.db.execute(
                "UPDATE station_calls SET status = ?, ended_at = ?"
                " WHERE kiosk_id = ? AND status = ? RETURNING id",
                (status.value, iso(at), kiosk_id, CallStatus.OPEN.value),
            )
            if rows:
                self._rang(DESK, kiosk_id)
        if rows:
            self.bell.ring(DESK)
        return len(rows)

    def _mark_answered(
        self, sql: str, key: str, ok: bool, staff_id: str, at: datetime
    ) -> list[tuple[Any, ...]]:
        decision = "ok" if ok else "refused"
        answered, still_open = CallStatus.ANSWERED.value, CallStatus.OPEN.value
        return list(self.db.execute(sql, (answered, staff_id, iso(at), decision, key, still_open)))

    def answered_at_kiosk(
        self, kiosk_id: str, ok: bool, staff_id: str, at: datetime | None = None
    ) -> int:
        """The kiosk's open calls were answered at the kiosk itself (its staff keypad or
        console): answered, by whom and how, with no request sent back to the kiosk."""
        at = at or _now()
        with self.db.write():
            rows = self._mark_answered(_ANSWER_KIOSK, kiosk_id, ok, staff_id, at)
            if rows:
                self._rang(DESK, kiosk_id)
        if rows:
            self.bell.ring(DESK)
        return len(rows)

    def pending(self, kiosk_id: str) -> list[Command]:
        """The desk's requests this kiosk has not carried out yet, oldest first."""
        rows = self.db.execute(
            "SELECT id, kiosk_id, kind, value, staff_id, call_id, created_at"
            " FROM station_commands WHERE kiosk_id = ? AND done_at IS NULL"
            " ORDER BY created_at, id",
            (kiosk_id,),
        )
        return [
            Command(
                r[0], r[1], CommandKind(r[2]), json.loads(r[3]), r[4], r[5], _time(r[6]) or _now()
            )
            for r in rows
        ]

    def done(self, command_id: str, result: str, at: datetime | None = None) -> None:
        with self.db.write():
            self.db.execute(
                "UPDATE station_commands SET done_at = ?, result = ? WHERE id = ?",
                (iso(at or _now()), result, command_id),
            )
            self._rang(DESK, command_id)
        self.bell.ring(DESK)

    # -- the station's side ----------------------------------------------------------------

    def calls(self, since: datetime | None = None) -> list[Call]:
        """Open calls, and those of the last hour, in the order received."""
        since = since or _now() - timedelta(hours=1)
        rows = self.db.execute(
            f"SELECT {_CALL_COLUMNS} FROM station_calls"  # noqa: S608 - constant columns
            " WHERE status = ? OR created_at >= ? ORDER BY created_at, id",
            (CallStatus.OPEN.value, iso(since)),
        )
        return [_call(r) for r in rows]

    def call(self, call_id: str) -> Call | None:
        rows = self.db.execute(
            f"SELECT {_CALL_COLUMNS} FROM station_calls WHERE id = ?",  # noqa: S608
            (call_id,),
        )
        return _call(rows[0]) if rows else None

    def kiosks(self) -> list[KioskStatus]:
        rows = self.db.execute(f"SELECT {KIOSK_COLUMNS} FROM station_kiosks ORDER BY kiosk_id")  # noqa: S608
        return [kiosk_status(r) for r in rows]

    def answer(
        self, call_id: str, ok: bool, staff_id: str, at: datetime | None = None
    ) -> Call | None:
        """本人確認OK / 確認できない for ``call_id`` by ``staff_id``: the first answer wins.
        Returns the answered call, or None when it was no longer open (someone answered
        first, the reception ended, the kiosk went away)."""
        at = at or _now()
        with self.db.write():
            rows = self._mark_answered(_ANSWER_CALL, call_id, ok, staff_id, at)
            if not rows:
                return None
            kiosk_id = str(rows[0][0])
            self._command(kiosk_id, CommandKind.CONFIRM, {"ok": ok}, staff_id, call_id, at)
            self._rang(DESK, kiosk_id)
        self.bell.ring(DESK)
        self.bell.ring(KIOSKS, kiosk_id)
        return self.call(call_id)

    def take(self, call_id: str, staff_id: str, at: datetime | None = None) -> Call | None:
        """``staff_id`` is on their way to ``call_id`` (対応中, on every desk); it stays theirs
        until answered. Returns the call as it is now (taken by them, or by whoever took it
        first), None when it was no longer open or never was."""
        at = at or _now()
        with self.db.write():
            rows = self.db.execute(
                "UPDATE station_calls SET taken_by = ?, taken_at = ?"
                " WHERE id = ? AND status = ? AND taken_by IS NULL RETURNING kiosk_id",
                (staff_id, iso(at), call_id, CallStatus.OPEN.value),
            )
            if rows:
                self._rang(DESK, str(rows[0][0]))
        if rows:
            self.bell.ring(DESK)
        call = self.call(call_id)
        return call if call is not None and call.status is CallStatus.OPEN else None

    def handled(self, call_id: str, staff_id: str, at: datetime | None = None) -> Call | None:
        """対応しました: a call not about identity is closed by ``staff_id`` (nothing is sent
        to the kiosk). Returns the closed call, None when it was no longer open."""
        at = at or _now()
        with self.db.write():
            rows = self._mark_handled(call_id, staff_id, at)
            if rows:
                self._rang(DESK, str(rows[0][0]))
        if not rows:
            return None
        self.bell.ring(DESK)
        return self.call(call_id)

    def _mark_handled(self, call_id: str, staff_id: str, at: datetime) -> list[tuple[Any, ...]]:
        sql = _ANSWERED + ", taken_by = COALESCE(taken_by, ?) WHERE id = ? AND status = ?"
        values = (CallStatus.ANSWERED.value, staff_id, iso(at), HANDLED, staff_id, call_id)
        return list(self.db.execute(sql + " RETURNING kiosk_id", (*values, CallStatus.OPEN.value)))

    def request(
        self,
        kiosk_id: str,
        kind: CommandKind,
        value: dict[str, Any],
        staff_id: str,
        at: datetime | None = None,
    ) -> str:
        """Leave a request for a kiosk (switch its mode, read its PINs again, send the images
        of its waiting patient to a station)."""
        at = at or _now()
        with self.db.write():
            known = self.db.execute("SELECT 1 FROM station_kiosks WHERE kiosk_id = ?", (kiosk_id,))
            if not known:
                raise RecordError(f"no kiosk {kiosk_id!r} has reported to this records database")
            if kind is CommandKind.MODE:
                self.db.execute(
                    "UPDATE station_kiosks SET held = ? WHERE kiosk_id = ?",
                    (int(bool(value.get("hold"))), kiosk_id),
                )
            command_id = self._command(kiosk_id, kind, value, staff_id, None, at)
        self.bell.ring(KIOSKS, kiosk_id)
        return command_id

    def _command(
        self,
        kiosk_id: str,
        kind: CommandKind,
        value: dict[str, Any],
        staff_id: str,
        call_id: str | None,
        at: datetime,
    ) -> str:
        command_id = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO station_commands (id, kiosk_id, kind, value, staff_id, call_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (command_id, kiosk_id, kind.value, json.dumps(value), staff_id, call_id, iso(at)),
        )
        if self.seal is not None:  # signed in the same transaction (kiosk_link checks it)
            self.seal(self.db, Command(command_id, kiosk_id, kind, value, staff_id, call_id, at))
        self._rang(KIOSKS, kiosk_id)
        return command_id

    def disconnect_silent(self, stale_after_s: float, at: datetime | None = None) -> list[str]:
        """Open calls of kiosks silent for ``stale_after_s`` become 切断; returns the kiosks."""
        at = at or _now()
        limit = iso(at - timedelta(seconds=stale_after_s))
        silent = [
            str(r[0])
            for r in self.db.execute(
                "SELECT DISTINCT c.kiosk_id FROM station_calls c JOIN station_kiosks k"
                " ON k.kiosk_id = c.kiosk_id WHERE c.status = ? AND k.seen_at < ?",
                (CallStatus.OPEN.value, limit),
            )
        ]
        for kiosk_id in silent:
            self.end_calls(kiosk_id, CallStatus.DISCONNECTED, at)
        return silent
