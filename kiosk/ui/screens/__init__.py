"""One module per patient-facing screen (docs/screens.md), registered here by screen id."""

from __future__ import annotations

from kiosk.ui.screens.cancelled import CancelledScreen
from kiosk.ui.screens.card_error import CardErrorScreen
from kiosk.ui.screens.consent import ConsentScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.expiry_alert import ExpiryAlertScreen
from kiosk.ui.screens.face import FaceScreen
from kiosk.ui.screens.face_failed import FaceFailedScreen
from kiosk.ui.screens.high_cost import HighCostScreen
from kiosk.ui.screens.idle_warning import IdleWarningScreen
from kiosk.ui.screens.method import MethodScreen
from kiosk.ui.screens.phone_choose import PhoneChooseScreen
from kiosk.ui.screens.phone_failed import PhoneFailedScreen
from kiosk.ui.screens.phone_hold import PhoneHoldScreen
from kiosk.ui.screens.phone_pin import PhonePinScreen
from kiosk.ui.screens.phone_reading import PhoneReadingScreen
from kiosk.ui.screens.pin import PinScreen
from kiosk.ui.screens.pin_locked import PinLockedScreen
from kiosk.ui.screens.portal_done import PortalDoneScreen
from kiosk.ui.screens.prescription import PrescriptionScreen
from kiosk.ui.screens.reading import ReadingScreen
from kiosk.ui.screens.register import RegisterScreen
from kiosk.ui.screens.staff_wait import StaffWaitScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.screens.take_card import TakeCardScreen
from kiosk.ui.widgets import Screen

SCREEN_CLASSES: tuple[type[Screen], ...] = (
    StartScreen,
    ReadingScreen,
    CardErrorScreen,
    ExpiryAlertScreen,
    RegisterScreen,
    MethodScreen,
    FaceScreen,
    FaceFailedScreen,
    PinScreen,
    PinLockedScreen,
    StaffWaitScreen,
    ConsentScreen,
    HighCostScreen,
    PrescriptionScreen,
    DoneScreen,
    IdleWarningScreen,
    CancelledScreen,
    TakeCardScreen,
    PhoneChooseScreen,
    PhonePinScreen,
    PhoneHoldScreen,
    PhoneReadingScreen,
    PhoneFailedScreen,
    PortalDoneScreen,
)

__all__ = ["SCREEN_CLASSES"]
