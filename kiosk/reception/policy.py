"""The facility's choices the reception obeys: a view of :class:`kiosk.config.Settings`.

Every value and every check lives in the settings; :class:`FlowPolicy` only picks the fields
the reception reads, so the kiosk, the scenarios and the tests cannot disagree on a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from kiosk.config import Settings, SettingsError
from kiosk.reception.errors import FlowError
from kiosk.vocabulary import ConsentItem


@dataclass(frozen=True)
class FlowPolicy:
    """Timeouts in seconds; consent items in the order shown."""

    consent_items: tuple[ConsentItem, ...]
    show_high_cost: bool
    issues_e_prescription: bool
    face_attempts: int  # face attempts per visit
    idle_timeout_s: float
    idle_warning_s: float
    staff_wait_timeout_s: float
    display_s: float  # end screens (done, cancelled, card error) before asking for the card
    card_left_alert_s: float  # the card left on the reader this long: the staff are alerted
    alert_months: int  # certificate-expiry alert from this many months before expiry…
    grace_months: int  # …and the card still works this many months after it
    medical_institution_code: str
    phone_reader: str | None  # the 汎用カードリーダー for smartphones (None: no phone path)

    @classmethod
    def from_settings(cls, settings: Settings) -> FlowPolicy:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})

    @classmethod
    def of(cls, overrides: Mapping[str, Any] | None = None) -> FlowPolicy:
        """The default settings with ``overrides`` (checked as the settings check them)."""
        return cls.from_settings(_settings(Settings(), overrides or {}))

    def with_overrides(self, overrides: Mapping[str, Any]) -> FlowPolicy:
        """A copy with ``overrides`` applied (unknown names and bad values raise FlowError)."""
        base = Settings().with_overrides(
            {f.name: getattr(self, f.name) for f in fields(self) if f.name != "consent_items"}
        )
        values = {"consent_items": [i.value for i in self.consent_items], **overrides}
        return self.from_settings(_settings(base, values))


def _settings(base: Settings, overrides: Mapping[str, Any]) -> Settings:
    try:
        return base.with_overrides(overrides)
    except SettingsError as exc:
        raise FlowError(str(exc)) from None
