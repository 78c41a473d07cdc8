"""The reports list as Excel (R12, D1): the filtered change list of the rows in scope, with the
deadline state, dates as date cells, formula-looking text neutralised, and the export
permission every staff user has."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import services as program_services
from reports.models import Report
from tests.factories import make_cadre
from tests.reports.test_review import fresh, scheduled, submit

pytestmark = pytest.mark.django_db

K = Report.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 10, 15, 10, tzinfo=SHANGHAI)
HEADERS = ["姓名", "派出单位", "挂职单位", "挂职项目", "报告", "所属期间", "截止日期", "状态", "按期情况", "首次提交时间",
           "最近提交", "版本数"]


def export_url(query: str = "") -> str:
    return reverse("admin:reports_report_export_xlsx") + query


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def records(sheet) -> list[dict]:
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def reports(world):
    with time_machine.travel(TODAY, tick=False):
        by_key = scheduled(world)
        submit(by_key[(K.QUARTERLY, 1)], at=dt.datetime(2026, 4, 12, 9, 30, tzinfo=SHANGHAI))
        submit(by_key[(K.QUARTERLY, 2)], at=dt.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI))
        program_services.placement_start(acting_user=world.admin, placement=world.hz_placement,
                                         effective_date=dt.date(2026, 3, 2))
        scheduled(world, world.hz_placement)
        assert world.hz_placement.reports.exists()
    return by_key


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_R12_export_has_the_columns_and_the_deadline_state(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    sheet = sheet_of(client.get(export_url()))
    assert [cell.value for cell in sheet[1]] == HEADERS
    rows = {r["报告"].value: r for r in records(sheet)}
    assert len(rows) == world.placement.reports.count()
    q1 = rows["2026年第1季度工作报告"]
    assert q1["姓名"].value == "李明" and q1["派出单位"].value == "泽州县发展和改革局"
    assert q1["挂职单位"].value == "泽州县巴公镇" and q1["挂职项目"].value == str(world.program)
    assert q1["所属期间"].value == "2026-03-02 至 2026-03-31"  # from the start date (D5)
    assert q1["截止日期"].is_date and q1["截止日期"].value.date() == dt.date(2026, 4, 10)
    assert q1["状态"].value == "已提交" and q1["按期情况"].value == "逾期提交"
    assert q1["首次提交时间"].is_date and q1["首次提交时间"].value == dt.datetime(2026, 4, 12, 9, 30)
    assert (q1["版本数"].value, q1["版本数"].data_type) == (1, "n")
    assert rows["2026年第2季度工作报告"]["按期情况"].value == "按时提交"
    assert rows["2026年第3季度工作报告"]["按期情况"].value == "逾期未交"
    assert rows["2026年第4季度工作报告"]["按期情况"].value == "待提交"
    assert rows["2026年第4季度工作报告"]["版本数"].value == 0


@pytest.mark.parametrize(("name", "cadres"), [
    ("countystaff", {"李明"}), ("orgstaff", {"李明"}), ("gaopingstaff", set()), ("hzstaff", {"陈静"}),
])
def test_D1_export_holds_only_the_rows_in_scope(client, world, reports, today, name, cadres):
    client.force_login(world.users[name])
    assert {r["姓名"].value for r in records(sheet_of(client.get(export_url())))} == cadres


def test_R12_export_follows_the_change_list_filters(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    late = records(sheet_of(client.get(export_url("?late=1"))))
    assert {r["按期情况"].value for r in late} == {"逾期提交", "逾期未交"}
    submitted = records(sheet_of(client.get(export_url("?status__exact=submitted"))))
    assert {r["报告"].value for r in submitted} == {"2026年第1季度工作报告", "2026年第2季度工作报告"}


def test_R12_formula_looking_names_are_text(client, world, today):
    cadre = make_cadre(acting_user=world.admin, name="=HYPERLINK(1)", sending_unit=world.units["zz_drc"],
                       birth=dt.date(1991, 2, 3))
    placement = program_services.placement_create(acting_user=world.admin, cadre=cadre, host_post=world.posts["township"])
    program_services.placement_start(acting_user=world.admin, placement=placement, effective_date=dt.date(2026, 3, 2))
    scheduled(world, placement)
    client.force_login(world.users["countystaff"])
    sheet = sheet_of(client.get(export_url()))
    names = {r["姓名"].value for r in records(sheet)}
    assert "'=HYPERLINK(1)" in names
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_R12_export_costs_a_fixed_number_of_queries(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    client.get(export_url())  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        client.get(export_url())
    for key in ((K.QUARTERLY, 3), (K.QUARTERLY, 4), (K.ANNUAL, 1)):
        submit(reports[key], at=TODAY)
    with CaptureQueriesContext(connection) as more:
        client.get(export_url())
    assert len(more) == len(few)


def test_R12_staff_without_the_export_permission_get_403(client, world, reports):
    staff = world.users["countystaff"]
    staff.groups.clear()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="reports", codename="view_report"))
    client.force_login(fresh(staff))
    assert client.get(export_url()).status_code == 403
    changelist = client.get(reverse("admin:reports_report_changelist"))
    assert changelist.status_code == 200 and export_url() not in changelist.content.decode()


def test_R12_the_change_list_offers_the_export(client, world, reports):
    client.force_login(world.users["countystaff"])
    html = client.get(reverse("admin:reports_report_changelist") + "?late=1").content.decode()
    assert export_url("?late=1") in html
