"""Working days from the holiday table (D3): weekends off unless a make-up working day,
weekdays on unless a statutory holiday. Used for leave (R11) and the public notice (R7).

A year whose schedule is not entered yet (no ``HolidayYear`` row) is counted with the days off
the law fixes for it (``holiday_library.statutory_days_off``) and no make-up working days; rows
staff put in the table for that year still win. Such a count is provisional: callers that keep
or show the number ask ``years_without_schedule`` for the period they counted.
"""

import datetime as dt
from datetime import timedelta

from .holiday_library import statutory_days_off
from .models import Holiday, HolidayYear


def years_without_schedule(start: dt.date, end: dt.date) -> list[int]:
    """The years from ``start`` to ``end`` whose schedule is not entered: a count over them is
    provisional."""
    if end < start:
        return []
    years = range(start.year, end.year + 1)
    entered = set(HolidayYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    return [year for year in years if year not in entered]


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    overrides = dict(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
    for year in years_without_schedule(start, end):
        for day in statutory_days_off(year):
            if start <= day <= end:
                overrides.setdefault(day, Holiday.Kind.HOLIDAY)
    return overrides


def _is_working(day: dt.date, overrides: dict[dt.date, str]) -> bool:
    kind = overrides.get(day)
    if kind == Holiday.Kind.HOLIDAY:
        return False
    if kind == Holiday.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _overrides(day, day))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included; 0 when ``end`` is before ``start``."""
    if end < start:
        return 0
    overrides = _overrides(start, end)
    return sum(_is_working(start + timedelta(days=offset), overrides) for offset in range((end - start).days + 1))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which a period of ``days`` working days that begins on ``start`` ends.

    ``start`` counts when it is a working day: a 5-working-day notice starting on a Monday
    without holidays ends on that Friday.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    # A window long enough for any run of holidays the table can hold (the longest is ~9 days).
    window_end = start + timedelta(days=days * 2 + 30)
    overrides = _overrides(start, window_end)
    day, counted = start, 0
    while True:
        if day > window_end:
            window_end = day + timedelta(days=days * 2 + 30)
            overrides.update(_overrides(day, window_end))
        if _is_working(day, overrides):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)
