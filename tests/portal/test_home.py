"""The portal home (/portal/): role-aware, Chinese, and never another unit's rows (D6)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from daily.services.leave import leave_host_decide
from programs import services
from tests.factories import make_cadre

from .conftest import login, request_leave

URL = "/portal/"
NAMES = {"李明", "王芳", "赵强", "张伟", "陈静"}


@pytest.fixture
def portal_world(world):
    """The world plus a village placement (王芳, for the township) and one in 高平 (赵强)."""
    services.placement_create(acting_user=world.admin, cadre=world.cadres["zz_second"], host_post=world.posts["village"])
    gp_program = services.program_create(
        acting_user=world.admin, name="高平市机关干部下挂乡镇", secondment_type="down", year=2026,
        organising_department=world.gaoping, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
    )
    gp_post = services.host_post_create(acting_user=world.admin, program=gp_program, host_unit=world.units["gp_township"], title="副镇长")
    services.placement_create(acting_user=world.admin, cadre=world.cadres["gp_cadre"], host_post=gp_post)
    return world


def _get(client, world, username):
    client.force_login(get_user_model().objects.get(pk=world.users[username].pk))
    return client.get(URL)


def test_D6_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/portal/"


def test_D6_user_without_a_role_is_refused(client, world):
    response = _get(client, world, "nobody")
    assert response.status_code == 403
    assert "李明" not in response.content.decode()


def test_login_page_is_in_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html
    assert 'lang="zh-Hans"' in html


def test_root_redirects_to_the_portal(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == URL


# username: (section titles shown, names shown, other titles absent)
ROLES = {
    "hostunit": (["本单位挂职干部"], {"李明"}),
    "hostclerk": (["本单位挂职干部"], {"李明"}),
    "gphost": (["本单位挂职干部"], {"赵强"}),
    "township": (["本乡镇所辖村挂职干部"], {"王芳"}),
    "sendunit": (["本单位派出的挂职干部"], {"李明", "王芳"}),
    "mentor": (["我帮带的挂职干部"], {"李明"}),
    "cadre": (["我的挂职"], {"李明"}),
    "othercadre": (["我的挂职"], {"赵强"}),
    "orgstaff": ([], set()),
    "countystaff": ([], set()),
    "hzstaff": ([], set()),
}
ALL_TITLES = {"本单位挂职干部", "本乡镇所辖村挂职干部", "本单位派出的挂职干部", "我帮带的挂职干部", "我的挂职"}


@pytest.mark.parametrize("username", ROLES)
def test_D6_home_shows_each_role_its_section_and_only_its_rows(client, portal_world, username):
    titles, names = ROLES[username]
    response = _get(client, portal_world, username)
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html and "您的角色" in html
    for title in titles:
        assert f"<h2>{title} " in html
    for title in ALL_TITLES - set(titles):
        assert f"<h2>{title} " not in html
    for name in names:
        assert name in html
    for name in NAMES - names:
        assert name not in html, f"{username} sees {name}"


def test_D6_host_unit_sees_its_cadre_and_not_hangzhou(client, portal_world):
    html = _get(client, portal_world, "hostunit").content.decode()
    assert "本单位挂职干部" in html
    assert "李明" in html and "泽州县巴公镇" in html and "党委委员、副镇长" in html and "在岗" in html
    assert "陈静" not in html and "杭州市地铁建设工程指挥部" not in html
    # The village under the township is another host unit: its placement is not the host unit's.
    assert "王芳" not in html and "泽州县巴公镇西郜村" not in html


def test_D6_cadre_sees_my_placement(client, portal_world):
    html = _get(client, portal_world, "cadre").content.decode()
    assert "我的挂职" in html and "李明" in html and "2026-03-02" in html
    assert "挂职干部" in html  # role label


def test_D6_cadre_without_a_placement_sees_an_empty_section(client, world):
    html = _get(client, world, "othercadre").content.decode()
    assert "我的挂职" in html and "暂无记录" in html and "李明" not in html


def test_D6_staff_get_the_admin_link_and_no_rows(client, portal_world):
    html = _get(client, portal_world, "orgstaff").content.decode()
    assert "进入管理后台" in html and "组织部工作人员" in html
    assert not NAMES & {name for name in NAMES if name in html}


def test_D6_non_staff_get_no_admin_link(client, portal_world):
    assert "进入管理后台" not in _get(client, portal_world, "hostunit").content.decode()


def test_D6_home_costs_a_fixed_number_of_queries_however_many_rows(client, portal_world):
    w = portal_world
    client.force_login(get_user_model().objects.get(pk=w.users["sendunit"].pk))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    post = services.host_post_create(acting_user=w.admin, program=w.program, host_unit=w.units["zz_township"], title="镇长助理", places=5)
    for index in range(4):
        cadre = make_cadre(acting_user=w.admin, name=f"派出干部{index}", sending_unit=w.units["zz_drc"])
        services.placement_create(acting_user=w.admin, cadre=cadre, host_post=post)
    assert queries() == few


# --- The reworked home: to-do, the host unit's figures, the cadre's own leave (issue 4) ----------


def _kpis(html: str) -> dict[str, int]:
    return {label: int(value) for value, label in
            re.findall(r'<span class="kpi-value">(\d+)</span><span class="kpi-label">([^<]+)</span>', html)}


def test_R11_host_approver_sees_the_units_figures(client, world):
    login(client, world, "hostunit")
    assert _kpis(client.get(URL).content.decode()) == {"在岗挂职干部": 1, "待我审批的请假": 0, "逾期未销假": 0, "本季度查岗": 0}
    leave = request_leave(world)
    assert _kpis(client.get(URL).content.decode())["待我审批的请假"] == 1
    leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)  # March: return long overdue
    kpis = _kpis(client.get(URL).content.decode())
    assert kpis["待我审批的请假"] == 0 and kpis["逾期未销假"] == 1


def test_R11_host_clerk_sees_the_units_pending_leave(client, world):
    request_leave(world)
    kpis = _kpis(login(client, world, "hostclerk").get(URL).content.decode())
    assert kpis["待审批的请假"] == 1 and "待我审批的请假" not in kpis


def test_R13_host_unit_sees_this_quarters_checks_and_absences(client, world):
    from daily.models import Inspection, InspectionCheck
    from daily.services.supervision import inspection_check_record, inspection_record

    staff = world.users["countystaff"]
    inspection = inspection_record(acting_user=staff, department=world.zezhou, kind=Inspection.Kind.ON_POST_CHECK,
                                   date=timezone.localdate(), inspectors="县委组织部干部科")
    inspection_check_record(acting_user=staff, inspection=inspection, placement=world.placement,
                            result=InspectionCheck.Result.ABSENT, absence_reason="外出未报告")
    html = login(client, world, "hostunit").get(URL).content.decode()
    assert _kpis(html)["本季度查岗"] == 1 and "其中不在岗 1 人次" in html
    assert "本季度查岗不在岗" in html  # flagged on the cadre's row
    assert _kpis(login(client, world, "gphost").get(URL).content.decode())["本季度查岗"] == 0


@pytest.mark.parametrize("username", ["sendunit", "township", "mentor", "cadre", "orgstaff"])
def test_D6_only_host_units_get_the_figures(client, world, username):
    assert _kpis(login(client, world, username).get(URL).content.decode()) == {}


def test_home_rows_link_to_the_per_cadre_page(client, world):
    html = login(client, world, "hostunit").get(URL).content.decode()
    assert f'href="{reverse("portal:placement_detail", args=[world.placement.pk])}"' in html
    assert 'id="waiting"' in html and "待办" in html


def test_R11_cadre_home_shows_recent_leave_and_the_way_to_request_it(client, world):
    login(client, world, "cadre")
    html = client.get(URL).content.decode()
    assert "我的请假" in html and "暂无请假记录" in html and f'href="{reverse("daily:leave_create")}"' in html
    leave = request_leave(world)
    html = client.get(URL).content.decode()
    assert f'href="{reverse("daily:leave_detail", args=[leave.pk])}"' in html and "待挂职单位审批" in html
    assert f'href="{reverse("portal:placement_detail", args=[world.placement.pk])}"' in html


def test_R11_cadre_without_an_active_placement_cannot_be_sent_to_request_leave(client, world):
    html = login(client, world, "othercadre").get(URL).content.decode()
    assert f'href="{reverse("daily:leave_create")}"' not in html


def test_home_lists_are_readable_on_a_phone(client, portal_world):
    html = login(client, portal_world, "sendunit").get(URL).content.decode()
    assert 'name="viewport"' in html
    cells = re.findall(r"<td([^>]*)>", html)
    assert cells and all("data-label=" in attributes for attributes in cells)


# --- The cadre's written reports (issue 5, R12) --------------------------------------------------


def _my_reports(html: str) -> str:
    match = re.search(r'<section class="card" id="my-reports">(.*?)</section>', html, re.DOTALL)
    assert match, "no 我的书面报告 block"
    return match.group(1)


def test_R12_cadre_home_lists_the_next_open_reports_by_due_date_then_the_submitted(client, world):
    import time_machine

    from reports.models import Report
    from reports.services import writing
    from reports.services.schedule import reports_schedule

    shanghai = dt.timezone(dt.timedelta(hours=8))
    reports_schedule(placement=world.placement)
    by_kind = {(r.kind, r.sequence): r for r in world.placement.reports.all()}
    login(client, world, "cadre")
    with time_machine.travel(dt.datetime(2026, 4, 8, 10, tzinfo=shanghai), tick=False):
        block = _my_reports(client.get(URL).content.decode())
        labels = re.findall(r"(2026年第\d季度工作报告|第1次半年书面汇报|2026年度书面总结|期满工作报告)", block)
        # Q1 04-10, Q2 07-10, half-year 09-16, Q3 10-10, Q4 2027-01-10; the annual and term-end later.
        assert labels == ["2026年第1季度工作报告", "2026年第2季度工作报告", "第1次半年书面汇报",
                          "2026年第3季度工作报告", "2026年第4季度工作报告"]
        q1 = by_kind[(Report.Kind.QUARTERLY, 1)]
        assert f'href="{reverse("reports:edit", args=[q1.pk])}"' in block
        assert "2026-04-10" in block and "待提交" in block and "未提交" in block
        assert f'href="{reverse("reports:list")}"' in block
        cells = re.findall(r"<td([^>]*)>", block)
        assert cells and all("data-label=" in attributes for attributes in cells)

        cadre = world.users["cadre"]
        writing.report_draft_save(acting_user=cadre, report=q1, sections={"done": "完成", "next": "计划"})
        writing.report_submit(acting_user=cadre, report=q1)
        block = _my_reports(client.get(URL).content.decode())
    assert f'href="{reverse("reports:detail", args=[q1.pk])}"' in block
    assert f'href="{reverse("reports:edit", args=[q1.pk])}"' not in block
    assert "已提交" in block and "按时提交" in block
    assert "2026年度书面总结" in block  # moved up into the five open ones
    assert block.index("2026年度书面总结") < block.index("2026年第1季度工作报告")  # submitted ones come last


def test_R12_cadre_without_reports_sees_an_empty_block(client, world):
    block = _my_reports(login(client, world, "othercadre").get(URL).content.decode())
    assert "暂无书面报告。" in block and "李明" not in block


@pytest.mark.parametrize("username", ["hostunit", "mentor", "sendunit", "orgstaff"])
def test_R12_only_cadres_get_the_my_reports_block(client, world, username):
    from reports.services.schedule import reports_schedule

    reports_schedule(placement=world.placement)
    assert 'id="my-reports"' not in login(client, world, username).get(URL).content.decode()
