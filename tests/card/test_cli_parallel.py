"""Processes sharing one card file spend each PIN try exactly once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from kiosk.cli import main
from kiosk.simcard.cardfile import load_card
from kiosk.vocabulary import PinKind

ROOT = Path(__file__).resolve().parents[2]
PARALLEL = 12


def test_parallel_wrong_pins_spend_exactly_the_tries_left(tmp_path: Path) -> None:
    card = tmp_path / "taro.card"
    assert main(["card", "new", "--profile", "standard", "--out", str(card)]) == 0
    tries = load_card(card).pins[PinKind.AUTH].tries_left
    assert tries == 3
    argv = [sys.executable, "-m", "kiosk.cli", "card", "change-pin", str(card), "--which", "auth"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [*argv, "--old-pin", "0000", "--new-pin", "1111"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(PARALLEL)
    ]
    answers = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 2, err
        assert "Traceback" not in err
        found = re.search(r"\b(63C[0-9A-F]|6984)\b", err)
        assert found is not None, err
        answers.append(found.group(1))
    assert sorted(answers) == sorted(["63C2", "63C1", "63C0"] + ["6984"] * (PARALLEL - tries))
    assert load_card(card).pins[PinKind.AUTH].tries_left == 0
