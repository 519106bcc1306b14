"""The in-process card is fast: single APDUs well under 1 ms, the insertion read in a few APDUs."""

from __future__ import annotations

import statistics
import time

from simcard_os_support import PINS, read_sfi, select_aid, verify

from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.transport import CountingTransport
from kiosk.simcard.state import PinName
from kiosk.simcard.virtual import VirtualCard


def median_ms(card: VirtualCard, apdu: bytes, runs: int = 300) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        card.transmit(apdu)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def test_select_read_verify_are_well_under_a_millisecond(card: VirtualCard) -> None:
    assert median_ms(card, select_aid(Applet.JPKI)) < 0.5
    assert median_ms(card, read_sfi(JpkiFile.AUTH_CERT)) < 0.5
    assert median_ms(card, verify(None, 0x98)) < 0.5
    assert median_ms(card, verify(PINS[PinName.AUTH], 0x98)) < 0.5


def test_insertion_read_fits_in_8_apdus_and_50_ms(card: VirtualCard) -> None:
    """Certificate + every JPKI PIN status: what the kiosk needs before the method screen."""
    counting = CountingTransport(card)
    start = time.perf_counter()
    assert counting.transmit(select_aid(Applet.JPKI))[1] == 0x9000
    cert, sw = counting.transmit(read_sfi(JpkiFile.AUTH_CERT))
    assert (cert, sw) == (card.state.auth_cert, 0x9000)
    assert counting.transmit(verify(None, 0x80 | JpkiFile.AUTH_PIN))[1] == 0x63C3
    assert counting.transmit(verify(None, 0x80 | JpkiFile.SIGN_PIN))[1] == 0x63C5
    assert counting.transmit(select_aid(Applet.KENHOJO))[1] == 0x9000
    assert counting.transmit(verify(None, 0x91))[1] == 0x63C3
    elapsed_ms = (time.perf_counter() - start) * 1000
    assert counting.apdus <= 8
    assert elapsed_ms < 50
