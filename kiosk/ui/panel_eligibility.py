"""The operator panel's eligibility group: how the simulated service answers the checks to
come — as the deck says, 有効, 資格無効, 該当資格なし, a name with ● (kanji or kana) — and
whether it fails instead (timeout, connection refused, the terminal's authentication, an error
answer). No card file is made: the service keeps the choice until it is changed, and every
change is written to the panel's trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from kiosk.texts import catalogue
from kiosk.vocabulary import EligibilityFault

ANSWERS = ("deck", "valid", "invalid", "no_qualification", "maru_kanji", "maru_kana")
"""The answer choices: ``deck`` is none set (the card's profile answers); the others are
kiosk.eligibility's ServiceAnswer values."""
FAULTS = ("none", *(fault.value for fault in EligibilityFault))


class EligibilityGroup(QGroupBox):
    """Two choices on the simulated service (``set_answer`` / ``set_fault``); without a
    simulated service (a real one) the group is disabled."""

    def __init__(
        self,
        service: Any,
        trace: Callable[[str], None],
        *,
        language: str = "ja",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eligibility")
        self.service = service
        self.trace = trace
        self.language = language
        form = QFormLayout(self)
        self.answer = QComboBox()
        self.answer.setObjectName("eligibility_answer")
        self.fault = QComboBox()
        self.fault.setObjectName("eligibility_fault")
        self.answer_label, self.fault_label = QLabel(), QLabel()
        form.addRow(self.answer_label, self.answer)
        form.addRow(self.fault_label, self.fault)
        usable = callable(getattr(service, "set_answer", None)) and callable(
            getattr(service, "set_fault", None)
        )
        self.setEnabled(usable)
        for box, values in ((self.answer, ANSWERS), (self.fault, FAULTS)):
            for value in values:
                box.addItem(value, value)
        if usable:
            self._select(self.answer, getattr(service, "answer", None) or "deck")
            self._select(self.fault, getattr(service, "fault", None) or "none")
        self.answer.currentIndexChanged.connect(self._answer_chosen)
        self.fault.currentIndexChanged.connect(self._fault_chosen)
        self.retranslate()

    def _select(self, box: QComboBox, value: str) -> None:
        index = box.findData(str(value))
        box.setCurrentIndex(max(index, 0))

    def choose(self, *, answer: str | None = None, fault: str | None = None) -> None:
        """Choose as the operator would (``answer`` / ``fault`` values as listed above)."""
        if answer is not None:
            self._select(self.answer, answer)
        if fault is not None:
            self._select(self.fault, fault)

    def _answer_chosen(self) -> None:
        value = str(self.answer.currentData())
        self.service.set_answer(None if value == "deck" else value)
        self.trace(f"eligibility: the next checks answer {value}")

    def _fault_chosen(self) -> None:
        value = str(self.fault.currentData())
        self.service.set_fault(None if value == "none" else value)
        self.trace(f"eligibility: the next checks fail {value}")

    def _say(self, key: str) -> str:
        return catalogue().get(key, self.language)

    def retranslate(self) -> None:
        self.setTitle(self._say("operator.eligibility.title"))
        self.answer_label.setText(self._say("operator.eligibility.answer"))
        self.fault_label.setText(self._say("operator.eligibility.fault"))
        for box, group in ((self.answer, "answers"), (self.fault, "faults")):
            for index in range(box.count()):
                key = f"operator.eligibility.{group}.{box.itemData(index)}"
                box.setItemText(index, self._say(key))
