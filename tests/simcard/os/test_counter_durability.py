"""PIN counters follow the rules across any sequence of entries and reloads, and a process
killed in the middle of a VERIFY never gets its try back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.card_os import PINS, VERIFY_B, select_aid, verify
from kiosk.card.applets import Applet
from kiosk.card.status import SW
from kiosk.simcard.cardfile import load_card, save_card
from kiosk.simcard.state import PIN_LIMITS, CardState
from kiosk.simcard.virtual import VirtualCard, open_card_file
from kiosk.vocabulary import PinKind

PLACES: dict[PinKind, tuple[Applet, int]] = {
    PinKind.AUTH: (Applet.JPKI, 0x98),
    PinKind.SIGN: (Applet.JPKI, 0x9B),
    PinKind.HOJO: (Applet.KENHOJO, 0x91),
    PinKind.JUKI: (Applet.JUKI, 0x9C),
    PinKind.KYOTSU: (Applet.KYOTSU, 0x9C),
    PinKind.VERIFY_B: (Applet.KENKAKU, 0x92),
}
RIGHT = {**PINS, PinKind.VERIFY_B: VERIFY_B}

step = st.tuples(
    st.sampled_from(sorted(PLACES)),
    st.sampled_from(["right", "wrong", "query", "reload"]),
)


def expected_sw(left: int, action: str) -> tuple[int, int]:
    """The model: (status word, tries left afterwards)."""
    if action == "query":
        return SW.VERIFY_FAILED | left, left
    if left == 0:
        return SW.AUTH_METHOD_BLOCKED, 0
    if action == "right":
        return SW.OK, -1  # -1: back to the limit
    return SW.VERIFY_FAILED | (left - 1), left - 1


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_counters_follow_the_rules_across_reloads(
    steps: list[tuple[PinKind, str]],
    make_state: Callable[[], CardState],
    photo: Callable[[str], bytes],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "card.json"
        save_card(path, make_state())
        model = {name: PIN_LIMITS[name] for name in PLACES}
        card = open_card_file(path, photo=photo)
        for name, action in steps:
            if action == "reload":
                card = open_card_file(path, photo=photo)
            else:
                applet, p2 = PLACES[name]
                assert card.transmit(select_aid(applet))[1] == SW.OK
                value = None if action == "query" else RIGHT[name] if action == "right" else "9"
                sw, left = expected_sw(model[name], action)
                assert card.transmit(verify(value, p2)) == (b"", sw)
                model[name] = PIN_LIMITS[name] if left < 0 else left
            on_disk = load_card(path)
            for other, tries in model.items():
                pin = on_disk.pins.get(other)
                assert (pin.tries_left if pin else PIN_LIMITS[other]) == tries, other
                in_memory = card.state.pins.get(other)
                assert (in_memory.tries_left if in_memory else PIN_LIMITS[other]) == tries


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from kiosk.simcard import cardos
    from kiosk.simcard.virtual import open_card_file

    path, how, applet_aid, p2, value = sys.argv[1:6]

    def killed(*args):
        if how == "exit":
            os._exit(41)
        os.kill(os.getpid(), signal.SIGKILL)

    cardos._secret_matches = killed
    card = open_card_file(path, photo=lambda _: b"")
    aid = bytes.fromhex(applet_aid)
    data, sw = card.transmit(bytes.fromhex("00A4040C") + bytes((len(aid),)) + aid)
    assert sw == 0x9000
    card.transmit(bytes((0x00, 0x20, 0x00, int(p2, 16), len(value))) + value.encode())
    print("comparison finished", flush=True)
    """
)


def run_until_killed(path: Path, how: str, name: PinKind) -> subprocess.CompletedProcess[str]:
    applet, p2 = PLACES[name]
    return subprocess.run(
        [
            sys.executable,
            "-c",
            CRASH_SCRIPT,
            str(path),
            how,
            applet.aid.hex(),
            f"{p2:02X}",
            RIGHT[name],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )


@pytest.mark.parametrize("how", ["exit", "sigkill"])
@pytest.mark.parametrize("name", [PinKind.AUTH, PinKind.SIGN, PinKind.VERIFY_B])
def test_a_kill_before_the_comparison_spends_the_try(
    tmp_path: Path, state: CardState, how: str, name: PinKind
) -> None:
    path = tmp_path / "card.json"
    save_card(path, state)
    result = run_until_killed(path, how, name)
    assert "comparison finished" not in result.stdout
    if how == "exit":
        assert result.returncode == 41, result.stderr
    else:
        assert result.returncode == -signal.SIGKILL, result.stderr
    after = load_card(path)
    assert after.pins[name].tries_left == PIN_LIMITS[name] - 1
    for other, pin in after.pins.items():
        if other is not name:
            assert pin.tries_left == state.pins[other].tries_left
    # and again: each killed attempt costs one more, down to blocked
    for _ in range(PIN_LIMITS[name] - 1):
        run_until_killed(path, how, name)
    assert load_card(path).pins[name].tries_left == 0
    card = VirtualCard(load_card(path), photo=lambda _: b"")
    applet, p2 = PLACES[name]
    card.transmit(select_aid(applet))
    assert card.transmit(verify(RIGHT[name], p2)) == (b"", SW.AUTH_METHOD_BLOCKED)


def test_without_the_kill_the_right_pin_restores(tmp_path: Path, state: CardState) -> None:
    path = tmp_path / "card.json"
    state.pins[PinKind.AUTH].tries_left = 1
    save_card(path, state)
    card = open_card_file(path, photo=lambda _: b"")
    card.transmit(select_aid(Applet.JPKI))
    assert card.transmit(verify(PINS[PinKind.AUTH], 0x98)) == (b"", SW.OK)
    assert load_card(path).pins[PinKind.AUTH].tries_left == 3


def test_no_comparison_without_a_durable_decrement(
    tmp_path: Path, state: CardState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the card file cannot take the spent try, the card answers 6F00 and checks nothing."""
    path = tmp_path / "card.json"
    save_card(path, state)
    card = open_card_file(path, photo=lambda _: b"")
    card.transmit(select_aid(Applet.JPKI))

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    compared: list[PinKind] = []
    monkeypatch.setattr(os, "replace", disk_full)
    monkeypatch.setattr(
        "kiosk.simcard.cardos._secret_matches", lambda _s, name, _v: compared.append(name)
    )
    assert card.transmit(verify(PINS[PinKind.AUTH], 0x98)) == (b"", 0x6F00)
    assert compared == []
    assert not card.os.verified
    assert card.state.pins[PinKind.AUTH].tries_left == 2  # spent in memory, never given back
    assert load_card(path).pins[PinKind.AUTH].tries_left == 3


def test_two_cards_on_one_file_count_each_others_tries(tmp_path: Path, state: CardState) -> None:
    """Each VERIFY re-reads the file under its lock: a card opened earlier sees later tries."""
    path = tmp_path / "card.json"
    save_card(path, state)
    first = open_card_file(path, photo=lambda _: b"")
    second = open_card_file(path, photo=lambda _: b"")
    for card in (first, second):
        card.transmit(select_aid(Applet.JPKI))
    assert first.transmit(verify("0000", 0x98)) == (b"", 0x63C2)
    assert second.transmit(verify("0000", 0x98)) == (b"", 0x63C1)
    assert first.transmit(verify(None, 0x98)) == (b"", 0x63C1)  # the query re-reads too
    assert first.transmit(verify("0000", 0x98)) == (b"", 0x63C0)
    assert second.transmit(verify(PINS[PinKind.AUTH], 0x98)) == (b"", SW.AUTH_METHOD_BLOCKED)
    assert load_card(path).pins[PinKind.AUTH].tries_left == 0


def test_a_verify_waits_for_the_card_file_lock(
    tmp_path: Path, state: CardState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another holder has the card file, a VERIFY neither compares nor spends."""
    from kiosk.simcard import cardfile

    path = tmp_path / "card.json"
    save_card(path, state)
    card = open_card_file(path, photo=lambda _: b"")
    card.transmit(select_aid(Applet.JPKI))
    monkeypatch.setattr(cardfile, "LOCK_WAIT_S", 0.2)
    with cardfile.CardFile(path).held():
        assert card.transmit(verify("0000", 0x98)) == (b"", 0x6F00)
    assert load_card(path).pins[PinKind.AUTH].tries_left == 3
    assert card.transmit(verify("0000", 0x98)) == (b"", 0x63C2)
