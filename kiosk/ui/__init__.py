"""The touch kiosk (PySide6): screens, operator panel, staff console, the flow's Qt bridge.

The only package that imports Qt. It is one listener of the reception flow
(:mod:`kiosk.reception`): :mod:`kiosk.ui.bridge` runs the flow on its own thread and re-emits
its changes as Qt signals; each screen shows the flow's texts (from the catalogue,
:mod:`kiosk.texts`) and its options as buttons, and a button sends its option's event back
(``chosen(event, value)``). Screens never touch the card, the camera or the database.

Importing this package imports nothing from Qt; the submodules do.
"""
