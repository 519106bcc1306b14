"""Every fuzz target, briefly and reproducibly (derandomized): the kiosk answers every input
with a result or its own error, in time and within the memory bound.

``kiosk fuzz --minutes N`` runs the same targets for longer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.fuzz.registry import TARGETS
from kiosk.fuzz.runner import run_target


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target_finds_nothing(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = TARGETS[name]
    here = tmp_path / "current-folder"
    here.mkdir()
    monkeypatch.chdir(here)
    report = run_target(target, derandomize=True, deadline_s=60)
    assert sorted(os.listdir(here)) == []  # every input is fed inside its scratch folder
    failure = report.failure
    assert failure is None, (
        f"{name}: {failure.error}\ninput: {target.encode(failure.value)[:300]!r}\n"
        f"{failure.traceback_head}"
    )
    assert report.examples >= target.examples
    # the inputs reach the kiosk's work, not only its first refusal
    assert report.accepted > 0, report.to_dict()


def test_every_kind_of_input_has_a_target() -> None:
    assert set(TARGETS) == {
        "card-file",
        "settings",
        "scenario",
        "apdu",
        "phone-apdu",
        "records-url",
    }
