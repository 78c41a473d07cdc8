"""The selection procedure in the admin: scoped rows (D1, D6), eligibility and priority per
candidate (R5, R6) at a fixed query count, and each step as an action with an intermediate
form that calls the step's service (R7, D7)."""

import datetime as dt

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from programs.models import Placement, PolicyPreset
from selection import services
from selection.models import Application, DemandRequest, Objection, Selection
from tests.factories import make_cadre
from tests.programs.test_admin import changeform_data, login, messages_of, rows
from tests.selection.steps import (
    AFTER_NOTICE,
    APPLY_DAY,
    ELIGIBLE,
    announce,
    applied,
    decided,
    in_notice,
    make_program,
    recommend,
    shortlisted,
    status_of,
)

Stage = Selection.Stage
S = Application.Status


def url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:selection_{model}_{view}", args=args)


def post_action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url(model), data, follow=True)


def errors_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == messages.ERROR]


# --- Scope (D1, D6) -------------------------------------------------------------------------------


def test_D1_staff_see_the_selections_and_applications_of_their_subtree(client, scene):
    applied(scene)
    login(client, scene.staff)
    assert rows(client.get(url("selection"))) == {scene.selection}
    assert {a.cadre.name for a in rows(client.get(url("application")))} == {*ELIGIBLE, "孙涛"}
    login(client, scene.world.users["orgstaff"])
    assert rows(client.get(url("selection"))) == {scene.selection}


@pytest.mark.parametrize("username", ["gaopingstaff", "hzstaff"])
def test_D6_other_departments_see_nothing_and_get_404(client, scene, username):
    applied(scene)
    login(client, scene.world.users[username])
    assert rows(client.get(url("selection"))) == set()
    assert rows(client.get(url("application"))) == set()
    assert client.get(url("selection", "change", scene.selection.pk)).status_code == 404
    assert client.get(url("application", "change", scene.applications["周杰"].pk)).status_code == 404


@pytest.mark.parametrize("username", ["sendunit", "hostunit", "cadre", "nobody"])
def test_D6_non_staff_roles_cannot_reach_the_selection_admin(client, scene, username):
    applied(scene)
    login(client, scene.world.users[username])
    response = client.get(url("application"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_D6_an_action_on_out_of_scope_rows_does_nothing(client, scene):
    applied(scene)
    login(client, scene.world.users["gaopingstaff"])
    before = AuditLog.objects.count()
    post_action(client, "application", "action_shortlist", [scene.applications["周杰"]], apply="1",
                meeting_on="2027-01-20", document_number="X")
    assert status_of(scene, "周杰") == S.APPLIED
    assert AuditLog.objects.count() == before


# --- Eligibility and priority per candidate (R5, R6) ------------------------------------------------


def test_R5_the_changelist_shows_eligibility_and_priority_per_candidate(client, scene):
    applied(scene)
    login(client, scene.staff)
    content = client.get(url("application")).content.decode()
    assert "✓" in content
    assert "年龄 42 岁，超过乡科级 40 岁的上限" in content
    assert "派出单位与经济工作、民生密切相关 +10" in content  # 泽州县发展和改革局 (R6)


@pytest.mark.parametrize(("value", "expected"), [("yes", set(ELIGIBLE)), ("no", {"孙涛"})])
def test_R5_the_eligibility_filter(client, scene, value, expected):
    applied(scene)
    login(client, scene.staff)
    assert {a.cadre.name for a in rows(client.get(url("application") + f"?eligible={value}"))} == expected


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), len(response.context["cl"].result_list)


@pytest.mark.parametrize("path", ["", "?eligible=yes", "?eligible=no", "?status__exact=applied&q=泽州"])
def test_changelist_query_count_does_not_grow_with_candidates(client, scene, path):
    applied(scene)
    login(client, scene.staff)
    few = {model: _queries(client, url(model) + (path if model == "application" else "")) for model in ("application", "selection")}
    for number in range(15):
        cadre = make_cadre(acting_user=scene.world.admin, name=f"干部{number:02d}", sending_unit=scene.world.units["zz_drc"],
                           birth=dt.date(1985, 1, 1) + dt.timedelta(days=number * 300))
        scene.cadres[cadre.name] = cadre
        from tests.selection.steps import register

        register(scene, cadre.name)
    many = {model: _queries(client, url(model) + (path if model == "application" else "")) for model in ("application", "selection")}
    assert many["application"][1] > few["application"][1] or path == "?eligible=no"
    assert many["application"][0] == few["application"][0], (few, many)
    assert many["selection"][0] == few["selection"][0]


# --- The steps as actions (R7, D7) ---------------------------------------------------------------------


def test_R7_creating_a_selection_goes_through_the_service(client, world):
    program = make_program(world)
    login(client, world.users["countystaff"])
    response = client.post(url("selection", "add"), {"program": program.pk, **_empty_inlines()})
    assert response.status_code == 302, response.context["adminform"].form.errors
    selection = Selection.objects.get(program=program)
    assert selection.stage == Stage.PREPARING
    assert AuditLog.objects.filter(action="selection_create", actor=world.users["countystaff"]).exists()


def _empty_inlines():
    data = {}
    for prefix in ("objections", "steps"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
                     f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


def test_R7_announce_action_asks_for_the_window_then_announces(client, scene):
    login(client, scene.staff)
    response = client.post(url("selection"), {"action": "action_announce", "_selected_action": [scene.selection.pk]})
    assert response.status_code == 200 and "报名截止日期" in response.content.decode()
    response = post_action(
        client, "selection", "action_announce", [scene.selection], apply="1", announced_on="2026-12-28",
        announcement_number="泽组通〔2026〕51号", apply_from="2027-01-04", apply_until="2027-01-15",
        scope_text="县直机关", standards="大专以上学历",
    )
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.ANNOUNCED and scene.selection.apply_until == dt.date(2027, 1, 15)
    assert "已发布 1 个选派工作的预告。" in messages_of(response)


def test_R7_a_step_out_of_order_shows_both_stages(client, scene):
    login(client, scene.staff)
    response = post_action(client, "selection", "action_notice_start", [scene.selection], apply="1", start="2027-02-01")
    assert any("选派工作不能从“准备”变为“公示中”。" in m for m in errors_of(response))
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.PREPARING


def test_R7_recommend_action_records_one_recommendation_per_unit(client, scene):
    applied(scene)
    login(client, scene.staff)
    chosen = [scene.applications[n] for n in ("周杰", "郑浩", "冯丽")]
    post_action(client, "application", "action_recommend", chosen, apply="1", meeting_on="2027-01-18", report_text="会议研究推荐")
    assert {n: status_of(scene, n) for n in ("周杰", "郑浩", "冯丽", "王芳")} == {
        "周杰": S.RECOMMENDED, "郑浩": S.RECOMMENDED, "冯丽": S.RECOMMENDED, "王芳": S.APPLIED
    }
    assert set(Application.objects.get(pk=chosen[1].pk).recommendation.applications.all()) == {chosen[1], chosen[2]}


def test_D7_shortlist_action_refuses_a_short_list_on_its_form_and_changes_nothing(client, scene, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 1, 20))
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    login(client, scene.staff)
    chosen = [scene.applications[n] for n in ("周杰", "王芳", "吴敏")]
    response = client.post(url("application"), {
        "action": "action_shortlist", "_selected_action": [a.pk for a in chosen], "apply": "1",
        "meeting_on": "2027-01-20", "document_number": "泽组部务会〔2027〕3号",
    })
    assert response.status_code == 200
    assert "本项目有 2 个名额，按 1:2 至少需要 4 名初步人选，现有 3 名，还差 1 名。" in response.context["form"].non_field_errors()
    assert status_of(scene, "周杰") == S.RECOMMENDED
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.ANNOUNCED


def test_R5_shortlist_action_asks_for_a_reason_per_ineligible_candidate(client, scene, monkeypatch):
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    login(client, scene.staff)
    chosen = [scene.applications[n] for n in ("周杰", "王芳", "吴敏", "孙涛")]
    sun = scene.applications["孙涛"]
    response = client.post(url("application"), {"action": "action_shortlist", "_selected_action": [a.pk for a in chosen]})
    assert f"override_{sun.pk}" in response.context["form"].fields
    assert "孙涛 不符合：年龄 42 岁，超过乡科级 40 岁的上限" in response.content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 1, 20))
    response = post_action(
        client, "application", "action_shortlist", chosen, apply="1", meeting_on="2027-01-20",
        document_number="泽组部务会〔2027〕3号", **{f"override_{sun.pk}": "信访工作经验丰富"},
    )
    assert "已确定 4 名初步人选。" in messages_of(response)
    sun.refresh_from_db()
    assert (sun.status, sun.eligibility_override_reason) == (S.SHORTLISTED, "信访工作经验丰富")
    assert AuditLog.objects.filter(action="application_eligibility_override", actor=scene.staff).count() == 1


def test_R7_decide_action_assigns_a_post_per_candidate(client, scene):
    shortlisted(scene)
    login(client, scene.staff)
    zhou, wang = scene.applications["周杰"], scene.applications["王芳"]
    response = post_action(
        client, "application", "action_decide", [zhou, wang], apply="1", meeting_on="2027-01-27",
        document_number="泽常〔2027〕7号", **{f"post_{zhou.pk}": scene.posts["township"].pk, f"post_{wang.pk}": scene.posts["village"].pk},
    )
    assert "常委会已决定 2 名拟选派人选。" in messages_of(response)
    assert Application.objects.get(pk=zhou.pk).chosen_post == scene.posts["township"]
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.DECIDED


def test_R7_notice_and_conclusion_actions(client, scene, monkeypatch):
    decided(scene)
    login(client, scene.staff)
    post_action(client, "selection", "action_notice_start", [scene.selection], apply="1", start="2027-02-01")
    scene.selection.refresh_from_db()
    assert (scene.selection.stage, scene.selection.notice_end) == (Stage.NOTICE, dt.date(2027, 2, 5))
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 2, 5))
    response = post_action(client, "selection", "action_conclude", [scene.selection], apply="1")
    assert any("尚未期满" in m for m in errors_of(response))
    assert not Placement.objects.filter(program=scene.program).exists()
    monkeypatch.setattr(timezone, "localdate", lambda *args: AFTER_NOTICE)
    response = post_action(client, "selection", "action_conclude", [scene.selection], apply="1")
    assert "已完成 1 个选派工作，拟选派人选已生成拟任挂职安排。" in messages_of(response)
    assert set(Placement.objects.filter(program=scene.program).values_list("cadre__name", flat=True)) == {"周杰", "王芳"}


def test_R7_objections_are_recorded_and_resolved_inline(client, scene, monkeypatch):
    in_notice(scene)
    monkeypatch.setattr(timezone, "localdate", lambda *args: AFTER_NOTICE)  # the objection is not in the future
    login(client, scene.staff)
    page = client.get(url("selection", "change", scene.selection.pk))
    data = changeform_data(page)
    data.update({
        "objections-TOTAL_FORMS": "1", "objections-0-application": scene.applications["王芳"].pk,
        "objections-0-received_on": "2027-02-03", "objections-0-content": "反映该同志工作作风问题",
    })
    response = client.post(url("selection", "change", scene.selection.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    objection = Objection.objects.get()
    assert objection.application == scene.applications["王芳"] and objection.recorded_by == scene.staff

    data = changeform_data(client.get(url("selection", "change", scene.selection.pk)))
    data.update({"objections-0-upheld": "true", "objections-0-resolution": "经核查属实"})
    response = client.post(url("selection", "change", scene.selection.pk), data)
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolved_by) == (True, scene.staff)
    assert status_of(scene, "王芳") == S.OBJECTION_UPHELD
    assert [a for a in AuditLog.objects.filter(actor=scene.staff).order_by("id").values_list("action", flat=True)
            if a.startswith("objection")] == ["objection_record", "objection_resolve"]


def test_R7_staff_register_a_paper_application(client, scene, monkeypatch):
    announce(scene)
    monkeypatch.setattr(timezone, "localdate", lambda *args: APPLY_DAY)
    login(client, scene.staff)
    response = client.post(url("application", "add"), {
        "selection": scene.selection.pk, "cadre": scene.cadres["吴敏"].pk, "source": "staff", "applied_on": "2027-01-08",
        "statement": "书面申请", "preferred_post": "",
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    application = Application.objects.get(cadre=scene.cadres["吴敏"])
    assert (application.source, application.applied_on, application.registered_by) == ("staff", dt.date(2027, 1, 8), scene.staff)


def test_R7_demand_requests_are_accepted_and_consolidated_by_actions(client, world):
    program = make_program(world, name="信访岗位挂职", preset=PolicyPreset.objects.get(code="jiangdong"))
    staff = world.users["countystaff"]
    selection = services.selection_create(acting_user=staff, program=program)
    demand = services.demand_request_submit(
        acting_user=world.users["hostunit"], selection=selection, host_unit=world.units["zz_township"],
        post_title="信访办副主任", places=2,
    )
    login(client, staff)
    post_action(client, "demandrequest", "action_accept", [demand])
    response = post_action(client, "demandrequest", "action_consolidate", [demand])
    assert any("已汇总为 1 个挂职岗位" in m for m in messages_of(response))
    demand.refresh_from_db()
    assert demand.status == DemandRequest.Status.ACCEPTED and demand.host_post.places == 2
    selection.refresh_from_db()
    assert selection.stage == Stage.PREPARING


def test_change_pages_open_and_are_read_only(client, scene):
    in_notice(scene)
    services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=dt.date(2027, 2, 2), content="反映问题",
        today=AFTER_NOTICE,
    )
    login(client, scene.staff)
    page = client.get(url("selection", "change", scene.selection.pk))
    assert page.status_code == 200 and "反映问题" in page.content.decode()
    assert "announcement_number" not in page.context["adminform"].form.fields  # written by the step actions only
    page = client.get(url("application", "change", scene.applications["周杰"].pk))
    assert page.status_code == 200 and "泽常〔2027〕7号" in page.content.decode()
    assert client.get(url("application", "delete", scene.applications["周杰"].pk)).status_code == 403
