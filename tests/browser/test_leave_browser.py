"""The issue's leave flow in a real browser (R11, D1): the cadre requests 5 days in the portal,
the host unit gives its opinion, the cadre's managing department approves in the admin, and
the cadre sees the approval."""

import pytest

from daily.models import LeaveRequest
from tests.browser.conftest import switch_user

pytestmark = pytest.mark.browser


def test_R11_five_days_leave_host_opinion_department_approval(live_server, transactional_world, page):
    base = live_server.url

    # The cadre asks for 5 working days (Mon–Fri) in the portal.
    switch_user(page, base, "cadre")
    page.goto(f"{base}/portal/daily/leave/new/")
    page.select_option("#id_kind", "family_visit")
    page.fill("#id_start_date", "2026-06-08")
    page.fill("#id_end_date", "2026-06-12")
    page.fill("#id_reason", "父亲住院手术,回家陪护")
    # June 2026 is past: the request is back-dated (补假) and says why it is late.
    page.fill("#id_late_reason", "父亲急诊住院，当天电话请假，事后补办手续")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(lambda url: "/portal/daily/leave/" in url and "/new/" not in url)
    assert "待挂职单位审批" in page.locator("#leave-status").inner_text()
    leave = LeaveRequest.objects.get()
    assert leave.days == 5 and leave.escalated and leave.is_backdated

    # The host unit's approver sees it waiting and gives its opinion.
    switch_user(page, base, "hostunit")
    page.goto(f"{base}/portal/daily/leave/?waiting=on")
    page.click("text=李明")
    page.check("#form-host_decide input[value=approve]")
    page.fill("#form-host_decide textarea[name=opinion]", "同意,工作已安排妥当,报县委组织部审批")
    page.click("#form-host_decide button[type=submit]")
    page.wait_for_selector("text=已提交审批意见")
    assert "待组织部审批" in page.locator("#leave-status").inner_text()

    # The cadre is not told anything yet: the outcome comes only at the final step.
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_DEPARTMENT
    assert not leave.placement.cadre.user.notifications.exists()

    # 泽州县委组织部 (the cadre's managing department) approves in the admin.
    switch_user(page, base, "countystaff")
    page.goto(f"{base}/admin/daily/leaverequest/?awaiting=1")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "李明" in rows.first.inner_text()
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "action_department_approve")
    page.click("button[name=index]")
    page.fill("textarea[name=opinion]", "同意")
    page.click("input[name=apply]")
    page.wait_for_selector("text=已批准 1 条请假")

    # The cadre sees the approval.
    switch_user(page, base, "cadre")
    page.goto(f"{base}/portal/daily/leave/{leave.pk}/")
    assert "已批准" in page.locator("#leave-status").inner_text()
    assert "组织部批准" in page.content()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert [n.title for n in leave.placement.cadre.user.notifications.all()] == ["请假审批结果：已获组织部批准"]
