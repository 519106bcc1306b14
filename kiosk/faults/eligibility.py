"""The online eligibility service slow or failing, around the flow's Eligibility port.

:class:`SlowEligibility` makes every call take ``delay_s`` (spent through ``sleep``: pass a
virtual clock's ``advance`` to keep tests fast); :class:`FailingEligibility` makes chosen calls
raise :class:`~kiosk.eligibility.errors.ServiceUnavailableError`, as the real client does on a
connection error or a timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import datetime

from kiosk.eligibility.errors import ServiceUnavailableError
from kiosk.reception.ports import CertificateCheck, Eligibility, Qualification

CALLS = ("is_registered", "register", "lookup")


class SlowEligibility:
    """Every call waits ``delay_s`` seconds before asking the wrapped service."""

    def __init__(
        self, inner: Eligibility, delay_s: float, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.inner = inner
        self.delay_s = delay_s
        self.sleep = sleep
        self.calls = 0

    def _wait(self) -> None:
        self.calls += 1
        self.sleep(self.delay_s)

    def is_registered(self, cert_der: bytes) -> bool:
        self._wait()
        return self.inner.is_registered(cert_der)

    def register(self, cert_der: bytes) -> None:
        self._wait()
        self.inner.register(cert_der)

    def lookup(
        self, cert_der: bytes, at: datetime, checked: CertificateCheck | None = None
    ) -> Qualification:
        self._wait()
        return self.inner.lookup(cert_der, at, checked)


class FailingEligibility:
    """Calls named in ``failing`` raise ServiceUnavailableError while ``down`` is True."""

    def __init__(self, inner: Eligibility, failing: Collection[str] = CALLS) -> None:
        unknown = set(failing) - set(CALLS)
        if unknown:
            raise ValueError(f"unknown eligibility calls {sorted(unknown)}; known: {CALLS}")
        self.inner = inner
        self.failing = set(failing)
        self.down = True
        self.failures = 0

    def _check(self, call: str) -> None:
        if self.down and call in self.failing:
            self.failures += 1
            raise ServiceUnavailableError(
                "the online eligibility service did not answer (injected fault); "
                "check the network, then try again"
            )

    def is_registered(self, cert_der: bytes) -> bool:
        self._check("is_registered")
        return self.inner.is_registered(cert_der)

    def register(self, cert_der: bytes) -> None:
        self._check("register")
        self.inner.register(cert_der)

    def lookup(
        self, cert_der: bytes, at: datetime, checked: CertificateCheck | None = None
    ) -> Qualification:
        self._check("lookup")
        return self.inner.lookup(cert_der, at, checked)
