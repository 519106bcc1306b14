"""Requests from the desk to a kiosk, left in the records for its link to carry out: its
mode (無人 / 目視確認, held or not), and its user-authentication PINs."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.station.records_access import Parts
from kiosk.station.vouch import unpaired
from kiosk.station.web import json_body, records_answer, signed_in
from kiosk.station_tables.calls import CommandKind
from kiosk.station_tables.staff_accounts import Session


@signed_in
async def mode(request: Request, session: Session) -> Response:
    """``{"visual": true|false, "hold": true|false}`` (hold defaults to false)."""
    body = await json_body(request)
    visual, hold = body.get("visual"), body.get("hold", False)
    if not isinstance(visual, bool) or not isinstance(hold, bool):
        return JSONResponse({"error": "visual and hold are true/false"}, 400)
    value = {"visual": visual, "hold": hold}
    return await _leave(request, session, CommandKind.MODE, value)


@signed_in
async def pins(request: Request, session: Session) -> Response:
    await json_body(request)  # nothing is asked of it, but it must be JSON
    return await _leave(request, session, CommandKind.PINS, {})


async def _leave(
    request: Request, session: Session, kind: CommandKind, value: dict[str, Any]
) -> Response:
    """The request left for the kiosk: 200 with its ID, 404 when no such kiosk reported."""
    work = partial(
        _request,
        kiosk_id=request.path_params["kiosk_id"],
        kind=kind,
        value=value,
        staff_id=session.staff_id,
        at=datetime.now(UTC),
    )
    return await records_answer(request, work)


def _request(
    p: Parts,
    *,
    kiosk_id: str,
    kind: CommandKind,
    value: dict[str, Any],
    staff_id: str,
    at: datetime,
) -> tuple[int, dict[str, Any]]:
    if not any(k.kiosk_id == kiosk_id for k in p.board.kiosks()):
        return 404, {"result": "unknown_kiosk"}
    if unpaired(p, kiosk_id):
        return 409, {"result": "unpaired"}  # it would refuse the request anyway
    return 200, {"result": "sent", "id": p.board.request(kiosk_id, kind, value, staff_id, at)}
