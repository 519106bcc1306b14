"""kiosk: a simulator of the face-authentication card reader used for マイナ保険証 check-in."""

__version__ = "0.1.0"
