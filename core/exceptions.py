"""The root of every application error. Each app's exceptions derive from it."""

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    """A business rule refused an action. ``message`` is user-facing Chinese text."""

    def __init__(self, message, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class AccessDenied(ApplicationError, PermissionDenied):
    """The user may see the object but not do this with it (D6: 403)."""
