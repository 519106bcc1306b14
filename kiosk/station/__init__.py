"""The staff station: a web application at the reception desk for one kiosk or many.

Kiosks and the station meet in the records database (:mod:`kiosk.station_tables.calls`): a kiosk's
link (:mod:`kiosk.station.kiosk_link`) publishes calls and status and carries out what the
desk asks; the station (:mod:`kiosk.station.app`) shows every open browser the calls, the
目視確認 view and the kiosks, behind staff accounts (:mod:`kiosk.station_tables.staff_accounts`).

The application: :mod:`~kiosk.station.app` builds it; its state is :mod:`~kiosk.station.state`
(the open pages in :mod:`~kiosk.station.clients`), its endpoints are in
:mod:`kiosk.station.endpoints` with what they share in :mod:`~kiosk.station.web`, and the
waiting patient's images travel through :mod:`~kiosk.station.relay`.
"""
