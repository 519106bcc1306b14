"""目視確認 at the kiosk itself: a discreet staff button on the waiting screen opens a staff
keypad over the kiosk window (its own on-screen keys: never a system keyboard).

Staff type the facility's 目視 password, or their staff ID and password; the check
(:class:`~kiosk.station.on_reader.KioskStaffCheck`: the records' lockout and audit) runs on a
thread of its own. A good one switches this reception to 目視確認 in the staff member's name,
shows the chip photo, and takes 本人確認OK / 確認できない; everything goes to the flow through
the bridge. The keypad forgets what was typed at once, and closes — forgetting who signed in —
when the wait ends (the reception moves on, is cancelled or times out), when it is closed, or
after :data:`IDLE_MS` untouched; closed before an answer, it puts a kiosk it switched back to
無人. Nothing stays unlocked for the next patient.

The package: :mod:`.view` (the keypad), :mod:`.button` (the staff button),
:mod:`.controller` (:class:`OnReaderStaff`, which wires them to the flow and the check).
"""

from kiosk.ui.staff_keypad.button import StaffButton
from kiosk.ui.staff_keypad.controller import OnReaderStaff
from kiosk.ui.staff_keypad.view import IDLE_MS, Answer, StaffCheck, StaffKeypad, key_name

__all__ = [
    "IDLE_MS",
    "Answer",
    "OnReaderStaff",
    "StaffButton",
    "StaffCheck",
    "StaffKeypad",
    "key_name",
]
