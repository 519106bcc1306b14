"""The station's endpoints, by what they serve: the pages and signing in and out
(:mod:`.signin`), the desk's answer to a call (:mod:`.calls`), requests to a kiosk
(:mod:`.kiosks`), today's receptions (:mod:`.today`), the health check (:mod:`.health`) and
each open page's WebSocket (:mod:`.live`). The kiosks' images arrive at
:func:`kiosk.station.relay.kiosk_media`. Each reads the station from ``request.app.state``."""
