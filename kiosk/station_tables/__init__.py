"""The staff station's tables, shared by kiosks and stations in the records database.

- :mod:`kiosk.station_tables.schema`: the tables and their own schema version.
- :mod:`kiosk.station_tables.calls`: calls for staff, kiosk status, the desk's requests.
- :mod:`kiosk.station_tables.staff_accounts`: staff accounts, failed logins, sessions.
- :mod:`kiosk.station_tables.bell`: the doorbells that tell the other side to read again.

They live beside the record chain (:mod:`kiosk.records`) in the same database, reached
through its connection code (:mod:`kiosk.records.database`); the station's logins and
lockouts are audit records in that chain. No face image, PIN, password or card holder
detail is ever written in these tables.
"""
