"""One contract for MyNumberCard, run against the virtual card in process and behind
pcscd + vpcd (pyscard). Every check goes through real APDUs and the card OS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from kiosk.card.errors import NotMyNumberCardError, PinBlockedError, WrongPinError
from kiosk.card.mynumber import MyNumberCard
from kiosk.card.pins import PinKind
from kiosk.card.transport import CountingTransport, Transport
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.people import face_photo_jp2
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard

JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"

Insert = Callable[[CardState], AbstractContextManager[Transport]]


class CardContract:
    """Subclasses provide ``insert``: a context manager giving a transport to ``state``."""

    @pytest.fixture
    def insert(self) -> Insert:
        raise NotImplementedError

    def test_reception_read_takes_seven_apdus_and_spends_no_try(self, insert: Insert) -> None:
        state = issue_card("standard")
        with insert(state) as transport:
            counted = CountingTransport(transport)
            read = MyNumberCard(counted).read_for_reception(state.verify_b)
        assert counted.apdus == 7
        assert read.auth_certificate == state.auth_cert
        assert (read.auth_tries_left, read.sign_tries_left, read.face_only) == (3, 5, False)
        assert read.face_photo is not None and read.face_photo.startswith(JP2_SIGNATURE)
        assert read.face_photo == face_photo_jp2(state.face.person)
        assert state.pins[PinKind.AUTH].tries_left == 3

    def test_every_pin_in_nine_apdus_as_the_card_counts_them(self, insert: Insert) -> None:
        state = issue_card("standard")
        state.pins[PinKind.HOJO].tries_left = 1
        state.pins[PinKind.KYOTSU].tries_left = 0
        with insert(state) as transport:
            counted = CountingTransport(transport)
            states = MyNumberCard(counted).all_pin_status()
        assert counted.apdus == 9
        assert {s.kind.value: s.tries_left for s in states} == {
            "auth": 3,
            "sign": 5,
            "hojo": 1,
            "juki": 3,
            "kyotsu": 0,
        }
        assert state.pins[PinKind.HOJO].tries_left == 1  # asking spent nothing

    def test_wrong_auth_pin_counts_and_a_right_one_restores(self, insert: Insert) -> None:
        state = issue_card("standard")
        pin = get_profile("standard").auth_pin
        wrong = "0000" if pin != "0000" else "1111"
        with insert(state) as transport:
            card = MyNumberCard(transport)
            with pytest.raises(WrongPinError) as err:
                card.verify_auth_pin(wrong)
            assert err.value.tries_left == 2
            assert card.pin_status(PinKind.AUTH).tries_left == 2
            card.verify_auth_pin(pin)
            assert card.pin_status(PinKind.AUTH).tries_left == 3

    def test_third_wrong_pin_blocks_and_then_even_the_right_one_is_refused(
        self, insert: Insert
    ) -> None:
        state = issue_card("auth-pin-one-left")
        pin = get_profile("auth-pin-one-left").auth_pin
        wrong = "0000" if pin != "0000" else "1111"
        with insert(state) as transport:
            card = MyNumberCard(transport)
            with pytest.raises(PinBlockedError):
                card.verify_auth_pin(wrong)
            with pytest.raises(PinBlockedError):
                card.verify_auth_pin(pin)
            assert card.pin_status(PinKind.AUTH).blocked
        assert state.pins[PinKind.AUTH].tries_left == 0

    def test_prove_possession_signs_with_the_certified_key(self, insert: Insert) -> None:
        state = issue_card("standard")
        with insert(state) as transport:
            proof = MyNumberCard(transport).prove_possession(get_profile("standard").auth_pin)
        assert proof.certificate == state.auth_cert
        assert len(proof.signature) == 256

    def test_basic_info_by_verify_b_and_by_the_hojo_pin(self, insert: Insert) -> None:
        state = issue_card("standard")
        with insert(state) as transport:
            by_b = MyNumberCard(transport).read_basic_info(verify_b=state.verify_b)
            by_pin = MyNumberCard(transport).read_basic_info(pin=get_profile("standard").hojo_pin)
        assert by_b == by_pin
        assert (by_b.name, by_b.address, by_b.birth_date, by_b.sex) == (
            state.face.name,
            state.face.address,
            state.face.birth_date,
            state.face.sex,
        )

    def test_card_face_and_ca_certificate(self, insert: Insert) -> None:
        state = issue_card("standard")
        with insert(state) as transport:
            card = MyNumberCard(transport)
            face = card.read_card_face(state.verify_b)
            ca = card.read_auth_ca_certificate()
        assert (face.birth_date, face.expiry) == (state.face.birth_date, state.face.expiry)
        assert ca == state.auth_ca_cert

    def test_wrong_verify_b_is_refused(self, insert: Insert) -> None:
        state = issue_card("standard")
        wrong = ("1" if state.verify_b[0] != "1" else "2") + state.verify_b[1:]
        with insert(state) as transport, pytest.raises(WrongPinError):
            MyNumberCard(transport).read_face_photo(wrong)

    def test_face_only_card_looks_face_only(self, insert: Insert) -> None:
        state = issue_card("face-only")
        with insert(state) as transport:
            read = MyNumberCard(transport).read_for_reception()
        assert read.face_only and read.face_photo is None

    def test_a_card_without_jpki_is_not_a_my_number_card(self, insert: Insert) -> None:
        state = issue_card("not-my-number")
        with insert(state) as transport, pytest.raises(NotMyNumberCardError):
            MyNumberCard(transport).read_for_reception()

    def test_change_pin_then_the_new_one_works(self, insert: Insert) -> None:
        state = issue_card("standard")
        old = get_profile("standard").juki_pin
        new = "9876" if old != "9876" else "6789"
        with insert(state) as transport:
            card = MyNumberCard(transport)
            card.change_pin(PinKind.JUKI, old, new)
            card.verify_pin(PinKind.JUKI, new)
            with pytest.raises(WrongPinError):
                card.verify_pin(PinKind.JUKI, old)


class TestInProcess(CardContract):
    @pytest.fixture
    def insert(self) -> Insert:
        @contextmanager
        def inserted(state: CardState) -> Iterator[Transport]:
            card = VirtualCard(state)
            try:
                yield card
            finally:
                card.close()

        return inserted


@pytest.mark.pcsc
class TestThroughPcscd(CardContract):
    @pytest.fixture
    def insert(self, pcscd: None) -> Insert:
        from kiosk.card.pcsc import PcscTransport
        from kiosk.devices import served

        @contextmanager
        def inserted(state: CardState) -> Iterator[Transport]:
            card = VirtualCard(state)
            with served(card, "Virtual PCD 00 00"):
                transport = PcscTransport("Virtual PCD 00 00")
                try:
                    yield transport
                finally:
                    transport.close()

        return inserted
