"""The reader's keypad says how long to wait after failures, in seconds under a minute."""

from __future__ import annotations

import pytest

from kiosk.texts import catalogue
from kiosk.ui.staff_keypad.controller import wait_message


@pytest.mark.parametrize(
    ("seconds", "key", "numbers"),
    [
        (0.2, "staff-keypad.wait_seconds", {"seconds": 1}),
        (1, "staff-keypad.wait_seconds", {"seconds": 1}),
        (8.5, "staff-keypad.wait_seconds", {"seconds": 9}),
        (60, "staff-keypad.wait_minutes", {"minutes": 1}),
        (61, "staff-keypad.wait_minutes", {"minutes": 2}),
        (300, "staff-keypad.wait_minutes", {"minutes": 5}),
    ],
)
def test_the_wait_is_said_in_the_unit_that_fits(seconds, key, numbers) -> None:
    assert wait_message(seconds) == (key, numbers)
    for language in ("ja", "en"):
        text = catalogue().get(key, language, **numbers)
        assert str(next(iter(numbers.values()))) in text
