"""Candidate import (issue 3, R7 step 2): staff register a selection's paper applications and unit
recommendations from a spreadsheet. ONE selection per file, chosen on the upload form; matched by
(selection, 身份证号) so re-importing changes nothing; every bad row reported as
"第 N 行“列名”:原因"; the rules of ``application_create`` (stage, window, mode, reach) apply;
all-or-nothing; status rows and audit rows written; the 批量导入 group's permission.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.spreadsheets import spreadsheet_read
from programs import services as program_services
from programs.models import PolicyFields
from programs.roles import IMPORT_GROUP
from selection import services
from selection.imports.resources import ApplicationResource
from selection.models import Application, ApplicationStatusChange
from tests.programs.test_imports import csv_bytes, importer, workbook

from .steps import APPLY_DAY, announce, register

HEADERS = ["身份证号", "姓名", "报名方式", "志愿岗位", "报名日期", "申请书"]
STAFF = "组织部代为登记本人申请"
UNIT = "单位推荐"


def row(scene, name, *, source=STAFF, post="", applied_on=dt.datetime(2027, 1, 8), statement=None, id_number=None):
    cadre = scene.cadres[name]
    statement = f"{name}的书面申请" if statement is None else statement
    return [id_number or cadre.id_number, name, source, post, applied_on, statement]


def run(scene, rows, *, user=None, dry_run=False, today=APPLY_DAY, name="报名人选.xlsx", data=None):
    data = data if data is not None else workbook(rows, HEADERS)
    dataset = spreadsheet_read(name=name, data=data)
    resource = ApplicationResource(acting_user=user or scene.staff, selection=scene.selection, today=today)
    return resource.import_data(dataset, dry_run=dry_run, use_transactions=True, file_name=name)


def applications(scene):
    return Application.objects.filter(selection=scene.selection)


# --- the resource ---------------------------------------------------------------------------------


def test_R7_import_registers_candidates_with_status_rows_and_audit(scene):
    announce(scene)
    result = run(scene, [
        row(scene, "周杰", post="泽州县巴公镇/党委委员、副镇长"),
        row(scene, "郑浩", source=UNIT, applied_on=None, statement=""),
    ])

    assert not result.has_errors() and not result.has_validation_errors(), result.error_lines
    zhou = applications(scene).get(cadre=scene.cadres["周杰"])
    assert (zhou.source, zhou.status, zhou.applied_on) == (Application.Source.STAFF, Application.Status.APPLIED, dt.date(2027, 1, 8))
    assert zhou.preferred_post == scene.posts["township"]
    assert zhou.statement == "周杰的书面申请" and zhou.registered_by == scene.staff
    zheng = applications(scene).get(cadre=scene.cadres["郑浩"])
    # A recommendation counts from the day it is registered (as in application_create).
    assert (zheng.source, zheng.applied_on, zheng.preferred_post) == (Application.Source.UNIT, APPLY_DAY, None)
    changes = ApplicationStatusChange.objects.filter(application__selection=scene.selection)
    assert sorted((c.from_status, c.to_status, c.actor) for c in changes) == [("", "applied", scene.staff)] * 2
    assert AuditLog.objects.filter(action="application_create", target_id__in=[str(zhou.pk), str(zheng.pk)]).count() == 2
    summary = AuditLog.objects.get(action="applications_import")
    assert summary.data["created"] == 2 and summary.target_id == str(scene.selection.pk)


def test_R7_reimporting_the_same_file_changes_nothing(scene):
    announce(scene)
    rows = [row(scene, "周杰", post="泽州县巴公镇 党委委员、副镇长"), row(scene, "郑浩", source=UNIT, applied_on=None)]
    run(scene, rows)
    before = list(applications(scene).values())
    audits = AuditLog.objects.count()

    # Even a day later (a recommendation's date is the day it was registered).
    again = run(scene, rows, today=APPLY_DAY + dt.timedelta(days=1))

    assert not again.has_validation_errors(), again.error_lines
    assert again.totals["skip"] == 2 and again.totals["new"] == 0
    assert list(applications(scene).values()) == before
    assert AuditLog.objects.count() == audits


def test_R7_a_cadre_who_applied_differently_is_reported_not_changed(scene):
    announce(scene)
    register(scene, "周杰", post="village")
    result = run(scene, [row(scene, "周杰", post="泽州县巴公镇/党委委员、副镇长", applied_on=dt.datetime(2027, 1, 10))])
    assert result.has_validation_errors()
    assert result.error_lines == [
        "第 2 行“身份证号”：干部“周杰”已报名本次选派，本行的“志愿岗位”与已登记的报名不同；导入不修改已有报名，请在“报名人选”中办理。"
    ]
    assert applications(scene).get().preferred_post == scene.posts["village"]


def test_R7_every_bad_row_is_reported_with_row_column_reason_and_nothing_is_written(scene, world):
    announce(scene)
    unknown = "110101199003070011"
    result = run(scene, [
        row(scene, "周杰"),                                            # 2: good
        row(scene, "吴敏", id_number=unknown),                          # 3: unknown ID number
        row(scene, "郑浩") [:1] + ["郑皓"] + row(scene, "郑浩")[2:],      # 4: name mismatch
        row(scene, "冯丽", applied_on=dt.datetime(2027, 1, 2)),        # 5: before the window
        row(scene, "王芳", statement=""),                               # 6: no written application
        row(scene, "孙涛", source="本人网上申请"),                       # 7: not a source staff register
        row(scene, "周杰"),                                            # 8: duplicate of row 2
        row(scene, "吴敏", post="高平市米山镇/副镇长"),                  # 9: not a post of the program
        [1.40525199006E+17, "吴敏", STAFF, "", None, "x"],             # 10: Excel number cell
    ])

    assert result.has_validation_errors()
    lines = result.error_lines
    assert f"第 3 行“身份证号”：找不到身份证号为“{unknown}”的干部，或您无权管理该干部；请先在“干部”中登记。" in lines
    assert "第 4 行“姓名”：“郑皓”与该身份证号登记的干部姓名“郑浩”不一致。" in lines
    assert "第 5 行“报名日期”：报名时间为 2027年1月4日 至 2027年1月15日，2027年1月2日 不在报名时间内。" in lines
    assert "第 6 行“申请书”：请填写申请书或上传书面申请。" in lines
    assert "第 7 行“报名方式”：“本人网上申请”不是可选的值，应为：组织部代为登记本人申请、单位推荐。" in lines
    assert "第 8 行“身份证号”：与第 2 行重复。" in lines
    assert any(line.startswith("第 9 行“志愿岗位”：本项目没有岗位“高平市米山镇/副镇长”") for line in lines)
    assert any(line.startswith("第 10 行“身份证号”：") and "Excel" in line for line in lines)
    assert len(lines) == 8, lines
    assert not applications(scene).exists()
    assert not AuditLog.objects.filter(action__in=["applications_import", "application_create"]).exists()


def test_R7_the_selection_rules_refuse_the_mode_and_the_reach(scene, world):
    announce(scene)
    program_services.program_policy_update(
        acting_user=world.admin, program=scene.program, selection_mode=PolicyFields.SelectionMode.PERSONAL
    )
    # orgstaff (晋城市) manages 高平's cadre, but a 泽州 program does not reach them (D1).
    orgstaff = importer(world.users["orgstaff"])
    gp = world.cadres["gp_cadre"]
    result = run(scene, [
        row(scene, "郑浩", source=UNIT),
        [gp.id_number, gp.name, STAFF, "", dt.datetime(2027, 1, 8), "申请"],
    ], user=orgstaff)

    assert result.error_lines == [
        "第 2 行“报名方式”：本项目的报名方式为“个人申请”，不接受“单位推荐”。",
        f"第 3 行“身份证号”：干部“{gp.name}”不在本项目的选派范围内。",
    ]
    assert not applications(scene).exists()


def test_R7_out_of_subtree_cadres_read_as_unknown(scene, world):
    announce(scene)
    gaoping = world.cadres["gp_cadre"]
    result = run(scene, [[gaoping.id_number, gaoping.name, STAFF, "", dt.datetime(2027, 1, 8), "申请"]])
    assert result.error_lines == [
        f"第 2 行“身份证号”：找不到身份证号为“{gaoping.id_number}”的干部，或您无权管理该干部；请先在“干部”中登记。"
    ]


def test_R7_a_selection_not_announced_refuses_every_row(scene):
    result = run(scene, [row(scene, "周杰")])
    assert result.error_lines == ["第 2 行：选派工作处于“准备”阶段，不接受报名。"]


def test_the_service_checks_again_under_the_lock(scene):
    """Between preview and confirm the window may close: the bulk service refuses the file."""
    announce(scene)
    application = Application(cadre=scene.cadres["周杰"], source=Application.Source.STAFF, statement="申请",
                              applied_on=dt.date(2027, 1, 8))
    from selection.exceptions import ApplicationRefused

    with pytest.raises(ApplicationRefused, match="周杰"):
        services.applications_import(acting_user=scene.staff, selection=scene.selection, applications=[application],
                                     today=dt.date(2027, 1, 3))
    assert not applications(scene).exists()


def test_a_csv_file_imports_too(scene):
    announce(scene)
    result = run(scene, [row(scene, "周杰")], name="报名.csv", data=csv_bytes([row(scene, "周杰")], HEADERS))
    assert not result.has_validation_errors(), result.error_lines
    assert applications(scene).count() == 1


def test_application_create_still_refuses_with_the_first_rule(scene):
    announce(scene)
    from selection.exceptions import ApplicationRefused

    with pytest.raises(ApplicationRefused, match="不在报名时间内"):
        services.application_create(acting_user=scene.staff, selection=scene.selection, cadre=scene.cadres["周杰"],
                                    source=Application.Source.STAFF, statement="x", applied_on=dt.date(2027, 1, 2),
                                    today=APPLY_DAY)


# --- the admin: upload with the selection, preview, confirm ------------------------------------------


def open_window(scene):
    """The admin uses the real today: a window around it."""
    today = timezone.localdate()
    return announce(scene, apply_from=today - dt.timedelta(days=3), apply_until=today + dt.timedelta(days=3),
                    announced_on=today - dt.timedelta(days=5))


def url(view="import"):
    return reverse(f"admin:selection_application_{view}")


def preview(client, scene, data, *, name="报名人选.xlsx", selection=None):
    upload = SimpleUploadedFile(name, data)
    return client.post(url(), {"resource": "0", "format": "0", "import_file": upload,
                               "selection": (selection or scene.selection).pk})


def test_admin_preview_writes_nothing_then_confirm_registers(scene, client):
    open_window(scene)
    client.force_login(importer(scene.staff))
    today = timezone.localdate()
    data = workbook([row(scene, "周杰", applied_on=dt.datetime.combine(today, dt.time())), row(scene, "吴敏", source=UNIT)], HEADERS)

    page = preview(client, scene, data)
    assert page.status_code == 200
    assert "共 2 行：新增 2 条" in page.content.decode()
    assert not applications(scene).exists()

    confirm = page.context["confirm_form"]
    assert confirm.initial["selection"] == scene.selection.pk
    done = client.post(url("process_import"), confirm.initial)
    assert done.status_code == 302
    assert applications(scene).count() == 2

    again = preview(client, scene, data)
    assert "新增 0 条" in again.content.decode() and "跳过 2 条" in again.content.decode()


def test_admin_lists_only_announced_selections_the_user_manages(scene, world, client):
    client.force_login(importer(world.users["gaopingstaff"]))
    open_window(scene)
    page = client.get(url())
    assert page.status_code == 200
    assert list(page.context["form"].fields["selection"].queryset) == []
    refused = preview(client, scene, workbook([row(scene, "周杰")], HEADERS))
    assert "selection" in refused.context["form"].errors
    assert not applications(scene).exists()

    client.force_login(importer(scene.staff))
    page = client.get(url())
    assert list(page.context["form"].fields["selection"].queryset) == [scene.selection]
    assert 'name="selection"' in page.content.decode() and str(scene.program) in page.content.decode()


def test_admin_confirm_with_a_selection_out_of_scope_is_refused(scene, world, client):
    open_window(scene)
    client.force_login(importer(scene.staff))
    page = preview(client, scene, workbook([row(scene, "周杰", applied_on=None)], HEADERS))
    other = services.selection_create(acting_user=world.admin, program=world.hz_program)
    forged = {**page.context["confirm_form"].initial, "selection": other.pk}
    response = client.post(url("process_import"), forged)
    assert response.status_code == 200  # the confirm form is invalid: nothing imported
    assert "selection" in response.context["confirm_form"].errors
    assert not applications(scene).exists()


def test_admin_confirm_takes_only_the_users_own_preview(scene, world, client):
    """Another user's preview is refused, and left for its owner (issue 10, part 6)."""
    open_window(scene)
    client.force_login(importer(scene.staff))
    page = preview(client, scene, workbook([row(scene, "周杰", applied_on=None)], HEADERS))
    confirm = page.context["confirm_form"].initial
    client.force_login(importer(world.users["gaopingstaff"]))
    response = client.post(url("process_import"), confirm, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"]
    response = client.post(url("process_import"), {**confirm, "import_file_name": "victim.csv"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"]
    assert not applications(scene).exists()
    client.force_login(scene.staff)
    assert client.post(url("process_import"), confirm).status_code == 302
    assert applications(scene).count() == 1


def test_admin_bad_rows_are_listed(scene, client):
    open_window(scene)
    client.force_login(importer(scene.staff))
    page = preview(client, scene, workbook([row(scene, "周杰", applied_on=None, statement="")], HEADERS))
    assert "第 2 行“申请书”：请填写申请书或上传书面申请。" in page.content.decode()
    assert "confirm_form" not in page.context or page.context["confirm_form"] is None


def test_the_template_has_the_chinese_headers(scene, client):
    import io

    import openpyxl

    client.force_login(importer(scene.staff))
    response = client.get(url("import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["身份证号*", "姓名*", "报名方式", "志愿岗位", "报名日期", "申请书"]
    assert sheet["A2"].data_type == "s"


def test_only_the_import_group_may_import_and_there_is_no_background_import(scene, world, client):
    client.force_login(scene.staff)
    for view in ("import", "import_template"):
        assert client.get(url(view)).status_code == 403, view
    assert client.post(url("process_import"), {}).status_code == 403
    assert Group.objects.get(name=IMPORT_GROUP).permissions.filter(codename="import_application").exists()
    client.force_login(importer(scene.staff))
    assert client.get(url("import_background")).status_code == 404
    client.force_login(world.users["sendunit"])
    assert client.get(url()).status_code == 302


def test_the_changelist_offers_import_to_importers_and_export_to_staff(scene, client):
    client.force_login(scene.staff)
    page = client.get(reverse("admin:selection_application_changelist")).content.decode()
    assert "导出 Excel" in page and "导入 Excel" not in page
    client.force_login(importer(scene.staff))
    page = client.get(reverse("admin:selection_application_changelist")).content.decode()
    assert "导入 Excel" in page and url("import_template") in page
