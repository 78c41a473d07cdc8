"""Errors the selection services raise. Messages are Chinese text tests assert on."""

from core.exceptions import AccessDenied, ApplicationError


class SelectionError(ApplicationError):
    pass


class InvalidStageTransition(SelectionError):
    """A stage or status move not in the TRANSITIONS mapping; the message names both states."""


class ApplicationRefused(SelectionError):
    """An application outside the window, the announced stage or the policy's mode."""


class ShortlistRefused(SelectionError):
    """A shortlist that breaks the ratio (D7) or lists ineligible candidates without a reason (R5)."""


class NoticeNotFinished(SelectionError):
    """Concluding before the public notice has ended or while an objection is open (R7)."""


class SelectionAccessDenied(AccessDenied):
    pass


class SelectionNotFound(SelectionError):
    """Out of scope looks exactly like not found (D6): views answer 404."""
