"""The desk's answer to a kiosk's call: 本人確認 OK or not, by the first member of staff."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.station.records_access import Parts
from kiosk.station.vouch import believed_kiosks, note_answer, unanswerable
from kiosk.station.web import json_body, records_answer, signed_in
from kiosk.station_tables.calls import CallStatus
from kiosk.station_tables.staff_accounts import Session


@signed_in
async def answer(request: Request, session: Session) -> Response:
    """``{"ok": true|false}`` for the open call of a waiting kiosk: 200 answered, 404 no such
    call, 409 taken already or not waiting, 410 over."""
    body = await json_body(request)
    if not isinstance(body.get("ok"), bool):
        return JSONResponse({"error": "ok must be true or false"}, 400)
    work = partial(
        _answer,
        call_id=request.path_params["call_id"],
        ok=body["ok"],
        staff_id=session.staff_id,
        at=datetime.now(UTC),
    )
    return await records_answer(request, work)


def _answer(
    p: Parts, *, call_id: str, ok: bool, staff_id: str, at: datetime
) -> tuple[int, dict[str, Any]]:
    call = p.board.call(call_id)
    if call is None:
        return 404, {"result": "unknown"}
    if call.status is CallStatus.ANSWERED:
        return 409, {"result": "taken", "by": call.answered_by}
    if call.status is not CallStatus.OPEN:
        return 410, {"result": "gone", "status": call.status.value}
    kiosk = next((k for k in believed_kiosks(p).kiosks if k.kiosk_id == call.kiosk_id), None)
    if kiosk is None or not kiosk.waiting or kiosk.reception_id != call.reception_id:
        return 409, {"result": "not_waiting"}
    why = unanswerable(p, call)
    if why is not None:
        return 409, {"result": why}
    done = p.board.answer(call_id, ok, staff_id, at)
    if done is None:
        again = p.board.call(call_id)
        by = again.answered_by if again is not None else None
        return 409, {"result": "taken", "by": by}
    note_answer(p, call, "ok" if ok else "refused", staff_id, at)
    return 200, {"result": "answered", "by": staff_id}
