"""Put the virtual card behind a real PC/SC reader: a client of vsmartcard's vpcd driver.

pcscd (with Debian's ``vsmartcard-vpcd``) listens on TCP 127.0.0.1:35963 for slot 0
(``Virtual PCD 00 00``). The card connects to it; every message both ways is a 2-byte
big-endian length and a payload. A 1-byte payload is a control code — ``00`` power off,
``01`` power on, ``02`` reset (no reply to these), ``04`` send the ATR (reply: the ATR);
anything longer is a command APDU, answered with data + SW. Closing the socket removes the
card from the reader.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

from kiosk.card.status import SW
from kiosk.simcard.errors import VpcdError
from kiosk.simcard.virtual import VirtualCard

log = logging.getLogger("kiosk.simcard.vpcd")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963
POWER_OFF = 0x00
POWER_ON = 0x01
RESET = 0x02
GET_ATR = 0x04
MAX_MESSAGE = 0xFFFF
CONNECT_TIMEOUT_S = 5.0

START_PCSCD_HINT = (
    "start pcscd with the vpcd driver: install it (sudo apt install vsmartcard-vpcd pcscd) "
    "and restart pcscd (sudo systemctl restart pcscd, or run pcscd -f)"
)


def answer(card: VirtualCard, message: bytes) -> bytes | None:
    """What the card replies to one vpcd message (None: no reply)."""
    if len(message) == 1:
        code = message[0]
        if code == POWER_OFF:
            card.close()
        elif code in (POWER_ON, RESET):
            card.power_on()
        elif code == GET_ATR:
            return card.atr
        else:
            log.warning("vpcd sent an unknown control code %02X; ignored", code)
        return None
    if not message:
        return None
    data, sw = card.transmit(message)
    reply = data + sw.to_bytes(2, "big")
    if len(reply) > MAX_MESSAGE:  # a vpcd frame cannot carry it: ask for less
        return int(SW.WRONG_LENGTH).to_bytes(2, "big")
    return reply


def serve(
    card: VirtualCard,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    stop: threading.Event | None = None,
    *,
    poll_s: float = 0.1,
) -> None:
    """Connect to pcscd's vpcd and answer it until ``stop`` is set (then remove the card).

    Raises :class:`VpcdError` when vpcd is not listening, or when pcscd hangs up while
    ``stop`` is not set. ``poll_s`` is how often (seconds) ``stop`` is looked at.
    """
    stop = stop if stop is not None else threading.Event()
    try:
        sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
    except ConnectionRefusedError:
        raise VpcdError(
            f"nothing listens for virtual cards at {host}:{port}: {START_PCSCD_HINT}"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise VpcdError(
            f"cannot reach vpcd at {host}:{port} ({reason}): {START_PCSCD_HINT}"
        ) from None
    log.info("virtual card inserted into the vpcd reader at %s:%d", host, port)
    try:
        with sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(poll_s)
            while True:
                message = _receive(sock, stop)
                if message is None:
                    return
                reply = answer(card, message)
                if reply is not None:
                    sock.sendall(len(reply).to_bytes(2, "big") + reply)
    except (ConnectionError, OSError) as exc:
        if stop.is_set():
            return
        reason = exc.strerror or type(exc).__name__
        raise VpcdError(f"the vpcd connection at {host}:{port} failed ({reason})") from None
    finally:
        card.close()
        log.info("virtual card removed from the vpcd reader at %s:%d", host, port)


def _receive(sock: socket.socket, stop: threading.Event) -> bytes | None:
    """One length-prefixed message; None once ``stop`` is set. Raises VpcdError on hang-up."""
    header = _read_exactly(sock, 2, stop)
    if header is None:
        return None
    body = _read_exactly(sock, int.from_bytes(header, "big"), stop)
    return body


def _quick_ack(sock: socket.socket) -> None:
    """ACK at once (Linux): vpcd sends the length and the APDU in two writes, and its Nagle
    would hold the second until our delayed ACK (40 ms) — 44 ms per APDU without this.
    TCP_QUICKACK is not sticky, so it is set around every recv."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _read_exactly(sock: socket.socket, size: int, stop: threading.Event) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        if stop.is_set():
            return None
        _quick_ack(sock)
        try:
            chunk = sock.recv(size - len(buffer))
        except TimeoutError:
            continue
        _quick_ack(sock)
        if not chunk:
            raise VpcdError("pcscd closed the vpcd connection (was pcscd stopped?)")
        buffer += chunk
    if stop.is_set():
        return None
    return bytes(buffer)
