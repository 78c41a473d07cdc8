"""Reads of supervision (violations, inspections, attendance, contacts, problems, R13)."""


def waiting_items(user) -> list:
    return []


def timeline_events(user, placement) -> list:
    return []
