"""目視確認 through the staff console: password, mode switch, chip photo, confirm."""

from __future__ import annotations

from kiosk.config import set_staff_password
from kiosk.vocabulary import IdentityMethod

PASSWORD = "correct horse battery"


def _log_in(ui, console, password: str) -> None:
    console.password.setText(password)
    ui.tap(console, "login")


def test_staff_confirms_a_waiting_patient(qtbot, make_app, ui) -> None:
    app = make_app()
    set_staff_password(app.services.settings, PASSWORD)
    app.kiosk.show_console()  # Ctrl+Alt+S: it opens beside the kiosk only when there is room
    console = app.kiosk.console
    _log_in(ui, console, "not the password")
    assert not console.logged_in
    assert console.login_message.text()
    _log_in(ui, console, PASSWORD)
    assert console.logged_in
    ui.tap(console, "mode_visual")
    qtbot.waitUntil(lambda: console.visual, timeout=60_000)
    assert app.flow.visit.staff_visual

    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "call_staff")
    ui.wait_screen(app, "staff-wait")
    qtbot.waitUntil(lambda: console.confirm_ok.isEnabled(), timeout=60_000)
    # the chip photo is shown beside the live image; the PINs are listed by full name
    qtbot.waitUntil(
        lambda: console.photo.pixmap() is not None and not console.photo.pixmap().isNull(),
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: console.pin_table.rowCount() == 5, timeout=60_000)
    names = [console.pin_table.item(r, 0).text() for r in range(5)]
    assert names[0].startswith("利用者証明用") and "4桁" in names[0]
    assert names[2].startswith("券面事項入力補助用")
    assert "英数字6〜16桁" in names[1]
    ui.tap(console, "confirm_ok")
    ui.answer_consents(app, [True, True])
    assert [r.method for r in app.records.receptions] == [IdentityMethod.VISUAL]
    assert not console.confirm_ok.isEnabled()
    qtbot.waitUntil(lambda: console.today.rowCount() == 1, timeout=60_000)
    assert console.today.item(0, 2).text() == "visual"
    assert console.today.item(0, 3).text() == "medication, checkups"


def test_unattended_kiosk_does_not_accept_a_staff_confirmation(qtbot, make_app, ui) -> None:
    app = make_app()
    set_staff_password(app.services.settings, PASSWORD)
    app.kiosk.show_console()  # Ctrl+Alt+S: it opens beside the kiosk only when there is room
    console = app.kiosk.console
    _log_in(ui, console, PASSWORD)
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "call_staff")
    ui.wait_screen(app, "staff-wait")
    assert not console.confirm_ok.isEnabled()  # 無人: switch to 目視確認 first
    assert "目視確認に切り替えて" in console.waiting.text()
    with qtbot.waitSignal(app.kiosk.bridge.refused, timeout=60_000) as refused:
        app.kiosk.bridge.request("staff_confirm", True)
    assert refused.args[0] == "staff_confirm"
    assert app.window.current_id == "staff-wait"
    assert app.records.receptions == []


def test_todays_receptions_come_from_the_records_store(qtbot, make_app, ui) -> None:
    from kiosk.simcard.deck import get_profile

    app = make_app(records="sqlite")
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "pin")
    ui.wait_screen(app, "pin")
    ui.type_pin(app, get_profile("standard").auth_pin)
    ui.answer_consents(app, [True, False])
    today = app.kiosk.console.today
    qtbot.waitUntil(lambda: today.rowCount() == 1, timeout=60_000)
    assert today.item(0, 2).text() == "pin"
    assert today.item(0, 3).text() == "medication"
