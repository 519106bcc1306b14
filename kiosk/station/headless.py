"""A kiosk without a window: its flow on one thread of its own, reached as a
:class:`~kiosk.station.kiosk_link.FlowDoor` (the station's requests) and by ``call`` (a
patient's actions in tests and benchmarks). Every flow call happens on that thread, in order,
as in the window's worker.

``python -m kiosk.station.headless --records URL --kiosk-id ID`` runs one such kiosk with its
link to the staff station in a process of its own: the patient's actions come one a line on
stdin (``place``, ``call_staff``, ``remove``, ``quit``) and every state it enters is printed
(``state staff-wait``)."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.face.camera.sources import open_camera
from kiosk.reception import Change, Reception
from kiosk.reception.events import Event, StaffAnswer, StaffMode
from kiosk.station.kiosk_link import KioskLink
from kiosk.station_tables.calls import CallBoard
from kiosk.wiring.flow_thread import WorkThread
from kiosk.wiring.services import build_services


class FlowThread(WorkThread):
    """One flow's thread (started at once), and the station's door to it."""

    def __init__(self, flow: Reception, name: str = "kiosk-flow") -> None:
        super().__init__(name)
        self.flow = flow
        self.start()

    # -- FlowDoor ----------------------------------------------------------------------------

    def run(self, job: Callable[[], None]) -> None:
        self.post(job)

    def confirm(self, ok: bool, staff_id: str) -> None:
        def send() -> None:
            self.flow.send(Event.STAFF_CONFIRM, StaffAnswer(ok, staff_id))

        self.post(send)

    def mode(self, visual: bool, credential: str, staff_id: str) -> None:
        def send() -> None:
            self.flow.send(Event.STAFF_MODE, StaffMode(visual, credential, staff_id))

        self.post(send)


def _send(flow: Reception, event: Event) -> None:
    flow.send(event)


ACTIONS: dict[str, Event] = {
    "place": Event.CARD_PLACED,
    "remove": Event.CARD_REMOVED,
    "call_staff": Event.CALL_STAFF,
    "cancel": Event.CANCEL,
}


def main(argv: Sequence[str] | None = None) -> int:
    """One headless kiosk with its station link, driven from stdin (see the module doc)."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.station.headless")
    parser.add_argument("--records", required=True, help="the shared records database URL")
    parser.add_argument("--kiosk-id", required=True)
    parser.add_argument("--card", default="virtual:auth-pin-locked")
    parser.add_argument("--camera", default="scripted:no-match", help="the face camera")
    parser.add_argument("--frames", help="the live image for the desk: image:<path>, cv:<n>")
    args = parser.parse_args(argv)
    settings = Settings(kiosk_id=args.kiosk_id)
    try:
        services = build_services(
            settings, card=args.card, camera=args.camera, records=args.records
        )
        flow = services.reception()
        frames = open_camera(args.frames).read if args.frames else None
        board = CallBoard.open(args.records)
    except KioskError as exc:
        print(f"headless kiosk: {exc}", file=sys.stderr)
        return 2

    def said(change: Change) -> None:
        if change.state != change.previous:
            print(f"state {change.state.value}", flush=True)

    flow.add_listener(said)
    thread = FlowThread(flow, name=f"flow-{args.kiosk_id}")
    link = KioskLink(
        flow,
        board,
        args.kiosk_id,
        thread,
        slot=services.slot,
        frames=frames,
    )
    link.pairing.listeners.append(lambda code: print(f"pair {code or '-'}", flush=True))
    link.start()
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            word = line.strip()
            if word == "quit":
                break
            action = ACTIONS.get(word)
            if action is None:
                print(f"unknown action {word!r}: use {', '.join(ACTIONS)} or quit", flush=True)
                continue
            thread.post(functools.partial(_send, flow, action))
    finally:
        link.stop()
        thread.stop()
        board.close()
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
