"""The duties portal (R9, R10, R14): the 履职 page, its forms, the reports list and the undertaking.
Every URL is tried by the roles that must be refused (D6: out of scope 404, not allowed 403)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditLog, Notification
from duties import services
from duties.models import EarlyWarning, FeedbackCard, IntegrityUndertaking, OwnedCase
from programs.models import Placement

from .conftest import policy_set

DAY = dt.date(2026, 4, 10)
XSS = "<script>alert(1)</script>"


def page(pk):
    return reverse("duties:placement_duties", args=[pk])


@pytest.fixture
def case(duties):
    return services.owned_case_open(acting_user=duties.users["hostunit"], placement=duties.placement, title="信访件",
                                    opened_on=DAY)


@pytest.fixture
def card(duties):
    return services.feedback_card_report(acting_user=duties.users["villagecadre"], placement=duties.village, matter="流转",
                                         decided_on=DAY, content="通过")


@pytest.fixture
def warning(duties):
    return services.early_warning_report(acting_user=duties.users["villagecadre"], placement=duties.village,
                                         occurred_on=DAY, content="纠纷")


# --- The 履职 page -------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["cadre", "hostunit", "hostclerk", "sendunit", "mentor", "countystaff", "orgstaff"])
def test_R10_duties_page_open_to_those_who_reach_the_placement(client, duties, username):
    client.force_login(duties.users[username])
    response = client.get(page(duties.placement.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作分工与目标任务" in body and "刘洋" in body  # the mentor


@pytest.mark.parametrize("username", ["othercadre", "gphost", "gaopingstaff", "hzstaff", "township", "nobody"])
def test_D6_duties_page_is_not_found_out_of_scope(client, duties, username):
    client.force_login(duties.users[username])
    assert client.get(page(duties.placement.pk)).status_code == 404


def test_D6_anonymous_is_sent_to_login(client, duties, case, card, warning):
    urls = [
        page(duties.placement.pk), reverse("duties:duties_set", args=[duties.placement.pk]),
        reverse("duties:case_open", args=[duties.placement.pk]), reverse("duties:card_report", args=[duties.village.pk]),
        reverse("duties:warning_report", args=[duties.placement.pk]), reverse("duties:undertaking", args=[duties.placement.pk]),
        reverse("duties:case_progress", args=[case.pk]), reverse("duties:case_close", args=[case.pk]),
        reverse("duties:card_acknowledge", args=[card.pk]), reverse("duties:warning_acknowledge", args=[warning.pk]),
        reverse("duties:reports"),
    ]
    for url in urls:
        response = client.post(url) if url != page(duties.placement.pk) else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_R14_page_shows_each_duty_only_where_the_policy_uses_it(client, duties):
    client.force_login(duties.users["cadre"])
    body = client.get(page(duties.placement.pk)).content.decode()
    for heading in ("包案", "经验交流会", "岗前培训", "信息反馈卡", "苗头性事件报告", "临时党支部", "组织关系"):
        assert heading in body
    policy_set(duties.program, monthly_exchange_meeting=False, owned_cases=False, feedback_cards=False,
               pre_post_training=False, temporary_party_branch=False, party_relation_moves=False)
    body = client.get(page(duties.placement.pk)).content.decode()
    for heading in ("包案", "经验交流会", "岗前培训", "信息反馈卡", "苗头性事件报告", "临时党支部", "组织关系"):
        assert heading not in body


def test_R10_host_unit_sets_duties_from_the_page(client, duties):
    client.force_login(duties.users["hostclerk"])
    assert "确定分工和目标" in client.get(page(duties.placement.pk)).content.decode()
    response = client.post(reverse("duties:duties_set", args=[duties.placement.pk]),
                           {"division_of_work": "分管项目", "work_targets": "引进项目"})
    assert response.status_code == 302
    assert Placement.objects.get(pk=duties.placement.pk).division_of_work == "分管项目"
    assert AuditLog.objects.filter(action="placement_duties_set", actor=duties.users["hostclerk"]).exists()


@pytest.mark.parametrize("username", ["cadre", "sendunit", "mentor"])
def test_R10_others_in_scope_may_not_set_duties(client, duties, username):
    client.force_login(duties.users[username])
    assert "确定分工和目标" not in client.get(page(duties.placement.pk)).content.decode()
    response = client.post(reverse("duties:duties_set", args=[duties.placement.pk]),
                           {"division_of_work": "x", "work_targets": "y"})
    assert response.status_code == 403
    assert Placement.objects.get(pk=duties.placement.pk).division_of_work == ""


def test_R14_case_opened_progressed_and_closed_in_the_portal(client, duties):
    client.force_login(duties.users["hostunit"])
    response = client.post(reverse("duties:case_open", args=[duties.placement.pk]),
                           {"title": "重复信访件", "opened_on": DAY.isoformat(), "description": ""})
    assert response.status_code == 302
    case = OwnedCase.objects.get(placement=duties.placement)
    client.force_login(duties.users["cadre"])
    assert client.post(reverse("duties:case_progress", args=[case.pk]),
                       {"date": DAY.isoformat(), "note": "约见信访人"}).status_code == 302
    assert client.post(reverse("duties:case_close", args=[case.pk]),
                       {"closed_on": DAY.isoformat(), "outcome": "x"}).status_code == 403
    client.force_login(duties.users["hostunit"])
    assert client.post(reverse("duties:case_close", args=[case.pk]),
                       {"closed_on": DAY.isoformat(), "outcome": "息诉罢访"}).status_code == 302
    case.refresh_from_db()
    assert case.status == OwnedCase.Status.CLOSED and case.progress.count() == 2


def test_R14_a_refused_case_closure_shows_the_message(client, duties, case):
    client.force_login(duties.users["hostunit"])
    response = client.post(reverse("duties:case_close", args=[case.pk]),
                           {"closed_on": (DAY - dt.timedelta(days=5)).isoformat(), "outcome": "x"})
    assert response.status_code == 400 and "办结日期不能早于包案日期" in response.content.decode()


@pytest.mark.parametrize("username", ["othercadre", "gphost", "gaopingstaff", "nobody"])
def test_D6_case_urls_not_found_out_of_scope(client, duties, case, username):
    client.force_login(duties.users[username])
    assert client.post(reverse("duties:case_progress", args=[case.pk]), {"date": DAY.isoformat(), "note": "x"}).status_code == 404
    assert client.post(reverse("duties:case_close", args=[case.pk]), {"closed_on": DAY.isoformat(), "outcome": "x"}).status_code == 404
    assert client.post(reverse("duties:case_open", args=[duties.placement.pk]), {"title": "x", "opened_on": DAY.isoformat()}).status_code == 404


@pytest.mark.parametrize("username", ["sendunit", "mentor"])
def test_D6_case_urls_forbidden_to_other_roles_in_scope(client, duties, case, username):
    client.force_login(duties.users[username])
    assert client.post(reverse("duties:case_progress", args=[case.pk]), {"date": DAY.isoformat(), "note": "x"}).status_code == 403
    assert client.post(reverse("duties:case_close", args=[case.pk]), {"closed_on": DAY.isoformat(), "outcome": "x"}).status_code == 403
    assert client.post(reverse("duties:case_open", args=[duties.placement.pk]), {"title": "x", "opened_on": DAY.isoformat()}).status_code == 403


def test_R14_early_warning_reported_from_the_page_reaches_township_and_staff(client, duties):
    client.force_login(duties.users["villagecadre"])
    response = client.post(reverse("duties:warning_report", args=[duties.village.pk]),
                           {"occurred_on": DAY.isoformat(), "content": "纠纷"})
    assert response.status_code == 302
    warning = EarlyWarning.objects.get()
    assert set(Notification.objects.filter(topic=f"duties.earlywarning:{warning.pk}")
               .values_list("recipient__username", flat=True)) == {"township", "countystaff"}


def test_R14_feedback_card_reported_and_acknowledged_in_the_portal(client, duties):
    client.force_login(duties.users["villagehost"])
    assert client.post(reverse("duties:card_report", args=[duties.village.pk]),
                       {"matter": "流转", "decided_on": DAY.isoformat(), "content": "通过"}).status_code == 302
    card = FeedbackCard.objects.get()
    client.force_login(duties.users["township"])
    listing = client.get(reverse("duties:reports") + "?pending=on").content.decode()
    assert "流转" in listing
    response = client.post(reverse("duties:card_acknowledge", args=[card.pk]), {"note": "同意", "back": "reports"})
    assert response.status_code == 302 and response["Location"] == reverse("duties:reports")
    card.refresh_from_db()
    assert card.acknowledged_by == duties.users["township"]


@pytest.mark.parametrize("username", ["villagecadre", "villagehost", "sendunit"])
def test_D6_report_acknowledgement_forbidden_to_other_roles_in_scope(client, duties, card, warning, username):
    client.force_login(duties.users[username])
    assert client.post(reverse("duties:card_acknowledge", args=[card.pk])).status_code == 403
    assert client.post(reverse("duties:warning_acknowledge", args=[warning.pk])).status_code == 403


@pytest.mark.parametrize("username", ["cadre", "hostunit", "gphost", "gaopingstaff", "othercadre", "nobody"])
def test_D6_report_urls_not_found_out_of_scope(client, duties, card, warning, username):
    client.force_login(duties.users[username])
    assert client.post(reverse("duties:card_acknowledge", args=[card.pk])).status_code == 404
    assert client.post(reverse("duties:warning_acknowledge", args=[warning.pk])).status_code == 404
    assert client.post(reverse("duties:card_report", args=[duties.village.pk]),
                       {"matter": "x", "decided_on": DAY.isoformat(), "content": "y"}).status_code == 404


def test_R14_staff_sign_for_a_warning_in_the_portal(client, duties, warning):
    client.force_login(duties.users["countystaff"])
    assert client.post(reverse("duties:warning_acknowledge", args=[warning.pk]), {"note": "跟踪"}).status_code == 302
    warning.refresh_from_db()
    assert warning.staff_acknowledged_by == duties.users["countystaff"] and warning.township_acknowledged_at is None


@pytest.mark.parametrize("username", ["cadre", "sendunit", "mentor", "othercadre", "nobody"])
def test_D6_reports_list_forbidden_to_other_roles(client, duties, username):
    client.force_login(duties.users[username])
    assert client.get(reverse("duties:reports")).status_code == 403


@pytest.mark.parametrize("username,sees", [("township", True), ("villagehost", True), ("countystaff", True),
                                           ("hostunit", False), ("gphost", False), ("gaopingstaff", False)])
def test_R2_reports_list_shows_what_the_role_reaches(client, duties, card, warning, username, sees):
    client.force_login(duties.users[username])
    response = client.get(reverse("duties:reports"))
    assert response.status_code == 200
    assert ("流转" in response.content.decode()) is sees


def test_R14_reports_list_filters(client, duties, card, warning):
    client.force_login(duties.users["township"])
    only_cards = client.get(reverse("duties:reports") + "?kind=card").content.decode()
    assert "流转" in only_cards and "纠纷" not in only_cards
    services.feedback_card_acknowledge(acting_user=duties.users["township"], card=card)
    pending = client.get(reverse("duties:reports") + "?pending=on").content.decode()
    assert "流转" not in pending and "纠纷" in pending
    later = client.get(reverse("duties:reports") + "?date_from=2026-05-01").content.decode()
    assert "流转" not in later and "纠纷" not in later


# --- The integrity undertaking ------------------------------------------------------------------


def test_R14_cadre_confirms_the_undertaking_on_its_page(client, duties):
    client.force_login(duties.users["cadre"])
    url = reverse("duties:undertaking", args=[duties.placement.pk])
    body = client.get(url).content.decode()
    assert "不向挂职单位提出任何个人要求" in body and "确认承诺" in body
    assert client.post(url, {}).status_code == 400  # the box must be ticked
    assert client.post(url, {"agree": "on"}).status_code == 302
    assert IntegrityUndertaking.objects.get().confirmed_by == duties.users["cadre"]
    assert "已于" in client.get(url).content.decode()


@pytest.mark.parametrize("username,status", [("hostunit", 403), ("countystaff", 403), ("mentor", 403),
                                             ("othercadre", 404), ("gphost", 404), ("nobody", 404)])
def test_D6_undertaking_page_only_for_the_cadre(client, duties, username, status):
    client.force_login(duties.users[username])
    url = reverse("duties:undertaking", args=[duties.placement.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"agree": "on"}).status_code == status
    assert not IntegrityUndertaking.objects.exists()


# --- Escaping -----------------------------------------------------------------------------------


def test_D6_cadre_text_is_escaped_on_every_page(client, duties):
    u = duties.users
    services.placement_duties_set(acting_user=u["hostunit"], placement=duties.placement, division_of_work=XSS, work_targets=XSS)
    case = services.owned_case_open(acting_user=u["hostunit"], placement=duties.placement, title=XSS, opened_on=DAY,
                                    description=XSS)
    services.case_progress_add(acting_user=u["cadre"], case=case, date=DAY, note=XSS)
    services.feedback_card_report(acting_user=u["villagecadre"], placement=duties.village, matter=XSS, decided_on=DAY,
                                  content=XSS)
    services.early_warning_report(acting_user=u["villagecadre"], placement=duties.village, occurred_on=DAY, content=XSS)
    for user, url in [(u["cadre"], page(duties.placement.pk)), (u["villagecadre"], page(duties.village.pk)),
                      (u["township"], reverse("duties:reports")), (u["countystaff"], reverse("duties:reports"))]:
        client.force_login(user)
        body = client.get(url).content.decode()
        assert XSS not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
