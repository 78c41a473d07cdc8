"""Errors the programs services raise. Messages are Chinese text tests assert on."""

from core.exceptions import AccessDenied, ApplicationError


class ProgramsError(ApplicationError):
    pass


class DirectionRuleViolation(ProgramsError):
    """The placement's units contradict its secondment type (R4)."""


class InvalidTransition(ProgramsError):
    """A status move not in the TRANSITIONS mapping; the message names both states."""


class PlacementConflict(ProgramsError):
    """The cadre already has an active placement, or the post has no free place."""


class CadreDataError(ProgramsError):
    """Cadre data that contradicts itself, e.g. a birth date the ID number does not carry (R3)."""


class ProgramAccessDenied(AccessDenied):
    pass


class HolidayNoticeError(ProgramsError):
    """Pasted text that is not a State Council holiday notice, or one that cannot be read (D3)."""
