"""Matching the live face against the chip's photo, from a frame to a verdict.

The model (:mod:`~kiosk.face.matching.engine` over :mod:`~kiosk.face.matching.models` and
:mod:`~kiosk.face.matching.align`), the card path (:mod:`~kiosk.face.matching.chip`), the
encodings compared (:mod:`~kiosk.face.matching.template`), the verifiers
(:mod:`~kiosk.face.matching.verifier`, :mod:`~kiosk.face.matching.scripted`) and what they
return (:mod:`~kiosk.face.matching.results`), and the child processes that keep dlib off the
UI's core (:mod:`~kiosk.face.matching.worker`, :mod:`~kiosk.face.matching.encoder`,
:mod:`~kiosk.face.matching.parallel`, :mod:`~kiosk.face.matching.child`)."""
