"""The reception: a pure-Python state machine (no Qt, no pyscard, no cv2) and its ports.

``Reception`` (flow.py) takes one :class:`Event` at a time through ``send(event, value)``
from ONE thread, and tells listeners each :class:`Change` (previous state, state, event,
:class:`Screen`). The transition table and the entry actions are in flow.py, the rules
(guards) in rules.py, the visit's data in visit.py, the screens in screens.py. An event the
state does not declare raises :class:`FlowError`; one a rule forbids raises :class:`RefusedError`
naming the rule. Collaborators come in through the ports (ports.py); kiosk.wiring builds them.
"""

from kiosk.reception.errors import FlowDefinitionError, FlowError, RefusedError
from kiosk.reception.events import Event
from kiosk.reception.flow import Change, Reception
from kiosk.reception.screens import Option, Screen
from kiosk.reception.states import State
from kiosk.reception.visit import Visit

__all__ = [
    "Change",
    "Event",
    "FlowDefinitionError",
    "FlowError",
    "Option",
    "Reception",
    "RefusedError",
    "Screen",
    "State",
    "Visit",
]
