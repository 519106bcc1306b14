"""The reception: a pure-Python state machine (no Qt, no pyscard, no cv2), its ports, the
headless scenario runner and the demo.

``Reception`` (kiosk.reception.flow) is driven by events (methods) from ONE thread and tells
listeners each :class:`Change` (previous state, state, event, :class:`Screen`). See flow.py.
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
