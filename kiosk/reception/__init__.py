"""The reception: a pure-Python state machine (no Qt, no pyscard, no cv2), its ports, the
headless scenario runner and the demo.

``Reception`` (flow.py) is driven by events — methods such as ``card_placed()``,
``choose_pin()``, ``pin_entered(pin)``, ``look_at_camera()``, ``staff_mode(visual, credential)``,
``staff_confirm(ok)``, ``consent(agree)``, ``card_removed()``, ``tick()`` — from ONE thread, and
tells listeners each :class:`Change` (previous state, state, event, :class:`Screen`). An event
the state does not declare raises :class:`FlowError`; one a rule forbids raises
:class:`Refused` naming the rule. Collaborators come in through the ports (ports.py);
``kiosk.wiring.services.build_services`` wires the real ones, ``fakes.py`` holds in-memory ones.
"""

from kiosk.reception.errors import FlowDefinitionError, FlowError, Refused
from kiosk.reception.flow import Change, Reception
from kiosk.reception.screens import Option, Screen
from kiosk.reception.states import ConsentItem, ErrorCode, Method, State

__all__ = [
    "Change",
    "ConsentItem",
    "ErrorCode",
    "FlowDefinitionError",
    "FlowError",
    "Method",
    "Option",
    "Reception",
    "Refused",
    "Screen",
    "State",
]
