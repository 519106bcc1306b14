"""The station's two pages: the staff sign-in and the desk (filled in by station.js)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from kiosk.station.words import LANGUAGES, catalogue, language_name, word


def _head(title: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title>"
        "<link rel='stylesheet' href='/static/station.css'></head>"
    )


def _languages(current: str, target: str) -> str:
    links = [
        f"<a class='lang{' current' if code == current else ''}' href='{target}?lang={code}'"
        f" data-lang='{code}'>{language_name(code)}</a>"
        for code in LANGUAGES
    ]
    return "<nav class='languages'>" + "".join(links) + "</nav>"


def login_page(language: str, nonce: str, message: str = "", staff_id: str = "") -> str:
    """The sign-in form; ``nonce`` is the one-time form token (also in a cookie)."""
    note = f"<p class='message' id='login-message'>{escape(message)}</p>" if message else ""
    return (
        _head(word("login.title", language))
        + f"<body class='login' lang='{language}'><main class='login-box'>"
        + _languages(language, "/login")
        + f"<h1>{escape(word('login.title', language))}</h1>{note}"
        + "<form method='post' action='/login' autocomplete='off'>"
        + f"<input type='hidden' name='csrf' value='{escape(nonce)}'>"
        + f"<label>{escape(word('login.staff_id', language))}"
        + f"<input name='staff_id' id='staff_id' value='{escape(staff_id)}'"
        + " autocapitalize='none' spellcheck='false' required></label>"
        + f"<label>{escape(word('login.password', language))}"
        + "<input type='password' name='password' id='password' required></label>"
        + f"<button type='submit' id='login'>{escape(word('login.submit', language))}</button>"
        + "</form></main></body></html>"
    )


def _lock(language: str) -> str:
    """The locked desk (the session ended idle): the calls waiting, and a sign-in to act."""
    return (
        "<section id='lock' class='lock' hidden>"
        + f"<h2>{escape(word('lock.title', language))}</h2>"
        + f"<p>{escape(word('lock.explain', language))}</p>"
        + "<ol id='lock-calls' class='calls'></ol>"
        + "<form id='unlock-form' autocomplete='off'>"
        + f"<label>{escape(word('login.staff_id', language))}"
        + "<input name='staff_id' id='unlock-id' autocapitalize='none' spellcheck='false'"
        + " required></label>"
        + f"<label>{escape(word('login.password', language))}"
        + "<input type='password' name='password' id='unlock-password' required></label>"
        + f"<button type='submit' id='unlock'>{escape(word('lock.submit', language))}</button>"
        + "<p class='message' id='unlock-message' role='alert'></p>"
        + "</form></section>"
    )


def desk_page(language: str, boot: dict[str, Any]) -> str:
    """The desk: calls and the 目視確認 view, kiosks, PINs, today, settings."""
    data = json.dumps({**boot, "lang": language, "words": catalogue(language)}, ensure_ascii=False)
    data = data.replace("<", "\\u003c")  # never closes the script element
    tabs = "".join(  # pressable once the desk's script runs (station.js enables them)
        f"<button class='tab' data-tab='{name}' id='tab-{name}' disabled>"
        f"{escape(word('tab.' + name, language))}</button>"
        for name in ("calls", "kiosks", "pins", "today", "settings")
    )
    return (
        _head(word("title", language))
        + f"<body class='desk' lang='{language}'>"
        + f"<script id='boot' type='application/json'>{data}</script>"
        + "<header><h1>"
        + escape(word("title", language))
        + "</h1><span id='badge' class='badge' hidden></span>"
        + f"<span class='who' id='who'>{escape(str(boot.get('staff_id', '')))}</span>"
        + _languages(language, "/")
        + f"<button id='sound' class='sound'>{escape(word('sound.blocked', language))}</button>"
        + "<form method='post' action='/logout' id='logout-form'>"
        + f"<input type='hidden' name='csrf' value='{escape(str(boot.get('csrf', '')))}'>"
        + f"<button id='logout'>{escape(word('logout', language))}</button></form>"
        + "</header>"
        + f"<div id='db-down' class='alarm' hidden>{escape(word('db.down', language))}</div>"
        + "<div id='refused' class='alarm' hidden></div>"
        + f"<div id='left-visual' class='warning' hidden></div><nav class='tabs'>{tabs}</nav>"
        + _lock(language)
        + "<main>"
        + "<section id='page-calls' class='page'><ol id='calls' class='calls'></ol>"
        + "<article id='view' class='view'></article></section>"
        + "<section id='page-kiosks' class='page' hidden><div id='pairing'></div>"
        + "<div id='kiosks'></div></section>"
        + "<section id='page-pins' class='page' hidden><div id='pins'></div></section>"
        + "<section id='page-today' class='page' hidden><div id='today'></div></section>"
        + "<section id='page-settings' class='page' hidden>"
        + passcode_form(language)
        + "<table id='settings'></table></section></main><script src='/static/desk.js'></script>"
        + "<script src='/static/station.js'></script>"
        + "<script src='/static/pairing.js'></script>"
        + "<script src='/static/facility.js'></script></body></html>"
    )


def passcode_form(language: str) -> str:
    """施設の設定: the facility's 目視 passcode, typed twice (filled in by facility.js)."""

    def field(name: str, label: str) -> str:
        return (
            f"<label>{escape(word('facility.' + label, language))}"
            f"<input type='password' id='{name}' name='{name}' inputmode='numeric'"
            " pattern='[0-9]{4}' minlength='4' maxlength='4' autocomplete='off' required></label>"
        )

    return (
        "<form id='passcode-form' class='facility-passcode'>"
        f"<h2>{escape(word('facility.passcode', language))}</h2>"
        f"<p class='hint'>{escape(word('facility.passcode_hint', language))}</p>"
        "<p id='passcode-state'></p>"
        + field("passcode", "passcode_new")
        + field("passcode-again", "passcode_again")
        + f"<button type='submit' id='passcode-save'>{escape(word('facility.save', language))}"
        "</button><p id='passcode-message' class='message' role='status'></p></form>"
    )
