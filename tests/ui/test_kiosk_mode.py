"""Kiosk mode: no frame, no cursor, close and escape swallowed; only staff let it go."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from helpers.doubles import MemoryRecords
from kiosk.config import Settings, set_staff_password
from kiosk.ui.errors import StaffPasswordError
from kiosk.ui.i18n import Languages
from kiosk.ui.staff_password import require_staff_password, staff_password_set
from kiosk.ui.window import KioskWindow


def test_kiosk_window_swallows_close_and_escape(qtbot) -> None:
    app = QApplication.instance()
    window = KioskWindow(Languages(app), kiosk_mode=True)
    qtbot.addWidget(window)
    window.show()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    assert window.close() is False
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible()
    window.release()
    assert window.close() is True


def test_plain_window_closes(qtbot) -> None:
    window = KioskWindow(Languages(QApplication.instance()))
    qtbot.addWidget(window)
    window.show()
    assert window.close() is True


def test_kiosk_mode_needs_a_staff_password() -> None:
    settings = Settings()
    assert not staff_password_set(settings)
    with pytest.raises(StaffPasswordError, match="kiosk staff set-password"):
        require_staff_password(settings)
    set_staff_password(settings, "a long staff password")
    assert staff_password_set(settings)
    require_staff_password(settings)


def test_kiosk_mode_starts_with_the_passcode_alone() -> None:
    from datetime import UTC, datetime

    from kiosk.records.database import open_database
    from kiosk.station_tables.passcode import FacilityPasscode
    from kiosk.station_tables.staff_accounts import StaffAccounts
    from kiosk.ui.staff_password import records_url

    settings = Settings()
    with pytest.raises(StaffPasswordError, match="kiosk staff set-passcode"):
        require_staff_password(settings)
    db = open_database(records_url(settings))
    try:
        FacilityPasscode(db, StaffAccounts(db)).set("4821", by="nurse-01", at=datetime.now(UTC))
    finally:
        db.close()
    assert not staff_password_set(settings)
    require_staff_password(settings)  # the passcode is enough


def test_kiosk_app_in_kiosk_mode_has_no_operator_panel(qtbot, make_app) -> None:
    from kiosk.ui.app import KioskApp
    from kiosk.wiring.services import build_services

    services = build_services(Settings(), camera="scripted:match", records=MemoryRecords())
    kiosk = KioskApp(QApplication.instance(), services, kiosk_mode=True, voice=False, tick_ms=0)
    qtbot.addWidget(kiosk.window)
    qtbot.addWidget(kiosk.console)
    assert kiosk.panel is None
    assert kiosk.window.kiosk_mode
    services.close()


def test_staff_console_exit_releases_the_kiosk(qtbot, make_app, monkeypatch) -> None:
    app = make_app()
    quits: list[int] = []
    monkeypatch.setattr(app.kiosk.app, "quit", lambda: quits.append(1))
    app.kiosk.window.kiosk_mode = True
    app.kiosk.window._released = False
    assert app.kiosk.window.close() is False
    app.kiosk.console.exit_requested.emit()
    assert quits == [1]
    assert not app.kiosk.window.isVisible()


def test_staff_shortcut_never_opens_the_console_over_the_patient_in_kiosk_mode(
    qtbot, make_app
) -> None:
    app = make_app()
    app.kiosk.console.hide()
    app.kiosk.window.kiosk_mode = True
    app.window.activateWindow()
    # the shortcut fires (show_console, connected first, has run) and the console stays shut
    with qtbot.waitSignal(app.kiosk.shortcut.activated, timeout=60_000):
        qtbot.keyClick(
            app.window,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
        )
    assert not app.kiosk.console.isVisible()  # staff work at the staff station
    app.kiosk.window.kiosk_mode = False
    qtbot.keyClick(
        app.window,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    qtbot.waitUntil(app.kiosk.console.isVisible, timeout=60_000)  # a developer tool
