"""Spreadsheet import and export of the programs area (cadres, units, placements, rosters).

Built on ``core.imports`` (the generic import framework) and ``core.spreadsheets`` (hostile-file
checks and the formula-safe writer); business rules come from ``programs.services``.
"""
