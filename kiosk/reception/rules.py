"""Date rules of the card read: the certificate-expiry alert and the grace after expiry."""

from __future__ import annotations

import calendar
from datetime import datetime

from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import CertificateCheck

USABLE = frozenset({"valid", "expired"})
"""Statuses that may still pass (an expired certificate only within the grace months)."""


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` shifted by whole calendar months (day clamped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def certificate_usable(check: CertificateCheck, now: datetime, policy: FlowPolicy) -> bool:
    """Not revoked, issued by the CA, and not past expiry + grace (error 006 otherwise)."""
    if check.status not in USABLE:
        return False
    return now <= add_months(check.not_after, policy.grace_months)


def in_expiry_alert_window(not_after: datetime, now: datetime, policy: FlowPolicy) -> bool:
    """From ``alert_months`` before expiry to ``grace_months`` after it."""
    start = add_months(not_after, -policy.alert_months)
    end = add_months(not_after, policy.grace_months)
    return start <= now <= end
