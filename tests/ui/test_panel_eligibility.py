"""The operator panel sets how the simulated eligibility service answers and fails (no card
file made, each change in the trace); the consent and done screens show the name as the
service sent it, ● and all; the patient's fault screen says to go to the counter."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.eligibility import SimulatedEligibilityService
from kiosk.eligibility.service import ServiceAnswer
from kiosk.reception import State, Visit
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import Qualification
from kiosk.reception.screens import build_screen
from kiosk.ui.i18n import Languages
from kiosk.ui.operator_panel import OperatorPanel
from kiosk.ui.present import present
from kiosk.ui.window import KioskWindow
from kiosk.vocabulary import EligibilityFault, ReaderError


def _panel(qtbot: Any, service: Any, language: str = "ja") -> OperatorPanel:
    panel = OperatorPanel(["standard"], ["scripted:match"], language=language, eligibility=service)
    qtbot.addWidget(panel)
    return panel


def test_the_panel_sets_the_answer_and_the_fault_and_traces_each_change(qtbot: Any) -> None:
    service = SimulatedEligibilityService()
    service.set_fault("refused")  # as [eligibility] fault = "refused" would
    panel = _panel(qtbot, service)
    group = panel.eligibility
    assert group.isEnabled() and group.fault.currentData() == "refused"  # shows what is set
    assert group.answer.currentText() == "カードの設定どおり"
    group.choose(answer="maru_kana", fault="terminal_auth")
    assert service.answer is ServiceAnswer.MARU_KANA
    assert service.fault is EligibilityFault.TERMINAL_AUTH
    group.choose(answer="deck", fault="none")
    assert service.answer is None and service.fault is None
    trace = panel.trace.toPlainText().splitlines()
    assert trace == [
        "eligibility: the next checks answer maru_kana",
        "eligibility: the next checks fail terminal_auth",
        "eligibility: the next checks answer deck",
        "eligibility: the next checks fail none",
    ]


def test_without_a_simulated_service_the_group_is_off(qtbot: Any) -> None:
    panel = _panel(qtbot, None, language="en")
    assert not panel.eligibility.isEnabled()
    assert panel.eligibility.title() == "Eligibility answer (from the next check)"


def _window(qtbot: Any) -> KioskWindow:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = KioskWindow(Languages(app))
    qtbot.addWidget(window)
    return window


def _show(window: KioskWindow, state: State, visit: Visit) -> Any:
    shown = present(build_screen(state, visit, FlowPolicy.of()))
    assert shown is not None
    return window.show_screen(*shown)


def test_the_consent_and_done_screens_show_the_name_as_sent(qtbot: Any) -> None:
    window = _window(qtbot)
    maru = Visit(qualification=Qualification(1, name="●田　花子", name_kana="ﾖｼﾀﾞ ﾊﾅｺ"))
    for state in (State.CONSENT, State.DONE):
        screen = _show(window, state, maru)
        assert screen.patient.isVisibleTo(screen) and screen.patient.text() == "●田　花子 様"
    plain = _show(window, State.DONE, Visit(qualification=Qualification(1)))
    assert not plain.patient.isVisibleTo(plain)


def test_the_fault_screen_sends_the_patient_to_the_counter(qtbot: Any) -> None:
    window = _window(qtbot)
    visit = Visit(error=ReaderError.SYSTEM, service_fault=EligibilityFault.TIMEOUT)
    screen = _show(window, State.CARD_ERROR, visit)
    assert screen.title.text().startswith("保険の資格を確認できませんでした")
    assert "受付窓口へお越しください" in screen.hint.text()
    assert screen.more.text() == "資格確認システムから応答がありませんでした。"
    assert not screen.code.isVisibleTo(screen)  # no reader code for the service's failure
