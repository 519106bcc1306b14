"""The smartphone path through the real widgets, the operator panel's phone group and a
virtual phone: the start screen offers it, an iPhone whose Face ID fails is told so and
finishes once the tester lets Face ID pass; an Android phone's PIN is typed on the kiosk."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.vocabulary import IdentityMethod


def _type_phone_pin(ui, app, digits: str) -> None:  # type: ignore[no-untyped-def]
    screen = app.window.screens["phone-pin"]
    for digit in digits:
        ui.tap(screen, f"key_{digit}")
    ui.tap(screen, "key_ok")


def test_without_a_phone_reader_the_start_screen_offers_only_the_card(make_app, ui) -> None:
    app = make_app()
    ui.wait_screen(app, "start")
    start = app.window.current()
    assert start.phone.button_for(Event.CHOOSE_PHONE) is None
    assert not app.kiosk.panel.phone_box.place.isEnabled()


def test_an_iphone_whose_face_id_fails_then_passes(qtbot, make_app, ui) -> None:
    app = make_app(phone_reader="virtual")
    ui.wait_screen(app, "start")
    ui.tap(app.window.current(), "phone")
    ui.wait_screen(app, "phone-choose")
    ui.tap(app.window.current(), "iphone")
    ui.wait_screen(app, "phone-hold")
    assert "Face ID" in app.window.current().hint.text()
    group = app.kiosk.panel.phone_box
    group.os.setCurrentIndex(0)  # iPhone
    group.profile.setCurrentText("standard")
    group.verification.setCurrentIndex(1)  # fails
    group.place.click()
    ui.wait_screen(app, "phone-failed")
    failed = app.window.current()
    assert failed.title.text() == "本人確認ができませんでした"
    assert "パスコードは使えません" in failed.what.text()
    group.verification.setCurrentIndex(0)  # the patient tries Face ID again: it passes
    ui.tap(failed, "retry_phone")
    ui.answer_consents(app, [True, False])
    assert [r.method for r in app.records.receptions] == [IdentityMethod.PHONE_IOS]


def test_an_android_phone_with_its_pin_typed_on_the_kiosk(qtbot, make_app, ui) -> None:
    app = make_app(phone_reader="virtual")
    ui.wait_screen(app, "start")
    ui.tap(app.window.current(), "phone")
    ui.wait_screen(app, "phone-choose")
    ui.tap(app.window.current(), "android")
    ui.wait_screen(app, "phone-pin")
    _type_phone_pin(ui, app, "1234")  # the phone's default test PIN
    ui.wait_screen(app, "phone-hold")
    group = app.kiosk.panel.phone_box
    group.os.setCurrentIndex(1)  # Android
    group.profile.setCurrentText("standard")
    group.place.click()
    ui.answer_consents(app, [False, False])
    assert [r.method for r in app.records.receptions] == [IdentityMethod.PHONE_ANDROID]
