"""Reviews of the cadre's reports (R12, R15, D1, D6): the host unit's and the mentor's comments on
the latest version, the staff's accept and return along Report.TRANSITIONS, who may do what,
the audit rows, the cadre's notifications and what the daily assessment reads."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditLog, Job, Notification
from programs.models import RoleAssignment
from reports.exceptions import ReportAccessDenied, ReportError
from reports.models import Report, ReportReview, ReportVersion
from reports.selectors import report_review_summary, reports_visible_to
from reports.services import review as review_services
from reports.services import writing
from reports.services.schedule import reports_schedule
from reports.views_review import review_form_context
from tests.factories import assign_role
from tests.threads import race

pytestmark = pytest.mark.django_db

K = Report.Kind
S = Report.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- helpers shared with test_admin and test_export --------------------------------------------------


def fresh(user):
    """The same user without the cached scope, as the next request would see it."""
    return get_user_model().objects.get(pk=user.pk)


def scheduled(world, placement=None) -> dict:
    """The placement's reports by (kind, sequence). For world.placement: Q1 due 2026-04-10, Q2
    07-10, half-year 09-16, Q3 10-10, Q4 2027-01-10, annual 2027-01-15, term-end 2027-02-28."""
    placement = placement or world.placement
    reports_schedule(placement=placement)
    return {(r.kind, r.sequence): r for r in placement.reports.all()}


def submit(report: Report, *, user=None, sections: dict | None = None, at: dt.datetime | None = None,
           direct: bool = False) -> ReportVersion:
    """Submit the report at ``at`` through the writing services (draft, then submit), as the
    cadre does in the portal. ``direct`` writes the version itself, for what the services would
    never produce (e.g. a version someone else submitted)."""
    at = at or dt.datetime(2026, 4, 8, 10, tzinfo=SHANGHAI)
    user = user or report.placement.cadre.user
    sections = sections or {key: f"{heading}内容" for key, heading in report.sections}
    if direct:
        version = ReportVersion.objects.create(
            report=report, number=report.versions.count() + 1, sections=sections, submitted_by=user, submitted_at=at,
        )
        Report.objects.filter(pk=report.pk).update(
            status=S.SUBMITTED, submitted_at=at, first_submitted_at=report.first_submitted_at or at
        )
    else:
        with time_machine.travel(at, tick=False):
            writing.report_draft_save(acting_user=user, report=report, sections=sections)
            version = writing.report_submit(acting_user=user, report=report)
    report.refresh_from_db()
    return version


def set_status(report: Report, status: str) -> Report:
    """Put a report in a state directly (the moves into it are tested where they are made)."""
    if status in (S.SUBMITTED, S.ACCEPTED, S.RETURNED):
        submit(report)
    fields = {"status": status}
    if status == S.RETURNED:
        fields["return_reason"] = "请补充工作内容"
    if status == S.CANCELLED:
        fields["cancelled_reason"] = "提前结束"
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


@pytest.fixture
def q1(world) -> Report:
    """李明's first quarterly report, submitted (version 1)."""
    report = scheduled(world)[(K.QUARTERLY, 1)]
    submit(report)
    return report


REVIEW_ACTIONS = ("report_comment", "report_accept", "report_return")


def audit_actions(report) -> list[str]:
    """The review rows of the report's audit trail, in order."""
    return list(AuditLog.objects.filter(target_type="reports.report", target_id=str(report.pk), action__in=REVIEW_ACTIONS)
                .order_by("id").values_list("action", flat=True))


def cadre_notifications(world):
    return Notification.objects.filter(recipient=world.users["cadre"]).order_by("id")


# --- staff decisions (R12, D1) -----------------------------------------------------------------------


def test_R12_staff_accept_a_submitted_report(world, q1):
    staff = world.users["countystaff"]
    report = review_services.report_accept(acting_user=staff, report=q1, note="内容翔实")
    report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert report.decided_by == staff and report.decided_at is not None
    review = ReportReview.objects.get(report=report)
    assert (review.kind, review.role, review.text, review.author) == ("accept", "staff", "内容翔实", staff)
    assert review.version == report.versions.get(number=1)
    assert audit_actions(report) == ["report_accept"]
    log = AuditLog.objects.get(action="report_accept")
    assert log.actor == staff and log.data["from"] == "submitted" and log.data["to"] == "accepted"
    notification = cadre_notifications(world).get()
    assert notification.title == f"您的{report.label}已审核通过"
    assert notification.body == "内容翔实"


def test_R12_staff_return_stores_the_reason_and_tells_the_cadre_by_mail_too(world, q1):
    world.users["cadre"].email = "liming@example.cn"
    world.users["cadre"].save(update_fields=["email"])
    staff = world.users["orgstaff"]
    review_services.report_return(acting_user=staff, report=q1, reason="  请补充重点项目推进情况\n ")
    q1.refresh_from_db()
    assert q1.status == S.RETURNED and q1.return_reason == "请补充重点项目推进情况"
    assert q1.decided_by == staff
    review = ReportReview.objects.get(report=q1)
    assert (review.kind, review.role, review.text) == ("return", "staff", "请补充重点项目推进情况")
    assert audit_actions(q1) == ["report_return"]
    notification = cadre_notifications(world).get()
    assert notification.title == f"您的{q1.label}被退回修改"
    assert "请补充重点项目推进情况" in notification.body
    assert Job.objects.filter(task_name="core.notification_email", kwargs={"notification_id": notification.pk}).exists()


def test_R12_return_without_a_reason_is_refused_and_changes_nothing(world, q1):
    with pytest.raises(ReportError) as refused:
        review_services.report_return(acting_user=world.users["countystaff"], report=q1, reason="   ")
    assert refused.value.message == "退回时请填写退回原因。"
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED and q1.decided_at is None
    assert not ReportReview.objects.exists() and audit_actions(q1) == []
    assert not cadre_notifications(world).exists()


@pytest.mark.parametrize("status", [S.PENDING, S.RETURNED, S.ACCEPTED, S.CANCELLED])
@pytest.mark.parametrize("move", ["accept", "return"])
def test_R12_accept_and_return_only_from_submitted(world, status, move):
    report = set_status(scheduled(world)[(K.QUARTERLY, 1)], status)
    staff = world.users["countystaff"]
    with pytest.raises(ReportError) as refused:
        if move == "accept":
            review_services.report_accept(acting_user=staff, report=report)
        else:
            review_services.report_return(acting_user=staff, report=report, reason="理由")
    target = "已通过" if move == "accept" else "已退回"
    assert refused.value.message == f"报告不能从“{S(status).label}”变为“{target}”。"
    report.refresh_from_db()
    assert report.status == status
    assert not ReportReview.objects.filter(report=report).exists() and audit_actions(report) == []


def test_R12_an_accepted_report_cannot_be_returned(world, q1):
    review_services.report_accept(acting_user=world.users["countystaff"], report=q1)
    with pytest.raises(ReportError, match="报告不能从“已通过”变为“已退回”"):
        review_services.report_return(acting_user=world.users["orgstaff"], report=q1, reason="再看看")


@pytest.mark.parametrize("name", ["countystaff", "orgstaff"])
def test_D1_staff_reaching_the_placement_decide(world, q1, name):
    review_services.report_accept(acting_user=world.users[name], report=q1)
    q1.refresh_from_db()
    assert q1.status == S.ACCEPTED


def test_D1_a_superuser_decides(world, q1):
    review_services.report_return(acting_user=world.admin, report=q1, reason="格式不对")
    q1.refresh_from_db()
    assert q1.status == S.RETURNED


@pytest.mark.parametrize("name", ["gaopingstaff", "hzstaff", "hostunit", "mentor", "sendunit", "nobody"])
@pytest.mark.parametrize("move", ["accept", "return"])
def test_D1_others_cannot_decide(world, q1, name, move):
    user = world.users[name]
    with pytest.raises(ReportAccessDenied) as refused:
        if move == "accept":
            review_services.report_accept(acting_user=user, report=q1)
        else:
            review_services.report_return(acting_user=user, report=q1, reason="理由")
    assert refused.value.message == "只有管理干部“李明”的组织部工作人员可以审核该报告。"
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED and audit_actions(q1) == []


# --- comments (D6) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "role"), [("hostunit", "host_unit"), ("hostclerk", "host_unit"), ("mentor", "mentor")])
def test_D6_host_unit_and_mentor_comment_on_the_latest_version(world, q1, name, role):
    user = world.users[name]
    review = review_services.report_comment(acting_user=user, report=q1, text="  工作扎实，\n建议多下村。 ")
    assert (review.kind, review.role, review.author, review.text) == ("comment", role, user, "工作扎实，\n建议多下村。")
    assert review.version.number == 1
    q1.refresh_from_db()
    assert q1.status == S.SUBMITTED  # a comment moves nothing
    assert audit_actions(q1) == ["report_comment"]
    assert AuditLog.objects.get(action="report_comment").data == {"review": review.pk, "version": 1, "role": role}
    notification = cadre_notifications(world).get()
    label = "挂职单位" if role == "host_unit" else "帮带责任人"
    assert notification.title == f"{label}对您的{q1.label}提出了评阅意见"
    assert notification.body == "工作扎实，\n建议多下村。"


@pytest.mark.parametrize("name", ["gphost", "township", "sendunit", "cadre", "othercadre", "countystaff", "nobody"])
def test_D6_others_cannot_comment(world, q1, name):
    with pytest.raises(ReportAccessDenied):
        review_services.report_comment(acting_user=world.users[name], report=q1, text="意见")
    assert not ReportReview.objects.exists() and audit_actions(q1) == []


def test_D6_the_cadre_never_reviews_their_own_report_whatever_roles_they_hold(world, q1):
    cadre = world.users["cadre"]
    assign_role(cadre, RoleAssignment.Role.HOST_APPROVER, unit=world.units["zz_township"])
    assign_role(cadre, RoleAssignment.Role.ORG_STAFF, department=world.zezhou)
    cadre = fresh(cadre)
    for call in (
        lambda: review_services.report_comment(acting_user=cadre, report=q1, text="很好"),
        lambda: review_services.report_accept(acting_user=cadre, report=q1),
        lambda: review_services.report_return(acting_user=cadre, report=q1, reason="再改"),
    ):
        with pytest.raises(ReportAccessDenied, match="不能评阅或审核本人的书面报告。"):
            call()
    assert not ReportReview.objects.exists()


def test_D6_whoever_submitted_a_version_cannot_review_it(world):
    """A host-unit clerk who submitted on the cadre's behalf does not then comment on it."""
    report = scheduled(world)[(K.QUARTERLY, 1)]
    submit(report, user=world.users["hostclerk"], direct=True)
    with pytest.raises(ReportAccessDenied):
        review_services.report_comment(acting_user=world.users["hostclerk"], report=report, text="好")
    review_services.report_comment(acting_user=world.users["hostunit"], report=report, text="好")


@pytest.mark.parametrize("status", [S.PENDING, S.RETURNED, S.CANCELLED])
def test_D6_comments_only_on_a_submitted_or_accepted_report(world, status):
    report = set_status(scheduled(world)[(K.QUARTERLY, 2)], status)
    with pytest.raises(ReportError) as refused:
        review_services.report_comment(acting_user=world.users["hostunit"], report=report, text="意见")
    assert refused.value.message == f"报告当前状态为“{S(status).label}”，不能评阅。"


def test_D6_an_accepted_report_may_still_be_commented_on(world, q1):
    review_services.report_accept(acting_user=world.users["countystaff"], report=q1)
    review = review_services.report_comment(acting_user=world.users["mentor"], report=q1, text="同意")
    assert review.version.number == 1


def test_D6_an_empty_comment_is_refused(world, q1):
    with pytest.raises(ReportError, match="请填写评阅意见。"):
        review_services.report_comment(acting_user=world.users["hostunit"], report=q1, text=" \n ")


def test_R15_reviews_stay_with_the_version_they_are_about(world, q1):
    review_services.report_comment(acting_user=world.users["hostunit"], report=q1, text="第一版意见")
    review_services.report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充")
    submit(q1, at=dt.datetime(2026, 4, 20, 9, tzinfo=SHANGHAI))
    review_services.report_comment(acting_user=world.users["mentor"], report=q1, text="第二版意见")
    review_services.report_accept(acting_user=world.users["countystaff"], report=q1)
    q1.refresh_from_db()
    assert q1.status == S.ACCEPTED and q1.return_reason == ""  # the reason lives on in its review
    by_text = {r.text or r.kind: r.version.number for r in ReportReview.objects.all()}
    assert by_text == {"第一版意见": 1, "请补充": 1, "第二版意见": 2, "accept": 2}
    assert audit_actions(q1) == ["report_comment", "report_return", "report_comment", "report_accept"]


def test_R15_report_review_summary_reflects_the_reviews(world, q1):
    review_services.report_comment(acting_user=world.users["hostunit"], report=q1, text="扎实")
    review_services.report_return(acting_user=world.users["countystaff"], report=q1, reason="请补充")
    submit(q1, at=dt.datetime(2026, 4, 20, 9, tzinfo=SHANGHAI))
    review_services.report_accept(acting_user=world.users["countystaff"], report=q1, note="通过")
    summary = report_review_summary(world.placement)
    assert summary["accepted"] == 1 and summary["returned_ever"] == 1
    assert [(r["kind"], r["role"], r["text"]) for r in summary["reviews"]] == [
        ("comment", "host_unit", "扎实"), ("return", "staff", "请补充"), ("accept", "staff", "通过"),
    ]
    assert summary["deadline_states"]["on_time"] == 1


# --- the portal view (D6) -------------------------------------------------------------------------------


def comment_url(report) -> str:
    return reverse("reports:review_comment", args=[report.pk])


@pytest.mark.parametrize(("name", "role"), [("hostunit", "host_unit"), ("hostclerk", "host_unit"), ("mentor", "mentor")])
def test_D6_comment_view_saves_and_returns_to_the_report(client, world, q1, name, role):
    client.force_login(world.users[name])
    response = client.post(comment_url(q1), {"text": "<b>很好</b>"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[q1.pk])
    review = ReportReview.objects.get()
    assert (review.role, review.text) == (role, "<b>很好</b>")  # stored as typed, shown escaped


@pytest.mark.parametrize(("name", "status"), [
    ("gphost", 404), ("township", 404), ("sendunit", 404), ("othercadre", 404), ("nobody", 404),
    ("gaopingstaff", 404), ("hzstaff", 404), ("cadre", 403), ("countystaff", 403), ("orgstaff", 403),
])
def test_D6_comment_view_refuses_other_roles(client, world, q1, name, status):
    client.force_login(world.users[name])
    assert client.post(comment_url(q1), {"text": "意见"}).status_code == status
    assert not ReportReview.objects.exists()


def test_D6_a_host_unit_does_not_see_another_units_reports(world, q1):
    assert q1 in reports_visible_to(world.users["hostunit"])
    assert not reports_visible_to(world.users["gphost"]).exists()


def test_D6_comment_view_needs_login_and_post(client, world, q1):
    response = client.post(comment_url(q1), {"text": "意见"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world.users["hostunit"])
    assert client.get(comment_url(q1)).status_code == 405


def test_D6_comment_view_shows_refusals_and_saves_nothing(client, world, q1):
    client.force_login(world.users["hostunit"])
    response = client.post(comment_url(q1), {"text": "  "})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请填写评阅意见。"]
    pending = scheduled(world)[(K.QUARTERLY, 2)]
    response = client.post(comment_url(pending), {"text": "意见"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == "报告当前状态为“未提交”，不能评阅。"
    assert not ReportReview.objects.exists()


def test_D6_the_comment_form_is_offered_only_to_commenters(world, q1):
    request = RequestFactory().get("/")
    request.user = world.users["hostunit"]
    context = review_form_context(request, q1)
    assert context["review_form_template"] == "reports/portal/_review_form.html"
    html = render_to_string(context["review_form_template"], {**context, "report": q1}, request=request)
    assert f'action="{comment_url(q1)}"' in html and 'class="stacked"' in html and 'name="text"' in html
    for name in ("cadre", "countystaff", "gphost"):
        request.user = world.users[name]
        assert review_form_context(request, q1) == {}
    # With only the report in the context, the form still posts to the right place.
    html = render_to_string("reports/portal/_review_form.html", {"report": q1}, request=request)
    assert f'action="{comment_url(q1)}"' in html and "<textarea" in html


# --- two staff at once (PostgreSQL row locks) -----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R12_two_staff_deciding_at_once_make_one_decision(transactional_world):
    w = transactional_world
    report = scheduled(w)[(K.QUARTERLY, 1)]
    submit(report)
    results = race([
        lambda: review_services.report_accept(acting_user=fresh(w.users["countystaff"]), report=report),
        lambda: review_services.report_return(acting_user=fresh(w.users["orgstaff"]), report=report, reason="请补充"),
    ])
    assert sorted(type(r).__name__ for r in results) == ["Report", "ReportError"], results
    assert "报告不能从“" in str(next(r for r in results if isinstance(r, ReportError)))
    assert ReportReview.objects.filter(report=report).count() == 1
    assert len(audit_actions(report)) == 1


# --- messages about the submission (topic) and the report's page -----------------------------------------


def test_R12_a_decision_marks_the_staffs_please_review_messages_read_but_not_the_host_units(world, q1):
    topic = review_services.report_topic(q1)
    unread = Notification.objects.filter(topic=topic, read_at__isnull=True)
    assert {n.recipient.username for n in unread} >= {"countystaff", "hostunit", "mentor"}
    review_services.report_comment(acting_user=world.users["mentor"], report=q1, text="好")
    assert not unread.filter(recipient=world.users["mentor"]).exists()
    review_services.report_accept(acting_user=world.users["countystaff"], report=q1)
    assert not unread.filter(recipient=world.users["countystaff"]).exists()
    assert unread.filter(recipient=world.users["hostunit"]).exists()  # may still comment


def test_D6_the_report_page_offers_the_comment_form_to_the_host_unit_only(client, world, q1):
    detail = reverse("reports:detail", args=[q1.pk])
    client.force_login(world.users["hostunit"])
    html = client.get(detail).content.decode()
    assert f'action="{comment_url(q1)}"' in html
    client.post(comment_url(q1), {"text": "<i>写得好</i>"})
    html = client.get(detail).content.decode()
    assert "&lt;i&gt;写得好&lt;/i&gt;" in html and "<i>写得好</i>" not in html
    for name in ("cadre", "countystaff"):
        client.force_login(world.users[name])
        page = client.get(detail)
        assert page.status_code == 200 and f'action="{comment_url(q1)}"' not in page.content.decode()
