"""Fuzz target ``phone-apdu``: the ``apdu`` target's inputs sent to a virtual smartphone
(an Android phone and an iPhone whose Face ID fails, in turns): the same card OS with the
phone's JPKI applet (kiosk.simcard.phone). Every APDU gets a status word, ``6F00`` is a
failure, and nothing opens the auth certificate while the user is not verified."""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path

from kiosk.card.applets import JpkiFile
from kiosk.fuzz import apdus
from kiosk.fuzz.target import FuzzFailure, Target
from kiosk.paths import kiosk_home_at
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import issue_phone
from kiosk.simcard.state import CardState, UserVerification
from kiosk.vocabulary import PhoneOs, PinKind


@functools.cache
def _phones() -> tuple[CardState, CardState]:
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-fuzz-phone-") as folder,
        kiosk_home_at(Path(folder)),
    ):
        card = issue_card("standard")
        android = issue_phone(card, PhoneOs.ANDROID)
        iphone = issue_phone(card, PhoneOs.IOS, verification=UserVerification.FAILS)
        return android, iphone


def feed(commands: list[bytes], work: Path) -> None:
    for state in _phones():
        phone = apdus.fresh_card(copy.deepcopy(state))
        for apdu in commands:
            if apdu == apdus.POWER_CYCLE:
                phone.close()
                continue
            apdus.transmit(phone, apdu)
            if PinKind.AUTH in phone.os.verified:
                raise FuzzFailure(f"{apdu.hex()} verified the phone's user")
            current = phone.os.current
            if getattr(current, "fid", None) == JpkiFile.AUTH_CERT and phone.os.verified:
                raise FuzzFailure(f"{apdu.hex()} opened the auth certificate")


TARGET = Target(
    name="phone-apdu",
    summary="APDUs to a virtual smartphone (any bytes in, a status word out, nothing opened)",
    inputs=apdus.INPUTS,
    feed=feed,
    encode=apdus.TARGET.encode,
    decode=apdus.TARGET.decode,
    suffix=".apdus",
    examples=100,
)
