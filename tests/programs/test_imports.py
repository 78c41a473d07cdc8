"""Spreadsheet import of cadres and units (issue 3): preview → confirm, all-or-nothing with every
bad row reported as "第 N 行“列名”:原因", re-import changes nothing, Excel-mangled ID numbers
refused, scope (D1) and permissions, and the background import job with its progress.

Users come from ``tests.factories.build_world``: ``countystaff`` (泽州), ``gaopingstaff`` (高平),
``orgstaff`` (晋城市); bulk import needs the 批量导入 group on top of the staff group.
"""

import datetime as dt
import io
import tempfile
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports import import_job_run
from core.models import AuditLog, ImportJob, Job
from core.spreadsheets import spreadsheet_read
from programs.imports.resources import CadreResource, UnitResource
from programs.models import Cadre, ManagingDepartmentChange, Unit
from programs.roles import IMPORT_GROUP
from tests.factories import make_id_number

HEADERS = ["姓名", "性别", "身份证号", "出生日期", "民族", "政治面貌", "学历", "派出单位", "现任职务", "职级", "联系电话"]


def cadre_row(name="周一", *, birth=dt.date(1990, 1, 2), male=True, unit="泽州县发展和改革局", id_number=None,
              gender=None, birth_cell="same", rank="副乡科级"):
    id_number = id_number or make_id_number(birth=birth, male=male)
    birth_value = dt.datetime.combine(birth, dt.time()) if birth_cell == "same" else birth_cell
    return [name, gender or ("男" if male else "女"), id_number, birth_value, "汉族", "中共党员", "本科", unit,
            "副科长", rank, "13800000000"]


def workbook(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v.date() if isinstance(v, dt.datetime) else v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run_import(resource_class, user, data: bytes, *, name="干部.xlsx", dry_run=False):
    dataset = spreadsheet_read(name=name, data=data)
    resource = resource_class(acting_user=user)
    return resource.import_data(dataset, dry_run=dry_run, use_transactions=True, file_name=name)


def importer(user):
    user.groups.add(Group.objects.get(name=IMPORT_GROUP))
    # Permission caches live on the user object.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return user


def import_url(model="cadre", view="import"):
    return reverse(f"admin:programs_{model}_{view}")


def admin_preview(client, data: bytes, *, name="干部.xlsx", model="cadre"):
    upload = SimpleUploadedFile(name, data)
    return client.post(import_url(model), {"resource": "0", "format": "0", "import_file": upload})


def admin_confirm(client, preview_response, model="cadre"):
    confirm = preview_response.context["confirm_form"]
    return client.post(import_url(model, "process_import"), confirm.initial)


# --- preview → confirm ------------------------------------------------------------------------


def test_R3_import_preview_writes_nothing_then_confirm_writes_rows_history_and_audit(world, client):
    user = importer(world.users["countystaff"])
    client.force_login(user)
    before = Cadre.objects.count()
    data = workbook([cadre_row("周一"), cadre_row("吴二", male=False, birth=dt.date(1992, 6, 30))])

    preview = admin_preview(client, data)
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert preview.context["result"].totals["new"] == 2
    assert "新增 2 条" in preview.content.decode()
    assert Cadre.objects.count() == before

    confirmed = admin_confirm(client, preview)
    assert confirmed.status_code == 302
    assert Cadre.objects.count() == before + 2
    wu = Cadre.objects.get(name="吴二")
    assert wu.gender == "F" and wu.birth_date == dt.date(1992, 6, 30)
    # D1: a 副乡科级 cadre of a 泽州 unit is managed by 泽州, and the history has its first row.
    assert wu.managing_department == world.zezhou
    assert ManagingDepartmentChange.objects.filter(cadre=wu, department=world.zezhou, changed_by=user).count() == 1
    audit = AuditLog.objects.get(action="cadres_import")
    assert audit.actor == user
    assert audit.data["created"] == 2 and audit.data["updated"] == 0
    assert sorted(audit.data["created_ids"]) == sorted(Cadre.objects.filter(name__in=["周一", "吴二"]).values_list("pk", flat=True))


def test_R3_birth_date_and_gender_may_be_blank_and_are_read_from_the_id(world):
    row = cadre_row("郑三", birth=dt.date(1985, 12, 31), male=False)
    row[1] = None
    row[3] = None
    result = run_import(CadreResource, world.admin, workbook([row]))
    assert not result.has_validation_errors(), result.error_lines
    cadre = Cadre.objects.get(name="郑三")
    assert (cadre.birth_date, cadre.gender) == (dt.date(1985, 12, 31), "F")


def test_csv_in_gb18030_imports_like_xlsx(world):
    data = csv_bytes([cadre_row("钱四")], encoding="gb18030")
    result = run_import(CadreResource, world.admin, data, name="干部.csv")
    assert not result.has_validation_errors(), result.error_lines
    assert Cadre.objects.filter(name="钱四").exists()


# --- all-or-nothing, every bad row reported ----------------------------------------------------


def test_R3_one_bad_row_writes_nothing_and_every_bad_row_is_reported_with_row_column_reason(world, client):
    good = cadre_row("好人")
    bad_checksum = cadre_row("校验错")
    bad_checksum[2] = bad_checksum[2][:17] + ("0" if bad_checksum[2][17] != "0" else "1")
    wrong_gender = cadre_row("性别错", male=True, gender="女")
    wrong_birth = cadre_row("生日错", birth=dt.date(1990, 1, 2), birth_cell=dt.datetime(1990, 1, 3))
    bad_rank = cadre_row("职级错", rank="处长")
    before = Cadre.objects.count()

    result = run_import(CadreResource, world.admin, workbook([good, bad_checksum, wrong_gender, wrong_birth, bad_rank]))

    assert Cadre.objects.count() == before
    assert not AuditLog.objects.filter(action="cadres_import").exists()
    lines = result.error_lines
    assert any(line.startswith("第 3 行“身份证号”：身份证号校验码错误") for line in lines), lines
    assert any(line.startswith("第 4 行“性别”：性别“女”与身份证号") for line in lines), lines
    assert any(line.startswith("第 5 行“出生日期”：出生日期 1990-01-03 与身份证号中的出生日期 1990-01-02 不一致") for line in lines), lines
    assert any(line.startswith("第 6 行“职级”：“处长”不是可选的值") for line in lines), lines
    assert not any(line.startswith("第 2 行") for line in lines)

    # The admin shows the same lines and offers no confirm button.
    client.force_login(importer(world.users["orgstaff"]))
    preview = admin_preview(client, workbook([good, bad_checksum]))
    assert preview.context["confirm_form"] is None if "confirm_form" in preview.context else True
    assert "第 3 行“身份证号”：身份证号校验码错误" in preview.content.decode()
    assert Cadre.objects.count() == before


def test_row_numbers_are_the_sheet_rows_even_after_blank_lines(world):
    bad = cadre_row("错")
    bad[2] = "123"
    result = run_import(CadreResource, world.admin, workbook([cadre_row("甲"), [None] * len(HEADERS), bad]))
    assert any(line.startswith("第 4 行“身份证号”：身份证号应为18位") for line in result.error_lines), result.error_lines


def test_missing_required_columns_are_named(world):
    result = run_import(CadreResource, world.admin, workbook([["某人"]], headers=["姓名"]))
    assert result.has_errors()
    assert any("缺少必填列" in line and "身份证号" in line for line in result.error_lines)


def test_the_confirm_step_writes_nothing_when_the_data_went_bad_after_the_preview(world):
    """All-or-nothing holds in the confirm step too: the resource writes only when every row passed."""
    row = cadre_row("先好后坏")
    data = workbook([cadre_row("其一"), row])
    assert not run_import(CadreResource, world.admin, data, dry_run=True).has_validation_errors()
    Unit.objects.filter(name="泽州县发展和改革局").update(name="泽州县发展和改革局（改名）")
    result = run_import(CadreResource, world.admin, data)
    assert result.has_validation_errors()
    assert not Cadre.objects.filter(name__in=["其一", "先好后坏"]).exists()


# --- duplicates and re-import ------------------------------------------------------------------


def test_R3_reimporting_the_same_file_changes_nothing_and_skips_every_row(world):
    rows = [cadre_row(f"重复{i}", birth=dt.date(1980 + i, 3, 4)) for i in range(5)]
    data = workbook(rows)
    first = run_import(CadreResource, world.admin, data)
    assert first.totals["new"] == 5
    count = Cadre.objects.count()
    stamps = dict(Cadre.objects.filter(name__startswith="重复").values_list("pk", "updated_at"))

    second = run_import(CadreResource, world.admin, data)

    # openpyxl reads the birth dates as datetime; they are normalised, so nothing differs.
    assert second.totals["skip"] == 5 and second.totals["new"] == 0 and second.totals["update"] == 0
    assert Cadre.objects.count() == count
    assert dict(Cadre.objects.filter(name__startswith="重复").values_list("pk", "updated_at")) == stamps
    assert ManagingDepartmentChange.objects.filter(cadre__name__startswith="重复").count() == 5


def test_a_changed_row_updates_the_matched_cadre(world):
    row = cadre_row("改职务")
    run_import(CadreResource, world.admin, workbook([row]))
    row[8] = "科长"
    result = run_import(CadreResource, world.admin, workbook([row]))
    assert result.totals["update"] == 1
    assert Cadre.objects.get(name="改职务").current_post == "科长"
    assert AuditLog.objects.filter(action="cadres_import").latest("id").data["updated"] == 1


def test_the_same_id_number_twice_in_one_file_is_refused(world):
    row = cadre_row("同号")
    result = run_import(CadreResource, world.admin, workbook([row, list(row)]))
    assert any(line.startswith("第 3 行“身份证号”：与第 2 行重复") for line in result.error_lines), result.error_lines
    assert not Cadre.objects.filter(name="同号").exists()


# --- Excel-mangled ID numbers -----------------------------------------------------------------


@pytest.mark.parametrize("cell", [140525199001020011, 1.40525199001020e17, "1.40525199001020E+17", "140525199001020"])
def test_R3_id_numbers_excel_stored_as_numbers_are_refused_saying_so(world, cell):
    row = cadre_row("数字号")
    row[2] = cell
    result = run_import(CadreResource, world.admin, workbook([row]))
    lines = [line for line in result.error_lines if line.startswith("第 2 行“身份证号”")]
    assert lines and "Excel" in lines[0], result.error_lines
    assert not Cadre.objects.filter(name="数字号").exists()


# --- scope (D1) ------------------------------------------------------------------------------


def test_D1_a_sending_unit_outside_the_users_subtree_is_a_row_error(world):
    user = importer(world.users["countystaff"])
    result = run_import(CadreResource, user, workbook([cadre_row("越界", unit="高平市农业农村局")]))
    assert any(
        line.startswith("第 2 行“派出单位”：找不到单位“高平市农业农村局”，或您无权管理该单位的干部") for line in result.error_lines
    ), result.error_lines
    assert not Cadre.objects.filter(name="越界").exists()


def test_D1_a_cadre_of_another_department_cannot_be_changed_by_import(world):
    gp_cadre = world.cadres["gp_cadre"]
    row = cadre_row(gp_cadre.name, id_number=gp_cadre.id_number, birth=gp_cadre.birth_date, male=gp_cadre.gender == "M")
    result = run_import(CadreResource, importer(world.users["countystaff"]), workbook([row]))
    assert any(line.startswith("第 2 行“身份证号”：该身份证号已登记在其他组织部管理的干部名下") for line in result.error_lines)
    gp_cadre.refresh_from_db()
    assert gp_cadre.sending_unit == world.units["gp_bureau"]


# --- the confirm step takes only this user's own preview (issue 10, part 6) ------------------


@pytest.fixture
def victim_file():
    """A file in the temporary folder the previews use, as another process left it there."""
    path = Path(tempfile.gettempdir()) / f"victim-{uuid.uuid4().hex}.csv"
    path.write_bytes(csv_bytes([cadre_row("受害者")]))
    yield path
    path.unlink(missing_ok=True)


def confirm_post(token, name="干部.csv") -> dict:
    return {"import_file_name": token, "original_file_name": name, "format": "0", "resource": "0"}


def test_confirm_refuses_a_file_name_and_reads_or_deletes_nothing(world, client, victim_file):
    client.force_login(importer(world.users["countystaff"]))
    before = Cadre.objects.count()
    for posted in (victim_file.name, str(victim_file), f"../{victim_file.name}", "", "x" * 300):
        response = client.post(import_url("cadre", "process_import"), confirm_post(posted), follow=True)
        assert response.redirect_chain == [(import_url("cadre"), 302)], posted
        assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"], posted
        assert victim_file.exists()
    assert Cadre.objects.count() == before
    assert not AuditLog.objects.filter(action="cadres_import").exists()


def test_confirm_refuses_another_users_preview_which_its_owner_still_confirms(world, client):
    owner = importer(world.users["countystaff"])
    client.force_login(owner)
    preview = admin_preview(client, csv_bytes([cadre_row("周一")]), name="干部.csv")
    confirm = preview.context["confirm_form"].initial
    assert "tmp" not in confirm["import_file_name"]  # an opaque token, not the file's name

    client.force_login(importer(world.users["orgstaff"]))
    response = client.post(import_url("cadre", "process_import"), confirm, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"]
    assert not Cadre.objects.filter(name="周一").exists()

    # Nothing was read or deleted: the owner's confirm still finds the file.
    client.force_login(owner)
    assert client.post(import_url("cadre", "process_import"), confirm).status_code == 302
    assert Cadre.objects.filter(name="周一").count() == 1


def test_a_token_for_another_list_or_a_confirmed_preview_is_refused(world, client):
    client.force_login(importer(world.users["countystaff"]))
    preview = admin_preview(client, csv_bytes([cadre_row("周一")]), name="干部.csv")
    confirm = preview.context["confirm_form"].initial
    # The cadres preview cannot confirm a units import.
    response = client.post(import_url("unit", "process_import"), confirm, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"]
    done = client.post(import_url("cadre", "process_import"), confirm, follow=True)
    assert [str(m) for m in done.context["messages"]] == ["导入完成：新增 1 条，更新 0 条，未变化跳过 0 条。"]
    # Sent twice (a double click): the file is gone, and the second answer says so.
    response = client.post(import_url("cadre", "process_import"), confirm, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["预览已失效或不属于您，请重新上传文件。"]
    assert Cadre.objects.filter(name="周一").count() == 1


# --- permissions -----------------------------------------------------------------------------


def test_staff_without_the_import_permission_get_403_on_every_import_url(world, client):
    client.force_login(world.users["countystaff"])
    for view in ("import", "import_template", "import_background"):
        assert client.get(import_url("cadre", view)).status_code == 403, view
    assert client.post(import_url("cadre", "process_import"), {}).status_code == 403
    assert client.get(import_url("unit", "import")).status_code == 403


def test_importers_reach_the_import_page_and_non_staff_are_sent_to_login(world, client):
    client.force_login(importer(world.users["countystaff"]))
    page = client.get(import_url())
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    client.force_login(world.users["sendunit"])
    response = client.get(import_url())
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_template_workbook_has_the_headers_an_example_and_a_text_id_column(world, client):
    client.force_login(importer(world.users["countystaff"]))
    response = client.get(import_url("cadre", "import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["姓名*", "性别", "身份证号*"]
    id_cell = sheet.cell(row=2, column=3)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    # The template imports as it is (its example row is a valid cadre of 泽州).
    assert run_import(CadreResource, world.admin, response.content, dry_run=True).error_lines == []


# --- hostile files at the admin form ---------------------------------------------------------


def test_a_renamed_binary_is_refused_on_the_form_with_a_chinese_message(world, client):
    client.force_login(importer(world.users["countystaff"]))
    response = admin_preview(client, b"MZ\x90\x00" + b"\x00" * 100, name="干部.xlsx")
    assert response.status_code == 200
    assert "内容不是 Excel 工作簿" in str(response.context["form"].errors)


def test_a_file_over_the_web_row_limit_points_to_the_background_import(world, client, settings):
    settings.SPREADSHEET_IMPORT_MAX_ROWS = 2
    client.force_login(importer(world.users["countystaff"]))
    response = admin_preview(client, workbook([cadre_row(f"多{i}") for i in range(3)]))
    errors = str(response.context["form"].errors)
    assert "超过 2 行" in errors and "后台导入" in errors


# --- units -----------------------------------------------------------------------------------

UNIT_HEADERS = ["名称", "层级", "类别", "地区", "上级单位", "所属组织部", "工程项目数"]


def test_R2_units_import_and_reimport_skips_and_other_departments_are_refused(world):
    rows = [
        ["泽州县大东沟镇", "乡镇/街道", "乡镇/街道", "山西省晋城市泽州县", "", "泽州县委组织部", 3],
        ["泽州县巴公镇东村", "村/社区", "村/社区", "山西省晋城市泽州县", "泽州县巴公镇", "泽州县委组织部", None],
    ]
    user = importer(world.users["countystaff"])
    first = run_import(UnitResource, user, workbook(rows, UNIT_HEADERS), name="单位.xlsx")
    assert first.totals["new"] == 2, first.error_lines
    village = Unit.objects.get(name="泽州县巴公镇东村")
    assert village.parent == world.units["zz_township"] and village.level == Unit.Level.VILLAGE
    second = run_import(UnitResource, user, workbook(rows, UNIT_HEADERS), name="单位.xlsx")
    assert second.totals["skip"] == 2
    assert AuditLog.objects.filter(action="units_import").count() == 2

    outside = [["高平市新单位", "县", "党政机关", "山西省晋城市高平市", "", "高平市委组织部", 0]]
    refused = run_import(UnitResource, user, workbook(outside, UNIT_HEADERS), name="单位.xlsx")
    assert any(line.startswith("第 2 行“所属组织部”：找不到组织部“高平市委组织部”") for line in refused.error_lines)
    assert not Unit.objects.filter(name="高平市新单位").exists()


# --- background import -----------------------------------------------------------------------


def test_a_background_import_is_requested_through_the_outbox_and_records_progress(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = importer(world.users["countystaff"])
    client.force_login(user)
    rows = [cadre_row(f"后台{i}", birth=dt.date(1970 + i, 1, 1)) for i in range(12)]
    upload = SimpleUploadedFile("大文件.xlsx", workbook(rows))

    response = client.post(import_url("cadre", "import_background"), {"import_file": upload})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:core_importjob_change", args=[job.pk])
    assert job.status == ImportJob.Status.PENDING and job.created_by == user and job.file
    outbox = Job.objects.get(task_name="core.spreadsheet_import")
    assert outbox.kwargs == {"import_job_id": job.pk}

    progress = []
    original = CadreResource.progress_every
    CadreResource.progress_every = 5
    import core.imports as imports_module

    real_summary = imports_module.import_summary

    def watching_summary(result):
        progress.append(ImportJob.objects.values_list("processed_rows", "total_rows").get(pk=job.pk))
        return real_summary(result)

    imports_module.import_summary = watching_summary
    try:
        import_job_run(import_job_id=job.pk)
    finally:
        CadreResource.progress_every = original
        imports_module.import_summary = real_summary
    # Before the end was recorded, the job already showed every row checked out of the total.
    assert progress == [(12, 12)]

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.total_rows, job.created_count) == (12, 12, 12)
    assert not job.file  # the personal data is not kept once imported
    assert Cadre.objects.filter(name__startswith="后台").count() == 12

    # Idempotent: running the finished job again changes nothing.
    import_job_run(import_job_id=job.pk)
    assert Cadre.objects.filter(name__startswith="后台").count() == 12

    page = client.get(reverse("admin:core_importjob_change", args=[job.pk]))
    assert page.status_code == 200 and "12 / 12" in page.content.decode()


def test_a_background_import_with_bad_rows_writes_nothing_and_keeps_the_errors(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from core.imports import import_job_create

    bad = cadre_row("坏行")
    bad[2] = 140525199001020011
    upload = SimpleUploadedFile("坏.xlsx", workbook([cadre_row("好行"), bad]))
    job = import_job_create(acting_user=world.admin, importer="programs.imports.resources.CadreResource", title="干部", upload=upload)
    import_job_run(import_job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert any(line.startswith("第 3 行“身份证号”") for line in job.errors)
    assert not Cadre.objects.filter(name="好行").exists()


def test_the_import_job_page_refreshes_while_running_and_is_private(world, client):
    job = ImportJob.objects.create(importer="programs.imports.resources.CadreResource", title="干部", original_name="x.xlsx",
                                   status=ImportJob.Status.RUNNING, total_rows=100, processed_rows=40,
                                   created_by=world.users["countystaff"])
    client.force_login(world.users["countystaff"])
    page = client.get(reverse("admin:core_importjob_change", args=[job.pk]))
    assert 'http-equiv="refresh"' in page.content.decode() and "40 / 100" in page.content.decode()
    client.force_login(world.users["orgstaff"])
    other = client.get(reverse("admin:core_importjob_change", args=[job.pk]))
    assert other.status_code in (302, 404)


def test_progress_is_reported_every_n_rows_and_at_the_end(world):
    calls = []
    rows = [cadre_row(f"进度{i}", birth=dt.date(1975, 1, 1) + dt.timedelta(days=i)) for i in range(12)]
    resource = CadreResource(acting_user=world.admin, progress=lambda done, total: calls.append((done, total)))
    resource.progress_every = 5
    resource.import_data(spreadsheet_read(name="a.xlsx", data=workbook(rows)), dry_run=False)
    assert calls == [(5, 12), (10, 12), (12, 12)]


def test_a_duplicate_written_meanwhile_is_refused_by_the_service_and_nothing_is_written(world):
    """The database's unique ID number is the last guard (another import committed first)."""
    from programs import services
    from programs.exceptions import CadreDataError

    existing = world.cadres["cadre"]
    twin = Cadre(**{f.attname: getattr(existing, f.attname) for f in Cadre._meta.concrete_fields if not f.primary_key})
    fresh = Cadre(**{f.attname: getattr(existing, f.attname) for f in Cadre._meta.concrete_fields if not f.primary_key})
    fresh.id_number = make_id_number(birth=existing.birth_date)
    fresh.name = "新人"
    with pytest.raises(CadreDataError, match="冲突"):
        services.cadres_import(acting_user=world.admin, creates=[fresh, twin], updates=[], update_fields=[])
    assert not Cadre.objects.filter(name="新人").exists()


def test_the_stored_upload_is_never_served_and_the_task_is_registered(world, settings, tmp_path):
    from django.http import Http404

    from core.files import protected_file_response
    from core.imports import import_job_create
    from core.tasks import spreadsheet_import

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("私密.xlsx", workbook([cadre_row("私密")]))
    job = import_job_create(acting_user=world.admin, importer="programs.imports.resources.CadreResource", title="干部", upload=upload)
    assert job.file.name.startswith("imports/")
    with pytest.raises(Http404):
        protected_file_response(world.admin, job.file.name)
    assert spreadsheet_import.name == "core.spreadsheet_import"
    # The task body is the runner: calling it runs the job.
    spreadsheet_import.run(import_job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Cadre.objects.filter(name="私密").exists()


def test_an_importer_that_is_not_a_service_resource_is_refused(world):
    from core.imports import import_job_create

    upload = SimpleUploadedFile("x.xlsx", workbook([cadre_row("x")]))
    with pytest.raises(ValueError):
        import_job_create(acting_user=world.admin, importer="django.contrib.auth.models.User", title="x", upload=upload)


def test_a_csv_goes_through_the_admin_preview_and_confirm(world, client):
    client.force_login(importer(world.users["countystaff"]))
    preview = admin_preview(client, csv_bytes([cadre_row("表格人")], encoding="gb18030"), name="干部.csv")
    assert preview.context["confirm_form"] is not None, preview.context["form"].errors
    assert admin_confirm(client, preview).status_code == 302
    assert Cadre.objects.filter(name="表格人").exists()


def test_every_staff_user_may_export_and_only_the_import_group_may_import(db):
    from django.contrib.auth.models import Group

    from programs.roles import STAFF_GROUP, role_groups_sync

    role_groups_sync()
    staff = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("codename", flat=True))
    assert {"export_cadre", "export_unit", "export_placement", "export_program"} <= staff
    assert not {code for code in staff if code.startswith("import_")}
    importers = set(Group.objects.get(name=IMPORT_GROUP).permissions.values_list("codename", flat=True))
    assert importers == {"import_cadre", "import_unit", "import_application"}
