"""The root of the kiosk's exceptions; each layer has its own root below it.

The CLI's ``main()`` and the UI's error screen are the only places these become messages.
"""


class KioskError(Exception):
    """Root of every error the kiosk reports to a user."""
