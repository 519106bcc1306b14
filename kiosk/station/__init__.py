"""The staff station: a web application at the reception desk for one kiosk or many.

Kiosks and the station meet in the records database (:mod:`kiosk.station_tables.calls`): a kiosk's
link (:mod:`kiosk.station.kiosk_link`) publishes calls and status and carries out what the
desk asks; the station (:mod:`kiosk.station.app`) shows every open browser the calls, the
目視確認 view and the kiosks, behind staff accounts (:mod:`kiosk.station_tables.staff_accounts`).
"""
