"""Serving the station with uvicorn: on loopback by default, on another address only with
TLS (a certificate and its key), in the foreground (``kiosk staff serve``) or on a thread of
the kiosk's own process (``kiosk run``). The application is told the address and port it is
served on (for the Host check), and the client's address is the connection's: no
``X-Forwarded-For`` is believed, whoever sends it."""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.station.app import create_app
from kiosk.station.hosts import is_loopback
from kiosk.station.state import StationConfig

log = logging.getLogger(__name__)

DEFAULT_PORT = 8470


class StationError(KioskError):
    """The station cannot start as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Binding:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    certificate: Path | None = None
    key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.certificate is not None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}/"


def check_binding(binding: Binding) -> Binding:
    """Refuse what would expose staff passwords or patient images on a network."""
    if not 0 < binding.port < 65536:
        raise StationError(f"port {binding.port}: use 1-65535")
    if (binding.certificate is None) != (binding.key is None):
        raise StationError("TLS needs both --tls-cert and --tls-key")
    for path in (binding.certificate, binding.key):
        if path is not None and not path.is_file():
            raise StationError(f"TLS file {path} does not exist")
    if not is_loopback(binding.host) and not binding.tls:
        raise StationError(
            f"the station would listen on {binding.host} without TLS: staff passwords and "
            "patients' photos would cross the network in the clear. Give --tls-cert and "
            "--tls-key, or listen on 127.0.0.1"
        )
    return binding


def _config(binding: Binding, station: StationConfig) -> object:
    import uvicorn

    station = dataclasses.replace(station, host=binding.host, port=binding.port)
    return uvicorn.Config(
        create_app(station),
        host=binding.host,
        port=binding.port,
        ssl_certfile=str(binding.certificate) if binding.certificate else None,
        ssl_keyfile=str(binding.key) if binding.key else None,
        log_level="warning",
        access_log=False,
        ws="websockets-sansio",
        lifespan="on",
        server_header=False,
        proxy_headers=False,  # the client is who connected: X-Forwarded-For is not believed
    )


def serve(binding: Binding, station: StationConfig) -> None:
    """Serve in the foreground until interrupted."""
    import uvicorn

    check_binding(binding)
    _free(binding)
    config = _config(binding, station)
    uvicorn.Server(config).run()  # type: ignore[arg-type]


def _free(binding: Binding) -> None:
    family = socket.AF_INET6 if ":" in binding.host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((binding.host, binding.port))
        except OSError as exc:
            raise StationError(
                f"the station cannot listen on {binding.host}:{binding.port}: {exc.strerror} "
                "(another station running? use --port)"
            ) from None


class StationThread:
    """The station on a thread of this process (the kiosk's ``kiosk run``)."""

    def __init__(self, binding: Binding, station: StationConfig) -> None:
        import uvicorn

        check_binding(binding)
        _free(binding)
        self.binding = binding
        self.server = uvicorn.Server(_config(binding, station))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, name="station", daemon=True)

    def start(self, timeout_s: float = 30.0) -> StationThread:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise StationError(f"the station did not start on {self.binding.url}")
            time.sleep(0.02)
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout_s)
