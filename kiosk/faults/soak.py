"""The soak: many headless receptions in one process, with random patients and faults.

:func:`soak` runs ``receptions`` visits on one :class:`~kiosk.faults.harness.HeadlessKiosk`
(real records store, CA, eligibility service; scripted face verdicts drawn at random) in a
temporary KIOSK_HOME. Each visit draws a card from the deck (some cards come back visit after
visit, so PIN locks persist), a patient (face, PIN right or wrong, staff; cancelling, taking
the card away or walking off at random) and at most one fault (card removed / I/O error at a
random APDU, eligibility down or slow, records database down, a failing commit, a full outbox
disk, the camera gone). After each visit the kiosk must be back at the start.

The verdict (:class:`SoakReport.ok`): nothing escaped the flow (no crash), every screen had
its text, RSS grew less than 10 % from the end of the warm-up to the end, the record chain
verifies and the store holds exactly the outcomes it acknowledged (completed = done screens).
Same seed, same visits.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import Settings, set_staff_password
from kiosk.errors import KioskError
from kiosk.faults.card import CardFault, FaultyCard
from kiosk.faults.eligibility import FailingEligibility, SlowEligibility
from kiosk.faults.face import VanishingCamera
from kiosk.faults.harness import OVER, CardBox, Choices, HeadlessKiosk, wrong_pin
from kiosk.faults.records import FlakyDatabase, outbox_disk_full
from kiosk.paths import kiosk_home_at
from kiosk.reception.errors import FlowError, RefusedError
from kiosk.reception.events import Event
from kiosk.reception.ports import FaceFrame, FaceVerdict
from kiosk.reception.states import State
from kiosk.simcard.deck import get_profile

S = State
STAFF_PASSWORD = "soak-staff-password"  # noqa: S105 - the soak's own throwaway kiosk
PROFILES = (
    ("standard", 40),
    ("face-only", 6),
    ("auth-pin-one-left", 6),
    ("auth-pin-locked", 4),
    ("expiring-soon", 4),
    ("expired-grace", 3),
    ("expired-certificate", 3),
    ("revoked-certificate", 3),
    ("unregistered", 5),
    ("not-my-number", 3),
    ("qualification-invalid", 3),
    ("no-qualification", 2),
    ("elderly", 4),
    ("high-cost", 4),
)
FAULTS = (
    ("none", 55),
    ("card", 14),
    ("eligibility-down", 5),
    ("eligibility-slow", 4),
    ("records-down", 5),
    ("records-commit", 4),
    ("outbox-full", 4),
    ("camera-gone", 9),
)
FAULT_NAMES = tuple(name for name, _ in FAULTS)
RSS_LIMIT = 0.10


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc/self/statm)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RandomFace:
    """Face verdicts drawn at random (3 in 4 match); one frame per attempt."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.prepared = False

    def prepare(self, card_photo: bytes) -> None:
        self.prepared = True

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        if not on_frame(FaceFrame(None, None, 1.0)):
            return FaceVerdict(False, "stopped")
        matched = self.rng.random() < 0.75
        return FaceVerdict(matched, "" if matched else "no_match")

    def forget(self) -> None:
        self.prepared = False


@dataclass
class SoakReport:
    receptions: int
    seed: int
    faults: list[str]
    seconds: float = 0.0
    screens: Counter[str] = field(default_factory=Counter)
    endings: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    stored: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)
    refused_writes: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    crash_count: int = 0
    refusals: int = 0
    not_back_at_start: int = 0
    problems: list[str] = field(default_factory=list)
    rss_warm_mb: float = 0.0
    rss_end_mb: float = 0.0
    chain_records: int = 0
    record_failures: list[str] = field(default_factory=list)

    @property
    def rss_growth(self) -> float:
        return (self.rss_end_mb - self.rss_warm_mb) / self.rss_warm_mb if self.rss_warm_mb else 0

    @property
    def ok(self) -> bool:
        return (
            self.crash_count == 0
            and self.not_back_at_start == 0
            and not self.problems
            and not self.record_failures
            and self.rss_growth < RSS_LIMIT
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "receptions": self.receptions,
            "seed": self.seed,
            "faults": self.faults,
            "seconds": round(self.seconds, 2),
            "receptions_per_s": round(self.receptions / self.seconds, 1) if self.seconds else 0,
            "outcomes_on_screen": dict(sorted(self.endings.items())),
            "outcomes_stored": dict(sorted(self.stored.items())),
            "writes_acknowledged": dict(sorted(self.acknowledged.items())),
            "writes_refused": dict(sorted(self.refused_writes.items())),
            "faults_injected": dict(sorted(self.injected.items())),
            "crashes": self.crash_count,
            "crash_examples": self.crashes[:10],
            "refused_events": self.refusals,
            "not_back_at_start": self.not_back_at_start,
            "screen_problems": self.problems[:10],
            "records_check": self.record_failures,
            "chain_records": self.chain_records,
            "rss_mb": {
                "after_warmup": round(self.rss_warm_mb, 1),
                "end": round(self.rss_end_mb, 1),
                "growth_pct": round(100 * self.rss_growth, 2),
                "limit_pct": round(100 * RSS_LIMIT),
            },
        }


SCREEN_OUTCOMES = {
    "done": ("completed",),
    "cancelled": ("cancelled", "card_removed"),
    "card-error:001": ("card_error",),
    "card-error:002": ("card_error",),
    "card-error:006": ("certificate_rejected",),
    "card-error:900": ("service_error",),
    "timed-out": ("timed_out",),
}


def screens_against_writes(report: SoakReport) -> list[str]:
    """Every ending the patient saw was handed to the records (acknowledged or refused)."""
    seen: Counter[str] = Counter()
    for ending, count in report.endings.items():
        seen[SCREEN_OUTCOMES.get(ending, (ending,))[0]] += count
    # a refused completion shows the 900 screen (its service-error write is counted there)
    written = report.acknowledged + report.refused_writes
    written["completed"] = report.acknowledged["completed"]
    handed: Counter[str] = Counter()
    for kind, count in written.items():
        for kinds in SCREEN_OUTCOMES.values():
            if kind in kinds:
                handed[kinds[0]] += count
                break
    seen.subtract(handed)
    wrong = {k: v for k, v in seen.items() if v}
    return [f"screens minus writes per outcome: {wrong}"] if wrong else []


class _Visit:
    """One patient's visit: draws, then drives the kiosk."""

    def __init__(self, soak: _Soak) -> None:
        self.soak = soak
        self.rng = soak.rng

    def run(self) -> None:
        soak, rng = self.soak, self.rng
        profile = _draw(rng, PROFILES)
        fault = _draw(rng, [(n, w) for n, w in FAULTS if n == "none" or n in soak.faults])
        chip = soak.card(profile)
        card = FaultyCard(chip)
        if fault == "card":
            card.fail_at = rng.randrange(0, 9)
            card.fault = rng.choice(list(CardFault))
        before = soak.fired()
        refused: list[int] = []
        try:
            with self._fault(fault, refused):
                soak.kiosk.place(card)
                self._patient("face" if fault == "camera-gone" else None)
        finally:
            self._count(fault, before, card, refused)

    def _count(
        self, fault: str, before: dict[str, int], card: FaultyCard, refused: list[int]
    ) -> None:
        soak = self.soak
        after = soak.fired()
        fired = {
            "card": card.injected,
            "outbox-full": bool(refused),
            **{name: after[name] > before[name] for name in before},
        }
        soak.report.injected[fault if fired.get(fault, True) else "none"] += 1
        if fault != "none" and not fired.get(fault, True):
            soak.report.injected[f"{fault} (drawn, not reached)"] += 1

    @contextlib.contextmanager
    def _fault(self, fault: str, refused: list[int]) -> Iterator[None]:
        soak = self.soak
        if fault == "eligibility-down":
            soak.eligibility.down = True
        elif fault == "eligibility-slow":
            soak.slow.delay_s = self.rng.choice((5.0, 20.0, 45.0))
        elif fault == "records-down":
            soak.database.down = True
        elif fault == "records-commit":
            soak.database.fail_write = soak.database.writes + self.rng.randrange(0, 3)
        elif fault == "camera-gone":
            later = 1 if self.rng.random() < 0.3 else 0  # mostly the first attempt
            soak.camera.vanish_on = {soak.camera.attempts + later}
        outbox = (
            outbox_disk_full(soak.kiosk.settings.outbox_dir())
            if fault == "outbox-full"
            else contextlib.nullcontext()
        )
        try:
            with outbox as calls:
                yield
                refused.extend(calls or [])
        finally:
            soak.eligibility.down = False
            soak.slow.delay_s = 0.0
            soak.database.down = False
            soak.database.fail_write = None
            soak.camera.vanish_on = set()

    def _patient(self, method: str | None = None) -> None:
        kiosk, rng = self.soak.kiosk, self.rng
        method = method or rng.choice(("pin", "pin", "face", "face", "staff"))
        right = self.soak.pins[kiosk_profile(kiosk)]
        for _ in range(30):
            state = kiosk.state
            if state == S.START or state in OVER:
                return
            roll = rng.random()
            if roll < 0.02:
                kiosk.take_card()
            elif roll < 0.04 and "cancel" in kiosk.flow.known_events():
                kiosk.flow.send(Event.CANCEL)
            elif roll < 0.055:
                kiosk.walk_away()
            else:
                pin = right if rng.random() < 0.8 else wrong_pin(right)
                choices = Choices(method, pin, rng.random() < 0.7, STAFF_PASSWORD)
                kiosk.step(choices)


def kiosk_profile(kiosk: HeadlessKiosk) -> str:
    transport = kiosk.services.slot.transport
    state = getattr(transport, "state", None)
    return str(state.profile) if state is not None else "standard"


def _draw(rng: random.Random, table: Any) -> str:
    names = [name for name, _ in table]
    weights = [weight for _, weight in table]
    return str(rng.choices(names, weights=weights)[0])


class _Soak:
    def __init__(self, report: SoakReport, faults: set[str]) -> None:

        self.report = report
        self.faults = faults
        self.rng = random.Random(report.seed)  # noqa: S311 - simulation, not security
        settings = Settings()
        set_staff_password(settings, STAFF_PASSWORD)
        self.camera = VanishingCamera(RandomFace(self.rng), after_frames=0, vanish_on=set())
        self.kiosk = HeadlessKiosk(settings, face=self.camera)
        self.slow = SlowEligibility(self.kiosk.flow.eligibility, 0.0, self.kiosk.clock.advance)
        self.eligibility = FailingEligibility(self.slow)
        self.eligibility.down = False
        self.kiosk.flow.eligibility = self.eligibility
        self.kiosk.services.eligibility = self.eligibility
        self.database = FlakyDatabase(self.kiosk.record_store.db)
        self.kiosk.record_store.db = self.database
        self.box = CardBox()
        self.regulars: dict[str, Any] = {}
        self.pins = {name: get_profile(name).auth_pin for name, _ in PROFILES}

    def fired(self) -> dict[str, int]:
        """How often each wrapper's fault has actually hit so far."""
        return {
            "eligibility-down": self.eligibility.failures,
            "eligibility-slow": self.slow.calls,
            "records-down": self.database.failures,
            "records-commit": self.database.failures,
            "camera-gone": self.camera.vanished,
        }

    def card(self, profile: str) -> Any:
        """Regular patients come back with the same card (its counters persist)."""
        if self.rng.random() < 0.3:
            chip = self.regulars.get(profile)
            if chip is None:
                chip = self.regulars[profile] = self.box.card(profile)
            chip.power_on()
            return chip
        return self.box.card(profile)

    def visit(self) -> None:
        report = self.report
        try:
            _Visit(self).run()
        except RefusedError:
            report.refusals += 1
        except (FlowError, KioskError, Exception) as exc:  # escaped the flow: a crash
            report.crash_count += 1
            report.crashes.append(f"{type(exc).__name__} in {self.kiosk.state.value}: {exc}")
        try:
            self.kiosk.back_to_start()
        except Exception as exc:
            report.crash_count += 1
            report.crashes.append(f"{type(exc).__name__} going back to start: {exc}")
        if self.kiosk.state != S.START:
            report.not_back_at_start += 1
            self.kiosk.flow = self.kiosk.services.reception()  # a new flow, as a restart would
            self.kiosk.flow.add_listener(self.kiosk._seen)


def soak(
    receptions: int,
    seed: int,
    *,
    faults: set[str] | None = None,
    home: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> SoakReport:
    """Run the soak (see the module docstring) and return its report."""

    chosen = set(FAULT_NAMES[1:]) if faults is None else set(faults)
    report = SoakReport(receptions, seed, sorted(chosen))
    warmup = max(5, receptions // 10)
    with contextlib.ExitStack() as stack:
        where = home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="soak-")))
        stack.enter_context(kiosk_home_at(where))
        run = _Soak(report, chosen)
        stack.callback(run.kiosk.close)
        start = time.perf_counter()
        for number in range(receptions):
            run.visit()
            if number + 1 == warmup:
                gc.collect()
                report.rss_warm_mb = rss_bytes() / 2**20
            if progress is not None:
                progress(number + 1)
        report.seconds = time.perf_counter() - start
        gc.collect()
        report.rss_end_mb = rss_bytes() / 2**20
        kiosk = run.kiosk
        report.screens = kiosk.screens
        report.endings = kiosk.endings
        report.problems = kiosk.problems()
        report.stored = kiosk.stored_outcomes()
        report.acknowledged = +kiosk.records.acknowledged
        report.refused_writes = +kiosk.records.refused
        report.record_failures = kiosk.check_records() + screens_against_writes(report)
        report.chain_records = kiosk.record_store.verify().count
    return report
