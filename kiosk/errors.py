"""The root of the kiosk's exceptions; each layer has its own root below it.

The rule: every exception class that is an error is named ``…Error`` and derives from
:class:`KioskError`, directly or through its layer's root (``CardError``, ``FaceError``,
``FlowError``, ``RecordError``, ``SimCardError``, ``EligibilityError`` …), one class per idea.

The CLI's ``main()`` and the UI's error screen are the only places these become messages.
"""


class KioskError(Exception):
    """Root of every error the kiosk reports to a user."""
