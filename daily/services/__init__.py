"""Writes of daily management, one module per area: ``leave`` (R11), ``supervision``
(violations, inspections, attendance, contacts and problems, R13)."""
