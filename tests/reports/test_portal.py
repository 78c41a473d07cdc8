"""The reports in the portal (R12, D6): the list with due dates and deadline states, a report's
page with its version trail, the cadre's editor (save, autosave, attachments, submit) and every
URL refused to the roles that may not use it — out of scope 404, in scope but not the cadre 403,
the database unchanged."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from reports.models import Report, ReportAttachment, ReportVersion
from reports.services import writing
from reports.services.review import report_return

from .test_writing import EXE, PDF, at, fresh, full_sections, pdf, scheduled, write_and_submit


pytestmark = pytest.mark.django_db

K = Report.Kind
S = Report.Status
NOW = at(dt.date(2026, 4, 8), 15, 42)


@pytest.fixture(autouse=True)
def clock():
    """2026-04-08 15:42: Q1 (due 04-10) is due, nothing is missing yet."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reports(world) -> dict:
    return scheduled(world)


@pytest.fixture
def q1(reports) -> Report:
    return reports[(K.QUARTERLY, 1)]


def login(client, world, username):
    client.force_login(fresh(world.users[username]))
    return client


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def draft_post(report: Report, sections: dict | None = None, **extra) -> dict:
    sections = sections if sections is not None else full_sections(report)
    return {"title": "", **{f"section_{key}": text for key, text in sections.items()}, **extra}


# --- the list ----------------------------------------------------------------------------------------


def test_R12_the_cadre_lists_their_reports_with_due_dates_and_deadline_states(client, world, reports, q1):
    write_and_submit(world, q1, when=at(dt.date(2026, 4, 8)))
    html = html_of(login(client, world, "cadre").get(reverse("reports:list")))
    assert "我的书面报告" in html
    for report in reports.values():
        assert f'href="{reverse("reports:detail", args=[report.pk])}"' in html
        assert report.due_date.isoformat() in html
    assert "按时提交" in html and "待提交" in html and "2026-04-10" in html
    assert f'href="{reverse("reports:edit", args=[reports[(K.QUARTERLY, 2)].pk])}"' in html  # still to write
    assert f'href="{reverse("reports:edit", args=[q1.pk])}"' not in html  # submitted: frozen
    cells = re.findall(r"<td([^>]*)>", html)
    assert cells and all("data-label=" in attributes for attributes in cells)  # readable on a phone


def test_R12_missing_reports_show_as_overdue(client, world, reports):
    with time_machine.travel(at(dt.date(2026, 4, 11)), tick=False):
        html = html_of(login(client, world, "cadre").get(reverse("reports:list") + "?deadline=missing"))
    assert "逾期未交" in html and "2026年第1季度工作报告" in html and "2026年第2季度工作报告" not in html


def test_R12_the_list_filters_by_kind_status_deadline_and_name(client, world, reports, q1):
    write_and_submit(world, q1)
    login(client, world, "hostunit")
    url = reverse("reports:list")

    def labels(query):
        rows = html_of(client.get(url + query)).partition("<tbody>")[2]  # not the filter's choices
        return set(re.findall(r"(\d{4}年第\d季度工作报告|第\d次半年书面汇报|\d{4}年度书面总结|期满工作报告)", rows))

    assert labels("?kind=quarterly") >= {"2026年第1季度工作报告", "2026年第2季度工作报告"}
    assert "第1次半年书面汇报" not in labels("?kind=quarterly")
    assert labels("?status=submitted") == {"2026年第1季度工作报告"}
    assert labels("?deadline=on_time") == {"2026年第1季度工作报告"}
    assert labels("?deadline=late") == set()
    assert "2026年第1季度工作报告" in labels("?name=李")
    assert labels("?name=赵") == set()
    assert labels("?status=bogus") == set()  # an invalid choice lists nothing, not everything


def test_D6_host_unit_sees_its_cadres_reports_and_another_unit_does_not(client, world, reports):
    html = html_of(login(client, world, "hostunit").get(reverse("reports:list")))
    assert "李明" in html and "泽州县巴公镇" in html and "2026年第1季度工作报告" in html
    for username in ("gphost", "othercadre", "sendunit", "township", "hzstaff", "gaopingstaff"):
        html = html_of(login(client, world, username).get(reverse("reports:list")))
        assert "李明" not in html and "2026年第1季度工作报告" not in html, username
        assert "没有符合条件的书面报告。" in html


def test_D6_the_list_needs_a_login_and_a_role(client, world):
    response = client.get(reverse("reports:list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login(client, world, "nobody").get(reverse("reports:list")).status_code == 403


# --- a report's page: drafts are private, versions are kept -------------------------------------------


def test_R12_the_draft_is_the_cadres_alone_until_submitted(client, world, q1):
    writing.report_draft_save(acting_user=world.users["cadre"], report=q1, sections={"done": "草稿中的一句话"})
    html = html_of(login(client, world, "cadre").get(reverse("reports:detail", args=[q1.pk])))
    assert "草稿中的一句话" in html and "草稿（尚未提交，仅本人可见）" in html and "继续撰写" in html
    for username in ("hostunit", "mentor", "countystaff"):
        html = html_of(login(client, world, username).get(reverse("reports:detail", args=[q1.pk])))
        assert "草稿中的一句话" not in html and "该报告尚未提交。" in html, username


def test_R12_every_version_stays_readable(client, world, q1, media):
    write_and_submit(world, q1, sections={"done": "第一版内容", "next": "计划一"}, when=at(dt.date(2026, 4, 8)))
    report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充\n具体数据")
    login(client, world, "cadre")
    html = html_of(client.get(reverse("reports:detail", args=[q1.pk])))
    assert "请补充<br>具体数据" in html and "修改后重新提交" in html
    edit = html_of(client.get(reverse("reports:edit", args=[q1.pk])))
    assert "第一版内容" in edit and "请补充<br>具体数据" in edit  # the revision starts from version 1
    response = client.post(reverse("reports:submit", args=[q1.pk]),
                           draft_post(q1, {"done": "第二版内容", "next": "计划二"}))
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[q1.pk])
    assert "报告已提交（第2版）。" in messages_of(response)

    for username in ("cadre", "hostunit", "mentor", "countystaff", "orgstaff"):
        login(client, world, username)
        url = reverse("reports:detail", args=[q1.pk])
        latest = html_of(client.get(url))
        assert "第二版内容" in latest and "第一版内容" not in latest and "第2版 · 提交于" in latest, username
        assert 'href="?version=1"' in latest
        first = html_of(client.get(url + "?version=1"))
        assert "第一版内容" in first and "第二版内容" not in first and "此为历史版本" in first
        assert "退回修改" in first and "请补充<br>具体数据" in first  # the review of version 1
        assert client.get(url + "?version=3").status_code == 404
        assert client.get(url + "?version=x").status_code == 404


def test_R12_the_detail_page_includes_the_comment_form_for_reviewers(client, world, q1):
    write_and_submit(world, q1)
    html = html_of(login(client, world, "hostunit").get(reverse("reports:detail", args=[q1.pk])))
    assert 'id="review-comment"' in html and reverse("reports:review_comment", args=[q1.pk]) in html
    assert 'id="review-comment"' not in html_of(login(client, world, "cadre").get(reverse("reports:detail", args=[q1.pk])))


# --- the editor ----------------------------------------------------------------------------------------


def test_R12_the_editor_shows_the_sections_and_saves_without_scripts(client, world):
    half = scheduled(world)[(K.HALF_YEAR, 1)]
    login(client, world, "cadre")
    html = html_of(client.get(reverse("reports:edit", args=[half.pk])))
    for heading in ("思想", "学习", "工作", "生活"):
        assert f">{heading}：</label>" in html or f">{heading}</label>" in html, heading
    assert 'name="section_thought"' in html and 'data-autosave="sections.thought"' in html
    assert f'data-autosave-url="{reverse("reports:autosave", args=[half.pk])}"' in html
    assert "/static/js/reports.js" in html and "data-confirm=" in html
    assert 'name="term_end_form"' not in html
    response = client.post(reverse("reports:edit", args=[half.pk]),
                           draft_post(half, {"thought": "有收获", "study": "", "work": "", "life": ""}, title="半年汇报"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:edit", args=[half.pk])
    assert "草稿已保存。" in messages_of(response)
    half.refresh_from_db()
    assert half.draft["thought"] == "有收获" and half.title == "半年汇报"
    assert "有收获" in html_of(client.get(reverse("reports:edit", args=[half.pk])))


def test_R12_the_term_end_editor_asks_for_the_form(client, world):
    term_end = scheduled(world)[(K.TERM_END, 1)]
    login(client, world, "cadre")
    assert 'name="term_end_form"' in html_of(client.get(reverse("reports:edit", args=[term_end.pk])))
    client.post(reverse("reports:edit", args=[term_end.pk]), draft_post(term_end, term_end_form="research"))
    term_end.refresh_from_db()
    assert term_end.term_end_form == "research"


def test_R12_submit_from_the_editor_saves_first_and_lists_missing_sections(client, world, q1):
    login(client, world, "cadre")
    response = client.post(reverse("reports:submit", args=[q1.pk]), draft_post(q1, {"done": "写了一半", "next": ""}))
    assert response.status_code == 302 and response["Location"] == reverse("reports:edit", args=[q1.pk])
    assert "以下部分尚未填写，不能提交：下季度工作计划。" in messages_of(response)
    q1.refresh_from_db()
    assert q1.status == S.PENDING and q1.draft["done"] == "写了一半"  # nothing typed is lost


def test_R12_after_submission_the_editor_is_closed(client, world, q1):
    write_and_submit(world, q1, sections={"done": "已提交的内容", "next": "计划"})
    login(client, world, "cadre")
    response = client.get(reverse("reports:edit", args=[q1.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[q1.pk])
    response = client.post(reverse("reports:edit", args=[q1.pk]), draft_post(q1, {"done": "改了", "next": "改了"}))
    assert response.status_code == 302
    response = client.post(reverse("reports:autosave", args=[q1.pk]), json.dumps({"sections": {"done": "改了"}}),
                           content_type="application/json")
    assert response.status_code == 400 and json.loads(response.content)["error"] == "报告当前状态为“已提交”，不能修改。"
    response = client.post(reverse("reports:submit", args=[q1.pk]))
    assert "报告不能从“已提交”变为“已提交”。" in messages_of(response)
    q1.refresh_from_db()
    assert q1.draft["done"] == "已提交的内容" and q1.versions.count() == 1


# --- autosave --------------------------------------------------------------------------------------------


def test_R12_autosave_answers_json_with_the_time(client, world, q1):
    login(client, world, "cadre")
    response = client.post(reverse("reports:autosave", args=[q1.pk]),
                           json.dumps({"sections": {"done": "自动保存的内容"}, "title": "标题"}),
                           content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["message"] == "已自动保存 15:42" and data["saved_at"].startswith("2026-04-08T15:42")
    q1.refresh_from_db()
    assert q1.draft == {"done": "自动保存的内容"} and q1.title == "标题" and q1.draft_saved_at == NOW
    assert not AuditLog.objects.filter(action="report_draft_save").exists()


@pytest.mark.parametrize(("body", "error"), [
    ("not json", "内容格式不正确，未能自动保存。"),
    ("[1, 2]", "内容格式不正确，未能自动保存。"),
    (json.dumps({"sections": {"<img src=x onerror=alert(1)>": "x"}}), "报告内容包含本类报告没有的部分，请刷新页面后重试。"),
    (json.dumps({"sections": {"done": "字" * 20001}}), "“本季度工作完成情况”不能超过 20000 字（现为 20001 字）。"),
])
def test_R12_autosave_refusals_are_json_errors(client, world, q1, body, error):
    login(client, world, "cadre")
    response = client.post(reverse("reports:autosave", args=[q1.pk]), body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"error": error}
    assert b"<" not in response.content
    q1.refresh_from_db()
    assert q1.draft == {} and q1.draft_saved_at is None


def test_R12_report_list_pages_keep_the_filters(client, world, reports, monkeypatch):
    monkeypatch.setattr("reports.views.PAGE_SIZE", 2)
    quarterly = sorted((r for r in reports.values() if r.kind == K.QUARTERLY), key=lambda r: r.due_date)
    login(client, world, "hostunit")
    html = html_of(client.get(reverse("reports:list"), {"kind": K.QUARTERLY}))
    assert 'href="?kind=quarterly&amp;page=2"' in html and "第 1 / 2 页" in html
    second = client.get(reverse("reports:list"), {"kind": K.QUARTERLY, "page": "2"})
    assert [row[0].pk for row in second.context["rows"]] == [r.pk for r in quarterly[2:]]


# --- attachments through the pages -------------------------------------------------------------------------


def test_R12_attachments_upload_and_download_only_within_scope(client, world, q1, media):
    login(client, world, "cadre")
    response = client.post(reverse("reports:attachment_add", args=[q1.pk]), {"file": pdf("调研材料.pdf")})
    assert response.status_code == 302 and "已上传附件“调研材料.pdf”。" in messages_of(response)
    attachment = ReportAttachment.objects.get()
    edit = html_of(client.get(reverse("reports:edit", args=[q1.pk])))
    assert f'href="/files/{attachment.file.name}"' in edit and "调研材料.pdf" in edit
    assert reverse("reports:attachment_remove", args=[q1.pk, attachment.pk]) in edit
    write_and_submit(world, q1)
    detail = html_of(client.get(reverse("reports:detail", args=[q1.pk])))
    assert f'href="/files/{attachment.file.name}"' in detail and "随第1版提交" in detail

    url = attachment.file.url
    for username in ("cadre", "hostunit", "hostclerk", "mentor", "countystaff", "orgstaff"):
        response = login(client, world, username).get(url)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
    for username in ("gphost", "othercadre", "sendunit", "township", "gaopingstaff", "hzstaff", "nobody"):
        assert login(client, world, username).get(url).status_code == 404, username
    client.logout()
    assert client.get(url).status_code == 302


def test_R12_a_draft_attachment_reaches_only_the_cadre_until_submitted(client, world, q1, media):
    login(client, world, "cadre")
    client.post(reverse("reports:attachment_add", args=[q1.pk]), {"file": pdf("草稿附件.pdf")})
    url = ReportAttachment.objects.get().file.url
    assert client.get(url).status_code == 200
    for username in ("hostunit", "hostclerk", "mentor", "countystaff", "orgstaff"):
        assert login(client, world, username).get(url).status_code == 404, username
    write_and_submit(world, q1)
    for username in ("hostunit", "mentor", "countystaff"):
        assert login(client, world, username).get(url).status_code == 200, username


@pytest.mark.parametrize(("name", "content", "message"), [
    ("病毒.exe", EXE, "文件“病毒.exe”的类型不受支持"),
    ("改名.pdf", EXE, "文件“改名.pdf”的内容与扩展名不符"),
    ("页面.html", b"<script>alert(1)</script>", "文件“页面.html”的类型不受支持"),
    ("页面.pdf", b"<html><script>alert(1)</script></html>", "文件“页面.pdf”的内容与扩展名不符"),
    ("图形.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "文件“图形.png”的内容与扩展名不符"),
])
def test_R12_bad_attachments_are_refused_on_the_page(client, world, q1, media, name, content, message):
    response = login(client, world, "cadre").post(reverse("reports:attachment_add", args=[q1.pk]),
                                                   {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    assert any(message in text for text in messages_of(response))
    assert not ReportAttachment.objects.exists()


def test_R12_attachment_too_large_is_refused_on_the_page(client, world, q1, media, settings):
    settings.UPLOAD_DOCUMENT_MAX_BYTES = 64
    response = login(client, world, "cadre").post(reverse("reports:attachment_add", args=[q1.pk]),
                                                   {"file": pdf("大文件.pdf", PDF + b"\0" * 64)})
    assert any("超过 64\xa0字节 的上限" in text for text in messages_of(response))
    assert not ReportAttachment.objects.exists()


def test_R12_the_cadre_removes_an_unsubmitted_attachment(client, world, q1, media):
    attachment = writing.report_attachment_add(acting_user=world.users["cadre"], report=q1, upload=pdf())
    response = login(client, world, "cadre").post(reverse("reports:attachment_remove", args=[q1.pk, attachment.pk]))
    assert response.status_code == 302 and "已删除附件“材料.pdf”。" in messages_of(response)
    assert not ReportAttachment.objects.exists()


# --- every URL refused to the roles that may not use it (D6) -------------------------------------------------


def _urls(report: Report, attachment: ReportAttachment) -> dict[str, tuple[str, str]]:
    """name → (method, url)."""
    return {
        "detail": ("get", reverse("reports:detail", args=[report.pk])),
        "edit": ("get", reverse("reports:edit", args=[report.pk])),
        "edit_post": ("post", reverse("reports:edit", args=[report.pk])),
        "autosave": ("post", reverse("reports:autosave", args=[report.pk])),
        "attachment_add": ("post", reverse("reports:attachment_add", args=[report.pk])),
        "attachment_remove": ("post", reverse("reports:attachment_remove", args=[report.pk, attachment.pk])),
        "submit": ("post", reverse("reports:submit", args=[report.pk])),
    }


def _request(client, method: str, url: str, report: Report):
    if url.endswith("/autosave/"):
        return client.post(url, json.dumps({"sections": {"done": "篡改"}}), content_type="application/json")
    if method == "post":
        if url.endswith("/attachments/"):
            return client.post(url, {"file": pdf("篡改.pdf")})
        return client.post(url, draft_post(report, {"done": "篡改", "next": "篡改"}))
    return client.get(url)


@pytest.fixture
def written(world, q1, media):
    writing.report_draft_save(acting_user=world.users["cadre"], report=q1, sections=full_sections(q1))
    attachment = writing.report_attachment_add(acting_user=world.users["cadre"], report=q1, upload=pdf())
    return q1, attachment


def _unchanged(q1: Report, attachment: ReportAttachment):
    q1.refresh_from_db()
    assert q1.status == S.PENDING and q1.draft == full_sections(q1)
    assert not ReportVersion.objects.exists()
    assert list(ReportAttachment.objects.values_list("pk", flat=True)) == [attachment.pk]
    assert not AuditLog.objects.filter(action__in=["report_submit", "report_attachment_remove"]).exists()


@pytest.mark.parametrize("username", ["nobody", "gphost", "othercadre", "sendunit", "township", "gaopingstaff", "hzstaff"])
def test_D6_out_of_scope_users_get_404_on_every_report_url(client, world, written, username):
    q1, attachment = written
    login(client, world, username)
    for name, (method, url) in _urls(q1, attachment).items():
        assert _request(client, method, url, q1).status_code == 404, (username, name)
    _unchanged(q1, attachment)


@pytest.mark.parametrize("username", ["hostunit", "hostclerk", "mentor", "countystaff", "orgstaff"])
def test_D6_in_scope_users_read_but_may_not_write_403(client, world, written, username):
    q1, attachment = written
    login(client, world, username)
    for name, (method, url) in _urls(q1, attachment).items():
        expected = 200 if name == "detail" else 403
        assert _request(client, method, url, q1).status_code == expected, (username, name)
    _unchanged(q1, attachment)


def test_D6_anonymous_users_are_sent_to_login_on_every_report_url(client, world, written):
    q1, attachment = written
    for name, (method, url) in _urls(q1, attachment).items():
        response = _request(client, method, url, q1)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name
    _unchanged(q1, attachment)


def test_D6_writing_urls_take_post_only(client, world, written):
    q1, attachment = written
    login(client, world, "cadre")
    for name in ("autosave", "attachment_add", "attachment_remove", "submit"):
        assert client.get(_urls(q1, attachment)[name][1]).status_code == 405, name


def test_D6_an_attachment_of_another_report_is_404(client, world, written, reports):
    q1, attachment = written
    q2 = reports[(K.QUARTERLY, 2)]
    response = login(client, world, "cadre").post(reverse("reports:attachment_remove", args=[q2.pk, attachment.pk]))
    assert response.status_code == 404
    assert ReportAttachment.objects.filter(pk=attachment.pk).exists()
