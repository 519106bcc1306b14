"""What the tests share, in one place (``tests`` is on pytest's ``pythonpath``):

- :mod:`helpers.waiting`: ``wait_for``, polling a condition with a generous limit;
- :mod:`helpers.qt`: ``tap`` a kiosk button, ``wait_screen``, ``answer_consents`` (the consent
  walk);
- :mod:`helpers.doubles`: test doubles of the reception's collaborators (FakeCard, FakeSlot …);
- :mod:`helpers.card_os`: the card OS tests' PINs and APDU builders;
- :mod:`helpers.frames`: feeding camera frames to a face verifier at camera time.

Fixtures stay in the ``conftest.py`` of the folder that uses them (``tests/conftest.py`` for
those every folder may use)."""
