"""The staff station beside ``kiosk run``: the kiosk's link to it (PostgreSQL or SQLite
records, LISTEN/NOTIFY), the staff button of the waiting screen, and the station's web page
on this machine. Opened once the window has painted its first frame."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.records.database import default_url
from kiosk.station.app import StationConfig
from kiosk.station.kiosk_link import KioskLink, LinkStaff
from kiosk.station.on_reader import KioskStaffCheck
from kiosk.station.server import Binding, StationError, StationThread
from kiosk.station_tables.calls import CallBoard
from kiosk.ui.bridge import BridgeDoor
from kiosk.ui.pairing_code import PairingCode
from kiosk.ui.staff_keypad import OnReaderStaff


def open_station(args: argparse.Namespace, settings: Any, services: Any, kiosk: Any) -> list[Any]:
    """The kiosk's link to the staff station, the staff button of the waiting screen and, on
    this machine, the station itself at http://127.0.0.1:8470/ (another process already
    serving it is fine). Returns what stops them."""
    url = args.records or os.environ.get("KIOSK_RECORDS") or settings.records_url or default_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    check = KioskStaffCheck(url, settings, settings.kiosk_id, LinkStaff.on(kiosk.flow))
    on_reader = OnReaderStaff(kiosk.window, kiosk.bridge, check)
    stops: list[Any] = [check.close, on_reader.deleteLater]
    try:
        board = CallBoard.open(url)
    except KioskError as exc:
        print(f"kiosk run: the staff station is unreachable: {exc}", file=sys.stderr)
        on_reader.watch_desk([], reachable=False)
        return stops
    link = KioskLink(
        kiosk.flow,
        board,
        settings.kiosk_id,
        BridgeDoor(kiosk.bridge),
        slot=services.slot,
    )
    on_reader.watch_desk(link.unreachable_listeners, link.desk_reachable)
    link.pairing.listeners.append(_say_code)
    corner = PairingCode(kiosk.window)
    link.pairing.listeners.append(corner.show_code)
    link.start()
    stops += [link.stop, board.close, corner.deleteLater]
    if args.station_port:
        try:
            server = StationThread(
                Binding("127.0.0.1", args.station_port), StationConfig(url, settings)
            ).start()
        except StationError as exc:
            print(f"kiosk run: {exc}", file=sys.stderr)
        else:
            print(f"staff station: {server.binding.url}", file=sys.stderr, flush=True)
            stops.insert(0, server.stop)
    return stops


def _say_code(code: str | None) -> None:
    """The pairing code, for whoever set this kiosk up (the desk types it at the station)."""
    if code is not None:
        print(
            f"kiosk run: pairing code {code}: a signed-in member of staff enters it at the "
            "staff station (キオスク / Kiosks tab)",
            file=sys.stderr,
            flush=True,
        )
