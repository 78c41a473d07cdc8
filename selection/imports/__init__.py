"""Spreadsheet import and export of the selection area: candidates (报名人选) of one selection.

Built on ``core.imports`` and ``core.spreadsheets`` like ``programs.imports``; the rules come
from ``selection.services`` (``application_refusals``, ``applications_import``).
"""
