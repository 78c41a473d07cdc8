"""The selection procedure end to end in a real browser (R7): a cadre applies in the portal,
staff shortlist and decide in the admin, the public notice ends, and the placement exists.

The clock is moved with time-machine (in this process, so the live server sees it too) to close
the application window and to let the notice run out; each jump expires the session, so staff
sign in again.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from programs.models import Placement
from selection import services
from selection.models import Application, Selection
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_action(page, base, changelist: str, pks, action: str):
    page.goto(f"{base}{changelist}")
    for pk in pks:
        page.check(f"input.action-select[value='{pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def test_R7_cadre_applies_staff_shortlist_and_decide_notice_ends_placement_exists(
    live_server, transactional_scene, page, tmp_path
):
    s = transactional_scene
    base = live_server.url
    today = timezone.localdate()
    services.selection_announce(
        acting_user=s.staff, selection=s.selection, apply_from=today - dt.timedelta(days=2),
        apply_until=today + dt.timedelta(days=5), announced_on=today - dt.timedelta(days=2),
        announcement_number="泽组通〔2026〕70号", scope_text="泽州县直机关在职在编干部", standards="大专以上学历",
    )

    # 1. The cadre 周杰 applies in the portal.
    login(page, base, "zhou", PASSWORD)
    page.goto(f"{base}/portal/selection/")
    page.click(f"text={s.program.name}")
    page.select_option("select[name=preferred_post]", str(s.posts["township"].pk))
    page.fill("textarea[name=statement]", "本人自愿到乡镇挂职锻炼,服从组织安排。")
    page.click("text=提交报名")
    page.wait_for_selector("text=报名已提交")
    zhou = Application.objects.get(selection=s.selection, cadre=s.cadres["周杰"])
    assert zhou.source == Application.Source.PERSONAL

    # Three more candidates (paper applications registered by staff), all recommended by their units.
    others = [
        services.application_create(acting_user=s.staff, selection=s.selection, cadre=s.cadres[name],
                                    source=Application.Source.STAFF, statement=f"{name}的书面申请")
        for name in ("王芳", "吴敏", "郑浩")
    ]
    candidates = [zhou, *others]
    for unit in {a.cadre.sending_unit for a in candidates}:
        services.unit_recommendation_record(
            acting_user=s.staff, selection=s.selection, sending_unit=unit, meeting_on=today,
            report_text=f"{unit.name}党组会议研究推荐", recommended=[a for a in candidates if a.cadre.sending_unit == unit],
        )

    # 2. After the window closes, staff shortlist four (1:2 for two places) and the standing committee decides.
    after_window = today + dt.timedelta(days=10)
    with time_machine.travel(moment(after_window), tick=True):
        page.context.clear_cookies()
        login(page, base, "countystaff", PASSWORD)
        run_action(page, base, "/admin/selection/application/", [a.pk for a in candidates], "action_shortlist")
        page.fill("input[name=meeting_on]", after_window.isoformat())
        page.fill("input[name=document_number]", "泽组部务会〔2026〕9号")
        page.click("input[name=apply]")
        page.wait_for_selector("text=已确定 4 名初步人选")

        run_action(page, base, "/admin/selection/application/", [zhou.pk, others[0].pk], "action_decide")
        page.fill("input[name=meeting_on]", after_window.isoformat())
        page.fill("input[name=document_number]", "泽常〔2026〕12号")
        page.select_option(f"select[name=post_{zhou.pk}]", str(s.posts["township"].pk))
        page.select_option(f"select[name=post_{others[0].pk}]", str(s.posts["village"].pk))
        page.click("input[name=apply]")
        page.wait_for_selector("text=常委会已决定 2 名拟选派人选")

        notice_start = after_window + dt.timedelta(days=1)
        run_action(page, base, "/admin/selection/selection/", [s.selection.pk], "action_notice_start")
        page.fill("input[name=start]", notice_start.isoformat())
        page.click("input[name=apply]")
        page.wait_for_selector("text=已对 1 个选派工作开始公示")
    s.selection.refresh_from_db()
    assert s.selection.stage == Selection.Stage.NOTICE

    # 3. The notice has ended: staff conclude, and the decision becomes placements (拟任).
    with time_machine.travel(moment(s.selection.notice_end + dt.timedelta(days=1)), tick=True):
        page.context.clear_cookies()
        login(page, base, "countystaff", PASSWORD)
        run_action(page, base, "/admin/selection/selection/", [s.selection.pk], "action_conclude")
        page.click("input[name=apply]")
        page.wait_for_selector("text=已完成 1 个选派工作")
        page.goto(f"{base}/admin/programs/placement/?q=周杰")
        assert "拟任" in page.locator("#result_list").inner_text()
        page.screenshot(path=str(tmp_path / "selection-placements.png"), full_page=True)

    placement = Placement.objects.get(cadre=s.cadres["周杰"], program=s.program)
    assert placement.status == Placement.Status.PROPOSED and placement.host_post == s.posts["township"]
    assert Placement.objects.filter(program=s.program).count() == 2
    zhou.refresh_from_db()
    assert zhou.status == Application.Status.PLACED and zhou.placement == placement
    # The cadre sees the outcome in the portal.
    page.context.clear_cookies()
    with time_machine.travel(moment(s.selection.notice_end + dt.timedelta(days=1)), tick=True):
        login(page, base, "zhou", PASSWORD)
        page.goto(f"{base}/portal/selection/")
        assert "已任职" in page.locator("body").inner_text()
