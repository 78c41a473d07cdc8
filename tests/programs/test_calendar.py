"""D3: working days from the holiday table (statutory holidays and make-up working days)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditLog
from programs import services
from programs.calendar import add_working_days, is_working_day, working_days_between
from programs.exceptions import ProgramAccessDenied
from programs.models import Holiday, PolicyPreset

D = dt.date
pytestmark = pytest.mark.django_db


def test_D3_shipped_table_holds_the_2026_holidays_and_make_up_days():
    days = dict(Holiday.objects.filter(date__year=2026).values_list("date", "kind"))
    assert days[D(2026, 10, 1)] == Holiday.Kind.HOLIDAY
    assert days[D(2026, 10, 7)] == Holiday.Kind.HOLIDAY
    assert days[D(2026, 9, 20)] == Holiday.Kind.WORKDAY  # Sunday, worked for National Day
    assert days[D(2026, 10, 10)] == Holiday.Kind.WORKDAY  # Saturday, worked for National Day
    assert days[D(2026, 2, 17)] == Holiday.Kind.HOLIDAY  # 春节
    # Every make-up working day falls on a weekend; every holiday entry is a real day off.
    for day, kind in days.items():
        if kind == Holiday.Kind.WORKDAY:
            assert day.weekday() >= 5, day


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 28), D(2026, 10, 11), 6),  # 国庆: 9-28..30, 10-8, 10-9, 10-10 (make-up Saturday)
        (D(2026, 10, 1), D(2026, 10, 7), 0),  # the Golden Week itself
        (D(2026, 3, 2), D(2026, 3, 8), 5),  # an ordinary week, Monday to Sunday
        (D(2026, 3, 7), D(2026, 3, 8), 0),  # an ordinary weekend
        (D(2026, 9, 19), D(2026, 9, 20), 1),  # Saturday off, make-up Sunday worked
        (D(2026, 2, 14), D(2026, 2, 28), 6),  # 春节: 2-14 (Sat, worked), 2-24..27, 2-28 (Sat, worked)
        (D(2026, 1, 1), D(2026, 1, 4), 1),  # 元旦 1-1..3 off, 1-4 (Sunday) worked
        (D(2026, 4, 30), D(2026, 5, 9), 5),  # 劳动节 5-1..5: 4-30, 5-6..8 and the make-up 5-9
        (D(2026, 3, 4), D(2026, 3, 4), 1),  # one working day
        (D(2026, 3, 5), D(2026, 3, 4), 0),  # end before start
        (D(2026, 1, 1), D(2026, 12, 31), 248),  # the whole year: 261 weekdays − 19 holidays + 6 make-up days
    ],
)
def test_D3_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_D3_is_working_day_follows_the_table():
    assert not is_working_day(D(2026, 10, 1))  # Thursday, holiday
    assert is_working_day(D(2026, 10, 10))  # Saturday, make-up day
    assert is_working_day(D(2026, 3, 4))  # ordinary Wednesday
    assert not is_working_day(D(2026, 3, 7))  # ordinary Saturday


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 3, 2), 5, D(2026, 3, 6)),  # a 5-working-day notice from a Monday ends that Friday
        (D(2026, 3, 4), 5, D(2026, 3, 10)),  # over a weekend
        (D(2026, 3, 7), 5, D(2026, 3, 13)),  # starting on a Saturday: Monday is day one
        (D(2026, 9, 28), 5, D(2026, 10, 9)),  # over the National Day holiday
        (D(2026, 9, 28), 6, D(2026, 10, 10)),  # ... ending on the make-up Saturday
        (D(2026, 9, 30), 1, D(2026, 9, 30)),
        (D(2026, 10, 1), 1, D(2026, 10, 8)),  # a notice published in the holiday starts after it
        (D(2026, 2, 13), 2, D(2026, 2, 14)),  # Friday, then the make-up Saturday
        (D(2026, 12, 28), 5, D(2027, 1, 4)),  # 2027 not entered: 元旦 by law, provisionally
    ],
)
def test_D3_add_working_days_for_a_notice(start, days, expected):
    assert add_working_days(start, days) == expected


def test_D3_notice_period_default_is_five_working_days():
    assert PolicyPreset.objects.get(code="jincheng").notice_working_days == 5


def test_D3_add_working_days_refuses_zero_days():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), 0)


def _staff_adds(world, day, kind, name):
    return services.holiday_save(acting_user=world.users["orgstaff"], holiday=Holiday(date=day, kind=kind, name=name))


def test_D3_a_holiday_staff_add_changes_the_count(world):
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 8)) == 5
    holiday = _staff_adds(world, D(2026, 3, 4), Holiday.Kind.HOLIDAY, "临时放假")
    assert AuditLog.objects.filter(action="holiday_create", target_id=str(holiday.pk), actor=world.users["orgstaff"]).exists()
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 8)) == 4
    assert add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    _staff_adds(world, D(2026, 3, 7), Holiday.Kind.WORKDAY, "调休上班")
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 8)) == 5
    assert add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 7)


def test_D3_next_years_table_entered_by_staff_is_used(world):
    _staff_adds(world, D(2027, 1, 1), Holiday.Kind.HOLIDAY, "元旦")
    assert working_days_between(D(2026, 12, 28), D(2027, 1, 3)) == 4
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)


@pytest.mark.parametrize("username", ["countystaff", "gaopingstaff", "hostunit", "cadre"])
def test_D3_only_holders_of_the_holiday_permission_maintain_the_table(world, username):
    user = world.users[username]
    with pytest.raises(ProgramAccessDenied):
        services.holiday_save(acting_user=user, holiday=Holiday(date=D(2026, 3, 4), kind=Holiday.Kind.HOLIDAY, name="擅自放假"))
    with pytest.raises(ProgramAccessDenied):
        services.holiday_delete(acting_user=user, holiday=Holiday.objects.get(date=D(2026, 10, 1)))
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 8)) == 5
    assert Holiday.objects.filter(date=D(2026, 10, 1)).exists()
    assert not AuditLog.objects.filter(action__startswith="holiday_").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=D(2025, 12, 1), max_value=D(2026, 12, 31)),
    days=st.integers(min_value=1, max_value=40),
)
def test_D3_add_working_days_agrees_with_the_count(start, days):
    end = add_working_days(start, days)
    assert is_working_day(end)
    assert working_days_between(start, end) == days
    assert working_days_between(start, end - dt.timedelta(days=1)) == days - 1
