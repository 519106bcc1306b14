"""What the live face is told, and whether it is live: the guidance ids the face screen shows
(:mod:`~kiosk.face.guidance.messages`), the image-quality checks of one frame that choose them
(:mod:`~kiosk.face.guidance.quality`), and liveness across frames
(:mod:`~kiosk.face.guidance.liveness`). Pure numpy over frames, boxes and landmarks."""
