"""Candidate export (issue 3): 报名人选 with eligibility (R5) and priority (R6) from the application
changelist — Chinese headers, dates and numbers typed, ID numbers as text and masked unless the user
may see them, formula-looking text neutralised, the changelist's filters and scope (D1), a fixed
number of queries, and the export permission."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selection.models import Application
from tests.factories import make_cadre, make_user
from tests.programs.test_exports import records, sheet_of

from .steps import APPLY_DAY, applied

URL = reverse("admin:selection_application_export_xlsx")
HEADERS = ["姓名", "性别", "出生日期", "身份证号", "派出单位", "职级", "学历", "报名方式", "状态", "志愿岗位", "拟任岗位",
           "资格审查", "优先分", "优先因素"]


def by_name(sheet) -> dict:
    return {r["姓名"].value: r for r in records(sheet)}


def test_R5_R6_candidates_with_eligibility_and_priority_typed_cells(scene, client):
    applied(scene, posts={"周杰": "township"})
    client.force_login(scene.world.users["orgstaff"])  # may see full ID numbers
    sheet = sheet_of(client.get(URL))

    assert [c.value for c in sheet[1]] == HEADERS
    rows = by_name(sheet)
    assert set(rows) == {"周杰", "王芳", "吴敏", "郑浩", "冯丽", "孙涛"}
    zhou = rows["周杰"]
    assert zhou["出生日期"].is_date and zhou["出生日期"].value.date() == dt.date(1990, 6, 1)
    assert (zhou["身份证号"].value, zhou["身份证号"].data_type) == (scene.cadres["周杰"].id_number, "s")
    assert zhou["志愿岗位"].value == "泽州县巴公镇/党委委员、副镇长"
    assert rows["王芳"]["志愿岗位"].value == "服从组织安排"
    assert zhou["报名方式"].value == "组织部代为登记本人申请" and zhou["状态"].value == "已申请"
    assert zhou["资格审查"].value == "符合"
    assert "年龄" in rows["孙涛"]["资格审查"].value and "40" in rows["孙涛"]["资格审查"].value
    assert all(isinstance(r["优先分"].value, int) and r["优先分"].data_type == "n" for r in rows.values())
    # 泽州县发展和改革局 is tied to the economy and runs projects (R2, R6): its cadres score.
    assert zhou["优先分"].value > 0 and zhou["优先因素"].value


def test_R3_id_numbers_are_masked_for_staff_without_the_full_id_permission(scene, client):
    applied(scene, names=["周杰"])
    client.force_login(scene.staff)
    row = by_name(sheet_of(client.get(URL)))["周杰"]
    full = scene.cadres["周杰"].id_number
    assert row["身份证号"].value == scene.cadres["周杰"].masked_id_number != full
    assert row["身份证号"].data_type == "s"


def test_a_formula_looking_name_is_neutralised(scene, client):
    from selection import services

    applied(scene, names=["周杰"])
    cadre = make_cadre(acting_user=scene.world.admin, name="=HYPERLINK(\"x\")", sending_unit=scene.world.units["zz_drc"],
                       birth=dt.date(1990, 3, 3))
    services.application_create(acting_user=scene.staff, selection=scene.selection, cadre=cadre,
                                source=Application.Source.STAFF, statement="+1", applied_on=APPLY_DAY, today=APPLY_DAY)
    client.force_login(scene.staff)
    sheet = sheet_of(client.get(URL))
    assert "'=HYPERLINK(\"x\")" in by_name(sheet)
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_the_export_follows_the_changelist_filters_and_scope(scene, client):
    applied(scene, names=["周杰", "郑浩"])
    client.force_login(scene.staff)
    assert set(by_name(sheet_of(client.get(URL, {"q": "郑浩"})))) == {"郑浩"}
    # 高平's staff see no 泽州 candidates (D1): a header row only.
    client.force_login(scene.world.users["gaopingstaff"])
    assert records(sheet_of(client.get(URL))) == []
    # The changelist's export link carries its filters.
    client.force_login(scene.staff)
    page = client.get(reverse("admin:selection_application_changelist"), {"q": "郑浩"})
    assert page.context["export_xlsx_url"] == f"{URL}?q=%E9%83%91%E6%B5%A9"


def test_the_export_costs_a_fixed_number_of_queries(scene, client):
    applied(scene, names=["周杰"])
    client.force_login(scene.world.users["orgstaff"])
    client.get(URL)  # warm the permission and session caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            sheet_of(client.get(URL))
        return len(queries)

    one = count()
    from selection import services

    for name in ["王芳", "吴敏", "郑浩", "冯丽", "孙涛"]:
        services.application_create(acting_user=scene.staff, selection=scene.selection, cadre=scene.cadres[name],
                                    source=Application.Source.STAFF, statement="申请", applied_on=APPLY_DAY, today=APPLY_DAY)
    assert count() == one


def test_only_users_with_the_export_permission_export(scene, client):
    applied(scene, names=["周杰"])
    outsider = make_user("plainstaff")
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    client.force_login(scene.world.users["sendunit"])
    assert client.get(URL).status_code == 302  # non-staff never reach the admin
    assert Permission.objects.filter(content_type__app_label="selection", codename="export_application").exists()
