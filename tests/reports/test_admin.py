"""The reports admin (R12, R15, D1): rows scoped to the staff's subtree, the filters (program,
host unit, kind, status, late, deadline state), read-only pages, the accept and return actions
through the services, and the printable version."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from reports.models import Report, ReportAttachment, ReportReview
from reports.services import review as review_services
from tests.reports.test_review import scheduled, set_status, submit

pytestmark = pytest.mark.django_db

K = Report.Kind
S = Report.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-10-15 in 晋城: Q1 (due 04-10) submitted late, Q2 (07-10) on time, the half-year report
# (09-16) and Q3 (10-10) missing, Q4, the annual and the term-end report still due.
TODAY = dt.datetime(2026, 10, 15, 10, tzinfo=SHANGHAI)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def changelist(query: str = "") -> str:
    return reverse("admin:reports_report_changelist") + query


def print_url(report, version=None) -> str:
    url = reverse("admin:reports_report_print", args=[report.pk])
    return f"{url}?version={version}" if version is not None else url


def listed(response) -> set:
    assert response.status_code == 200, response.status_code
    return set(response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def reports(world) -> dict:
    with time_machine.travel(TODAY, tick=False):
        by_key = scheduled(world)
        named = {
            "q1": by_key[(K.QUARTERLY, 1)], "q2": by_key[(K.QUARTERLY, 2)], "half": by_key[(K.HALF_YEAR, 1)],
            "q3": by_key[(K.QUARTERLY, 3)], "q4": by_key[(K.QUARTERLY, 4)], "annual": by_key[(K.ANNUAL, 1)],
            "term_end": by_key[(K.TERM_END, 1)],
        }
        submit(named["q1"], at=at(dt.date(2026, 4, 12)))
        submit(named["q2"], at=at(dt.date(2026, 7, 1)))
    return named


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- scope and read only (D1) ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["countystaff", "orgstaff"])
def test_D1_staff_list_the_reports_they_reach(client, world, reports, today, name):
    client.force_login(world.users[name])
    assert listed(client.get(changelist())) == set(reports.values())


@pytest.mark.parametrize("name", ["gaopingstaff", "hzstaff"])
def test_D1_staff_of_other_subtrees_see_none_and_get_404(client, world, reports, today, name):
    client.force_login(world.users[name])
    assert listed(client.get(changelist())) == set()
    q1 = reports["q1"]
    assert client.get(reverse("admin:reports_report_change", args=[q1.pk])).status_code == 404
    assert client.get(print_url(q1)).status_code == 404


@pytest.mark.parametrize("name", ["hostunit", "hostclerk", "mentor", "township", "sendunit", "cadre", "othercadre", "nobody"])
def test_D6_portal_roles_never_reach_the_reports_admin(client, world, reports, name):
    client.force_login(world.users[name])
    q1 = reports["q1"]
    for url in (changelist(), reverse("admin:reports_report_change", args=[q1.pk]), print_url(q1),
                reverse("admin:reports_report_export_xlsx")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_R12_staff_read_but_never_edit_add_or_delete_a_report(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    q1 = reports["q1"]
    change = reverse("admin:reports_report_change", args=[q1.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "本季度工作完成情况内容" in page.content.decode()
    assert print_url(q1) in page.content.decode()
    assert client.post(change, {"status": "accepted"}).status_code == 403
    assert client.get(reverse("admin:reports_report_add")).status_code == 403
    assert client.get(reverse("admin:reports_report_delete", args=[q1.pk])).status_code == 403
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED


def test_R12_list_shows_the_deadline_state(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    html = client.get(changelist()).content.decode()
    for text in ("逾期提交", "按时提交", "逾期未交", "待提交", "2026年第1季度工作报告", "泽州县巴公镇"):
        assert text in html


# --- filters (R12) ---------------------------------------------------------------------------------


def test_R12_late_filter_lists_late_and_missing_reports(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    assert listed(client.get(changelist("?late=1"))) == {reports["q1"], reports["half"], reports["q3"]}


@pytest.mark.parametrize(("state", "names"), [
    ("late", {"q1"}), ("on_time", {"q2"}), ("missing", {"half", "q3"}), ("due", {"q4", "annual", "term_end"}),
])
def test_R12_deadline_state_filter_agrees_with_the_model(client, world, reports, today, state, names):
    client.force_login(world.users["countystaff"])
    rows = listed(client.get(changelist(f"?deadline={state}")))
    assert rows == {reports[name] for name in names}
    assert all(report.deadline_state() == state for report in rows)


def test_R12_a_cancelled_report_is_neither_late_nor_missing(client, world, reports, today):
    set_status(reports["q3"], S.CANCELLED)
    client.force_login(world.users["countystaff"])
    assert reports["q3"] not in listed(client.get(changelist("?late=1")))
    assert reports["q3"] not in listed(client.get(changelist("?deadline=missing")))


def test_R12_filters_by_program_host_unit_kind_status_and_cadre_name(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    everything = set(reports.values())
    assert listed(client.get(changelist(f"?placement__program__id__exact={world.program.pk}"))) == everything
    unit = world.units["zz_township"]
    assert listed(client.get(changelist(f"?placement__host_post__host_unit__id__exact={unit.pk}"))) == everything
    assert listed(client.get(changelist("?kind__exact=quarterly"))) == {reports[n] for n in ("q1", "q2", "q3", "q4")}
    assert listed(client.get(changelist("?status__exact=submitted"))) == {reports["q1"], reports["q2"]}
    assert listed(client.get(changelist("?q=李明"))) == everything
    assert listed(client.get(changelist("?q=陈静"))) == set()


def test_D1_filter_choices_show_only_what_the_staff_reach(client, world, reports, today):
    """Another 泽州 program at the village, and a 高平 program the county staff do not reach."""
    from programs import services as program_services
    from programs.models import HostPost, SecondmentType

    def placed(department, cadre, unit, name):
        program = program_services.program_create(
            acting_user=world.admin, name=name, secondment_type=SecondmentType.DOWN, year=2026,
            organising_department=department, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
        )
        post = HostPost.objects.create(program=program, host_unit=unit, title="第一书记", places=1)
        placement = program_services.placement_create(acting_user=world.admin, cadre=cadre, host_post=post)
        program_services.placement_start(acting_user=world.admin, placement=placement, effective_date=dt.date(2026, 3, 2))
        scheduled(world, placement)
        return program

    village = placed(world.zezhou, world.cadres["zz_second"], world.units["zz_village"], "泽州县驻村第一书记")
    gaoping = placed(world.gaoping, world.cadres["gp_cadre"], world.units["gp_township"], "高平市干部下挂")
    client.force_login(world.users["countystaff"])
    response = client.get(changelist())
    specs = {str(spec.title): spec for spec in response.context["cl"].filter_specs}
    assert {label for _pk, label in specs["挂职项目"].lookup_choices} == {str(world.program), str(village)}
    assert {label for _pk, label in specs["挂职单位"].lookup_choices} == {"泽州县巴公镇", "泽州县巴公镇西郜村"}
    assert str(gaoping) not in response.content.decode()
    assert listed(client.get(changelist(f"?placement__program__id__exact={village.pk}"))) == set(
        Report.objects.filter(placement__program=village))


# --- actions (R12, R15) ----------------------------------------------------------------------------


def test_R12_accept_action_accepts_submitted_and_reports_refusals_per_row(client, world, reports, today):
    client.force_login(world.users["countystaff"])
    q1, q4 = reports["q1"], reports["q4"]
    page = client.post(changelist(), {"action": "action_accept", "_selected_action": [q1.pk, q4.pk]})
    assert page.status_code == 200 and "审核意见" in page.content.decode()
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED  # nothing is decided before the page is sent
    response = client.post(changelist(), {"action": "action_accept", "_selected_action": [q1.pk, q4.pk],
                                          "apply": "1", "note": "写得实在"})
    assert response.status_code == 302
    q1.refresh_from_db()
    q4.refresh_from_db()
    assert q1.status == S.ACCEPTED and q1.decided_by == world.users["countystaff"]
    assert q4.status == S.PENDING
    msgs = messages_of(response)
    assert f"{q4}：报告不能从“未提交”变为“已通过”。" in msgs
    assert "已审核通过 1 份报告。" in msgs
    assert AuditLog.objects.filter(action="report_accept", target_id=str(q1.pk)).count() == 1
    assert q1.reviews.get(kind="accept").text == "写得实在"


def test_R12_return_action_asks_the_reason_then_returns(client, world, reports, today):
    client.force_login(world.users["orgstaff"])
    q1, q2 = reports["q1"], reports["q2"]
    data = {"action": "action_return", "_selected_action": [q1.pk, q2.pk]}
    page = client.post(changelist(), data)
    assert page.status_code == 200
    assert "退回原因" in page.content.decode() and str(q1) in page.content.decode()
    empty = client.post(changelist(), {**data, "apply": "1", "reason": "  "})
    assert empty.status_code == 200 and empty.context["form"].errors
    done = client.post(changelist(), {**data, "apply": "1", "reason": "请补充数据"})
    assert done.status_code == 302
    for report in (q1, q2):
        report.refresh_from_db()
        assert report.status == S.RETURNED and report.return_reason == "请补充数据"
        assert ReportReview.objects.get(report=report).kind == ReportReview.Kind.RETURN
    assert "已退回 2 份报告。" in messages_of(done)


def test_D1_actions_cannot_reach_reports_out_of_scope(client, world, reports, today):
    client.force_login(world.users["gaopingstaff"])
    q1 = reports["q1"]
    client.post(changelist(), {"action": "action_accept", "_selected_action": [q1.pk], "apply": "1"})
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED


def test_R12_the_report_page_lists_versions_reviews_attachments_and_reminders(client, world, reports, today, settings,
                                                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path
    q1 = reports["q1"]
    ReportAttachment.objects.create(
        report=q1, version=q1.versions.get(), file=SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff"),
        original_name="照片.jpg", size=3, uploaded_by=world.users["cadre"],
    )
    review_services.report_comment(acting_user=world.users["mentor"], report=q1, text="认真<script>x</script>")
    client.force_login(world.users["countystaff"])
    html = client.get(reverse("admin:reports_report_change", args=[q1.pk])).content.decode()
    attachment = ReportAttachment.objects.get()
    assert f'href="/files/{attachment.file.name}"' in html and "照片.jpg" in html
    assert "认真&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert "帮带责任人" in html


# --- print (R12) -------------------------------------------------------------------------------------


def test_R12_print_renders_the_latest_version_escaped_with_facts_and_reviews(client, world, today):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    submit(q1, sections={"done": "第一版", "next": "计划"}, at=at(dt.date(2026, 4, 8)))
    review_services.report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充")
    submit(q1, sections={"done": "<script>alert（1）</script>\n第二行", "next": "计划二"}, at=at(dt.date(2026, 4, 20)))
    review_services.report_comment(acting_user=world.users["hostunit"], report=q1, text="挂职单位<b>意见</b>")
    client.force_login(world.users["countystaff"])
    response = client.get(print_url(q1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert（1）&lt;/script&gt;<br>第二行" in html
    assert "<script>alert(1)" not in html
    assert "挂职单位&lt;b&gt;意见&lt;/b&gt;" in html
    assert "请补充" not in html  # the return was about version 1
    for text in ("本季度工作完成情况", "下季度工作计划", "计划二", "李明", "泽州县发展和改革局", "泽州县巴公镇",
                 "党委委员、副镇长", "第2版（共2版）", "按时提交", "@page", "@media print"):
        assert text in html, text
    assert "<link" not in html and "src=" not in html  # no external assets


def test_R12_print_a_chosen_version_and_refuse_unknown_ones(client, world, today):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    submit(q1, sections={"done": "第一版内容", "next": "计划"})
    review_services.report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充")
    submit(q1, sections={"done": "第二版内容", "next": "计划"}, at=at(dt.date(2026, 4, 20)))
    client.force_login(world.users["countystaff"])
    first = client.get(print_url(q1, 1)).content.decode()
    assert "第一版内容" in first and "第二版内容" not in first and "请补充" in first
    assert client.get(print_url(q1, 3)).status_code == 404
    assert client.get(print_url(q1, "x")).status_code == 404


def test_R12_print_of_an_unsubmitted_report_says_so(client, world, today):
    q4 = scheduled(world)[(K.QUARTERLY, 4)]
    client.force_login(world.users["countystaff"])
    response = client.get(print_url(q4))
    assert response.status_code == 200 and "该报告尚未提交。" in response.content.decode()
