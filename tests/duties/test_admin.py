"""Duties in the admin: staff see their subtree's rows (D1, D6), write through the services."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditLog
from duties import services
from duties.models import EarlyWarning, TrainingRecord

from .conftest import policy_set

DAY = dt.date(2026, 4, 10)
MODELS = ["exchangemeeting", "ownedcase", "caseprogress", "feedbackcard", "earlywarning", "trainingrecord",
          "partybranch", "branchactivity", "integrityundertaking"]


def url(model, view="changelist", *args):
    return reverse(f"admin:duties_{model}_{view}", args=args)


@pytest.fixture
def records(duties):
    u = duties.users
    case = services.owned_case_open(acting_user=u["hostunit"], placement=duties.placement, title="信访件", opened_on=DAY)
    services.case_progress_add(acting_user=u["cadre"], case=case, date=DAY, note="约见")
    services.feedback_card_report(acting_user=u["villagecadre"], placement=duties.village, matter="流转", decided_on=DAY,
                                  content="通过")
    warning = services.early_warning_report(acting_user=u["villagecadre"], placement=duties.village, occurred_on=DAY,
                                            content="纠纷")
    training = services.training_record_create(acting_user=u["countystaff"], placement=duties.placement, course="培训",
                                               held_on=DAY, hours=Decimal(8))
    services.exchange_meeting_record(acting_user=u["countystaff"], program=duties.program, held_on=DAY, topic="交流")
    branch = services.party_branch_create(acting_user=u["countystaff"], program=duties.program, name="临时党支部",
                                          established_on=DAY, members=[duties.placement])
    services.branch_activity_record(acting_user=u["countystaff"], branch=branch, held_on=DAY, topic="学习")
    services.integrity_undertaking_confirm(acting_user=u["cadre"], placement=duties.placement)
    return {"warning": warning, "training": training}


@pytest.mark.parametrize("model", MODELS)
def test_D1_staff_see_their_subtree_and_others_see_nothing(client, duties, records, model):
    client.force_login(duties.users["countystaff"])
    response = client.get(url(model))
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 1
    client.force_login(duties.users["gaopingstaff"])
    response = client.get(url(model))
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 0


def test_D6_out_of_scope_change_page_is_404(client, duties, records):
    client.force_login(duties.users["gaopingstaff"])
    assert client.get(url("trainingrecord", "change", records["training"].pk)).status_code == 404


def test_R14_staff_add_a_training_record_through_the_service(client, duties):
    client.force_login(duties.users["countystaff"])
    assert client.get(url("trainingrecord", "add")).status_code == 200
    response = client.post(url("trainingrecord", "add"), {
        "placement": duties.placement.pk, "course": "岗前集中培训", "held_on": DAY.isoformat(), "hours": "16",
        "score": "92", "passed": "true",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TrainingRecord.objects.get().score == Decimal("92")
    assert AuditLog.objects.filter(action="training_record_create", actor=duties.users["countystaff"]).exists()


def test_R14_admin_shows_the_policy_refusal_on_the_form(client, duties):
    policy_set(duties.program, pre_post_training=False)
    client.force_login(duties.users["countystaff"])
    response = client.post(url("trainingrecord", "add"), {
        "placement": duties.placement.pk, "course": "x", "held_on": DAY.isoformat(), "hours": "8", "passed": "unknown",
    })
    assert response.status_code == 200 and "该项目未实行岗前培训制度" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_R14_staff_sign_for_early_warnings_with_an_action(client, duties, records):
    client.force_login(duties.users["countystaff"])
    response = client.post(url("earlywarning"), {
        "action": "action_acknowledge", "_selected_action": [records["warning"].pk], "apply": "1", "note": "跟踪处置",
    }, follow=True)
    assert response.status_code == 200
    warning = EarlyWarning.objects.get()
    assert warning.staff_acknowledged_by == duties.users["countystaff"] and warning.staff_note == "跟踪处置"


def test_R14_staff_filter_early_warnings_by_whether_they_signed(client, duties, records):
    client.force_login(duties.users["countystaff"])

    def listed(value):
        return [row.pk for row in client.get(url("earlywarning"), {"staff_acknowledged": value}).context["cl"].result_list]

    warning = records["warning"]
    assert listed("no") == [warning.pk] and listed("yes") == []
    services.early_warning_acknowledge(acting_user=duties.users["countystaff"], warning=warning, note="")
    assert listed("no") == [] and listed("yes") == [warning.pk]


def test_R14_staff_edit_meetings_branches_and_activities_in_the_admin(client, duties):
    """The change pages lock the row (PostgreSQL: only the row itself, not its outer-joined policy)."""
    u, day = duties.users, DAY.isoformat()
    meeting = services.exchange_meeting_record(acting_user=u["countystaff"], program=duties.program, held_on=DAY,
                                               topic="交流", attendees=[duties.placement])
    branch = services.party_branch_create(acting_user=u["countystaff"], program=duties.program, name="临时党支部",
                                          established_on=DAY, members=[duties.placement])
    activity = services.branch_activity_record(acting_user=u["countystaff"], branch=branch, held_on=DAY, topic="学习",
                                               attendees=[duties.placement])
    client.force_login(u["countystaff"])
    both = [duties.placement.pk, duties.village.pk]
    posts = [
        (url("exchangemeeting", "change", meeting.pk),
         {"program": duties.program.pk, "held_on": day, "topic": "四月交流会", "summary": "", "attendees": both}),
        (url("partybranch", "change", branch.pk),
         {"name": "第一临时党支部", "host_unit": "", "established_on": day, "secretary": "", "members": both}),
        (url("branchactivity", "change", activity.pk),
         {"held_on": day, "topic": "主题党日", "content": "", "attendees": both}),
    ]
    for address, data in posts:
        response = client.post(address, data)
        assert response.status_code == 302, (address, response.content.decode()[:3000])
    meeting.refresh_from_db(), branch.refresh_from_db(), activity.refresh_from_db()
    assert (meeting.topic, branch.name, activity.topic) == ("四月交流会", "第一临时党支部", "主题党日")
    assert set(meeting.attendees.values_list("pk", flat=True)) == set(both) == set(branch.members.values_list("pk", flat=True))
    assert set(activity.attendees.values_list("pk", flat=True)) == set(both)
    assert {log.action for log in AuditLog.objects.filter(actor=u["countystaff"], action__endswith="_update")} == {
        "exchange_meeting_update", "party_branch_update", "branch_activity_update"}


def test_R14_staff_group_holds_the_duties_permissions(duties):
    staff = duties.users["countystaff"]
    for perm in ("view_exchangemeeting", "add_trainingrecord", "change_earlywarning", "add_partybranch",
                 "view_integrityundertaking"):
        assert staff.has_perm(f"duties.{perm}"), perm
    assert not staff.has_perm("duties.add_feedbackcard") and not staff.has_perm("duties.delete_ownedcase")


@pytest.mark.parametrize("model", MODELS)
def test_D1_every_duties_admin_page_renders_for_staff(client, duties, records, model):
    from django.apps import apps

    client.force_login(duties.users["countystaff"])
    obj = apps.get_model("duties", model).objects.get()
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    add = client.get(url(model, "add"))
    assert add.status_code in (200, 403)


def test_R14_staff_see_which_cadres_have_not_confirmed_the_undertaking(client, duties):
    services.integrity_undertaking_confirm(acting_user=duties.users["cadre"], placement=duties.placement)
    report = url("integrityundertaking", "missing")
    client.force_login(duties.users["countystaff"])
    changelist = client.get(url("integrityundertaking")).content.decode()
    assert f'href="{report}"' in changelist
    rows = [cells for _url, cells in client.get(report).context["rows"]]
    assert [cells[0] for cells in rows] == ["王芳"]  # 李明 has confirmed; 杭州's 陈静 is out of scope
    client.force_login(duties.users["hzstaff"])
    assert [cells[0] for _u, cells in client.get(report).context["rows"]] == ["陈静"]


def test_R14_staff_see_the_months_without_an_exchange_meeting(client, duties):
    services.exchange_meeting_record(acting_user=duties.users["countystaff"], program=duties.program, held_on=DAY, topic="交流")
    client.force_login(duties.users["countystaff"])
    with time_machine.travel(dt.datetime(2026, 6, 15, tzinfo=dt.timezone.utc)):
        rows = client.get(url("exchangemeeting", "missing")).context["rows"]
    # 泽州's program runs from March: March and May had none; April had one; June has not ended.
    assert [(cells[0], cells[2]) for _u, cells in rows] == [(duties.program, "2026-03、2026-05")]
    client.force_login(duties.users["gaopingstaff"])
    assert client.get(url("exchangemeeting", "missing")).context["rows"] == []


@pytest.mark.parametrize("username", ["hostunit", "cadre", "township", "nobody"])
def test_D6_gap_reports_are_for_staff_only(client, duties, username):
    client.force_login(duties.users[username])
    for model in ["integrityundertaking", "exchangemeeting"]:
        response = client.get(url(model, "missing"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("会议记录.html", b"<script>alert(1)</script>", "文件“会议记录.html”的类型不受支持"),
    ("会议记录.pdf", b"<html><script>alert(1)</script></html>", "文件“会议记录.pdf”的内容与扩展名不符"),
])
def test_R14_meeting_minutes_go_through_the_checked_upload_path(client, duties, settings, tmp_path, name, content,
                                                               message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(duties.users["countystaff"])
    data = {"program": duties.program.pk, "held_on": DAY.isoformat(), "topic": "四月交流会", "summary": "",
            "attendees": [duties.placement.pk]}
    with time_machine.travel(dt.datetime(2026, 4, 20, 10, 0), tick=False):
        refused = client.post(url("exchangemeeting", "add"), {**data, "minutes": SimpleUploadedFile(name, content)})
        assert refused.status_code == 200
        assert message in refused.context["adminform"].form.errors["minutes"][0]
        accepted = client.post(url("exchangemeeting", "add"),
                               {**data, "minutes": SimpleUploadedFile("会议记录.pdf", b"%PDF-1.7 minutes")})
    assert accepted.status_code == 302
    assert not any(path.suffix == ".html" for path in tmp_path.rglob("*"))
