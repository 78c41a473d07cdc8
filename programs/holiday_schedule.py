"""Entering a year's holiday schedule (D3) and what follows from it.

A year is entered from the State Council notice staff paste (``holiday_notice_enter``), from the
holiday library for years it carries (``holidays_fill_library``), or by staff who typed the rows
themselves and confirm the year (``holiday_year_confirm``). Each writes the ``HolidayYear`` row
that ends provisional counting for the year, an audit row, and calls the listeners other apps
registered (leave recounts its pending requests) in the same transaction, so the table and what
was counted from it never disagree.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record

from .exceptions import ProgramsError
from .holiday_library import library_years
from .holiday_notice import NoticeDay, ParsedNotice
from .models import Holiday, HolidayYear
from .services import _ensure_holiday_editor

# A listener takes (acting_user, year) once the year's schedule is saved and returns sentences
# for the person who entered it ("重新计算了 2 件请假……").
_LISTENERS: list[Callable[..., list[str]]] = []


def schedule_listener_register(listener: Callable[..., list[str]]) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


@dataclass(frozen=True)
class ScheduleChange:
    date: dt.date
    old_kind: str
    old_name: str
    new_kind: str
    new_name: str

    @property
    def old_kind_label(self) -> str:
        return Holiday.Kind(self.old_kind).label

    @property
    def new_kind_label(self) -> str:
        return Holiday.Kind(self.new_kind).label


@dataclass
class ScheduleDiff:
    """A parsed notice against the table: what saving it adds, changes, and leaves alone."""

    year: int
    added: list[NoticeDay] = field(default_factory=list)
    changed: list[ScheduleChange] = field(default_factory=list)
    unchanged: list[NoticeDay] = field(default_factory=list)
    table_only: list[Holiday] = field(default_factory=list)  # rows of the year the notice does not list
    entered: HolidayYear | None = None  # the year's record, when it is entered already


@dataclass
class ScheduleEntered:
    record: HolidayYear
    added: int = 0
    changed: int = 0
    follow_up: list[str] = field(default_factory=list)


def schedule_diff(notice: ParsedNotice) -> ScheduleDiff:
    dates = [day.date for day in notice.days]
    table = {row.date: row for row in Holiday.objects.filter(date__in=dates)}
    diff = ScheduleDiff(year=notice.year, entered=HolidayYear.objects.filter(year=notice.year).select_related("entered_by").first())
    for day in notice.days:
        row = table.get(day.date)
        if row is None:
            diff.added.append(day)
        elif (row.kind, row.name) != (day.kind, day.name):
            diff.changed.append(ScheduleChange(day.date, row.kind, row.name, day.kind, day.name))
        else:
            diff.unchanged.append(day)
    diff.table_only = list(Holiday.objects.filter(date__year=notice.year).exclude(date__in=dates))
    return diff


def _year_entered(*, acting_user, year: int, source: str, reference: str, data: dict) -> ScheduleEntered:
    record, _created = HolidayYear.objects.update_or_create(
        year=year,
        defaults={"source": source, "reference": reference[:200], "entered_at": timezone.now(),
                  "entered_by": acting_user if getattr(acting_user, "pk", None) else None},
    )
    return _after_entry(acting_user=acting_user, record=record, data=data)


def _after_entry(*, acting_user, record: HolidayYear, data: dict) -> ScheduleEntered:
    audit_record(
        actor=acting_user, action="holiday_year_enter", target=record,
        data={"year": record.year, "source": record.source, "reference": record.reference, **data},
    )
    entered = ScheduleEntered(record=record)
    for listener in _LISTENERS:
        entered.follow_up += listener(acting_user=acting_user, year=record.year)
    return entered


@transaction.atomic
def holiday_notice_enter(*, acting_user, notice: ParsedNotice) -> ScheduleEntered:
    """Save a parsed State Council notice as its year's schedule (D3). The notice is the
    authority for the days it lists: missing rows are added and differing rows changed (staff saw
    both on the confirmation page); rows of the year it does not list are left for staff."""
    _ensure_holiday_editor(acting_user)
    if not notice.days:
        raise ProgramsError(_("通知中没有读出任何放假或调休上班日期。"))
    # One writer per year at a time: the second waits and diffs against the first's rows.
    HolidayYear.objects.select_for_update().filter(year=notice.year).first()
    diff = schedule_diff(notice)
    try:
        with transaction.atomic():
            Holiday.objects.bulk_create(
                [Holiday(date=day.date, kind=day.kind, name=day.name, source=Holiday.Source.NOTICE) for day in diff.added]
            )
    except IntegrityError:
        # Another writer added the same days a moment ago (a year not entered has no row to lock).
        raise ProgramsError(_("另一位工作人员正在录入%(year)s年的节假日安排，请刷新后重新核对。") % {"year": notice.year}) from None
    for change in diff.changed:
        Holiday.objects.filter(date=change.date).update(
            kind=change.new_kind, name=change.new_name, source=Holiday.Source.NOTICE
        )
    reference = notice.document_number or _("国务院办公厅关于%(year)s年部分节假日安排的通知") % {"year": notice.year}
    entered = _year_entered(
        acting_user=acting_user, year=notice.year, source=HolidayYear.Source.NOTICE, reference=reference,
        data={
            "added": [{"date": day.date.isoformat(), "kind": day.kind, "name": day.name} for day in diff.added],
            "changed": [
                {"date": c.date.isoformat(), "from": [c.old_kind, c.old_name], "to": [c.new_kind, c.new_name]}
                for c in diff.changed
            ],
            "kept": [row.date.isoformat() for row in diff.table_only],
        },
    )
    entered.added, entered.changed = len(diff.added), len(diff.changed)
    return entered


@transaction.atomic
def holiday_year_confirm(*, acting_user, year: int, reference: str = "") -> ScheduleEntered:
    """Staff who typed a year's rows themselves declare the year entered (D3)."""
    _ensure_holiday_editor(acting_user)
    existing = HolidayYear.objects.select_for_update().filter(year=year).first()
    if existing is not None:
        raise ProgramsError(
            _("%(year)s年节假日安排已于 %(when)s 录入（%(source)s）。")
            % {"year": year, "when": f"{timezone.localtime(existing.entered_at):%Y-%m-%d}",
               "source": existing.get_source_display()}
        )
    rows = Holiday.objects.filter(date__year=year)
    if not rows.exists():
        raise ProgramsError(
            _("节假日表中没有%(year)s年的日期：请先逐日录入，或按国务院通知录入。") % {"year": year}
        )
    return _year_entered(
        acting_user=acting_user, year=year, source=HolidayYear.Source.STAFF, reference=(reference or "").strip(),
        data={"rows": rows.count()},
    )


@transaction.atomic
def holidays_fill_library(*, acting_user=None, years: list[int] | None = None) -> list[ScheduleEntered]:
    """Fill the years the holiday library carries and the table has no schedule for (D3), adding
    only missing days (``presets.holidays_fill_from_library``). ``acting_user`` is None when the
    system runs it (``manage.py holidays_fill``)."""
    from .presets import holidays_fill_from_library

    if acting_user is not None:
        _ensure_holiday_editor(acting_user)
    years = years if years is not None else library_years()
    results = []
    filled = holidays_fill_from_library(
        Holiday, HolidayYear, years=years, entered_at=timezone.now(), entered_by=acting_user
    )
    for year, added in filled.items():
        entered = _after_entry(
            acting_user=acting_user, record=HolidayYear.objects.get(year=year),
            data={"added": [day.isoformat() for day in added]},
        )
        entered.added = len(added)
        results.append(entered)
    return results


def holiday_years_missing(today: dt.date | None = None) -> list[int]:
    """Years whose schedule staff should enter now: this year, and from 1 November the coming
    one (the State Council publishes it in November)."""
    today = today or timezone.localdate()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    entered = set(HolidayYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in entered]
