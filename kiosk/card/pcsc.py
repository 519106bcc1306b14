"""The PC/SC adapter: the only module that imports pyscard (``smartcard``), lazily.

A real reader, or the virtual card behind pcscd's vpcd driver (``kiosk card serve``), both
look the same from here. Errors are :class:`TransportError` / :class:`NoCardError` with a message
saying what to start, install or insert.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kiosk.card.errors import NoCardError, TransportError

PYSCARD_MISSING = (
    "pyscard is not installed: install it with `pip install 'kiosk[pcsc]'` "
    "(Debian needs `apt install libpcsclite-dev swig` to build it)"
)
NO_PCSCD = "the PC/SC daemon is not running: start pcscd: `pcscd -f &` (or `systemctl start pcscd`)"
NO_READER = (
    "no card reader found: connect a reader, or start `kiosk card serve CARD` "
    "with vsmartcard-vpcd installed (pcscd must be restarted after installing it)"
)


def _pyscard() -> tuple[Any, Any, Any]:
    try:
        from smartcard import Exceptions, System
        from smartcard.pcsc import PCSCExceptions
    except ImportError:
        raise TransportError(PYSCARD_MISSING) from None
    return System, Exceptions, PCSCExceptions


def list_readers() -> list[str]:
    """Names of the PC/SC readers pcscd knows (empty when there are none)."""
    system, exceptions, pcsc_exceptions = _pyscard()
    try:
        return [str(reader) for reader in system.readers()]
    except pcsc_exceptions.EstablishContextException:
        raise TransportError(NO_PCSCD) from None
    except (pcsc_exceptions.BaseSCardException, exceptions.SmartcardException) as exc:
        if "0x8010002E" in str(exc):  # SCARD_E_NO_READERS_AVAILABLE
            return []
        raise TransportError(f"cannot list PC/SC readers: {exc}") from None


class PcscTransport:
    """A card in a PC/SC reader: ``reader`` is a name (or its prefix); None = the first one
    with a card. T=1 or T=0, whichever the card offers; 61xx and 6Cxx are handled here."""

    def __init__(self, reader: str | None = None) -> None:
        _, exceptions, pcsc_exceptions = _pyscard()
        self._errors = (exceptions.SmartcardException, pcsc_exceptions.BaseSCardException)
        names = list_readers()
        if not names:
            raise TransportError(NO_READER)
        chosen = [n for n in names if reader is None or n == reader or n.startswith(reader)]
        if not chosen:
            raise TransportError(
                f"no reader named {reader!r}; readers: {', '.join(names)}"
                " (use `kiosk card pins pcsc:<reader>` with one of these)"
            )
        self._connection: Any = None
        for name in chosen:
            system, _, _ = _pyscard()
            target = next(r for r in system.readers() if str(r) == name)
            connection = target.createConnection()
            try:
                connection.connect()
            except exceptions.NoCardException:
                continue
            except self._errors as exc:
                raise TransportError(f"cannot connect to the card in {name}: {exc}") from None
            self._connection, self.reader = connection, name
            break
        if self._connection is None:
            where = chosen[0] if len(chosen) == 1 else "any of: " + ", ".join(chosen)
            raise NoCardError(f"no card: place a My Number card on reader {where}")
        self.atr = bytes(self._connection.getATR())

    def _raw(self, apdu: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except self._errors as exc:
            if "0x80100069" in str(exc) or "0x80100066" in str(exc):  # removed / unresponsive
                raise NoCardError(f"the card was removed from {self.reader}") from None
            raise TransportError(f"card I/O failed on {self.reader}: {exc}") from None
        return bytes(data), (sw1 << 8) | sw2

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one APDU; follow 61xx with GET RESPONSE, re-issue on 6Cxx with Le = xx."""
        if self._connection is None:
            raise NoCardError("the card connection is closed")
        data, sw = self._raw(apdu)
        if sw >> 8 == 0x6C and len(apdu) == 5:  # T=0 case 2: wrong Le, re-issue with Le = xx
            data, sw = self._raw(bytes(apdu[:4]) + bytes((sw & 0xFF,)))
        while sw >> 8 == 0x61:  # more data waiting
            more, sw = self._raw(bytes((0x00, 0xC0, 0x00, 0x00, sw & 0xFF)))
            data += more
        return data, sw

    def close(self) -> None:
        """Disconnect (the card stays in the reader)."""
        if self._connection is not None:
            with contextlib.suppress(*self._errors):
                self._connection.disconnect()
            self._connection = None


def wait_for_card(reader: str, timeout_s: float = 5.0, *, present: bool = True) -> None:
    """Block until a card is in ``reader`` (or gone, ``present=False``), waiting on pcscd's
    reader events (SCardGetStatusChange), not polling. :class:`NoCardError` on timeout."""
    _pyscard()
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError(NO_PCSCD)
    try:
        state = scard.SCARD_STATE_UNAWARE
        deadline_ms = int(timeout_s * 1000)
        while True:
            hresult, states = scard.SCardGetStatusChange(context, deadline_ms, [(reader, state)])
            if hresult == scard.SCARD_E_TIMEOUT:
                verb = "placed on" if present else "removed from"
                raise NoCardError(f"no card was {verb} reader {reader} within {timeout_s:g} s")
            if hresult != scard.SCARD_S_SUCCESS:
                raise TransportError(
                    f"cannot watch reader {reader}: {scard.SCardGetErrorMessage(hresult)}"
                )
            _, event, _ = states[0]
            if bool(event & scard.SCARD_STATE_PRESENT) == present:
                return
            state = event & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(context)
