"""The staff station: a web application at the reception desk for one kiosk or many.

Kiosks and the station meet in the records database (:mod:`kiosk.records.calls`): a kiosk's
link (:mod:`kiosk.station.kiosk_link`) publishes calls and status and carries out what the
desk asks; the station (:mod:`kiosk.station.app`) shows every open browser the calls, the
目視確認 view and the kiosks, behind staff accounts (:mod:`kiosk.records.staff_accounts`).
"""
