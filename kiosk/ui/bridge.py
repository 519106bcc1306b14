"""The flow on its own thread, seen from Qt: :class:`FlowWorker` calls the flow,
:class:`FlowBridge` (GUI thread) re-emits what the flow says as typed signals.

Every flow call — card I/O, face attempts, database writes — runs on one worker thread, in
order; the GUI thread only posts requests and paints. ``interrupt()`` is the one call made
from the GUI thread directly (the flow declares it thread-safe): it stops a running face
attempt so a cancel or a card removal is handled at once.

The worker's thread is :class:`kiosk.wiring.flow_thread.WorkThread` (a Python thread, for
dlib's sake); its signals are emitted from that thread and reach GUI-thread receivers queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from kiosk.errors import KioskError
from kiosk.reception import Change, Event, FlowError, Reception, State
from kiosk.reception.events import StaffAnswer
from kiosk.reception.ports import FaceFrame
from kiosk.ui.staff_console import jp2_to_image
from kiosk.wiring.flow_thread import WorkThread

log = logging.getLogger(__name__)

ENTERS_FACE = frozenset({Event.CHOOSE_FACE, Event.RETRY_FACE, Event.CONTINUE})
"""Events after which, in the face state, the worker starts a face attempt by itself."""

PREVIEW_WIDTH = 640
"""Frames are scaled to at most this width (pixels) on the worker before reaching the GUI."""


def frame_to_image(array: Any) -> QImage | None:
    """A numpy RGB uint8 HxWx3 frame as an owned QImage (scaled down on this thread)."""
    if array is None:
        return None
    shape: tuple[int, ...] = tuple(getattr(array, "shape", ()))
    if len(shape) != 3 or shape[2] != 3:
        return None
    height, width = int(shape[0]), int(shape[1])
    data = array.tobytes() if not array.flags["C_CONTIGUOUS"] else array.data
    image = QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888)
    if width > PREVIEW_WIDTH:
        return image.scaledToWidth(PREVIEW_WIDTH, Qt.TransformationMode.FastTransformation)
    return image.copy()


class FlowWorker(QObject):
    """Owns the worker thread; every flow call happens there, in :meth:`call`."""

    changed = Signal(object)  # kiosk.reception.Change
    frame = Signal(object, str, float)  # QImage | None, guidance key, progress 0..1
    refused = Signal(str, str)  # event, reason (a rule name or the flow's message)
    failed = Signal(str, str)  # event, error type
    settled = Signal(str, object)  # event, State after it (every call)
    staff_photo = Signal(object)  # QImage | None (the chip photo, decoded here, never stored)
    job_done = Signal(str, object)  # tag, result

    def __init__(self, flow: Reception) -> None:
        super().__init__()
        self.flow = flow
        self.frame_wanted = True
        self.tick_pending = False
        self._thread = WorkThread("kiosk-flow")
        flow.add_listener(self._on_change)
        flow.add_frame_listener(self._on_frame)

    # -- the thread -----------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Finish the queued work, then end the thread."""
        self._thread.stop(timeout_s)

    def post(self, work: Callable[[], None]) -> None:
        self._thread.post(work)

    def _on_change(self, change: Change) -> None:
        self.changed.emit(change)

    def _on_frame(self, frame: FaceFrame) -> None:
        if not self.frame_wanted and frame.image is not None:
            return  # the GUI has not painted the last one yet: drop this one
        image = frame_to_image(frame.image)
        if image is not None:
            self.frame_wanted = False
        self.frame.emit(image, frame.guidance or "", float(frame.progress))

    def call(self, event: Event, value: Any = None) -> None:
        """Send ``event`` to the flow (the value stays in this call: a PIN is never kept)."""
        if event is Event.TICK:
            self.tick_pending = False
        try:
            state = self.flow.send(event, value)
        except FlowError as exc:
            self.refused.emit(event, getattr(exc, "guard", "") or type(exc).__name__)
            log.debug("flow refused %s: %s", event, type(exc).__name__)
            return
        except KioskError as exc:
            self.failed.emit(event, type(exc).__name__)
            log.warning("flow event %s failed: %s", event, type(exc).__name__)
            return
        finally:
            value = None
        self.settled.emit(event, state)
        if state == State.STAFF_WAIT:
            self.staff_photo.emit(self._decoded_staff_photo())
        if event is Event.TICK and state == State.IDLE_WARNING:
            self.changed.emit(Change(state, state, Event.TICK, self.flow.screen()))
        if state == State.FACE and event in ENTERS_FACE:
            self.post(lambda: self.call(Event.LOOK_AT_CAMERA))

    def _decoded_staff_photo(self) -> QImage | None:
        data = self.flow.staff_photo()
        if not data:
            return None

        return jp2_to_image(data)

    def run_job(self, tag: str, job: Any) -> None:
        """Run ``job()`` here, in order with the flow's events (card I/O is not shared)."""
        try:
            result = job()
        except Exception as exc:  # a failed job is reported, never fatal
            log.warning("%s failed: %s", tag, type(exc).__name__)
            self.job_done.emit(tag, exc)
            return
        self.job_done.emit(tag, result)


class FlowBridge(QObject):
    """GUI-thread face of the flow: ``request(event, *args)`` and the worker's signals.

    The signals are emitted on the worker thread: connect them to bound methods of QObjects
    living on the GUI thread (queued delivery), never to lambdas (those run on the worker).
    """

    def __init__(self, flow: Reception, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.worker = FlowWorker(flow)
        self.changed = self.worker.changed
        self.frame = self.worker.frame
        self.refused = self.worker.refused
        self.failed = self.worker.failed
        self.settled = self.worker.settled
        self.staff_photo = self.worker.staff_photo
        self.job_done = self.worker.job_done

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop a face attempt, finish the queued calls and end the thread."""
        self.flow.interrupt()
        self.worker.stop(timeout_s)

    def request(self, event: Event, value: Any = None) -> None:
        """Queue ``event`` (with its value) for the flow; returns at once."""
        self.worker.post(lambda: self.worker.call(event, value))

    def run_job(self, tag: str, job: Any) -> None:
        """Queue ``job`` (a callable) on the flow's thread; ``job_done(tag, result)`` follows."""
        self.worker.post(lambda: self.worker.run_job(tag, job))

    def interrupt_then(self, event: Event) -> None:
        """Stop a running face attempt, then queue ``event`` (cancel, card removal)."""
        self.flow.interrupt()
        self.request(event)

    def tick(self) -> None:
        """Queue one ``tick`` unless one is already waiting."""
        if not self.worker.tick_pending:
            self.worker.tick_pending = True
            self.request(Event.TICK)

    def frame_painted(self) -> None:
        self.worker.frame_wanted = True


class BridgeDoor:
    """The flow as the staff station's kiosk link reaches it through the bridge: every call
    on the flow's thread, in order with the patient's events."""

    def __init__(self, bridge: FlowBridge) -> None:
        self.bridge = bridge

    def run(self, job: Callable[[], None]) -> None:
        self.bridge.run_job("station", job)

    def confirm(self, ok: bool, staff_id: str) -> None:
        self.bridge.request(Event.STAFF_CONFIRM, StaffAnswer(ok, staff_id))

    def mode(self, visual: bool, credential: str, staff_id: str) -> None:
        self.bridge.request(Event.STAFF_MODE, (visual, credential, staff_id))
