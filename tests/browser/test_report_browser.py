"""The issue's report flow in a real browser (R12, D6): the cadre writes a half-year report in the
portal (sections, autosave, a saved draft, submission behind a confirmation), the host unit
comments on it, 泽州县委组织部 accepts it in the admin, and the cadre sees it accepted.

The browser runs on the real clock, so the report is one whose period began before any day this
test can run on: 李明's first half-year report (2026-03-02 – 09-01, due 09-16), submitted late.
"""

import pytest

from reports.models import DeadlineState, Report, ReportReview
from reports.services.schedule import reports_schedule
from tests.browser.conftest import switch_user

pytestmark = pytest.mark.browser

SECTIONS = {
    "thought": "坚持学习,增强“四个意识”。",
    "study": "参加镇党委理论学习中心组学习 6 次。",
    "work": "协助分管招商引资,走访园区企业 12 家。<script>window.pwned = 1</script>",
    "life": "吃住在镇,遵守请销假制度。",
}


def test_R12_half_year_report_written_commented_and_accepted(live_server, transactional_world, page):
    base = live_server.url
    world = transactional_world
    reports_schedule(placement=world.placement)
    report = world.placement.reports.get(kind=Report.Kind.HALF_YEAR, sequence=1)

    # The cadre finds the report in their list and writes it.
    switch_user(page, base, "cadre")
    page.goto(f"{base}/portal/reports/")
    page.click(f"a[href='/portal/reports/{report.pk}/']")
    page.click("text=继续撰写")
    page.wait_for_url(f"**/portal/reports/{report.pk}/edit/")
    # Typing is saved by itself after a pause (autosave), without pressing a button.
    page.fill("#id_section_thought", "草稿")
    page.wait_for_selector("#autosave-status:has-text('已自动保存')")
    report.refresh_from_db()
    assert report.draft.get("thought") == "草稿"
    for key, text in SECTIONS.items():
        page.fill(f"#id_section_{key}", text)
    page.click("button[name=save]")
    page.wait_for_selector("text=草稿已保存。")
    report.refresh_from_db()
    assert report.draft == SECTIONS and report.status == Report.Status.PENDING

    # Submitting asks for confirmation first; dismissed, nothing is submitted.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("text=提交报告")
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=提交报告")
    page.wait_for_selector("text=报告已提交（第1版）。")
    assert "已提交" in page.locator("#report-status").inner_text()
    # What the cadre wrote is shown as text, never run.
    assert "<script>window.pwned = 1</script>" in page.locator("#report-content").inner_text()
    assert page.evaluate("window.pwned") is None
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.deadline_state() == DeadlineState.LATE
    assert report.versions.get().sections == SECTIONS

    # The host unit's approver was told, opens the report and comments on it.
    switch_user(page, base, "hostunit")
    page.goto(f"{base}/portal/notifications/")
    page.click("text=李明提交了第1次半年书面汇报")
    page.wait_for_url(f"**/portal/reports/{report.pk}/")
    page.fill("#review-comment textarea[name=text]", "工作认真,走访扎实,同意。")
    page.click("#review-comment button[type=submit]")
    page.wait_for_selector("text=评阅意见已保存，已通知报告人。")
    assert "工作认真,走访扎实,同意。" in page.locator("#report-reviews").inner_text()

    # 泽州县委组织部 accepts it in the admin.
    switch_user(page, base, "countystaff")
    page.goto(f"{base}/admin/reports/report/?status__exact=submitted")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "李明" in rows.first.inner_text()
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "action_accept")
    page.click("button[name=index]")
    page.fill("textarea[name=note]", "同意挂职单位意见")
    page.click("input[name=apply]")
    page.wait_for_selector("text=已审核通过 1 份报告。")

    # The cadre sees it accepted, with the host unit's comment.
    switch_user(page, base, "cadre")
    page.goto(f"{base}/portal/reports/{report.pk}/")
    assert "已通过" in page.locator("#report-status").inner_text()
    assert "工作认真,走访扎实,同意。" in page.locator("#report-reviews").inner_text()
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    kinds = list(report.reviews.order_by("created_at", "pk").values_list("role", "kind"))
    assert kinds == [(ReportReview.Role.HOST_UNIT, ReportReview.Kind.COMMENT),
                     (ReportReview.Role.STAFF, ReportReview.Kind.ACCEPT)]
    assert "您的第1次半年书面汇报已审核通过" in [n.title for n in world.users["cadre"].notifications.all()]

    # On a phone the cadre's home and report pages fit the screen: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/portal/", "/portal/reports/", f"/portal/reports/{report.pk}/"):
        page.goto(f"{base}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.goto(f"{base}/portal/")
    assert page.locator("#my-reports").is_visible()
    assert "已通过" in page.locator("#my-reports").inner_text()
