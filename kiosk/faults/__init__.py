"""Fault injection from the outside: wrappers around the kiosk's own objects.

Nothing here changes another package; each wrapper satisfies the same protocol as the object
it wraps and fails on demand, the way the real thing fails:

- :mod:`kiosk.faults.card` — a card taken away, or an I/O error, at command APDU *n*
  (before the card executed it, or after: the answer lost, the card's state changed);
- :mod:`kiosk.faults.face` — the camera disappearing in the middle of a face attempt;
- :mod:`kiosk.faults.records` — the records database unavailable, SQLite's "database or disk
  is full", ``ENOSPC`` while the result file is written into the outbox;
- :mod:`kiosk.faults.eligibility` — the eligibility service slow, or failing.

Used by the fault suite (tests/faults) and by ``kiosk soak``.
"""
