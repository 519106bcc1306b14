"""Camera sources, chosen by one string (:func:`~kiosk.face.camera.sources.open_camera`):
OpenCV devices and videos (:mod:`~kiosk.face.camera.opencv`), stills and image folders, and
``person:<name>`` (:mod:`~kiosk.face.camera.synthetic`), a live-looking camera made from the
licensed photos in assets/people (:mod:`~kiosk.face.camera.people`). Nothing opens at import."""
