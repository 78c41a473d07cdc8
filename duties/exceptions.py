"""Errors of the duties area (R9, R10, R14). Messages are Chinese text tests assert on."""

from core.exceptions import AccessDenied, ApplicationError


class DutiesError(ApplicationError):
    """A refusal of a duties action; the message says why."""


class PolicyNotInUse(DutiesError):
    """The program's policy does not use this duty (R14: only where a program uses it)."""


class InvalidCaseTransition(DutiesError):
    """A case status move not in ``OwnedCase.TRANSITIONS``; the message names both states."""


class AlreadyDone(DutiesError):
    """A one-time act done again: an undertaking confirmed twice, a report acknowledged twice."""


class DutiesAccessDenied(AccessDenied):
    """The user sees the record but may not act on it (D6: 403)."""
