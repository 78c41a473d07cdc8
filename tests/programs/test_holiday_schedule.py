"""D3: years of the holiday table — past years filled from the pinned library, a new year entered
from the State Council's notice, provisional counts for a year with no schedule, and who may
change the table (a dedicated permission, every change audited)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import AuditLog
from programs.calendar import add_working_days, is_working_day, working_days_between, years_without_schedule
from programs.exceptions import ProgramAccessDenied, ProgramsError
from programs.holiday_library import library_schedule, library_version, statutory_days_off
from programs.holiday_notice import notice_parse
from programs.holiday_schedule import (
    holiday_notice_enter,
    holiday_year_confirm,
    holiday_years_missing,
    holidays_fill_library,
    schedule_diff,
)
from programs.models import Holiday, HolidayYear
from programs.services import holiday_save

D = dt.date
DATA = Path(__file__).parent / "data" / "holidays"
pytestmark = pytest.mark.django_db

# Invented for the tests, in the published wording: the real 2027 notice comes out in November.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕99号
各省、自治区、直辖市人民政府,国务院各部委、各直属机构:
经国务院批准,现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦:1月1日(周五)至3日(周日)放假,共3天。
二、春节:2月5日(农历除夕、周五)至13日(农历正月初八、周六)放假调休,共9天。1月31日(周日)、2月20日(周六)上班。
三、清明节:4月3日(周六)至5日(周一)放假,共3天。
四、劳动节:5月1日(周六)至5日(周三)放假调休,共5天。4月25日(周日)、5月8日(周六)上班。
五、端午节:6月9日(周三)放假1天,不调休。
六、中秋节:9月15日(周三)放假1天,不调休。
七、国庆节:10月1日(周五)至7日(周四)放假调休,共7天。9月26日(周日)、10月9日(周六)上班。
节假日期间,各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2026年11月6日
"""


# --- the library and the fill -----------------------------------------------------------------


def test_D3_the_pinned_library_carries_published_years_with_make_up_days():
    assert library_version() == "holidays 0.108"
    assert library_schedule(2027) == []  # not published in the pinned version
    workdays_2025 = [day.date for day in library_schedule(2025) if day.kind == "workday"]
    assert workdays_2025 == [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]


def test_D3_statutory_days_off_follow_the_law_from_the_lunar_calendar():
    """2027 by law (as revised 2024): 元旦; 春节 除夕 to 初三 with 补假 for the weekend days;
    清明; 劳动节 two days (a weekend, so two days in lieu); 端午; 中秋; 国庆 three days."""
    assert statutory_days_off(2027) == {
        D(2027, 1, 1): "元旦",
        **{day: "春节" for day in [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]},
        D(2027, 4, 5): "清明节",
        **{day: "劳动节" for day in [D(2027, 5, 1), D(2027, 5, 2), D(2027, 5, 3), D(2027, 5, 4)]},
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        **{day: "国庆节" for day in [D(2027, 10, d) for d in range(1, 6)]},
    }
    # No make-up working day and no State Council adjustment in it (2026's 1-2 was one).
    assert D(2026, 1, 2) not in statutory_days_off(2026)


def test_D3_past_years_are_filled_from_the_library_and_2026_from_the_notice():
    years = dict(HolidayYear.objects.values_list("year", "source"))
    assert years[2026] == HolidayYear.Source.NOTICE
    assert all(years[year] == HolidayYear.Source.LIBRARY for year in range(2010, 2026))
    assert 2027 not in years
    assert set(Holiday.objects.filter(date__year=2025).values_list("date", "kind", "name")) == {
        (day.date, day.kind, day.name) for day in library_schedule(2025)
    }
    assert not is_working_day(D(2025, 10, 8))  # 国庆 2025, a Wednesday
    assert is_working_day(D(2025, 10, 11))  # make-up Saturday
    assert working_days_between(D(2017, 1, 1), D(2017, 12, 31)) == 249


def test_D3_a_library_fill_never_overwrites_rows_staff_entered(world):
    HolidayYear.objects.filter(year=2025).delete()
    Holiday.objects.filter(date__year=2025).exclude(date=D(2025, 10, 8)).delete()
    holiday_save(acting_user=world.users["orgstaff"],
                 holiday=Holiday(date=D(2025, 10, 6), kind=Holiday.Kind.WORKDAY, name="本地调整"))
    AuditLog.objects.all().delete()
    call_command("holidays_fill", "2025", stdout=open("/dev/null", "w"))
    staff_row = Holiday.objects.get(date=D(2025, 10, 6))
    assert (staff_row.kind, staff_row.source) == (Holiday.Kind.WORKDAY, Holiday.Source.STAFF)
    assert Holiday.objects.filter(date__year=2025).count() == len(library_schedule(2025))
    record = HolidayYear.objects.get(year=2025)
    assert (record.source, record.reference, record.entered_by) == (HolidayYear.Source.LIBRARY, "holidays 0.108", None)
    audit = AuditLog.objects.get(action="holiday_year_enter")
    assert audit.data["year"] == 2025 and "2025-10-06" not in audit.data["added"] and len(audit.data["added"]) == 22
    # A second run changes nothing.
    assert holidays_fill_library(years=[2025]) == []


# --- provisional counting -----------------------------------------------------------------------


def test_D3_new_year_2027_is_a_rest_day_before_the_schedule_is_entered():
    assert years_without_schedule(D(2026, 12, 28), D(2027, 1, 8)) == [2027]
    assert not is_working_day(D(2027, 1, 1))
    assert working_days_between(D(2026, 12, 28), D(2027, 1, 3)) == 4


def test_D3_a_count_into_2027_uses_the_law_without_make_up_days():
    # 春节 2027 by law: 2-5 (除夕) to 2-8, and 2-9, 2-10 in lieu of the weekend days: 2 left.
    assert working_days_between(D(2027, 2, 5), D(2027, 2, 12)) == 2
    assert add_working_days(D(2027, 2, 5), 5) == D(2027, 2, 17)
    assert is_working_day(D(2027, 1, 31)) is False  # a Sunday: no make-up day without the notice


def test_D3_rows_staff_put_in_an_unentered_year_still_win(world):
    holiday_save(acting_user=world.users["orgstaff"],
                 holiday=Holiday(date=D(2027, 2, 10), kind=Holiday.Kind.WORKDAY, name="春节"))
    assert is_working_day(D(2027, 2, 10))
    assert years_without_schedule(D(2027, 2, 1), D(2027, 2, 28)) == [2027]  # one row is not a schedule


# --- entering a year from the notice ------------------------------------------------------------


def test_D3_notice_enter_saves_the_year_audited_and_ends_provisional_counting(world):
    staff = world.users["orgstaff"]
    holiday_save(acting_user=staff, holiday=Holiday(date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="新年"))
    holiday_save(acting_user=staff, holiday=Holiday(date=D(2027, 3, 8), kind=Holiday.Kind.HOLIDAY, name="本地假日"))
    notice = notice_parse(NOTICE_2027)
    diff = schedule_diff(notice)
    assert [c.date for c in diff.changed] == [D(2027, 1, 1)]
    assert [row.date for row in diff.table_only] == [D(2027, 3, 8)]
    entered = holiday_notice_enter(acting_user=staff, notice=notice)
    assert (entered.added, entered.changed) == (len(notice.days) - 1, 1)
    record = HolidayYear.objects.get(year=2027)
    assert (record.source, record.reference, record.entered_by) == (HolidayYear.Source.NOTICE, "国办发明电〔2026〕99号", staff)
    new_year = Holiday.objects.get(date=D(2027, 1, 1))
    assert (new_year.name, new_year.source) == ("元旦", Holiday.Source.NOTICE)
    assert Holiday.objects.get(date=D(2027, 3, 8)).name == "本地假日"  # left for staff
    audit = AuditLog.objects.get(action="holiday_year_enter", actor=staff)
    assert audit.data["year"] == 2027 and audit.data["kept"] == ["2027-03-08"]
    assert audit.data["changed"] == [{"date": "2027-01-01", "from": ["holiday", "新年"], "to": ["holiday", "元旦"]}]
    assert years_without_schedule(D(2027, 1, 1), D(2027, 12, 31)) == []
    assert is_working_day(D(2027, 1, 31))  # the make-up Sunday now counts
    assert working_days_between(D(2027, 2, 5), D(2027, 2, 12)) == 0


@pytest.mark.parametrize("username", ["countystaff", "gaopingstaff", "hostunit", "cadre"])
def test_D3_only_holders_of_the_permission_enter_or_confirm_a_year(world, username):
    with pytest.raises(ProgramAccessDenied):
        holiday_notice_enter(acting_user=world.users[username], notice=notice_parse(NOTICE_2027))
    with pytest.raises(ProgramAccessDenied):
        holiday_year_confirm(acting_user=world.users[username], year=2027)
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert not Holiday.objects.filter(date__year=2027).exists()


def test_D3_staff_confirm_a_year_they_typed_and_not_twice(world):
    staff = world.users["hzstaff"]
    with pytest.raises(ProgramsError, match="节假日表中没有2027年的日期"):
        holiday_year_confirm(acting_user=staff, year=2027)
    holiday_save(acting_user=staff, holiday=Holiday(date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦"))
    holiday_year_confirm(acting_user=staff, year=2027, reference="按通知逐日录入")
    record = HolidayYear.objects.get(year=2027)
    assert (record.source, record.entered_by) == (HolidayYear.Source.STAFF, staff)
    assert AuditLog.objects.filter(action="holiday_year_enter", actor=staff, data__year=2027).exists()
    with pytest.raises(ProgramsError, match="2027年节假日安排已于"):
        holiday_year_confirm(acting_user=staff, year=2027)


@pytest.mark.parametrize(
    ("when", "missing"),
    [(D(2026, 10, 31), []), (D(2026, 11, 1), [2027]), (D(2026, 12, 8), [2027]), (D(2027, 1, 5), [2027])],
)
def test_D3_years_to_enter_from_1_november(when, missing):
    assert holiday_years_missing(when) == missing

