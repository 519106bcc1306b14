"""The desk page (``/``) and the doors to it: the sign-in form, signing in, signing out.

The sign-in form carries a one-time token, also in a cookie; signing out carries the
session's CSRF token. Both check the Origin when the browser sends one. Failed sign-ins make
that staff ID wait before it is tried again from that address (progressive, capped: see
:mod:`kiosk.station_tables.staff_accounts`); the answer says how long, in words and in
``Retry-After``.
"""

from __future__ import annotations

import contextlib
from dataclasses import fields
from datetime import datetime
from functools import partial

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kiosk.config import Settings
from kiosk.records.errors import RecordError
from kiosk.station.pages import desk_page, login_page
from kiosk.station.records_access import Parts
from kiosk.station.state import LOGIN_FORM_S, station_of
from kiosk.station.web import (
    LANGUAGE_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    current_session,
    request_language,
    same_origin,
    set_cookie,
)
from kiosk.station.words import word
from kiosk.station_tables.staff_accounts import LoginResult

SESSION_S = 12 * 3600
LANGUAGE_S = 365 * 86400


async def home(request: Request) -> Response:
    """The desk, for a live session; else the sign-in form (saying why the session ended)."""
    language = request_language(request)
    try:
        session = await current_session(request)
    except RecordError:
        return _login(request, language, word("login.db", language), 503)
    if session is None:
        token = request.cookies.get(SESSION_COOKIE, "")
        reason, locked = "", None
        if token:
            now = station_of(request).now()
            with contextlib.suppress(RecordError):
                reason, locked = await station_of(request).records.run(
                    partial(_ended, token=token, at=now)
                )
        if locked is not None:  # ended idle: the desk stays, locked, and hears the calls
            page = desk_page(language, {"locked": True, "staff_id": locked, "settings": []})
            return HTMLResponse(page)
        target = f"/login?expired={reason}" if reason else "/login"
        return RedirectResponse(target, 303)
    boot = {
        "staff_id": session.staff_id,
        "csrf": session.csrf,
        "settings": settings_rows(station_of(request).config.settings),
    }
    response = HTMLResponse(desk_page(language, boot))
    set_cookie(response, request, LANGUAGE_COOKIE, language, LANGUAGE_S)
    return response


async def login_form(request: Request) -> Response:
    language = request_language(request)
    message = ""
    if request.query_params.get("expired") == "idle":
        message = word("login.expired", language)
    elif request.query_params.get("expired") == "signed_in_elsewhere":
        message = word("login.elsewhere", language)
    return _login(request, language, message, 200)


async def login(request: Request) -> Response:
    station = station_of(request)
    language = request_language(request)
    form = await request.form()
    nonce = str(form.get("csrf", ""))
    staff_id = str(form.get("staff_id", "")).strip()
    password = str(form.get("password", ""))
    if not same_origin(request) or not station.use_form(
        nonce, request.cookies.get(LOGIN_COOKIE, "")
    ):
        return _login(request, language, word("login.forged", language), 403, staff_id)
    address = request.client.host if request.client else ""
    now = station.now()
    try:
        result = await station.records.run(
            lambda p: p.accounts.check(staff_id, password, address, at=now)
        )
    except RecordError:
        return _login(request, language, word("login.db", language), 503, staff_id)
    finally:
        password = ""
    if result.result is LoginResult.THROTTLED:
        wait = wait_words(result.retry_after_s, language)
        response = _login(request, language, word("login.wait", language, wait=wait), 429, staff_id)
        response.headers["Retry-After"] = str(result.retry_after_s)
        return response
    if result.result is not LoginResult.OK:
        message = word("login.wrong", language)
        if result.retry_after_s:
            wait = wait_words(result.retry_after_s, language)
            message += " " + word("login.wait", language, wait=wait)
        response = _login(request, language, message, 401, staff_id)
        if result.retry_after_s:
            response.headers["Retry-After"] = str(result.retry_after_s)
        return response
    session = await station.records.run(lambda p: p.accounts.start_session(result.staff_id, at=now))
    response = RedirectResponse("/", 303)
    set_cookie(response, request, SESSION_COOKIE, session.token, SESSION_S)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    form = await request.form()
    try:
        session = await current_session(request)
    except RecordError:
        session = None
    if session is None or not csrf_ok(request, session, str(form.get("csrf", ""))):
        return JSONResponse({"error": "forbidden"}, 403)
    token = request.cookies.get(SESSION_COOKIE, "")
    now = station_of(request).now()
    await station_of(request).records.run(lambda p: p.accounts.end_session(token, "logout", at=now))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def wait_words(seconds: int, language: str) -> str:
    """A wait in words: seconds under two minutes, else minutes (rounded up)."""
    if seconds < 120:
        return word("wait.seconds", language, n=max(1, seconds))
    return word("wait.minutes", language, n=-(-seconds // 60))


def settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """The facility settings, read-only (no secret is in Settings)."""
    rows = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = ", ".join(str(getattr(v, "value", v)) for v in value)
        rows.append((f.name, "—" if value is None else str(value)))
    return rows


def _login(
    request: Request, language: str, message: str, status: int, staff_id: str = ""
) -> Response:
    """The sign-in form with a new one-time token (in the page and in a cookie)."""
    nonce = station_of(request).new_form()
    response = HTMLResponse(login_page(language, nonce, message, staff_id), status)
    set_cookie(response, request, LOGIN_COOKIE, nonce, int(LOGIN_FORM_S))
    set_cookie(response, request, LANGUAGE_COOKIE, language, LANGUAGE_S)
    return response


def _ended(parts: Parts, *, token: str, at: datetime) -> tuple[str, str | None]:
    """Why the session of ``token`` ended, and its staff ID when its desk is locked."""
    return parts.accounts.ended_because(token) or "", parts.accounts.locked(token, at=at)
