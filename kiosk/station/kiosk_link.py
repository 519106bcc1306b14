"""A kiosk's link to the staff station: it listens to the flow and publishes calls and status
in the records database, and carries out what the desk asks of this kiosk.

- Calls: the patient pressed 職員を呼ぶ, or only 目視確認 is left (the PIN locked, the face
  failed to the limit, a face-only card): a call with its reason. The call ends with the
  reception.
- While the kiosk waits for 目視確認: the chip photo, the card holder's name and birth date
  and a small live image a few times a second go to the :class:`MediaHub` (memory only);
  they are dropped when the wait ends.
- The desk's requests: 無人 / 目視確認 (held between receptions or not), the staff's answer
  to a call, read the PINs again, send the waiting patient's images to a station of another
  process (:mod:`kiosk.station.uplink`, sealed to the station that asked). Flow calls
  happen on the flow's own thread through a :class:`FlowDoor` (the window's bridge, or the
  headless kiosk's thread).

The station signs staff in; a request carries the staff ID, and the link switches the mode
with a one-time credential of its own (:class:`LinkStaff`), so the flow's audit records who.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, Protocol

from kiosk.errors import KioskError
from kiosk.reception import Change, Event, Reception, State
from kiosk.reception.events import UNNAMED_STAFF
from kiosk.reception.ports import StaffAuthenticator
from kiosk.reception.rules import desk_call_reason
from kiosk.station.holder import read_holder
from kiosk.station.media import MediaHub, frame_jpeg, media_hub, photo_jpeg
from kiosk.station.orders import Orders, note_refusal
from kiosk.station.pairing import KioskPairing
from kiosk.station.uplink import MediaUplink, endpoint_ok
from kiosk.station_tables.bell import KIOSKS
from kiosk.station_tables.calls import CallBoard, CallReason, Command, CommandKind
from kiosk.station_tables.keys import KeyPair, kiosk_key
from kiosk.station_tables.trust import StatusSealer, ensure_trust_schema, seal_call, seal_of

log = logging.getLogger(__name__)

ENDED = frozenset(
    {State.START, State.DONE, State.CANCELLED, State.CARD_ERROR, State.TAKE_CARD, State.CARD_LEFT}
)
"""States in which the reception is over (or not begun): calls end, the view is dropped."""

PIN_STATES = frozenset({State.STAFF_WAIT, State.PIN_LOCKED})
"""Entering these, the link reads every PIN's tries left for the desk."""


class FlowDoor(Protocol):
    """How the link reaches the flow: everything runs on the flow's thread, in order."""

    def run(self, job: Callable[[], None]) -> None: ...

    def confirm(self, ok: bool, staff_id: str) -> None: ...

    def mode(self, visual: bool, credential: str, staff_id: str) -> None: ...


class LinkStaff:
    """The flow's staff check, plus one-time credentials the link mints for the desk's
    signed-in staff (each accepted once)."""

    def __init__(self, inner: StaffAuthenticator) -> None:
        self.inner = inner
        self._tokens: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def on(cls, flow: Reception) -> LinkStaff:
        """The flow's one-time credentials (installed over its staff check once)."""
        if not isinstance(flow.staff, LinkStaff):
            flow.staff = cls(flow.staff)
        return flow.staff

    def mint(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return token

    def check(self, credential: str) -> bool:
        with self._lock:
            if credential in self._tokens:
                self._tokens.discard(credential)
                return True
        return self.inner.check(credential)


def call_reason(state: State, flow: Reception) -> CallReason | None:
    """Why the desk is needed in ``state`` (None: it is not): the reception's rule."""
    return desk_call_reason(state, flow.visit, flow.policy)


def call_detail(state: State, visit: Any) -> dict[str, str]:
    """What the desk needs to know beyond the reason: the screen the kiosk shows, its error
    code (006 …) and an eligibility answer that is not 有効 (its validity number). Never a
    name, a number of the card or a PIN."""
    detail = {"state": str(state.value)}
    if visit.error is not None:
        detail["code"] = str(visit.error.value)
    qualification = visit.qualification
    if qualification is not None and not qualification.valid:
        detail["validity"] = str(qualification.validity)
    return detail


def camera_frames(flow: Reception) -> Callable[[], Any] | None:
    """A frame reader over the flow's own camera (the face verifier's source), or None."""

    def read() -> Any:
        reader = getattr(flow.face, "read_frame", None)  # scripted verdicts have no camera
        return reader() if callable(reader) else None

    return read


RESTATE_BEATS = 15
"""Every so many heartbeats (30 s at 2 s) the kiosk states its whole status again, signed,
whether or not it changed: a row someone else changed meanwhile is put right (and the desk
rung only when something was different)."""


class KioskLink:
    """One kiosk's link; ``start()`` after the flow exists, ``stop()`` at the end."""

    def __init__(
        self,
        flow: Reception,
        board: CallBoard,
        kiosk_id: str,
        door: FlowDoor,
        *,
        media: MediaHub | None = None,
        frames: Callable[[], Any] | None = None,
        slot: Any = None,
        heartbeat_s: float = 2.0,
        frame_interval_s: float = 0.4,
        poll_s: float = 0.25,
        orders: Orders | None = None,
        identity: KeyPair | None = None,
    ) -> None:
        self.flow = flow
        self.board = board
        self.kiosk_id = kiosk_id
        self.door = door
        self.media = media or media_hub()
        self.frames = frames if frames is not None else camera_frames(flow)
        self.slot = slot
        self.heartbeat_s = heartbeat_s
        self.frame_interval_s = frame_interval_s
        self.poll_s = poll_s
        self._uplinks: dict[str, MediaUplink] = {}
        self.staff = LinkStaff.on(flow)
        self.desk_reachable = True
        self.unreachable_listeners: list[Callable[[bool], None]] = []
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._state = flow.state
        self._mode = "visual" if flow.visit.staff_visual else "unattended"
        self._reception: str | None = None
        self._waiting = False
        self._call: CallReason | None = None
        self._call_detail: dict[str, str] = {}
        self._calling = False  # a call opened in this visit and not over (the flow's thread)
        self._held_by: str | None = None
        self._frame_pending = False
        self.orders = orders or Orders(kiosk_id)
        self.identity = identity or kiosk_key(kiosk_id)  # signs its calls and images
        self.pairing = KioskPairing(board.db, kiosk_id, self.identity)  # until paired
        ensure_trust_schema(board.db)
        board.seal_status = StatusSealer(self.identity)  # the desk believes only its statuses
        self._call_id: str | None = None  # the open call's ID (the desk's answer names it)
        self._asked_by: str | None = None  # the station key that signed the request at hand
        self._told: tuple[Any, ...] | None = None  # the status the desk has (link's thread)
        self._pins: list[dict[str, Any]] = []  # the PINs' tries left as last read (link's thread)
        self._beats = 0  # heartbeats since the status was last stated again
        flow.add_listener(self._on_change)

    # -- lifetime ----------------------------------------------------------------------------

    def start(self) -> None:
        for name, target in (("station-link", self._work), ("station-requests", self._requests)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        self._jobs.put(self._report)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._jobs.put(None)
        self.board.bell.ring(KIOSKS)
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()
        for uplink in list(self._uplinks.values()):
            uplink.stop(timeout_s)
        self._uplinks.clear()
        self.media.clear(self.kiosk_id)

    # -- the flow (its thread): note, then hand the work to the link's thread ----------------

    def _on_change(self, change: Change) -> None:
        if change.event == "tick" and change.state == change.previous:
            return
        flow = self.flow
        visit = flow.visit
        state = change.state
        entered = change.previous != state
        reason = call_reason(state, flow) if entered else None
        if change.event == Event.CALL_STAFF and not entered:  # on an end screen
            reason = CallReason.HELP
        with self._lock:
            self._state = state
            self._mode = "visual" if visit.staff_visual else "unattended"
            self._reception = visit.reception_id or None
            was_waiting, self._waiting = self._waiting, state == State.STAFF_WAIT
        reception = visit.reception_id
        if self._waiting and not was_waiting:
            self.media.open(self.kiosk_id, reception)
            self.door.run(lambda: self._read_for_staff(reception))
        elif was_waiting and not self._waiting:
            self.media.clear(self.kiosk_id)
        if entered and state in PIN_STATES:
            self.door.run(self._read_pins)
        if entered and self._calling and reason is None and state != State.IDLE_WARNING:
            self._calling = False
            if change.event == Event.STAFF_CONFIRM:  # answered here, not at the station
                ok, staff = state not in ENDED, visit.staff_id or UNNAMED_STAFF
                self._jobs.put(lambda: self._answered_here(ok, staff))
            elif state not in ENDED:  # the patient went on without the desk
                self._jobs.put(self._end_calls)
        if entered and state in ENDED:
            self._calling = False
            self._jobs.put(self._end_calls)
            if state == State.START:
                self._jobs.put(lambda: self._report(pins=[]))
                if self._held_by is not None and not visit.staff_visual:
                    self.door.mode(True, self.staff.mint(), self._held_by)
        if reason is not None:  # a call for help on an end screen lasts until the card goes
            self._calling = reason is not CallReason.HELP
            detail = call_detail(state, visit)
            self._jobs.put(lambda: self._open_call(reception, reason, detail))
        self._jobs.put(self._report)

    def _read_for_staff(self, reception: str) -> None:
        """On the flow's thread, once the wait began: the chip photo and the holder."""
        if self.flow.state != State.STAFF_WAIT or self.flow.visit.reception_id != reception:
            return
        photo = self.flow.staff_photo()
        verify_b = getattr(self.slot, "verify_b", None)
        holder = read_holder(self.flow.visit.card, verify_b, date.today())
        self._jobs.put(lambda: self._publish_photo(reception, photo, holder))

    def _publish_photo(self, reception: str, photo: bytes | None, holder: Any) -> None:
        jpeg = photo_jpeg(photo) if photo else None
        self.media.update(self.kiosk_id, reception, photo=jpeg, holder=holder)

    def _read_pins(self) -> None:
        try:
            statuses = self.flow.pin_statuses()
            if statuses is None and self.slot is not None:
                statuses = self.slot.pin_statuses()
        except KioskError as exc:
            log.info("PINs not read for the desk: %s", type(exc).__name__)
            statuses = []
        pins = [s.to_dict() for s in statuses or [] if hasattr(s, "to_dict")]
        self._jobs.put(lambda: self._report(pins=pins))

    def _grab_frame(self, reception: str) -> None:
        """On the flow's thread, while the patient waits: one frame of the camera."""
        try:
            if self.flow.state != State.STAFF_WAIT or self.frames is None:
                return
            image = self.frames()
        except Exception as exc:  # a camera that fails leaves the live box empty
            log.info("no live image for the desk: %s", type(exc).__name__)
            return
        finally:
            self._frame_pending = False
        if image is not None:
            self._jobs.put(lambda: self._publish_frame(reception, image))

    def _publish_frame(self, reception: str, image: Any) -> None:
        jpeg = frame_jpeg(image)
        if jpeg is not None:
            self.media.update(self.kiosk_id, reception, frame=jpeg)

    # -- the link's thread: the records database -----------------------------------------------

    def _work(self) -> None:
        next_beat = time.monotonic() + self.heartbeat_s
        next_frame = 0.0
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=0.1)
            except queue.Empty:
                job = None
            else:
                if job is None:
                    return
            if job is not None:
                self._guard(job)
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + self.heartbeat_s
                self._guard(self._heartbeat)
            if self._waiting and not self._frame_pending and now >= next_frame:
                next_frame = now + self.frame_interval_s
                self._frame_pending = True
                reception = self._reception or ""
                self.door.run(partial(self._grab_frame, reception))

    def _guard(self, job: Callable[[], None]) -> None:
        try:
            job()
        except KioskError as exc:
            self._reachable(False)
            log.warning("the staff station cannot be reached: %s", type(exc).__name__)
        else:
            self._reachable(True)

    def _reachable(self, ok: bool) -> None:
        if not ok:
            self._told = None  # once back, the desk is told everything again
        if ok == self.desk_reachable:
            return
        if ok:  # back? only once the desk has been told everything again
            try:
                self._report()
                if self._call is not None and self._waiting:
                    self._open_call(self._reception or "", self._call, self._call_detail)
            except KioskError as exc:  # a job that needed no records went through: not back
                log.warning("the staff station is still out of reach: %s", type(exc).__name__)
                return
        self.desk_reachable = ok
        for listener in list(self.unreachable_listeners):
            listener(ok)

    def _heartbeat(self) -> None:
        self._beats += 1
        if self._beats >= RESTATE_BEATS:  # the status row again, signed: a forged one is undone
            self._told = None
            self._report()
        else:
            self.board.heartbeat(self.kiosk_id)

    def _report(self, pins: list[dict[str, Any]] | None = None) -> None:
        """Tell the desk the status (the PINs as last read unless ``pins`` are new), signed
        by this kiosk's key; nothing when the desk has it already."""
        with self._lock:
            state, mode, waiting, reception = (
                self._state,
                self._mode,
                self._waiting,
                self._reception,
            )
        if pins is not None:
            self._pins = pins
        status = (state, mode, waiting, reception, self._pins)
        if status == self._told:
            return  # reports queued behind a busy database: the first told the newest status
        self.board.report(
            self.kiosk_id,
            state=str(state.value),
            mode=mode,
            waiting=waiting,
            reception_id=reception,
            pins=self._pins,  # its own, never what the row says
        )
        self._told = status
        self._beats = 0

    def _open_call(self, reception: str, reason: CallReason, detail: dict[str, str]) -> None:
        self._call, self._call_detail = reason, detail
        call = self.board.open_call(self.kiosk_id, reception or None, reason, detail=detail)
        self._call_id = call.id
        seal_call(self.board.db, self.identity, call)

    def _answered_here(self, ok: bool, staff_id: str) -> None:
        self._call = None
        self.board.answered_at_kiosk(self.kiosk_id, ok, staff_id)

    def _end_calls(self) -> None:
        self._call = None
        self.board.end_calls(self.kiosk_id)

    # -- the desk's requests ----------------------------------------------------------------

    def _requests(self) -> None:
        bell = self.board.bell
        seen = bell.count(KIOSKS, self.kiosk_id)
        paired = False
        while not self._stop.is_set():
            with contextlib.suppress(KioskError):
                paired = paired or self.pairing.step()
                for command in self.board.pending(self.kiosk_id):
                    self._obey(command)  # once: a request seen before is refused as replayed
            wait_s = bell.poll_s(self.poll_s) if paired else self.poll_s  # pairing: poll
            seen = bell.wait(KIOSKS, seen, wait_s, self.kiosk_id)

    def _obey(self, command: Command) -> None:
        """Carry out ``command`` if the station signed it for this kiosk, call and reception
        now (:mod:`kiosk.station.orders`); else refuse it, for the desk and the records."""
        with self._lock:
            waiting, reception = self._waiting, self._reception
        seal = seal_of(self.board.db, command.id)
        why = self.orders.check(
            command,
            seal,
            waiting=waiting,
            reception_id=reception,
            call_id=self._call_id,
        )
        if why is None:
            self._asked_by = seal[0] if seal is not None else None  # for the images
            self._carry_out(command.kind, command.value, command.staff_id)
            self.board.done(command.id, "sent")
            return
        log.warning("a request of the desk was refused (%s %s)", command.kind.value, why)
        self.board.done(command.id, f"refused:{why}")
        self.door.run(partial(note_refusal, self.flow, command.kind.value, why))

    def _carry_out(self, kind: CommandKind, value: dict[str, Any], staff_id: str) -> None:
        if kind is CommandKind.CONFIRM:
            ok = value.get("ok") is True
            if not self.flow.visit.staff_visual:
                self.door.mode(True, self.staff.mint(), staff_id)
            self.door.confirm(ok, staff_id)
        elif kind is CommandKind.MODE:
            visual = value.get("visual") is True
            self._held_by = staff_id if visual and value.get("hold") is True else None
            self.door.mode(visual, self.staff.mint(), staff_id)
        elif kind is CommandKind.PINS:
            self.door.run(self._read_pins)
        elif kind is CommandKind.WATCH:
            self._send_images(value)

    def _send_images(self, value: dict[str, Any]) -> None:
        """A station of another process watches this kiosk's call: stream it the images
        while the patient still waits (one uplink per station)."""
        url, station, reception = value.get("url"), value.get("station"), value.get("reception_id")
        station = self._asked_by
        if station is None or not isinstance(url, str) or not endpoint_ok(url):
            return
        if station in self.media.stations:
            return  # a station of this process: it sees the views already
        with self._lock:
            waiting, current = self._waiting, self._reception
        if not waiting or not reception or reception != current:
            return
        running = self._uplinks.get(url)
        if running is not None and running.alive and running.reception_id == reception:
            return

        def still_waiting() -> bool:
            return self._waiting and self._reception == reception and not self._stop.is_set()

        self._uplinks[url] = MediaUplink(
            url, self.identity, station, self.kiosk_id, reception, self.media, still_waiting
        ).start()
