"""The flow over the real card stack: the virtual card OS, MyNumberCard, card files, the
simulated CA and eligibility service (records in memory, face verdicts scripted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers.doubles import MemoryRecords
from kiosk.config import Settings, set_staff_password
from kiosk.reception import RefusedError, State
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event, StaffMode
from kiosk.simcard.cardfile import load_card, save_card
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import open_card_file
from kiosk.vocabulary import IdentityMethod, PinKind
from kiosk.wiring.services import Services, build_services

STAFF = "staff-password-1"


def services(camera: str = "scripted:match") -> tuple[Services, MemoryRecords]:
    settings = Settings()
    set_staff_password(settings, STAFF)
    records = MemoryRecords()
    return build_services(settings, camera=camera, records=records, clock=ManualClock()), records


@pytest.fixture
def card_file(tmp_path: Path) -> Path:
    path = tmp_path / "patient.card"
    save_card(path, issue_card("standard"))
    return path


def user_pins(path: Path) -> dict[PinKind, int]:
    """The patient's PINs' tries left (auth, sign, 入力補助, 住基, 共通) as the file holds them."""
    pins = load_card(path).pins
    return {
        name: pins[name].tries_left for name in PinKind if name in pins and "verify" not in name
    }


def reception_with_file(path: Path, camera: str = "scripted:match") -> Any:
    svc, records = services(camera)
    svc.insert_card(open_card_file(path))
    return svc, svc.reception(), records


def test_three_wrong_pins_lock_and_the_lock_survives_reloading_the_card_file(
    card_file: Path,
) -> None:
    pin = get_profile("standard").auth_pin
    wrong = f"{(int(pin) + 1) % 10000:04d}"
    svc, flow, records = reception_with_file(card_file)
    flow.send(Event.CARD_PLACED)
    flow.send(Event.CHOOSE_PIN)
    for left in (2, 1):
        flow.send(Event.PIN_ENTERED, wrong)
        assert flow.screen().details["pin_tries_left"] == left
    assert flow.send(Event.PIN_ENTERED, wrong) == State.PIN_LOCKED
    svc.remove_card()
    flow.send(Event.CARD_REMOVED)
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 0

    # next visit: a new process would load the same file
    _svc2, flow2, records2 = reception_with_file(card_file)
    flow2.send(Event.CARD_PLACED)
    assert flow2.screen().details["locked_pin"] == "auth"
    with pytest.raises(RefusedError, match="pin_usable"):
        flow2.send(Event.CHOOSE_PIN)
    flow2.send(Event.CHOOSE_FACE)
    flow2.send(Event.LOOK_AT_CAMERA)
    flow2.send(Event.CONSENT, True)
    flow2.send(Event.CONSENT, True)
    assert flow2.send(Event.HIGH_COST, False) == State.DONE
    assert records2.receptions[-1].method == IdentityMethod.FACE
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 0
    assert records.receptions == []


def test_a_correct_pin_restores_the_count_on_the_card(card_file: Path) -> None:
    pin = get_profile("standard").auth_pin
    wrong = f"{(int(pin) + 1) % 10000:04d}"
    _svc, flow, _records = reception_with_file(card_file)
    flow.send(Event.CARD_PLACED)
    flow.send(Event.CHOOSE_PIN)
    flow.send(Event.PIN_ENTERED, wrong)
    flow.send(Event.PIN_ENTERED, wrong)
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 1
    assert flow.send(Event.PIN_ENTERED, pin) == State.CONSENT
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 3


def test_visual_confirmation_leaves_every_counter_as_it_was(card_file: Path) -> None:
    pin = get_profile("standard").auth_pin
    wrong = f"{(int(pin) + 1) % 10000:04d}"
    _svc, flow, records = reception_with_file(card_file)
    flow.send(Event.CARD_PLACED)
    flow.send(Event.CHOOSE_PIN)
    flow.send(Event.PIN_ENTERED, wrong)
    before = user_pins(card_file)
    flow.send(Event.CALL_STAFF)
    assert flow.staff_photo()  # the chip photo for the staff console (JPEG 2000)
    with pytest.raises(RefusedError, match="staff_mode_visual"):
        flow.send(Event.STAFF_CONFIRM, True)
    with pytest.raises(RefusedError, match="staff_credential_valid"):
        flow.send(Event.STAFF_MODE, StaffMode(True, "not-it"))
    flow.send(Event.STAFF_MODE, StaffMode(True, STAFF))
    flow.send(Event.STAFF_CONFIRM, True)
    flow.send(Event.CONSENT, True)
    flow.send(Event.CONSENT, False)
    flow.send(Event.HIGH_COST, False)
    after = user_pins(card_file)
    assert after == before and after[PinKind.AUTH] == 2
    assert records.receptions[-1].method == IdentityMethod.VISUAL


def test_the_real_face_only_card_is_never_offered_the_pin() -> None:
    svc, _records = services()
    svc.insert_card("virtual:face-only")
    flow = svc.reception()
    flow.send(Event.CARD_PLACED)
    assert flow.screen().details["face_only"] is True
    assert "choose_pin" not in {o.event for o in flow.screen().options}
    with pytest.raises(RefusedError, match="pin_usable"):
        flow.send(Event.CHOOSE_PIN)


@pytest.mark.parametrize(
    ("profile", "code"),
    [("not-my-number", "002"), ("revoked-certificate", "006"), ("expired-certificate", "006")],
)
def test_card_errors_from_the_real_stack(profile: str, code: str) -> None:
    svc, records = services()
    svc.insert_card(f"virtual:{profile}")
    flow = svc.reception()
    assert flow.send(Event.CARD_PLACED) == State.CARD_ERROR
    assert flow.screen().details["error_code"] == code
    assert records.receptions == []


def test_no_card_on_the_reader_is_001() -> None:
    svc, _records = services()
    flow = svc.reception()
    flow.send(Event.CARD_PLACED)
    assert flow.screen().details["error_code"] == "001"
