"""Exports to .xlsx (issue 3): 花名册 of a program, cadres, units, placements. Chinese headers, ID
numbers as text cells and masked unless the user may see them (R3), formula-looking text
neutralised while dates and numbers keep their types, only visible rows (D1), and the
export permission.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from programs import services
from programs.models import Cadre
from tests.factories import make_cadre


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def records(sheet) -> list[dict]:
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2)]


def export_url(model):
    return reverse(f"admin:programs_{model}_export_xlsx")


def roster_url(program):
    return reverse("admin:programs_program_roster", args=[program.pk])


@pytest.fixture
def formula_cadre(world):
    cadre = make_cadre(acting_user=world.admin, name="=1+1", sending_unit=world.units["zz_drc"], current_post="@SUM(A1)",
                       birth=dt.date(1991, 2, 3), phone="+8613800000000")
    post = world.posts["township"]
    services.placement_create(acting_user=world.admin, cadre=cadre, host_post=post)
    return cadre


def test_a_formula_looking_name_and_post_are_exported_as_text_and_dates_stay_dates(world, client, formula_cadre):
    client.force_login(world.users["orgstaff"])
    sheet = sheet_of(client.get(export_url("cadre")))
    row = next(r for r in records(sheet) if r["姓名"].value == "'=1+1")
    assert row["姓名"].data_type == "s"
    assert (row["现任职务"].value, row["现任职务"].data_type) == ("'@SUM(A1)", "s")
    assert (row["联系电话"].value, row["联系电话"].data_type) == ("'+8613800000000", "s")
    assert row["出生日期"].is_date and row["出生日期"].value.date() == dt.date(1991, 2, 3)
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_the_roster_numbers_rows_as_numbers_and_neutralises_text(world, client, formula_cadre):
    client.force_login(world.users["countystaff"])
    sheet = sheet_of(client.get(roster_url(world.program)))
    rows = records(sheet)
    assert [cell.value for cell in sheet[1]][:5] == ["序号", "姓名", "性别", "出生日期", "身份证号"]
    assert [r["序号"].value for r in rows] == list(range(1, len(rows) + 1))
    assert all(r["序号"].data_type == "n" for r in rows)
    by_name = {r["姓名"].value: r for r in rows}
    assert set(by_name) == {"李明", "'=1+1"}
    li = by_name["李明"]
    assert li["挂职单位"].value == "泽州县巴公镇" and li["挂任职务"].value == "党委委员、副镇长"
    assert li["实际到岗日期"].is_date and li["实际到岗日期"].value.date() == dt.date(2026, 3, 2)
    assert li["状态"].value == "在岗"
    assert by_name["'=1+1"]["现任职务"].value == "'@SUM(A1)"


def test_R3_countystaff_without_the_permission_get_masked_ids_and_orgstaff_full_ones(world, client):
    cadre = world.cadres["cadre"]
    client.force_login(world.users["countystaff"])
    masked = {r["姓名"].value: r["身份证号"] for r in records(sheet_of(client.get(export_url("cadre"))))}
    assert masked["李明"].value == cadre.masked_id_number and "*" in masked["李明"].value
    assert masked["李明"].data_type == "s" and masked["李明"].number_format == "@"
    roster = {r["姓名"].value: r["身份证号"].value for r in records(sheet_of(client.get(roster_url(world.program))))}
    assert roster["李明"] == cadre.masked_id_number
    placements = {r["姓名"].value: r["身份证号"].value for r in records(sheet_of(client.get(export_url("placement"))))}
    assert placements["李明"] == cadre.masked_id_number

    client.force_login(world.users["orgstaff"])
    full = {r["姓名"].value: r["身份证号"] for r in records(sheet_of(client.get(export_url("cadre"))))}
    assert (full["李明"].value, full["李明"].data_type) == (cadre.id_number, "s")


def test_D1_exports_contain_only_the_rows_the_user_may_see(world, client):
    client.force_login(world.users["countystaff"])
    names = {r["姓名"].value for r in records(sheet_of(client.get(export_url("cadre"))))}
    assert names == {"李明", "王芳"}
    units = {r["名称"].value for r in records(sheet_of(client.get(export_url("unit"))))}
    assert "泽州县发展和改革局" in units and "高平市农业农村局" not in units and "杭州市建设委员会" not in units
    placements = {r["姓名"].value for r in records(sheet_of(client.get(export_url("placement"))))}
    assert placements == {"李明"}

    client.force_login(world.users["hzstaff"])
    assert {r["姓名"].value for r in records(sheet_of(client.get(export_url("placement"))))} == {"陈静"}
    # Another department's program: its roster is out of scope, which looks like not found (D6).
    assert client.get(roster_url(world.program)).status_code == 404


def test_the_export_follows_the_changelist_filters(world, client):
    client.force_login(world.users["orgstaff"])
    response = client.get(export_url("cadre") + "?gender__exact=F")
    names = {r["姓名"].value for r in records(sheet_of(response))}
    assert names == {"王芳"}


def test_exports_need_the_export_permission(world, client):
    user = world.users["countystaff"]
    client.force_login(user)
    page = client.get(reverse("admin:programs_cadre_changelist"))
    assert "导出 Excel" in page.content.decode()
    staff_group = user.groups.get()
    staff_group.permissions.remove(*Permission.objects.filter(codename__startswith="export_"))
    user = type(user).objects.get(pk=user.pk)
    client.force_login(user)
    for model in ("cadre", "unit", "placement"):
        assert client.get(export_url(model)).status_code == 403, model
    assert client.get(roster_url(world.program)).status_code == 403
    assert "导出 Excel" not in client.get(reverse("admin:programs_cadre_changelist")).content.decode()


def test_non_staff_cannot_export(world, client):
    client.force_login(world.users["cadre"])
    response = client.get(export_url("cadre"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_exported_cadre_sheet_with_full_ids_imports_back_unchanged(world, client):
    """The cadre export uses the import headers: edit it in Excel and import it again."""
    from core.spreadsheets import spreadsheet_read
    from programs.imports.resources import CadreResource

    client.force_login(world.users["orgstaff"])
    content = client.get(export_url("cadre") + "?sending_unit__id__exact=%d" % world.units["zz_drc"].pk).content
    dataset = spreadsheet_read(name="干部.xlsx", data=content)
    result = CadreResource(acting_user=world.users["orgstaff"]).import_data(dataset, dry_run=True)
    assert result.error_lines == []
    assert result.totals["skip"] == Cadre.objects.filter(sending_unit=world.units["zz_drc"]).count()
