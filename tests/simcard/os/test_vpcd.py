"""The vpcd bridge against a fake vpcd (a socket server in the test speaking the protocol)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from helpers.card_os import PINS, select_aid, verify
from kiosk.card.applets import ATR, Applet
from kiosk.simcard.errors import SimCardError, VpcdError
from kiosk.simcard.virtual import VirtualCard
from kiosk.simcard.vpcd import serve
from kiosk.vocabulary import PinKind


class FakeVpcd:
    """pcscd's side: listens, accepts the card, sends messages, reads replies."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(60)
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.conn, _ = self.server.accept()
        self.conn.settimeout(60)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(len(payload).to_bytes(2, "big") + payload)

    def send_split(self, payload: bytes) -> None:
        """As the real vpcd driver writes: the length, then the payload, in two writes."""
        assert self.conn is not None
        self.conn.sendall(len(payload).to_bytes(2, "big"))
        self.conn.sendall(payload)

    def receive(self) -> bytes:
        assert self.conn is not None
        size = int.from_bytes(self._exactly(2), "big")
        return self._exactly(size)

    def exchange(self, apdu: bytes) -> tuple[bytes, int]:
        self.send(apdu)
        reply = self.receive()
        return reply[:-2], int.from_bytes(reply[-2:], "big")

    def _exactly(self, size: int) -> bytes:
        assert self.conn is not None
        data = b""
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                raise EOFError("card hung up")
            data += chunk
        return data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    fake = FakeVpcd()
    yield fake
    fake.close()


def start(
    card: VirtualCard, port: int
) -> tuple[threading.Thread, threading.Event, list[BaseException]]:
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            serve(card, port=port, stop=stop, poll_s=0.02)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, stop, failures


def test_the_card_answers_vpcd(vpcd: FakeVpcd, card: VirtualCard) -> None:
    thread, stop, failures = start(card, vpcd.port)
    vpcd.accept()
    vpcd.send(b"\x01")  # power on: no reply
    vpcd.send(b"\x04")  # ATR
    assert vpcd.receive() == ATR
    assert vpcd.exchange(select_aid(Applet.JPKI)) == (b"", 0x9000)
    assert vpcd.exchange(verify(PINS[PinKind.AUTH], 0x98)) == (b"", 0x9000)
    cert, sw = vpcd.exchange(bytes.fromhex("00B08A00000000"))
    assert (cert, sw) == (card.state.auth_cert, 0x9000)
    vpcd.send(b"\x00")  # power off: the security status is gone
    vpcd.send(b"\x01")
    assert vpcd.exchange(bytes.fromhex("00B08A000000"))[1] == 0x6700  # malformed
    assert vpcd.exchange(bytes.fromhex("00B08A0004"))[1] == 0x6A82  # nothing selected
    vpcd.send(b"\x02")  # reset: no reply
    vpcd.send(b"\xff")  # an unknown control code: ignored, no reply
    assert vpcd.exchange(select_aid(Applet.JPKI)) == (b"", 0x9000)
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert not failures
    assert vpcd.conn is not None
    assert vpcd.conn.recv(16) == b""  # the card closed the socket: removed
    assert not card.powered


def test_split_writes_are_answered_on_a_no_delay_socket(
    vpcd: FakeVpcd, card: VirtualCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nagle on vpcd's side + a delayed ACK on ours would cost ~40 ms per APDU: the card's
    socket sends at once (TCP_NODELAY). The time per APDU is ``kiosk bench card``'s figure."""
    made: list[socket.socket] = []
    connect = socket.create_connection

    def recording(*args: Any, **kwargs: Any) -> socket.socket:
        made.append(connect(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(socket, "create_connection", recording)
    thread, stop, _ = start(card, vpcd.port)
    vpcd.accept()
    vpcd.send_split(select_aid(Applet.JPKI))
    vpcd.receive()
    for _ in range(15):
        vpcd.send_split(verify(None, 0x98))
        assert vpcd.receive() == b"\x63\xc3"
    assert len(made) == 1
    assert made[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    stop.set()
    thread.join(timeout=60)


def test_pcscd_hanging_up_is_reported(vpcd: FakeVpcd, card: VirtualCard) -> None:
    thread, _, failures = start(card, vpcd.port)
    vpcd.accept()
    vpcd.send(b"\x04")
    assert vpcd.receive() == ATR
    assert vpcd.conn is not None
    vpcd.conn.close()
    thread.join(timeout=60)
    assert len(failures) == 1 and isinstance(failures[0], VpcdError)
    assert "pcscd closed" in str(failures[0])


def test_connection_refused_says_what_to_do(card: VirtualCard) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # free once closed
    with pytest.raises(SimCardError) as caught:
        serve(card, port=port)
    message = str(caught.value)
    assert "pcscd" in message and "vsmartcard-vpcd" in message and str(port) in message
