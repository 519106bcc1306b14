"""A member of staff takes a call (対応中 on every desk), and closes a call that is not about
identity once they have dealt with it (対応しました); identity calls are answered with
本人確認OK / 確認できない (:mod:`.calls`)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kiosk.station.records_access import Parts
from kiosk.station.vouch import note_answer
from kiosk.station.web import json_body, records_answer, signed_in
from kiosk.station_tables.calls import HANDLED, CallStatus
from kiosk.station_tables.staff_accounts import Session


@signed_in
async def take(request: Request, session: Session) -> Response:
    """200 taken (by this member of staff, or ``by`` whoever took it first: 409), 404 no
    such call, 410 over."""
    await json_body(request)  # nothing is asked of it, but it must be JSON
    work = partial(
        _take,
        call_id=request.path_params["call_id"],
        staff_id=session.staff_id,
        at=datetime.now(UTC),
    )
    return await records_answer(request, work)


@signed_in
async def handled(request: Request, session: Session) -> Response:
    """対応しました: 200 closed, 404 no such call, 409 an identity call (answered with
    本人確認OK / 確認できない) or closed already (``by``), 410 over."""
    await json_body(request)
    work = partial(
        _handled,
        call_id=request.path_params["call_id"],
        staff_id=session.staff_id,
        at=datetime.now(UTC),
    )
    return await records_answer(request, work)


def _take(p: Parts, *, call_id: str, staff_id: str, at: datetime) -> tuple[int, dict[str, Any]]:
    call = p.board.call(call_id)
    if call is None:
        return 404, {"result": "unknown"}
    if call.status is CallStatus.ANSWERED:
        return 409, {"result": "answered", "by": call.answered_by}
    taken = p.board.take(call_id, staff_id, at)
    if taken is None:
        return 410, {"result": "gone", "status": call.status.value}
    if taken.taken_by != staff_id:
        return 409, {"result": "taken", "by": taken.taken_by}
    return 200, {"result": "taken", "by": staff_id}


def _handled(p: Parts, *, call_id: str, staff_id: str, at: datetime) -> tuple[int, dict[str, Any]]:
    call = p.board.call(call_id)
    if call is None:
        return 404, {"result": "unknown"}
    if call.about_identity:
        return 409, {"result": "identity"}
    if call.status is CallStatus.ANSWERED:
        return 409, {"result": "done", "by": call.answered_by}
    if call.status is not CallStatus.OPEN or p.board.handled(call_id, staff_id, at) is None:
        again = p.board.call(call_id)
        if again is not None and again.status is CallStatus.ANSWERED:
            return 409, {"result": "done", "by": again.answered_by}
        return 410, {"result": "gone", "status": call.status.value}
    note_answer(p, call, HANDLED, staff_id, at)  # in the records chain when given
    return 200, {"result": "handled", "by": staff_id}
