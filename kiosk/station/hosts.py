"""The ``Host`` header values the station answers to (against DNS rebinding: a page of another
site whose name was made to point at this machine sends that site's name as its Host).

They are the address the station listens on with its port, ``localhost``, ``127.0.0.1`` and
``[::1]`` with its port when it listens on loopback, and the names the operator lists
(``StationConfig(allowed_hosts=...)``, ``kiosk staff serve --allowed-host NAME``): a name
alone is allowed with the station's port or without one (as a proxy on the default port
passes it on), ``NAME:PORT`` exactly. A station whose port is not known (an application made
without a server) allows its names with any port. Anything else is answered 400.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names, compared, never bound
"""Listening on every address: no Host names these."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _shown(name: str) -> str:
    """``name`` as a Host header carries it (an IPv6 address in brackets), lower case."""
    name = name.strip().lower().rstrip(".")
    if ":" in name and not name.startswith("["):
        return f"[{name}]"
    return name


def split_host(value: str) -> tuple[str, int | None]:
    """A Host header's name (as :func:`_shown` writes it) and port (None: none given, or
    not a port)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value.partition("]")
        name += "]"
        port = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            return value, None
    elif value.count(":") == 1:
        name, port = value.split(":")
    else:
        name, port = value, ""
    if port and not (port.isascii() and port.isdigit()):
        return value, None
    return name.rstrip("."), int(port) if port else None


@dataclass(frozen=True)
class Hosts:
    """The Host values a station answers to."""

    exact: frozenset[str]
    any_port: frozenset[str]  # names allowed with any port (the station's port not known)

    def allows(self, host: str | None) -> bool:
        if not host:
            return False
        name, port = split_host(host)
        shown = name if port is None else f"{name}:{port}"
        return shown in self.exact or name in self.any_port


def served_hosts(
    host: str | None, port: int | None, allowed: Iterable[str] = (), *, secure: bool = False
) -> Hosts:
    """The Host values of a station listening on ``host``:``port`` (None: not known), with
    the ``allowed`` names (``NAME``: with the station's port or none, as behind a proxy on the
    default port; ``NAME:PORT``: exactly)."""
    names: set[str] = set()
    exact: set[str] = set()
    if host is not None and host.strip() not in WILDCARDS:
        names.add(_shown(host))
    if host is None or is_loopback(host.strip("[]")):
        names.update(_shown(n) for n in LOOPBACK_NAMES)
    for entry in allowed:
        name, given = split_host(entry)
        if not name or name == "[]":
            continue
        if given is None:
            name = _shown(name.strip("[]"))
            names.add(name)
            exact.add(name)
        else:
            exact.add(f"{name}:{given}")
    default = 443 if secure else 80
    any_port: set[str] = set()
    for name in names:
        if port is None:
            any_port.add(name)
        else:
            exact.add(f"{name}:{port}")
            if port == default:
                exact.add(name)
    return Hosts(frozenset(exact), frozenset(any_port))
