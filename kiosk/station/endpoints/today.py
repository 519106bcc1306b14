"""Today's receptions for the desk's 本日 tab, a page at a time, optionally of one kiosk.

The page asks for them by itself too (when the records change), so asking is not a person's
action: the session's idle time goes on (:func:`~kiosk.station.web.polled`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.records.errors import RecordError
from kiosk.station.state import station_of
from kiosk.station.today import today_page
from kiosk.station.web import polled, request_language
from kiosk.station_tables.staff_accounts import Session


@polled
async def today(request: Request, _session: Session) -> Response:
    """``?page=N&kiosk=ID&lang=``: one page of :func:`~kiosk.station.today.today_page`."""
    language = request_language(request)
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    kiosk = request.query_params.get("kiosk") or None
    try:
        result = await station_of(request).records.run(
            lambda p: today_page(p.chain, language, page=page, kiosk=kiosk)
        )
    except RecordError:
        return JSONResponse({"error": "records_unreachable"}, 503)
    return JSONResponse(result)
