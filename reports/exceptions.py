"""Errors of the reports area. Messages are Chinese text tests assert on."""

from core.exceptions import AccessDenied, ApplicationError


class ReportError(ApplicationError):
    """A refusal: a move the report's state does not allow, content that breaks a rule."""


class ReportAccessDenied(AccessDenied):
    """The user sees the report but may not do this with it (D6: 403)."""
