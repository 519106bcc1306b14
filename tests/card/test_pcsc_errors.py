"""Every PC/SC failure says what to start, install or insert; pyscard stays in pcsc.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.card import pcsc
from kiosk.card.errors import NoCardError, TransportError
from kiosk.card.pcsc import PcscTransport
from kiosk.cli import main


def _kiosk(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=False,
    )


def test_no_pcscd_says_start_pcscd(tmp_path: Path) -> None:
    # pcsc-lite's client finds pcscd through this socket; pointing it nowhere = no daemon
    done = _kiosk("card", "pins", "pcsc", PCSCLITE_CSOCK_NAME=str(tmp_path / "none.comm"))
    assert done.returncode == 2
    assert "start pcscd" in done.stderr and "pcscd -f" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_pyscard_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "smartcard", None)
    with pytest.raises(TransportError, match="install"):
        pcsc.list_readers()


def test_no_reader_says_connect_one_or_serve_a_virtual_card(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pcsc, "list_readers", lambda: [])
    with pytest.raises(TransportError, match="connect a reader") as err:
        PcscTransport()
    assert "kiosk card serve" in str(err.value)
    assert main(["card", "pins", "pcsc"]) == 2
    assert "kiosk card serve" in capsys.readouterr().err


@pytest.mark.pcsc
def test_empty_reader_says_place_a_card_on_it(pcscd: None) -> None:
    with pytest.raises(NoCardError, match="place a My Number card on reader Virtual PCD 00 00"):
        PcscTransport("Virtual PCD 00 00")


@pytest.mark.pcsc
def test_unknown_reader_lists_the_readers(pcscd: None) -> None:
    with pytest.raises(TransportError, match="Virtual PCD 00 00"):
        PcscTransport("No Such Reader")


def test_only_pcsc_py_imports_pyscard() -> None:
    root = Path(__file__).resolve().parents[2] / "kiosk"
    importers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import smartcard" in path.read_text(encoding="utf-8")
        or "from smartcard" in path.read_text(encoding="utf-8")
    )
    assert importers == ["card/pcsc.py"]


def test_the_card_layer_does_not_load_pyscard_or_the_simulator() -> None:
    code = (
        "import sys, kiosk.card.mynumber, kiosk.card.pins, kiosk.card.certificate, kiosk.devices;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'smartcard'"
        " or m.startswith('kiosk.simcard')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


class _FakeConnection:
    """Answers like a T=0 reader: 6Cxx for a wrong Le, 61xx when more data waits."""

    def __init__(self, answers: list[tuple[list[int], int, int]]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def transmit(self, apdu: list[int]) -> tuple[list[int], int, int]:
        self.sent.append(bytes(apdu))
        return self.answers.pop(0)


def _transport(connection: _FakeConnection) -> PcscTransport:
    transport = PcscTransport.__new__(PcscTransport)
    transport._connection = connection
    transport._errors = (OSError,)
    transport.reader = "Fake 00 00"
    return transport


def test_transmit_follows_61xx_with_get_response_and_reissues_on_6cxx() -> None:
    connection = _FakeConnection(
        [
            ([], 0x6C, 0x0C),  # wrong Le: the card has 12 bytes
            ([1] * 10, 0x61, 0x02),  # 10 now, 2 more waiting
            ([2, 2], 0x90, 0x00),
        ]
    )
    data, sw = _transport(connection).transmit(bytes.fromhex("00B0000007"))
    assert (data, sw) == (bytes([1] * 10 + [2, 2]), 0x9000)
    assert connection.sent == [
        bytes.fromhex("00B0000007"),
        bytes.fromhex("00B000000C"),
        bytes.fromhex("00C0000002"),
    ]
