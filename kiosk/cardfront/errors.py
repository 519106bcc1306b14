"""Errors of the card-front camera and its reading."""

from __future__ import annotations

from kiosk.card.errors import CardError


class CardFrontError(CardError):
    """The card front cannot be photographed or read (no camera, no font, no OCR engine).

    A card error: the reception treats it as 「the face photo cannot be opened」 and offers the
    PIN or staff instead."""
