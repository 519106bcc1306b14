"""The card holder's name and birth date for 目視確認, read from the card without a PIN.

The kiosk knows 照合番号B (birth date, expiry year and security code, photographed from the
card front, as it does to read the chip photo); 照合番号B also opens the basic information of
券面事項入力補助AP (name, birth date, sex), so no 入力補助 PIN is asked and no try is spent.
The address is not passed on. The chip holds no kana: :attr:`Holder.kana` stays empty unless
a card gives it. Read on the flow's thread, through the reception's own card session.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from kiosk.card.errors import CardError
from kiosk.card.mynumber import MyNumberCard
from kiosk.station.media import Holder

log = logging.getLogger(__name__)


def age_on(birth: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def read_holder(session: Any, verify_b: str | None, today: date) -> Holder | None:
    """The holder of the card behind ``session`` (the flow's PlacedCard); None when the
    card cannot tell (no 照合番号B, not a My Number card session, a card error)."""
    card = getattr(session, "card", None)
    if not isinstance(card, MyNumberCard) or not verify_b:
        return None
    try:
        info = card.read_basic_info(verify_b=verify_b)
    except (CardError, ValueError) as exc:
        log.info("card holder details unreadable: %s", type(exc).__name__)
        return None
    return Holder(
        name=info.name,
        birth_date=info.birth_date.isoformat(),
        age=age_on(info.birth_date, today),
        sex=info.sex,
    )
