"""The services of a reception, made in one place (:func:`build_services`) for every entry
point's composition root: the window (kiosk.ui.app), the headless runner and the scenarios,
and the command line (kiosk.cli).

``build_services(settings, card=…, camera=…, records=…)`` wires the reception flow's ports to
the real packages (card session over a Transport, simulated CA, eligibility service, records
store, face pipeline or scripted verdicts, staff password) and returns :class:`Services`;
``services.reception()`` makes the flow. Nothing is opened until asked for.
"""

from __future__ import annotations

import contextlib
import weakref
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from kiosk.card.transport import Transport
from kiosk.cardfront.camera import open_front_camera
from kiosk.cardfront.reader import FrontReader
from kiosk.config import Settings, load_settings
from kiosk.devices import open_card as open_device
from kiosk.eligibility import SimulatedEligibilityService
from kiosk.reception.clock import Clock, SystemClock
from kiosk.reception.errors import FlowError
from kiosk.reception.flow import Reception
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import (
    CertificateChecker,
    Eligibility,
    FaceVerifier,
    Records,
    StaffAuthenticator,
)
from kiosk.records import open_records
from kiosk.station_tables.keys import kiosk_key
from kiosk.station_tables.record_seals import sign_records
from kiosk.wiring.adapters import (
    CaCertificates,
    ServiceEligibility,
    SettingsStaff,
    StoreRecords,
    TransportSlot,
)
from kiosk.wiring.camera_face import CameraFace
from kiosk.wiring.memory import ScriptedFace
from kiosk.wiring.phone import PhoneSlot

SCRIPTED = "scripted:"
"""Camera spec for scripted face verdicts: ``scripted:match`` or ``scripted:no-match,match``."""


def face_for_camera(camera: str, settings: Settings | None = None, **options: Any) -> FaceVerifier:
    """``scripted:<verdicts>`` -> scripted verdicts; anything else -> the real face pipeline."""
    if camera.startswith(SCRIPTED):
        verdicts = [v.strip() for v in camera[len(SCRIPTED) :].split(",") if v.strip()]
        bad = [v for v in verdicts if v not in ("match", "no-match")]
        if not verdicts or bad:
            raise FlowError(f"camera {camera!r}: scripted verdicts are match / no-match")
        return ScriptedFace(verdicts)
    if settings is None:
        return CameraFace(camera, **options)
    return CameraFace(
        camera, tolerance=settings.face_tolerance, model=settings.face_model, **options
    )


@dataclass
class Services:
    """Everything a reception needs; ``slot`` is the card reader."""

    settings: Settings
    policy: FlowPolicy
    slot: TransportSlot
    certificates: CertificateChecker
    face: FaceVerifier
    eligibility: Eligibility
    records: Records
    staff: StaffAuthenticator
    clock: Clock
    camera: str
    phone: PhoneSlot | None = None  # the 汎用カードリーダー ([phone] reader), None: none
    _closers: list[Any] = field(default_factory=list, repr=False)
    _flows: weakref.WeakSet[Reception] = field(default_factory=weakref.WeakSet, repr=False)

    def reception(self) -> Reception:
        """A new flow over these services (``set_camera`` later reaches it too)."""
        flow = Reception(
            slot=self.slot,
            certificates=self.certificates,
            face=self.face,
            eligibility=self.eligibility,
            records=self.records,
            staff=self.staff,
            clock=self.clock,
            policy=self.policy,
            phone=self.phone,
        )
        self._flows.add(flow)
        return flow

    def insert_card(self, card: str | Transport) -> Transport:
        """Put a card on the reader: a ``--card`` spec (virtual:<profile>, a card file, pcsc)
        or an open Transport. Returns the transport (wrap it before inserting to trace it)."""
        transport = open_card(card) if isinstance(card, str) else card
        self.slot.insert(transport)
        return transport

    def remove_card(self) -> None:
        self.slot.remove()

    def set_camera(self, camera: str) -> None:
        """Change the camera (between receptions)."""
        close = getattr(self.face, "close", None)
        if close is not None:
            close()
        self.face = face_for_camera(camera, self.settings)
        self.camera = camera
        for flow in self._flows:
            flow.face = self.face

    def close(self) -> None:
        self.slot.remove()
        if self.phone is not None:
            self.phone.remove()
        close = getattr(self.face, "close", None)
        if close is not None:
            close()
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        self._closers.clear()


def open_card(spec: str) -> Transport:
    return open_device(spec)


def build_services(
    settings: Settings | None = None,
    *,
    card: str | Transport | None = None,
    camera: str | None = None,
    records: str | Records | None = None,
    clock: Clock | None = None,
    face: FaceVerifier | None = None,
    eligibility: Eligibility | None = None,
    certificates: CertificateChecker | None = None,
    staff: StaffAuthenticator | None = None,
    card_camera: str | None = None,
) -> Services:
    """Wire the reception. ``records`` is a records URL (sqlite path / postgresql://) or a
    ready Records port; ``camera`` a kiosk.face camera spec or ``scripted:…`` (default:
    ``person:`` of nobody — pass one); ``card_camera`` the card-front camera that 照合番号B
    is read from (``image:<path>``, ``cv:<index>``, ``printed``: the virtual card's own
    front; None: a virtual card hands over its 照合番号B, any other card has none)."""
    front = FrontReader(open_front_camera(card_camera)) if card_camera else None
    if settings is None:
        settings = load_settings()
    closers: list[Any] = []
    if records is None or isinstance(records, str):
        store = open_records(
            settings, url=records, sign=partial(sign_records, key=kiosk_key(settings.kiosk_id))
        )
        closers.append(store.close)
        records_port: Records = StoreRecords(store)
    else:
        records_port = records
    if eligibility is None:
        eligibility = ServiceEligibility(SimulatedEligibilityService.from_settings(settings))
    camera = camera or "scripted:match"
    services = Services(
        settings=settings,
        policy=FlowPolicy.from_settings(settings),
        slot=TransportSlot(front),
        certificates=certificates or CaCertificates(trusted=settings.trusted_ca_files),
        face=face or face_for_camera(camera, settings),
        eligibility=eligibility,
        records=records_port,
        staff=staff or SettingsStaff(settings),
        clock=clock or SystemClock(),
        camera=camera,
        phone=PhoneSlot(settings.phone_reader) if settings.phone_reader else None,
        _closers=closers,
    )
    if card is not None:
        services.insert_card(card)
    return services
