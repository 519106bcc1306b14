"""Pairing a kiosk at the desk (:mod:`kiosk.station_tables.pairing`): a signed-in member of
staff starts it for a kiosk that asked, then types the 6-digit code the kiosk shows."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.records.errors import RecordError
from kiosk.station.records_access import Parts
from kiosk.station.web import json_body, records_answer, signed_in
from kiosk.station_tables import pairing as rows
from kiosk.station_tables.staff_accounts import Session


@signed_in
async def pair(request: Request, session: Session) -> Response:
    """``{}``: answer the kiosk's pairing request (it then shows a code): 200, 404 when it
    asked for none. ``{"code": "123456"}``: 200 paired, 403 a wrong code (the attempt is
    over and recorded), 404 no code is waiting."""
    body = await json_body(request)
    typed = body.get("code")
    if typed is not None and not isinstance(typed, str):
        return JSONResponse({"error": "code must be text"}, 400)
    work = partial(
        _pair,
        kiosk_id=request.path_params["kiosk_id"],
        typed=typed,
        staff_id=session.staff_id,
        at=datetime.now(UTC),
    )
    return await records_answer(request, work)


def _pair(
    p: Parts, *, kiosk_id: str, typed: str | None, staff_id: str, at: datetime
) -> tuple[int, dict[str, Any]]:
    if p.station is None:
        return 503, {"error": "no_station_key"}
    if typed is None:
        claimed = rows.claim(p.db, p.station, kiosk_id)
        return (200, {"result": "code_shown"}) if claimed else (404, {"result": "no_request"})
    result = rows.confirm(p.db, p.station, kiosk_id, typed, staff_id)
    if result == "none":
        return 404, {"result": "no_request"}
    action = "kiosk_paired" if result == rows.DONE else "pairing_refused"
    try:
        p.accounts.audit(action, staff_id, at, kiosk=kiosk_id)
    except RecordError:  # a kiosk ID the records refuse as a detail
        p.accounts.audit(action, staff_id, at)
    return (200, {"result": "paired"}) if result == rows.DONE else (403, {"result": "wrong_code"})
