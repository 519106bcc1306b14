"""Driving the kiosk without a screen: YAML scenario files (steps a patient and staff take,
and what must come of them), the printed demo and the JSON-lines listener."""
