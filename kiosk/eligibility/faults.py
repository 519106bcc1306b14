"""The ways the online eligibility check fails, as the simulated service plays them.

``[eligibility] fault``, the operator panel and a scenario's ``eligibility_fault`` step set
one on the service (:meth:`SimulatedEligibilityService.set_fault`); every check then fails
that way until it is set back to none. What the clinic system's result file carries for each
(:func:`kiosk.records.result_xml.build_failure_xml`):

=============  ===============================  =====================================
fault          what happened                    result file
=============  ===============================  =====================================
timeout        no answer in time                SegmentOfResult 9 + ErrorCode/Message
refused        the connection was refused       SegmentOfResult 9 + ErrorCode/Message
terminal_auth  the terminal's authentication    SegmentOfResult 9 + ErrorCode/Message
               (its client certificate) failed
error_answer   the service answered 処理結果    SegmentOfResult 1, ProcessingResultStatus 2
               エラー                            + ProcessingResultCode/Message
=============  ===============================  =====================================

The real codes (the service's 処理結果コード table) are not public: the codes here are the
simulator's own, marked ``SIM``, so that no one takes them for the service's.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.eligibility.errors import ServiceUnavailableError
from kiosk.vocabulary import EligibilityFault


@dataclass(frozen=True)
class FaultAnswer:
    """What one fault leaves: the code and message for the result file, and the log line."""

    code: str
    message: str  # the result file's message (Japanese, as the terminal's would be)
    log: str  # the error's own message (English, no patient data)

    @property
    def answered(self) -> bool:
        """The service answered (an error answer) rather than not at all."""
        return self.code.startswith("SIM-ANS")


FAULTS: dict[EligibilityFault, FaultAnswer] = {
    EligibilityFault.TIMEOUT: FaultAnswer(
        "SIM-TIMEOUT",
        "オンライン資格確認システムから応答がありませんでした（タイムアウト）。",
        "the online eligibility service did not answer in time (timeout)",
    ),
    EligibilityFault.REFUSED: FaultAnswer(
        "SIM-REFUSED",
        "オンライン資格確認システムに接続できませんでした（接続拒否）。",
        "the online eligibility service refused the connection",
    ),
    EligibilityFault.TERMINAL_AUTH: FaultAnswer(
        "SIM-TERMINAL-AUTH",
        "資格確認端末の認証に失敗しました（端末の証明書を確認してください）。",
        "the eligibility terminal failed to authenticate (its client certificate)",
    ),
    EligibilityFault.ERROR_ANSWER: FaultAnswer(
        "SIM-ANS-ERROR",
        "オンライン資格確認システムがエラーを返しました。",
        "the online eligibility service answered with an error",
    ),
}


def fault_error(fault: EligibilityFault | str) -> ServiceUnavailableError:
    """The error a check raises when it fails with ``fault``."""
    fault = EligibilityFault(fault)
    answer = FAULTS[fault]
    return ServiceUnavailableError(
        f"{answer.log}: send the patient to the counter and check the insurance another way",
        fault,
        error_code=answer.code,
        error_message=answer.message,
    )


def parse_fault(value: str | None) -> EligibilityFault | None:
    """A fault's name (``none`` / empty: no fault); ValueError names the choices."""
    if value is None or value in ("", "none"):
        return None
    try:
        return EligibilityFault(value)
    except ValueError:
        choices = ", ".join(["none", *(f.value for f in EligibilityFault)])
        raise ValueError(f"unknown eligibility fault {value!r} (choose from {choices})") from None
