"""A small declared state machine: transitions with named guards, validated at class definition.

A subclass declares ``STATES`` (an Enum), ``INITIAL`` and ``TRANSITIONS``; defining the class
checks that every guard names a method, every state is reachable from ``INITIAL``, ``INITIAL``
is reachable from every state (no trap states) and no transition is shadowed by an unguarded
one before it. Transitions are tried in declaration order; the first whose guards pass fires.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from kiosk.reception.errors import FlowDefinitionError, FlowError, Refused

HISTORY = "<history>"
"""Target meaning "back to the state remembered when the source state was entered"."""


@dataclass(frozen=True)
class Transition:
    """``event`` moves ``source`` to ``target`` when ``guard`` holds and ``unless`` does not."""

    event: str
    source: Enum
    target: Enum | str  # a state, or HISTORY
    guard: str | None = None
    unless: str | None = None


def transitions(
    event: str,
    sources: Enum | Iterable[Enum],
    target: Enum | str,
    *,
    guard: str | None = None,
    unless: str | None = None,
) -> list[Transition]:
    """One declaration for several sources."""
    many = [sources] if isinstance(sources, Enum) else list(sources)
    return [Transition(event, s, target, guard, unless) for s in many]


class DeclaredMachine:
    """Base of a flow whose states and transitions are declared as class attributes."""

    STATES: ClassVar[type[Enum]]
    INITIAL: ClassVar[Enum]
    TRANSITIONS: ClassVar[tuple[Transition, ...]]
    _table: ClassVar[dict[tuple[Enum, str], list[Transition]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "TRANSITIONS" in cls.__dict__:
            cls._table = validate(cls)

    def __init__(self) -> None:
        self.state: Enum = self.INITIAL
        self._history: Enum = self.INITIAL

    # -- queries ---------------------------------------------------------------------------

    def known_events(self, state: Enum | None = None) -> set[str]:
        """Events the state declares (whatever their guards say now)."""
        here = self.state if state is None else state
        return {event for (source, event) in self._table if source == here}

    def allowed_events(self, **ctx: Any) -> set[str]:
        """Events that would fire now (guards evaluated with ``ctx``)."""
        return {e for e in self.known_events() if self._select(e, ctx, raise_=False)}

    # -- firing ----------------------------------------------------------------------------

    def _expect(self, event: str) -> None:
        """Raise :class:`FlowError` unless the current state declares ``event``."""
        if (self.state, event) not in self._table:
            raise FlowError(f"event {event!r} is not allowed in state {self.state.value!r}")

    def _select(self, event: str, ctx: dict[str, Any], *, raise_: bool = True) -> Transition | None:
        self._expect(event)
        failed = ""
        for t in self._table[(self.state, event)]:
            if t.guard and not self._guard(t.guard)(**ctx):
                failed = failed or t.guard
                continue
            if t.unless and self._guard(t.unless)(**ctx):
                failed = failed or f"not {t.unless}"
                continue
            return t
        if raise_:
            raise Refused(event, str(self.state.value), failed)
        return None

    def _guard(self, name: str) -> Callable[..., bool]:
        method: Callable[..., bool] = getattr(self, name)
        return method

    def _fire(self, event: str, **ctx: Any) -> Enum:
        """Fire ``event``: pick the transition, change state, tell listeners, run entry work."""
        t = self._select(event, ctx)
        if t is None:  # pragma: no cover - _select raises instead
            raise FlowError(event)
        previous = self.state
        target = t.target if isinstance(t.target, Enum) else self._history
        if t.target != HISTORY and target != previous:
            self._history = previous
        self.state = target
        self._changed(previous, event)
        entry = getattr(self, f"_enter_{target.name.lower()}", None)
        if entry is not None and target != previous and t.target != HISTORY:
            entry(**ctx)
        return self.state

    def _changed(self, previous: Enum, event: str) -> None:
        """Called after every transition (listeners); subclasses override."""


def validate(cls: type[DeclaredMachine]) -> dict[tuple[Enum, str], list[Transition]]:
    """Check a flow's declaration; return its (state, event) -> transitions table."""
    states = list(cls.STATES)
    table: dict[tuple[Enum, str], list[Transition]] = defaultdict(list)
    for t in cls.TRANSITIONS:
        if t.source not in states or (t.target != HISTORY and t.target not in states):
            raise FlowDefinitionError(f"{cls.__name__}: unknown state in {t}")
        for name in (t.guard, t.unless):
            if name is not None and not callable(getattr(cls, name, None)):
                raise FlowDefinitionError(f"{cls.__name__}: guard {name!r} is not a method")
        table[(t.source, t.event)].append(t)
    for (source, event), ts in table.items():
        for earlier, later in itertools.pairwise(ts):
            if earlier.guard is None and earlier.unless is None:
                raise FlowDefinitionError(
                    f"{cls.__name__}: {event} from {source.value} shadowed by an unguarded "
                    f"transition before {later}"
                )
    edges: dict[Enum, set[Enum]] = defaultdict(set)
    into: dict[Enum, set[Enum]] = defaultdict(set)
    for t in cls.TRANSITIONS:
        if isinstance(t.target, Enum):
            edges[t.source].add(t.target)
            if t.target != t.source:
                into[t.target].add(t.source)
    for t in cls.TRANSITIONS:
        if t.target == HISTORY:
            edges[t.source] |= into[t.source]
    reachable = _closure(cls.INITIAL, edges)
    if unreachable := [s.value for s in states if s not in reachable]:
        raise FlowDefinitionError(f"{cls.__name__}: unreachable states {unreachable}")
    traps = [s.value for s in states if s != cls.INITIAL and cls.INITIAL not in _closure(s, edges)]
    if traps:
        raise FlowDefinitionError(f"{cls.__name__}: trap states (no way back) {traps}")
    return dict(table)


def _closure(start: Enum, edges: dict[Enum, set[Enum]]) -> set[Enum]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
