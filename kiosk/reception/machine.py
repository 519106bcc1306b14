"""A small declared state machine: transitions with named guards, validated at class definition.

A subclass declares ``STATES`` (an Enum), ``INITIAL``, ``TRANSITIONS`` and ``GUARDS``;
defining the class checks that every guard is declared, every state is reachable from
``INITIAL``, ``INITIAL`` is reachable from every state (no trap states) and no transition is
shadowed by an unguarded one before it. Transitions are tried in declaration order; the
first whose guards pass fires.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from kiosk.reception.errors import FlowDefinitionError, FlowError, RefusedError

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
    """Base of a flow whose states, transitions and guards are declared as class attributes.

    ``GUARDS`` maps each guard name used in ``TRANSITIONS`` to a predicate over one value, the
    facts a rule may look at (the flow decides what they are). The machine only selects:
    :meth:`_select` names the transition an event takes, :meth:`_move` takes it.
    """

    STATES: ClassVar[type[Enum]]
    INITIAL: ClassVar[Enum]
    TRANSITIONS: ClassVar[tuple[Transition, ...]]
    GUARDS: ClassVar[Mapping[str, Callable[[Any], bool]]] = {}
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

    # -- selecting and moving --------------------------------------------------------------

    def _expect(self, event: str) -> None:
        """Raise :class:`FlowError` unless the current state declares ``event``."""
        if (self.state, event) not in self._table:
            raise FlowError(f"event {event!r} is not allowed in state {self.state.value!r}")

    def _select(self, event: str, facts: Any, *, raise_: bool = True) -> Transition | None:
        """The transition ``event`` takes now: the first whose guards hold for ``facts``."""
        self._expect(event)
        failed = ""
        for t in self._table[(self.state, event)]:
            if t.guard and not self.GUARDS[t.guard](facts):
                failed = failed or t.guard
                continue
            if t.unless and self.GUARDS[t.unless](facts):
                failed = failed or f"not {t.unless}"
                continue
            return t
        if raise_:
            raise RefusedError(event, str(self.state.value), failed)
        return None

    def _move(self, t: Transition) -> tuple[Enum, bool]:
        """Take ``t``: (the previous state, whether a state was entered anew)."""
        previous = self.state
        target = t.target if isinstance(t.target, Enum) else self._history
        if t.target != HISTORY and target != previous:
            self._history = previous
        self.state = target
        return previous, target != previous and t.target != HISTORY


def validate(cls: type[DeclaredMachine]) -> dict[tuple[Enum, str], list[Transition]]:
    """Check a flow's declaration; return its (state, event) -> transitions table."""
    states = list(cls.STATES)
    table: dict[tuple[Enum, str], list[Transition]] = defaultdict(list)
    for t in cls.TRANSITIONS:
        if t.source not in states or (t.target != HISTORY and t.target not in states):
            raise FlowDefinitionError(f"{cls.__name__}: unknown state in {t}")
        for name in (t.guard, t.unless):
            if name is not None and name not in cls.GUARDS:
                raise FlowDefinitionError(f"{cls.__name__}: guard {name!r} is not declared")
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
