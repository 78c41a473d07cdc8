"""D3: the State Council's holiday notice as staff paste it, read into days off and make-up
working days. The three real notices (``data/holidays/``, copied from ``shared/holidays``) differ
in wording; every date of each is asserted, and checked against the shipped 2026 rows and the
holiday library's data for 2017 and 2025."""

import datetime as dt
from pathlib import Path

import pytest

from programs.exceptions import HolidayNoticeError
from programs.holiday_library import library_schedule
from programs.holiday_notice import HOLIDAY, WORKDAY, notice_parse
from programs.presets import HOLIDAYS_2026

DATA = Path(__file__).parent / "data" / "holidays"


def notice_text(year: int) -> str:
    return (DATA / f"{year}.txt").read_text(encoding="utf-8")


def days(year, month, first, last=None):
    return [dt.date(year, month, d) for d in range(first, (last or first) + 1)]


def as_table(notice) -> dict:
    return {(day.date, day.kind, day.name) for day in notice.days}


def rest_days(year: int, days_off, workdays) -> set:
    """Every rest day of the year under a schedule: weekends and days off, less make-up days."""
    day, rest = dt.date(year, 1, 1), set()
    while day.year == year:
        if day not in workdays and (day in days_off or day.weekday() >= 5):
            rest.add(day)
        day += dt.timedelta(days=1)
    return rest


EXPECTED_2017 = {
    "元旦": (days(2017, 1, 1, 2), []),  # "1月1日放假,1月2日(星期一)补休"
    "春节": (days(2017, 1, 27, 31) + days(2017, 2, 1, 2), [dt.date(2017, 1, 22), dt.date(2017, 2, 4)]),
    "清明节": (days(2017, 4, 2, 4), [dt.date(2017, 4, 1)]),  # "4月2日至4日": the range within a month
    "劳动节": (days(2017, 5, 1), []),  # "5月1日放假,与周末连休"
    "端午节": (days(2017, 5, 28, 30), [dt.date(2017, 5, 27)]),
    "中秋节、国庆节": (days(2017, 10, 1, 8), [dt.date(2017, 9, 30)]),  # combined item
}
EXPECTED_2025 = {
    "元旦": (days(2025, 1, 1), []),  # "放假1天,不调休"
    "春节": (days(2025, 1, 28, 31) + days(2025, 2, 1, 4), [dt.date(2025, 1, 26), dt.date(2025, 2, 8)]),  # 农历 notes
    "清明节": (days(2025, 4, 4, 6), []),
    "劳动节": (days(2025, 5, 1, 5), [dt.date(2025, 4, 27)]),
    "端午节": (days(2025, 5, 31) + days(2025, 6, 1, 2), []),  # across a month end
    "国庆节、中秋节": (days(2025, 10, 1, 8), [dt.date(2025, 9, 28), dt.date(2025, 10, 11)]),  # 合并放假
}
EXPECTED_2026 = {
    "元旦": (days(2026, 1, 1, 3), [dt.date(2026, 1, 4)]),
    "春节": (days(2026, 2, 15, 23), [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]),
    "清明节": (days(2026, 4, 4, 6), []),
    "劳动节": (days(2026, 5, 1, 5), [dt.date(2026, 5, 9)]),
    "端午节": (days(2026, 6, 19, 21), []),
    "中秋节": (days(2026, 9, 25, 27), []),
    "国庆节": (days(2026, 10, 1, 7), [dt.date(2026, 9, 20), dt.date(2026, 10, 10)]),  # "9月20日(周日)"
}


def expected_table(expected: dict) -> set:
    return {
        (day, kind, name)
        for name, (off, work) in expected.items()
        for kind, dates in ((HOLIDAY, off), (WORKDAY, work))
        for day in dates
    }


@pytest.mark.parametrize(
    ("year", "expected", "document"),
    [
        (2017, EXPECTED_2017, "国办发明电〔2016〕17号"),
        (2025, EXPECTED_2025, "国办发明电〔2024〕12号"),
        (2026, EXPECTED_2026, ""),  # published without a document number
    ],
)
def test_D3_notice_parse_reads_every_date_of_the_real_notices(year, expected, document):
    notice = notice_parse(notice_text(year))
    assert notice.year == year
    assert notice.document_number == document
    assert as_table(notice) == expected_table(expected)


def test_D3_notice_parse_2026_equals_the_shipped_rows():
    shipped = {(day, kind, name) for name, kind, dates in HOLIDAYS_2026 for day in dates}
    assert as_table(notice_parse(notice_text(2026))) == shipped


@pytest.mark.parametrize("year", [2017, 2025, 2026])
def test_D3_notice_parse_agrees_with_the_library_on_every_rest_day(year):
    """The library lists only weekdays off and statutory days; the notice lists whole ranges.
    Both must give the same rest days, day by day, and the same make-up working days."""
    notice = notice_parse(notice_text(year))
    library = library_schedule(year)
    library_off = {day.date for day in library if day.kind == HOLIDAY}
    library_work = {day.date for day in library if day.kind == WORKDAY}
    assert {day.date for day in notice.workdays} == library_work
    assert rest_days(year, {d.date for d in notice.holidays}, library_work) == rest_days(year, library_off, library_work)


def test_D3_notice_parse_reads_full_width_text_and_years_written_in_the_dates():
    # The 2019 notice wrote the years into the 元旦 item and used full-width punctuation.
    text = (
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
        "二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。\n"
        "节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。"
    )
    notice = notice_parse(text)
    assert notice.year == 2019
    assert [d.date for d in notice.holidays] == days(2018, 12, 30, 31) + days(2019, 1, 1) + days(2019, 2, 4, 10)
    assert [d.date for d in notice.workdays] == [dt.date(2018, 12, 29), dt.date(2019, 2, 2), dt.date(2019, 2, 3)]


def test_D3_notice_parse_reads_a_new_year_range_across_the_year_end():
    notice = notice_parse("国务院办公厅关于2022年部分节假日安排的通知\n一、元旦：12月31日至1月2日放假调休，共3天。\n")
    assert [d.date for d in notice.holidays] == [dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2022, 1, 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请粘贴国务院办公厅关于节假日安排的通知全文。"),
        ("关于做好2027年春节期间值班工作的通知\n各单位：请做好值班安排，确保平安。", "粘贴的内容不是国务院办公厅关于节假日安排的通知"),
        ("Lorem ipsum dolor sit amet, 1月1日.", "粘贴的内容不是国务院办公厅关于节假日安排的通知"),
        ("国务院办公厅关于部分节假日安排的通知\n一、元旦：1月1日放假，与周末连休。", "未找到通知所属的年份"),
    ],
)
def test_D3_notice_parse_refuses_text_that_is_not_a_notice(text, message):
    with pytest.raises(HolidayNoticeError) as refused:
        notice_parse(text)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The 2025 notice pasted under another year: the weekdays written beside the dates disagree.
        (lambda t: t.replace("2025年", "2026年"), "1月1日 标注为“周三”，但2026年1月1日是星期四"),
        (lambda t: t.replace("共8天。1月26日", "共7天。1月26日"), "通知写明共 7 天，但读出的放假日期是 8 天"),
        (lambda t: t.replace("关于2025年", "关于2024年"), "通知中出现了不同的年份（2024、2025）"),
    ],
)
def test_D3_notice_parse_says_what_is_wrong_with_a_damaged_notice(change, message):
    with pytest.raises(HolidayNoticeError) as refused:
        notice_parse(change(notice_text(2025)))
    assert message in refused.value.message


def test_D3_notice_parse_refuses_a_weekday_listed_as_a_make_up_day():
    text = "国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日至3日放假调休，共3天。1月5日上班。\n"
    with pytest.raises(HolidayNoticeError) as refused:
        notice_parse(text)
    assert "1月5日 是星期一，本来就是工作日" in refused.value.message
