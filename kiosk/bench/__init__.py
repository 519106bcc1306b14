"""Benchmarks: each module ``kiosk.bench.<name>`` has ``add_arguments(parser)`` and
``run(args) -> dict``; ``kiosk bench <name> --json`` prints the dict as one JSON object.
Modules whose names start with ``_`` are helpers, not benchmarks."""
