"""Errors of daily management. Messages are Chinese text tests assert on."""

from core.exceptions import AccessDenied, ApplicationError


class DailyError(ApplicationError):
    """A refusal of a daily-management action; the message says why."""


class LeaveError(DailyError):
    """A leave request that breaks a rule: bad dates, overlap, a move not allowed (R11, D3)."""


class DailyAccessDenied(AccessDenied):
    """The user sees the record but may not act on it (D6: 403)."""
