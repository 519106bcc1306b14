"""The touch kiosk (PySide6): screens, operator panel, staff console, workers, translations.

The only package that imports Qt. It is one listener of the reception flow
(:mod:`kiosk.reception`): :mod:`kiosk.ui.bridge` re-emits flow changes as Qt signals, screens
emit intents (``pin_entered``, ``method_chosen`` …) and never touch the card, the camera or
the database; blocking work runs in :mod:`kiosk.ui.workers` threads.

Importing this package imports nothing from Qt; the submodules do.
"""
