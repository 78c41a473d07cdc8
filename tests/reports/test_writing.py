"""The cadre writing reports (R12, D5, D6): drafts and autosave, attachments, submission along
Report.TRANSITIONS, the version trail of a returned report, and every refusal with its message."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditLog, Notification
from reports.exceptions import ReportAccessDenied, ReportError
from reports.models import DeadlineState, Report, ReportAttachment, ReportVersion
from reports.services import writing
from reports.services.review import report_return, report_topic
from reports.services.schedule import reports_schedule

pytestmark = pytest.mark.django_db

K = Report.Kind
S = Report.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 32


# --- helpers shared with test_portal and test_xss ----------------------------------------------------


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def fresh(user):
    """The same user without the cached scope, as the next request would see it."""
    return get_user_model().objects.get(pk=user.pk)


def scheduled(world) -> dict:
    """world.placement's reports by (kind, sequence): Q1 (2026-03-02 – 03-31) due 2026-04-10, …,
    the term-end report due 2027-02-28."""
    reports_schedule(placement=world.placement)
    return {(r.kind, r.sequence): r for r in world.placement.reports.all()}


def full_sections(report: Report, text: str = "内容") -> dict:
    return {key: f"{heading}{text}" for key, heading in report.sections}


def pdf(name: str = "材料.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def write_and_submit(world, report: Report, *, sections: dict | None = None, when: dt.datetime | None = None,
                     title: str = "") -> ReportVersion:
    user = world.users["cadre"]
    with time_machine.travel(when or at(dt.date(2026, 4, 8)), tick=False):
        writing.report_draft_save(acting_user=user, report=report, sections=sections or full_sections(report),
                                  title=title)
        version = writing.report_submit(acting_user=user, report=report)
    report.refresh_from_db()
    return version


def audit_actions(report: Report) -> list[str]:
    return list(AuditLog.objects.filter(target_type="reports.report", target_id=str(report.pk))
                .order_by("id").values_list("action", flat=True))


@pytest.fixture
def q1(world) -> Report:
    """李明's first quarterly report (2026-03-02 – 03-31, due 2026-04-10), not yet written."""
    return scheduled(world)[(K.QUARTERLY, 1)]


# --- drafts ------------------------------------------------------------------------------------------


def test_R12_the_cadre_saves_a_draft_as_plain_text(world, q1):
    cadre = world.users["cadre"]
    report = writing.report_draft_save(
        acting_user=cadre, report=q1,
        sections={"done": "第一段\r\n第二段\x00\x1b[31m\t缩进\x7f\x85", "next": "  计划  "}, title="一季度\n工作报告",
    )
    q1.refresh_from_db()
    assert q1.draft == {"done": "第一段\n第二段[31m\t缩进", "next": "  计划  "}
    assert q1.title == "一季度 工作报告"
    assert q1.draft_saved_at is not None and report.draft_saved_at == q1.draft_saved_at
    assert q1.status == S.PENDING
    assert audit_actions(q1) == ["report_draft_save"]
    log = AuditLog.objects.get(action="report_draft_save")
    assert log.actor == cadre and log.data["sections"] == ["done", "next"]


def test_R12_autosave_moves_draft_saved_at_without_an_audit_row_and_keeps_other_sections(world, q1):
    cadre = world.users["cadre"]
    with time_machine.travel(at(dt.date(2026, 4, 1), 9), tick=False):
        writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "甲", "next": "乙"}, title="标题")
    with time_machine.travel(at(dt.date(2026, 4, 1), 9, 5), tick=False):
        writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "甲改"}, autosave=True)
    q1.refresh_from_db()
    assert q1.draft == {"done": "甲改", "next": "乙"}
    assert q1.title == "标题"  # not given: unchanged
    assert q1.draft_saved_at == at(dt.date(2026, 4, 1), 9, 5)
    assert audit_actions(q1) == ["report_draft_save"]


def test_R12_unknown_sections_are_refused_without_echoing_them(world, q1):
    with pytest.raises(ReportError) as refused:
        writing.report_draft_save(acting_user=world.users["cadre"], report=q1, sections={"done": "x", "<b>evil": "y"})
    assert refused.value.message == "报告内容包含本类报告没有的部分，请刷新页面后重试。"
    q1.refresh_from_db()
    assert q1.draft == {} and q1.draft_saved_at is None


def test_R12_a_section_over_the_limit_is_refused_naming_it(world, q1):
    too_long = "字" * (writing.SECTION_MAX_LENGTH + 1)
    with pytest.raises(ReportError) as refused:
        writing.report_draft_save(acting_user=world.users["cadre"], report=q1, sections={"done": "好", "next": too_long})
    assert refused.value.message == "“下季度工作计划”不能超过 20000 字（现为 20001 字）。"
    q1.refresh_from_db()
    assert q1.draft == {}
    # Exactly at the limit is fine; CRLF counts as one character.
    writing.report_draft_save(acting_user=world.users["cadre"], report=q1,
                              sections={"next": "字" * (writing.SECTION_MAX_LENGTH - 2) + "\r\n字"})


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"title": "题" * 201}, "标题不能超过 200 字。"),
    ({"term_end_form": "research"}, "只有期满报告需要选择报告形式。"),
    ({"sections": {"done": 5}}, "“本季度工作完成情况”的内容格式不正确。"),
    ({"sections": ["done"]}, "报告内容格式不正确，请刷新页面后重试。"),
])
def test_R12_malformed_drafts_are_refused(world, q1, kwargs, message):
    kwargs = {"sections": {}, **kwargs}
    with pytest.raises(ReportError) as refused:
        writing.report_draft_save(acting_user=world.users["cadre"], report=q1, **kwargs)
    assert refused.value.message == message


def test_R12_term_end_form_belongs_to_the_term_end_report(world):
    term_end = scheduled(world)[(K.TERM_END, 1)]
    cadre = world.users["cadre"]
    with pytest.raises(ReportError, match="期满报告的形式只能是工作报告或调研报告。"):
        writing.report_draft_save(acting_user=cadre, report=term_end, sections={}, term_end_form="poem")
    writing.report_draft_save(acting_user=cadre, report=term_end, sections={}, term_end_form="research")
    term_end.refresh_from_db()
    assert term_end.term_end_form == "research" and term_end.label == "期满调研报告"


@pytest.mark.parametrize("username", ["othercadre", "hostunit", "hostclerk", "mentor", "countystaff", "orgstaff"])
def test_D6_nobody_but_the_cadre_writes_or_submits(world, q1, media, username):
    user = fresh(world.users[username])
    with pytest.raises(ReportAccessDenied, match="只有挂职干部本人可以撰写和提交该报告。"):
        writing.report_draft_save(acting_user=user, report=q1, sections={"done": "x"})
    with pytest.raises(ReportAccessDenied):
        writing.report_attachment_add(acting_user=user, report=q1, upload=pdf())
    writing.report_draft_save(acting_user=world.users["cadre"], report=q1, sections=full_sections(q1))
    with pytest.raises(ReportAccessDenied):
        writing.report_submit(acting_user=user, report=q1, today=dt.date(2026, 4, 8))
    q1.refresh_from_db()
    assert q1.status == S.PENDING and q1.draft == full_sections(q1)
    assert not q1.versions.exists() and not q1.attachments.exists()
    assert "report_submit" not in audit_actions(q1)


# --- submitting --------------------------------------------------------------------------------------


def test_R12_submit_freezes_version_1_binds_attachments_and_tells_the_reviewers(world, q1, media):
    cadre = world.users["cadre"]
    writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "完成了调研", "next": "继续推进"}, title="一季度")
    attachment = writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf())
    moment = at(dt.date(2026, 4, 8))
    with time_machine.travel(moment, tick=False):
        version = writing.report_submit(acting_user=cadre, report=q1)
    q1.refresh_from_db()
    assert (version.number, version.sections, version.title, version.submitted_by) == (
        1, {"done": "完成了调研", "next": "继续推进"}, "一季度", cadre)
    assert version.submitted_at == moment
    assert (q1.status, q1.first_submitted_at, q1.submitted_at) == (S.SUBMITTED, moment, moment)
    assert q1.deadline_state() == DeadlineState.ON_TIME
    attachment.refresh_from_db()
    assert attachment.version == version
    assert audit_actions(q1)[-1] == "report_submit"
    log = AuditLog.objects.filter(action="report_submit").get()
    assert log.actor == cadre
    assert log.data == {"from": "pending", "to": "submitted", "version": 1, "attachments": 1, "deadline_state": "on_time"}
    notified = Notification.objects.filter(title="李明提交了2026年第1季度工作报告")
    # The host unit's approver and clerk, the mentor, the organising department (泽州) — nobody else.
    assert {n.recipient.username for n in notified} == {"hostunit", "hostclerk", "mentor", "countystaff"}
    assert {n.url for n in notified} == {f"/portal/reports/{q1.pk}/"}
    assert {n.topic for n in notified} == {report_topic(q1)}
    assert not Notification.objects.filter(recipient=cadre).exists()


def test_R12_every_section_is_required_and_the_refusal_lists_the_missing_headings(world, media):
    half = scheduled(world)[(K.HALF_YEAR, 1)]
    cadre = world.users["cadre"]
    writing.report_draft_save(acting_user=cadre, report=half, sections={"thought": "有体会", "study": "  \n ", "work": "做了"})
    with pytest.raises(ReportError) as refused:
        writing.report_submit(acting_user=cadre, report=half, today=dt.date(2026, 9, 10))
    assert refused.value.message == "以下部分尚未填写，不能提交：学习、生活。"
    half.refresh_from_db()
    assert half.status == S.PENDING and not half.versions.exists()


def test_R12_the_term_end_report_needs_its_form(world):
    term_end = scheduled(world)[(K.TERM_END, 1)]
    cadre = world.users["cadre"]
    writing.report_draft_save(acting_user=cadre, report=term_end, sections=full_sections(term_end))
    with pytest.raises(ReportError, match="请选择期满报告的形式（工作报告或调研报告）后再提交。"):
        writing.report_submit(acting_user=cadre, report=term_end, today=dt.date(2027, 2, 20))
    writing.report_draft_save(acting_user=cadre, report=term_end, sections={}, term_end_form="work")
    version = writing.report_submit(acting_user=cadre, report=term_end, today=dt.date(2027, 2, 20))
    assert version.term_end_form == "work"


def test_R12_nothing_is_submitted_before_its_period_begins(world):
    q2 = scheduled(world)[(K.QUARTERLY, 2)]
    cadre = world.users["cadre"]
    writing.report_draft_save(acting_user=cadre, report=q2, sections=full_sections(q2))  # drafting early is fine
    with pytest.raises(ReportError) as refused:
        writing.report_submit(acting_user=cadre, report=q2, today=dt.date(2026, 3, 31))
    assert refused.value.message == "2026年第2季度工作报告所属期间自 2026-04-01 开始，开始前不能提交。"
    assert writing.report_submit(acting_user=cadre, report=q2, today=dt.date(2026, 4, 1)).number == 1


def test_R12_a_submitted_report_is_frozen(world, q1, media):
    write_and_submit(world, q1, sections={"done": "原文", "next": "原计划"})
    cadre = world.users["cadre"]
    with pytest.raises(ReportError) as refused:
        writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "偷偷改"})
    assert refused.value.message == "报告当前状态为“已提交”，不能修改。"
    with pytest.raises(ReportError) as refused:
        writing.report_submit(acting_user=cadre, report=q1, today=dt.date(2026, 4, 9))
    assert refused.value.message == "报告不能从“已提交”变为“已提交”。"
    with pytest.raises(ReportError, match="不能修改"):
        writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf())
    q1.refresh_from_db()
    assert q1.draft["done"] == "原文" and q1.versions.get().sections["done"] == "原文"
    assert q1.versions.count() == 1 and not q1.attachments.exists()


@pytest.mark.parametrize(("status", "label"), [(S.CANCELLED, "已取消"), (S.ACCEPTED, "已通过")])
def test_R12_cancelled_and_accepted_reports_take_no_more_writing(world, q1, status, label):
    fields = {"status": status, "cancelled_reason": "提前结束"} if status == S.CANCELLED else {
        "status": status, "submitted_at": at(dt.date(2026, 4, 8)), "first_submitted_at": at(dt.date(2026, 4, 8))}
    Report.objects.filter(pk=q1.pk).update(draft={"done": "保留的草稿", "next": "计划"}, **fields)
    q1.refresh_from_db()
    cadre = world.users["cadre"]
    with pytest.raises(ReportError) as refused:
        writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "新内容"})
    assert refused.value.message == f"报告当前状态为“{label}”，不能修改。"
    with pytest.raises(ReportError) as refused:
        writing.report_submit(acting_user=cadre, report=q1, today=dt.date(2026, 4, 8))
    assert refused.value.message == f"报告不能从“{label}”变为“已提交”。"
    q1.refresh_from_db()
    assert q1.status == status and q1.draft["done"] == "保留的草稿" and not q1.versions.exists()


def test_R12_a_returned_report_is_revised_and_every_version_kept(world, q1, media):
    cadre = world.users["cadre"]
    first_at, second_at = at(dt.date(2026, 4, 8)), at(dt.date(2026, 4, 20))
    writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf("第一版附件.pdf"))
    write_and_submit(world, q1, sections={"done": "第一版内容", "next": "第一版计划"}, when=first_at)
    report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充具体数据")
    q1.refresh_from_db()
    assert q1.status == S.RETURNED and q1.return_reason == "请补充具体数据"
    assert q1.draft == {"done": "第一版内容", "next": "第一版计划"}  # the revision starts from what was sent

    # A returned report is writable again; the first version's attachment stays bound to it.
    first_attachment = q1.attachments.get()
    with pytest.raises(ReportError, match="已随第1版提交，不能删除"):
        writing.report_attachment_remove(acting_user=cadre, attachment=first_attachment)
    writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf("补充数据.pdf"))
    version = write_and_submit(world, q1, sections={"done": "第二版内容，补充了数据"}, when=second_at)

    q1.refresh_from_db()
    assert version.number == 2 and q1.status == S.SUBMITTED and q1.return_reason == ""
    assert q1.first_submitted_at == first_at and q1.submitted_at == second_at
    assert q1.deadline_state() == DeadlineState.ON_TIME  # judged by the first submission
    versions = {v.number: v for v in q1.versions.all()}
    assert versions[1].sections == {"done": "第一版内容", "next": "第一版计划"}
    assert versions[2].sections == {"done": "第二版内容，补充了数据", "next": "第一版计划"}
    assert {a.original_name: a.version.number for a in q1.attachments.all()} == {"第一版附件.pdf": 1, "补充数据.pdf": 2}
    submits = AuditLog.objects.filter(action="report_submit", target_id=str(q1.pk)).order_by("id")
    assert [(log.data["from"], log.data["version"]) for log in submits] == [("pending", 1), ("returned", 2)]
    assert Notification.objects.filter(recipient=world.users["hostunit"],
                                       title="李明提交了修改后的2026年第1季度工作报告（第2版）").exists()


# --- attachments -------------------------------------------------------------------------------------


def test_R12_attachments_are_stored_under_server_made_names(world, q1, media):
    cadre = world.users["cadre"]
    attachment = writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf("../../etc/调研\x00报告.PDF"))
    assert attachment.original_name == "调研报告.PDF"
    assert attachment.size == len(PDF) and attachment.uploaded_by == cadre and attachment.version is None
    name = attachment.file.name
    assert name.startswith("reports/attachments/") and name.endswith(".pdf") and "调研" not in name
    assert len(name.rsplit("/", 1)[1]) == 32 + 4
    assert (media / name).read_bytes() == PDF
    assert attachment.file.url == f"/files/{name}"
    assert audit_actions(q1) == ["report_attachment_add"]
    image = writing.report_attachment_add(acting_user=cadre, report=q1, upload=SimpleUploadedFile("现场.png", PNG))
    assert image.file.name.endswith(".png")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("setup.exe", EXE, "文件“setup.exe”的类型不受支持：只能上传 PDF、Word（.doc/.docx）或图片（.jpg/.png）。"),
    ("page.html", b"<html><script>alert(1)</script>", "文件“page.html”的类型不受支持"),
    ("总结.pdf", EXE, "文件“总结.pdf”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。"),
    ("照片.jpg", PNG, "文件“照片.jpg”的内容与扩展名不符"),
    ("no-extension", PDF, "的类型不受支持"),
])
def test_R12_attachment_types_are_checked_by_content(world, q1, media, name, content, message):
    with pytest.raises(ReportError) as refused:
        writing.report_attachment_add(acting_user=world.users["cadre"], report=q1, upload=SimpleUploadedFile(name, content))
    assert message in refused.value.message
    assert not ReportAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_R12_attachment_size_is_limited(world, q1, media, settings):
    settings.UPLOAD_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ReportError, match="大小为 135\xa0字节，超过 100\xa0字节 的上限"):
        writing.report_attachment_add(acting_user=world.users["cadre"], report=q1, upload=pdf(content=PDF + b"\0" * 100))
    assert writing.report_attachment_add(acting_user=world.users["cadre"], report=q1, upload=pdf()).size == len(PDF)


def test_R12_at_most_ten_attachments_per_report(world, q1, media):
    cadre = world.users["cadre"]
    for index in range(writing.ATTACHMENTS_MAX):
        writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf(f"{index}.pdf"))
    with pytest.raises(ReportError, match="每份报告最多 10 个附件。"):
        writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf("11.pdf"))
    assert q1.attachments.count() == 10


def test_R12_an_unsubmitted_attachment_is_removed_with_its_file(world, q1, media, django_capture_on_commit_callbacks):
    cadre = world.users["cadre"]
    attachment = writing.report_attachment_add(acting_user=cadre, report=q1, upload=pdf())
    name = attachment.file.name
    with pytest.raises(ReportAccessDenied):
        writing.report_attachment_remove(acting_user=world.users["hostunit"], attachment=attachment)
    with django_capture_on_commit_callbacks(execute=True):
        writing.report_attachment_remove(acting_user=cadre, attachment=attachment)
    assert not ReportAttachment.objects.exists()
    assert not default_storage.exists(name)
    assert audit_actions(q1) == ["report_attachment_add", "report_attachment_remove"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R12_two_submits_at_once_make_one_version(transactional_world):
    """The row lock: a double click, or two tabs, never freezes two versions."""
    import threading

    from django.db import connection

    world = transactional_world
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    cadre = world.users["cadre"]
    writing.report_draft_save(acting_user=cadre, report=q1, sections=full_sections(q1))
    results, barrier = [], threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            writing.report_submit(acting_user=fresh(cadre), report=q1, today=dt.date(2026, 4, 8))
            results.append("ok")
        except ReportError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "报告不能从“已提交”变为“已提交”。"]
    assert ReportVersion.objects.filter(report=q1).count() == 1
