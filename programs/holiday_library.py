"""The maintained holiday library behind the holiday table (D3): the ``holidays`` package's China
calendar (MIT, pinned in requirements.txt; the choice is explained in docs/ARCHITECTURE.md).

Two uses, both pure functions of a year:

- ``library_schedule(year)``: the published schedule (days off and make-up working days) of a
  year the library carries, to fill the table for past years. The library lists only the days
  that change a working day into a rest day or back (a statutory day on a weekend is listed,
  the weekend around a holiday is not); that is all a working-day count needs.
- ``statutory_days_off(year)``: the days off the law fixes for any year, computed from the
  lunar calendar — 元旦, 春节 from 除夕 to 初三, 清明, 劳动节 two days, 端午, 中秋, 国庆 three
  days (全国年节及纪念日放假办法 as revised in 2024), and a working day in lieu (补假) for one
  falling on a weekend, as that law requires. No make-up working days: only a State Council
  notice sets those. Used for a provisional count in a year with no schedule entered.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_library

# The first year the data migration and ``holidays_fill`` write into the table.
FILL_FIRST_YEAR = 2010

STATUTORY_FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# Library labels (zh_CN) that are not a festival's own name, mapped to the table's name.
_LABEL_NAMES = {
    "农历除夕": "春节",
    "春节延长假期": "春节",
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "抗战胜利70周年纪念日",
}
_OBSERVED_SUFFIX = re.compile(r"（补假(?:，推定)?）$|（推定）$")
# "休息日（由 2026-01-04 调休）": a day off moved from the make-up working day it names.
_SUBSTITUTED = re.compile(r"休息日（由 (\d{4})-(\d{2})-(\d{2}) 调休）")


@dataclass(frozen=True)
class ScheduleDay:
    date: dt.date
    kind: str  # Holiday.Kind value: "holiday" or "workday"
    name: str


def library_version() -> str:
    return f"holidays {holidays_library.__version__}"


@lru_cache(maxsize=64)
def _china(year: int):
    # The year before is read too: a make-up working day may fall in late December of it.
    return holidays_library.China(years=(year - 1, year, year + 1), language="zh_CN")


def library_publishes(year: int) -> bool:
    """Whether the library carries the year's State Council schedule (every schedule so far has
    make-up working days; a year computed only from the law has none)."""
    return any(day.year == year for day in _china(year).weekend_workdays)


def library_years(*, first: int = FILL_FIRST_YEAR, until: int | None = None) -> list[int]:
    """The years from ``first`` the library carries a published schedule for."""
    until = until or dt.date.today().year + 2
    return [year for year in range(first, until + 1) if library_publishes(year)]


def _festival_of_label(label: str) -> str | None:
    for part in label.split("; "):
        part = _OBSERVED_SUFFIX.sub("", part.strip())
        if part in STATUTORY_FESTIVALS:
            return part
        if part in _LABEL_NAMES:
            return _LABEL_NAMES[part]
    return None


def _rest_block(day: dt.date, days_off: set[dt.date]) -> list[dt.date]:
    """The run of rest days (days off and ordinary weekends) around ``day``."""
    def resting(d):
        return d in days_off or d.weekday() >= 5

    start = end = day
    while resting(start - dt.timedelta(days=1)):
        start -= dt.timedelta(days=1)
    while resting(end + dt.timedelta(days=1)):
        end += dt.timedelta(days=1)
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def library_schedule(year: int) -> list[ScheduleDay]:
    """The year's days off and make-up working days as the library publishes them, named by
    festival. Empty for a year the library does not carry."""
    if not library_publishes(year):
        return []
    calendar = _china(year)
    labels = {day: label for day, label in calendar.items()}
    days_off = set(labels)
    festivals = {day: _festival_of_label(label) for day, label in labels.items()}
    moved_from: dict[dt.date, dt.date] = {}
    for day, label in labels.items():
        match = _SUBSTITUTED.search(label)
        if match:
            moved_from[dt.date(*map(int, match.groups()))] = day

    def block_name(day: dt.date) -> str:
        names = [festivals[d] for d in _rest_block(day, days_off) if festivals.get(d)]
        return names[0] if names else ""

    schedule = [
        ScheduleDay(day, "holiday", festivals[day] or block_name(day))
        for day in sorted(days_off) if day.year == year
    ]
    for day in sorted(calendar.weekend_workdays):
        if day.year != year:
            continue
        name = block_name(moved_from[day]) if day in moved_from else ""
        schedule.append(ScheduleDay(day, "workday", name))
    return sorted(schedule, key=lambda entry: entry.date)


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> dict[dt.date, str]:
    """The days off fixed by law for ``year`` with their festival, without any State Council
    adjustment: the statutory days and the working days in lieu (补假) of those on a weekend."""
    return {
        day: festival
        for day, label in _china(year).items()
        if day.year == year and (festival := _festival_of_label(label)) in STATUTORY_FESTIVALS
    }
