"""Measuring the matcher and the camera: accuracy on labelled pairs
(:mod:`~kiosk.face.evaluation.evaluate`, ``kiosk face eval``), their DET pictures
(:mod:`~kiosk.face.evaluation.det`), the rule that chooses a model's tolerance
(:mod:`~kiosk.face.evaluation.threshold`), and what ``kiosk face check`` saw through a camera
(:mod:`~kiosk.face.evaluation.checkup`)."""
