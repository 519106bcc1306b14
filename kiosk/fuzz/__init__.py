"""Fuzzers for everything a stranger can feed the kiosk.

One small module per kind of input (card files, settings files, scenario files, APDUs to the
virtual card, records URLs), each giving a :class:`~kiosk.fuzz.target.Target`: Hypothesis
strategies for the input and the function that feeds it to the kiosk. The contract every
target checks: the kiosk answers any input with its result or one of its own errors
(:class:`~kiosk.errors.KioskError`), never another exception, within a time limit and a
memory bound. :mod:`kiosk.fuzz.registry` lists the targets; :mod:`kiosk.fuzz.runner` runs
them (a number of examples for CI, or a time budget for ``kiosk fuzz``) and keeps a minimal
reproducer of each failure.
"""
