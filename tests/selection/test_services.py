"""The selection procedure (R7, D7, D3): every step with who, when and the document, and each
refusal — a stage out of order, an application outside the window or the mode, a shortlist
short of the ratio, an ineligible candidate without a reason, a notice not finished, an open
objection — leaving the database as it was."""

import datetime as dt
import re

import pytest

from core.models import AuditLog, Job
from programs import services as program_services
from programs.models import Holiday, HostPost, Placement, PolicyPreset
from selection import services
from selection.exceptions import (
    ApplicationRefused,
    InvalidStageTransition,
    NoticeNotFinished,
    SelectionAccessDenied,
    SelectionError,
    SelectionNotFound,
    ShortlistRefused,
)
from selection.models import (
    Application,
    ApplicationStatusChange,
    DemandRequest,
    Objection,
    Selection,
    SelectionStep,
    UnitRecommendation,
)
from tests.selection.steps import (
    AFTER_NOTICE,
    APPLY_DAY,
    APPLY_UNTIL,
    DECISION_DAY,
    ELIGIBLE,
    NOTICE_END,
    NOTICE_START,
    SHORTLIST_DAY,
    announce,
    applied,
    decided,
    in_notice,
    make_program,
    recommend,
    register,
    shortlisted,
    status_of,
)
from tests.threads import race

Stage = Selection.Stage
S = Application.Status


def actions(**filters) -> list[str]:
    return list(AuditLog.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def snapshot(scene):
    """What a refused step must leave as it was."""
    scene.selection.refresh_from_db()
    return (
        scene.selection.stage,
        sorted(Application.objects.filter(selection=scene.selection).values_list("pk", "status")),
        SelectionStep.objects.count(), ApplicationStatusChange.objects.count(), AuditLog.objects.count(),
        Placement.objects.count(), Job.objects.count(), Objection.objects.count(), UnitRecommendation.objects.count(),
    )


# --- Creation and the pipeline ---------------------------------------------------------------------


def test_R7_a_selection_starts_in_preparation_with_its_first_step(scene):
    selection = scene.selection
    assert selection.stage == Stage.PREPARING
    step = selection.steps.get()
    assert (step.from_stage, step.to_stage, step.actor) == ("", Stage.PREPARING, scene.staff)
    assert actions(target_type="selection.selection") == ["selection_create"]


def test_R7_one_selection_per_program(scene):
    with pytest.raises(SelectionError, match="已有选派工作"):
        services.selection_create(acting_user=scene.staff, program=scene.program)
    assert Selection.objects.filter(program=scene.program).count() == 1


def test_R7_announcement_records_window_document_and_step(scene):
    announce(scene)
    selection = scene.selection
    assert selection.stage == Stage.ANNOUNCED
    assert (selection.apply_from, selection.apply_until) == (dt.date(2027, 1, 4), APPLY_UNTIL)
    step = selection.steps.order_by("-id").first()
    assert step.note == "名额 2 个，报名时间 2027年1月4日 至 2027年1月15日"
    assert (step.from_stage, step.to_stage, step.document_number, step.effective_date, step.actor) == (
        Stage.PREPARING, Stage.ANNOUNCED, "泽组通〔2026〕51号", dt.date(2026, 12, 28), scene.staff
    )
    audit = AuditLog.objects.filter(action="selection_transition").get()
    assert audit.data["from"] == "preparing" and audit.data["to"] == "announced"
    assert audit.data["document_number"] == "泽组通〔2026〕51号"
    assert Job.objects.filter(task_name="selection.stage_changed", kwargs__stage="announced").exists()
    assert services.selection_places(selection) == 2


def test_R7_announcement_without_posts_or_standards_is_refused(world):
    program = make_program(world)
    selection = services.selection_create(acting_user=world.users["countystaff"], program=program)
    with pytest.raises(SelectionError, match="还没有挂职岗位"):
        services.selection_announce(
            acting_user=world.users["countystaff"], selection=selection, apply_from=dt.date(2027, 1, 4),
            apply_until=dt.date(2027, 1, 15), scope_text="县直机关", standards="大专以上",
        )
    selection.refresh_from_db()
    assert selection.stage == Stage.PREPARING


@pytest.mark.parametrize(
    ("step", "target"),
    [
        (lambda s: services.selection_decide(acting_user=s.staff, selection=s.selection, choices=[(s.applications["周杰"], s.posts["township"])],
                                             meeting_on=DECISION_DAY, document_number="泽常〔2027〕7号"), "常委会已决定"),
        (lambda s: services.selection_notice_start(acting_user=s.staff, selection=s.selection, start=NOTICE_START), "公示中"),
        (lambda s: services.selection_conclude(acting_user=s.staff, selection=s.selection, today=AFTER_NOTICE), "已完成"),
    ],
    ids=["decide", "notice", "conclude"],
)
def test_R7_a_stage_out_of_order_is_refused_naming_both_stages(scene, step, target):
    applied(scene)
    before = snapshot(scene)
    with pytest.raises(InvalidStageTransition) as refused:
        step(scene)
    assert str(refused.value) == f"选派工作不能从“已发布预告”变为“{target}”。"
    assert snapshot(scene) == before


def test_R7_announcing_twice_is_refused_naming_both_stages(scene):
    announce(scene)
    with pytest.raises(InvalidStageTransition, match="选派工作不能从“已发布预告”变为“已发布预告”。"):
        announce(scene)


# --- Step 0: demand survey (江东) -----------------------------------------------------------------------


@pytest.fixture
def survey(world):
    program = make_program(world, name="信访岗位挂职（2027年）", preset=PolicyPreset.objects.get(code="jiangdong"))
    selection = services.selection_create(acting_user=world.users["countystaff"], program=program)
    return program, selection


def test_R7_jiangdong_starts_with_the_demand_survey(survey):
    _program, selection = survey
    assert selection.stage == Stage.SURVEY


def test_R7_step0_host_units_state_posts_and_staff_consolidate_them_into_host_posts(world, survey):
    program, selection = survey
    staff, host = world.users["countystaff"], world.users["hostunit"]
    first = services.demand_request_submit(
        acting_user=host, selection=selection, host_unit=world.units["zz_township"], post_title="信访办副主任",
        duties="接待群众来访", wanted_background="法律", places=1, term_months=6,
    )
    second = services.demand_request_submit(
        acting_user=host, selection=selection, host_unit=world.units["zz_township"], post_title="信访办副主任", places=2,
    )
    rejected = services.demand_request_submit(
        acting_user=staff, selection=selection, host_unit=world.units["zz_village"], post_title="村主任助理",
    )
    assert second.term_months == 6  # the program's term (江东: 6 months) by default
    with pytest.raises(SelectionError, match="还有 3 条岗位需求未处理"):
        services.demand_consolidate(acting_user=staff, selection=selection)
    services.demand_request_decide(acting_user=staff, demand_request=first, accept=True)
    services.demand_request_decide(acting_user=staff, demand_request=second, accept=True)
    services.demand_request_decide(acting_user=staff, demand_request=rejected, accept=False, note="村级岗位另行安排")

    posts = services.demand_consolidate(acting_user=staff, selection=selection, effective_date=dt.date(2026, 12, 20))

    assert [(p.host_unit, p.title, p.places) for p in posts] == [(world.units["zz_township"], "信访办副主任", 3)]
    assert list(HostPost.objects.filter(program=program).values_list("title", "places")) == [("信访办副主任", 3)]
    assert "人选要求：法律" in posts[0].duties
    assert set(DemandRequest.objects.filter(host_post=posts[0])) == {first, second}
    selection.refresh_from_db()
    assert selection.stage == Stage.PREPARING
    assert selection.steps.filter(from_stage=Stage.SURVEY, to_stage=Stage.PREPARING, actor=staff).exists()
    assert actions(actor=staff) == [
        "selection_create", "demand_request_submit", "demand_request_decide", "demand_request_decide", "demand_request_decide",
        "host_post_create", "demand_consolidate", "selection_transition",
    ]
    assert actions(actor=host) == ["demand_request_submit", "demand_request_submit"]


def test_R7_step0_a_host_unit_submits_only_for_itself_and_only_during_the_survey(world, survey):
    _program, selection = survey
    with pytest.raises(SelectionNotFound):  # 高平's host unit is not reached by a 泽州 survey
        services.demand_request_submit(
            acting_user=world.users["gphost"], selection=selection, host_unit=world.units["gp_township"], post_title="副镇长"
        )
    with pytest.raises(SelectionAccessDenied):  # the 巴公镇 approver cannot speak for the village
        services.demand_request_submit(
            acting_user=world.users["hostunit"], selection=selection, host_unit=world.units["zz_village"], post_title="助理"
        )
    assert DemandRequest.objects.count() == 0


def test_R7_step0_consolidation_needs_an_accepted_request(world, survey):
    _program, selection = survey
    with pytest.raises(SelectionError, match="没有已采纳的岗位需求"):
        services.demand_consolidate(acting_user=world.users["countystaff"], selection=selection)
    selection.refresh_from_db()
    assert selection.stage == Stage.SURVEY


# --- Step 2: applications --------------------------------------------------------------------------------


def test_R7_a_cadre_applies_in_person_inside_the_window(scene):
    announce(scene)
    zhou = scene.users["zhou"]
    application = services.application_apply(
        acting_user=zhou, selection=scene.selection, statement="本人自愿报名到乡镇挂职锻炼。",
        preferred_post=scene.posts["township"], today=APPLY_DAY,
    )
    assert (application.cadre, application.source, application.status, application.applied_on) == (
        scene.cadres["周杰"], Application.Source.PERSONAL, S.APPLIED, APPLY_DAY
    )
    assert application.status_changes.get().to_status == S.APPLIED
    assert AuditLog.objects.get(action="application_create").actor == zhou


@pytest.mark.parametrize("day", [dt.date(2027, 1, 3), dt.date(2027, 1, 16)], ids=["before", "after"])
def test_R7_applying_outside_the_window_is_refused(scene, day):
    announce(scene)
    with pytest.raises(ApplicationRefused) as refused:
        services.application_apply(acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=day)
    assert "报名时间为 2027年1月4日 至 2027年1月15日" in str(refused.value)
    assert Application.objects.count() == 0


def test_R7_the_window_edges_are_inside(scene):
    announce(scene)
    services.application_apply(acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=APPLY_UNTIL)
    assert Application.objects.count() == 1


def test_R7_a_cadre_cannot_apply_before_the_announcement(scene):
    # Not announced: the cadre does not see the selection at all (D6).
    with pytest.raises(SelectionNotFound):
        services.application_apply(acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=APPLY_DAY)
    assert Application.objects.count() == 0


def test_R7_applying_after_the_shortlist_is_refused_by_stage(scene):
    shortlisted(scene)
    with pytest.raises(ApplicationRefused, match="选派工作处于“已确定初步人选”阶段，不接受报名。"):
        services.application_create(
            acting_user=scene.staff, selection=scene.selection, cadre=scene.world.cadres["cadre"],
            source=Application.Source.STAFF, statement="申请", applied_on=APPLY_DAY, today=SHORTLIST_DAY,
        )


def test_R7_one_application_per_cadre(scene):
    applied(scene, names=["周杰"])
    with pytest.raises(ApplicationRefused, match="干部“周杰”已报名本次选派。"):
        register(scene, "周杰")
    assert Application.objects.filter(cadre=scene.cadres["周杰"]).count() == 1


def test_R7_unit_mode_refuses_personal_applications(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, selection_mode="unit")
    announce(scene)
    with pytest.raises(ApplicationRefused, match="本项目的报名方式为“单位推荐”，不接受“本人网上申请”。"):
        services.application_apply(acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=APPLY_DAY)
    # The sending unit nominates instead.
    application = services.application_create(
        acting_user=scene.users["petitionunit"], selection=scene.selection, cadre=scene.cadres["郑浩"],
        source=Application.Source.UNIT, today=APPLY_DAY,
    )
    assert application.source == Application.Source.UNIT
    assert Application.objects.count() == 1


def test_R7_personal_mode_refuses_unit_nominations(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, selection_mode="personal")
    announce(scene)
    with pytest.raises(ApplicationRefused, match="本项目的报名方式为“个人申请”，不接受“单位推荐”。"):
        services.application_create(
            acting_user=scene.users["petitionunit"], selection=scene.selection, cadre=scene.cadres["郑浩"],
            source=Application.Source.UNIT, today=APPLY_DAY,
        )
    assert Application.objects.count() == 0


def test_D6_a_sending_unit_nominates_only_its_own_cadres(scene):
    announce(scene)
    with pytest.raises(SelectionAccessDenied, match="只能由干部所在派出单位或组织部推荐"):
        services.application_create(
            acting_user=scene.users["petitionunit"], selection=scene.selection, cadre=scene.cadres["周杰"],
            source=Application.Source.UNIT, today=APPLY_DAY,
        )
    assert Application.objects.count() == 0


def test_D6_a_cadre_applies_only_for_themself(scene):
    announce(scene)
    with pytest.raises(SelectionAccessDenied, match="只能由干部本人提出申请"):
        services.application_create(
            acting_user=scene.users["zhou"], selection=scene.selection, cadre=scene.cadres["王芳"],
            source=Application.Source.PERSONAL, statement="代报", today=APPLY_DAY,
        )


def test_D1_a_cadre_outside_the_subtree_does_not_see_the_selection(scene):
    announce(scene)
    # 赵强 is a 高平 cadre: a 泽州 program's announcement does not reach him.
    with pytest.raises(SelectionNotFound):
        services.application_apply(
            acting_user=scene.world.users["othercadre"], selection=scene.selection, statement="申请", today=APPLY_DAY
        )
    with pytest.raises(ApplicationRefused, match="不在本项目的选派范围内"):
        services.application_create(
            acting_user=scene.staff, selection=scene.selection, cadre=scene.world.cadres["gp_cadre"],
            source=Application.Source.STAFF, statement="申请", today=APPLY_DAY,
        )
    assert Application.objects.count() == 0


def test_R7_withdrawing_by_the_cadre(scene):
    announce(scene)
    application = services.application_apply(
        acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=APPLY_DAY
    )
    services.application_withdraw(acting_user=scene.users["zhou"], application=application, reason="家庭原因")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.status_changes.filter(from_status=S.APPLIED, to_status=S.WITHDRAWN, note="家庭原因").exists()


# --- Step 3: unit recommendation -----------------------------------------------------------------------------


def test_R7_the_sending_unit_records_its_meeting_and_report(scene):
    applied(scene, names=["郑浩", "冯丽", "孙涛"])
    contact = scene.users["petitionunit"]
    recommendation = services.unit_recommendation_record(
        acting_user=contact, selection=scene.selection, sending_unit=scene.world.units["zz_petition"],
        meeting_on=dt.date(2027, 1, 18), report_text="经局党组会议研究，推荐郑浩、冯丽同志。",
        recommended=[scene.applications["郑浩"], scene.applications["冯丽"]], not_recommended=[scene.applications["孙涛"]],
    )
    assert (status_of(scene, "郑浩"), status_of(scene, "冯丽"), status_of(scene, "孙涛")) == (
        S.RECOMMENDED, S.RECOMMENDED, S.NOT_RECOMMENDED
    )
    assert set(recommendation.applications.all()) == {scene.applications[n] for n in ("郑浩", "冯丽", "孙涛")}
    assert recommendation.recorded_by == contact and recommendation.meeting_on == dt.date(2027, 1, 18)
    assert actions(actor=contact) == ["application_transition"] * 3 + ["unit_recommendation_record"]


def test_D6_a_sending_unit_cannot_recommend_another_units_cadres(scene):
    applied(scene, names=["周杰"])
    with pytest.raises(SelectionNotFound):  # 周杰's application is not theirs to see
        services.unit_recommendation_record(
            acting_user=scene.users["petitionunit"], selection=scene.selection, sending_unit=scene.world.units["zz_petition"],
            meeting_on=dt.date(2027, 1, 18), report_text="推荐", recommended=[scene.applications["周杰"]],
        )
    with pytest.raises(SelectionAccessDenied):
        services.unit_recommendation_record(
            acting_user=scene.users["petitionunit"], selection=scene.selection, sending_unit=scene.world.units["zz_drc"],
            meeting_on=dt.date(2027, 1, 18), report_text="推荐", recommended=[scene.applications["周杰"]],
        )
    assert status_of(scene, "周杰") == S.APPLIED
    assert not AuditLog.objects.filter(actor=scene.users["petitionunit"]).exists()


# --- Step 4: the shortlist (D7, R5) ----------------------------------------------------------------------------


def _shortlist(scene, names, **extra):
    values = {"meeting_on": SHORTLIST_DAY, "document_number": "泽组部务会〔2027〕3号", "today": SHORTLIST_DAY, **extra}
    return services.selection_shortlist(
        acting_user=scene.staff, selection=scene.selection, applications=[scene.applications[n] for n in names], **values
    )


def test_D7_a_shortlist_meeting_the_ratio_is_recorded(scene):
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    _shortlist(scene, ["周杰", "王芳", "吴敏", "郑浩"])
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.SHORTLISTED
    assert (scene.selection.shortlist_meeting_on, scene.selection.shortlist_document_number) == (SHORTLIST_DAY, "泽组部务会〔2027〕3号")
    assert {n: status_of(scene, n) for n in [*ELIGIBLE, "孙涛"]} == {
        "周杰": S.SHORTLISTED, "王芳": S.SHORTLISTED, "吴敏": S.SHORTLISTED, "郑浩": S.SHORTLISTED,
        "冯丽": S.NOT_SELECTED, "孙涛": S.NOT_SELECTED,
    }
    step = scene.selection.steps.order_by("-id").first()
    assert (step.to_stage, step.document_number, step.effective_date) == (Stage.SHORTLISTED, "泽组部务会〔2027〕3号", SHORTLIST_DAY)


def test_D7_a_shortlist_short_of_the_ratio_is_refused_saying_by_how_many(scene):
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    before = snapshot(scene)
    with pytest.raises(ShortlistRefused) as refused:
        _shortlist(scene, ["周杰", "王芳", "吴敏"])
    assert str(refused.value) == "本项目有 2 个名额，按 1:2 至少需要 4 名初步人选，现有 3 名，还差 1 名。"
    # Five eligible candidates exist: a reason does not excuse leaving them out.
    with pytest.raises(ShortlistRefused, match="还差 1 名"):
        _shortlist(scene, ["周杰", "王芳", "吴敏"], shortfall_reason="人选不足")
    assert snapshot(scene) == before


def test_D7_per_post_ratio_names_the_post(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, shortlist_ratio_scope="post")
    program_services.host_post_update(acting_user=scene.world.admin, host_post=scene.posts["township"], places=2)
    posts = {"周杰": "township", "王芳": "township", "吴敏": "township", "郑浩": "village", "冯丽": "village", "孙涛": "township"}
    applied(scene, posts=posts)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    with pytest.raises(ShortlistRefused) as refused:
        _shortlist(scene, ["周杰", "王芳", "吴敏", "郑浩", "冯丽"])
    assert str(refused.value) == (
        "岗位“泽州县巴公镇 党委委员、副镇长”有 2 个名额，按 1:2 至少需要 4 名初步人选，现有 3 名，还差 1 名。"
        "符合条件的人选只有 3 名。人选不足时须填写原因方可继续。"
    )
    _shortlist(scene, ["周杰", "王芳", "吴敏", "郑浩", "冯丽"], shortfall_reason="乡镇岗位报名人数不足，经部务会研究同意")
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.SHORTLISTED
    assert scene.selection.shortfall_reason == "乡镇岗位报名人数不足，经部务会研究同意"
    assert "乡镇岗位报名人数不足" in scene.selection.steps.order_by("-id").first().note


def test_D7_with_too_few_eligible_applicants_staff_proceed_only_with_a_reason(scene):
    applied(scene, names=["周杰", "王芳", "吴敏", "孙涛"])
    recommend(scene, ["周杰", "王芳", "吴敏", "孙涛"])
    before = snapshot(scene)
    with pytest.raises(ShortlistRefused) as refused:
        _shortlist(scene, ["周杰", "王芳", "吴敏"])
    assert "还差 1 名。符合条件的人选只有 3 名。人选不足时须填写原因方可继续。" in str(refused.value)
    assert snapshot(scene) == before
    _shortlist(scene, ["周杰", "王芳", "吴敏"], shortfall_reason="符合条件的报名人数不足")
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.SHORTLISTED and scene.selection.shortfall_reason == "符合条件的报名人数不足"
    assert AuditLog.objects.filter(action="selection_transition", data__to="shortlisted").get().data["note"].endswith(
        "符合条件的报名人数不足"
    )


def test_R5_an_ineligible_candidate_is_shortlisted_only_with_a_reason(scene):
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    before = snapshot(scene)
    with pytest.raises(ShortlistRefused) as refused:
        _shortlist(scene, ["周杰", "王芳", "吴敏", "孙涛"])
    assert "干部“孙涛”不符合资格条件：年龄 42 岁，超过乡科级 40 岁的上限。确需列为初步人选的，须逐人填写理由。" == str(refused.value)
    assert snapshot(scene) == before

    sun = scene.applications["孙涛"]
    _shortlist(scene, ["周杰", "王芳", "吴敏", "孙涛"], overrides={sun.pk: "信访工作经验丰富，经部务会研究破格列入"})
    sun.refresh_from_db()
    assert sun.status == S.SHORTLISTED
    assert sun.eligibility_override_reason == "信访工作经验丰富，经部务会研究破格列入"
    assert sun.eligibility_failures == ["年龄 42 岁，超过乡科级 40 岁的上限"]
    audit = AuditLog.objects.get(action="application_eligibility_override")
    assert audit.actor == scene.staff and audit.target_id == str(sun.pk)
    assert audit.data == {"failures": [{"rule": "age", "message": "年龄 42 岁，超过乡科级 40 岁的上限"}],
                          "reason": "信访工作经验丰富，经部务会研究破格列入"}


def test_R7_only_recommended_candidates_are_shortlisted_when_the_policy_requires_it(scene):
    applied(scene)
    recommend(scene, ["周杰", "王芳", "吴敏"], not_recommended=["郑浩"])
    with pytest.raises(ShortlistRefused) as refused:
        _shortlist(scene, ["周杰", "王芳", "吴敏", "冯丽", "郑浩"])
    assert "干部“冯丽”尚未经派出单位推荐，不能列为初步人选。" in str(refused.value)
    assert "干部“郑浩”的报名状态为“未推荐”，不能列为初步人选。" in str(refused.value)


def test_R7_personal_mode_shortlists_without_recommendation(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, selection_mode="personal")
    applied(scene)
    _shortlist(scene, ["周杰", "王芳", "吴敏", "郑浩"])
    assert status_of(scene, "郑浩") == S.SHORTLISTED


def test_R7_no_shortlist_while_the_window_is_open(scene):
    applied(scene)
    recommend(scene, ELIGIBLE)
    with pytest.raises(ShortlistRefused, match="报名截止日期为 2027年1月15日，报名结束后才能确定初步人选。"):
        _shortlist(scene, ["周杰", "王芳", "吴敏", "郑浩"], today=APPLY_UNTIL)


def test_D6_only_the_organising_departments_staff_shortlist(scene):
    applied(scene)
    recommend(scene, ELIGIBLE)
    names = ["周杰", "王芳", "吴敏", "郑浩"]
    for user, error in [(scene.world.users["gaopingstaff"], SelectionNotFound), (scene.world.users["hzstaff"], SelectionNotFound),
                        (scene.users["petitionunit"], SelectionAccessDenied), (scene.users["zhou"], SelectionAccessDenied)]:
        before = snapshot(scene)
        with pytest.raises(error):
            services.selection_shortlist(
                acting_user=user, selection=scene.selection, applications=[scene.applications[n] for n in names],
                meeting_on=SHORTLIST_DAY, document_number="X", today=SHORTLIST_DAY,
            )
        assert snapshot(scene) == before
    # The city department is above 泽州: it may.
    services.selection_shortlist(
        acting_user=scene.world.users["orgstaff"], selection=scene.selection,
        applications=[scene.applications[n] for n in names], meeting_on=SHORTLIST_DAY, document_number="X", today=SHORTLIST_DAY,
    )


# --- Step 5: the decision ----------------------------------------------------------------------------------


def test_R7_the_standing_committee_chooses_per_post(scene):
    decided(scene)
    selection = scene.selection
    assert selection.stage == Stage.DECIDED
    assert (selection.decision_meeting_on, selection.decision_document_number) == (DECISION_DAY, "泽常〔2027〕7号")
    zhou = Application.objects.get(pk=scene.applications["周杰"].pk)
    assert (zhou.status, zhou.chosen_post) == (S.CHOSEN, scene.posts["township"])
    assert (status_of(scene, "吴敏"), status_of(scene, "郑浩")) == (S.NOT_SELECTED, S.NOT_SELECTED)


def test_R7_choosing_more_than_a_posts_places_is_refused(scene):
    shortlisted(scene)
    before = snapshot(scene)
    with pytest.raises(SelectionError, match="岗位“泽州县巴公镇 党委委员、副镇长”尚有 1 个名额，拟选派 2 人，超出 1 人。"):
        services.selection_decide(
            acting_user=scene.staff, selection=scene.selection, meeting_on=DECISION_DAY, document_number="泽常〔2027〕7号",
            choices=[(scene.applications["周杰"], scene.posts["township"]), (scene.applications["王芳"], scene.posts["township"])],
        )
    assert snapshot(scene) == before


def test_R7_only_shortlisted_candidates_are_chosen(scene):
    shortlisted(scene)
    with pytest.raises(SelectionError, match=re.escape("干部“冯丽”不是初步人选（状态为“未入选”）。")):
        services.selection_decide(
            acting_user=scene.staff, selection=scene.selection, meeting_on=DECISION_DAY, document_number="泽常〔2027〕7号",
            choices=[(scene.applications["冯丽"], scene.posts["village"])],
        )


# --- Step 6: the public notice, objections and the placements ------------------------------------------------


def test_D3_the_notice_ends_after_the_policys_working_days(scene):
    in_notice(scene)
    assert (scene.selection.notice_start, scene.selection.notice_end) == (NOTICE_START, NOTICE_END)
    assert scene.selection.stage == Stage.NOTICE


def test_D3_the_notice_skips_holidays_of_the_table(scene):
    decided(scene)
    Holiday.objects.create(date=dt.date(2027, 2, 3), kind=Holiday.Kind.HOLIDAY, name="测试假日")
    services.selection_notice_start(acting_user=scene.staff, selection=scene.selection, start=NOTICE_START)
    scene.selection.refresh_from_db()
    assert scene.selection.notice_end == dt.date(2027, 2, 8)


def test_D3_a_notice_shorter_than_the_policy_is_refused(scene):
    decided(scene)
    with pytest.raises(SelectionError, match="公示期不少于 5 个工作日"):
        services.selection_notice_start(
            acting_user=scene.staff, selection=scene.selection, start=NOTICE_START, end=dt.date(2027, 2, 4)
        )
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.DECIDED


@pytest.mark.parametrize("today", [NOTICE_START, NOTICE_END], ids=["first-day", "last-day"])
def test_R7_concluding_during_the_notice_is_refused(scene, today):
    in_notice(scene)
    before = snapshot(scene)
    with pytest.raises(NoticeNotFinished, match="公示期到 2027年2月5日 结束，尚未期满，不能完成选派。"):
        services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=today)
    assert snapshot(scene) == before


def test_R7_concluding_with_an_open_objection_is_refused(scene):
    in_notice(scene)
    objection = services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=dt.date(2027, 2, 3),
        content="反映该同志工作作风问题", today=AFTER_NOTICE,
    )
    assert AuditLog.objects.filter(action="objection_record", target_id=str(objection.pk), actor=scene.staff).exists()
    before = snapshot(scene)
    with pytest.raises(NoticeNotFinished, match="尚有 1 条公示异议未处理完毕，不能完成选派。"):
        services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    assert snapshot(scene) == before


def test_R7_an_objection_not_upheld_keeps_the_candidate(scene):
    in_notice(scene)
    objection = services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=dt.date(2027, 2, 3), content="反映问题",
        today=AFTER_NOTICE,
    )
    services.objection_resolve(acting_user=scene.staff, objection=objection, upheld=False, resolution="经核查，反映问题不属实")
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolved_by) == (False, scene.staff)
    assert status_of(scene, "王芳") == S.CHOSEN
    placements = services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    assert {p.cadre.name for p in placements} == {"周杰", "王芳"}


def test_R7_an_upheld_objection_removes_the_candidate(scene):
    in_notice(scene)
    objection = services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=dt.date(2027, 2, 3), content="反映问题",
        today=AFTER_NOTICE,
    )
    services.objection_resolve(acting_user=scene.staff, objection=objection, upheld=True, resolution="经核查属实，取消拟选派资格")
    assert status_of(scene, "王芳") == S.OBJECTION_UPHELD
    assert actions(action__in=["objection_resolve"], actor=scene.staff) == ["objection_resolve"]
    placements = services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    assert [p.cadre.name for p in placements] == ["周杰"]
    assert not Placement.objects.filter(cadre=scene.cadres["王芳"]).exists()


def test_R7_an_objection_is_resolved_once_and_needs_a_finding(scene):
    in_notice(scene)
    objection = services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=dt.date(2027, 2, 3), content="反映问题",
        today=AFTER_NOTICE,
    )
    with pytest.raises(SelectionError, match="请填写核查处理结果"):
        services.objection_resolve(acting_user=scene.staff, objection=objection, upheld=True, resolution=" ")
    services.objection_resolve(acting_user=scene.staff, objection=objection, upheld=False, resolution="不属实")
    with pytest.raises(SelectionError, match="该异议已处理"):
        services.objection_resolve(acting_user=scene.staff, objection=objection, upheld=True, resolution="再议")
    assert Objection.objects.get().upheld is False


def test_R7_a_clean_notice_becomes_proposed_placements_in_one_step(scene):
    in_notice(scene)
    placements = services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    scene.selection.refresh_from_db()
    assert scene.selection.stage == Stage.CONCLUDED and scene.selection.concluded_on == AFTER_NOTICE
    by_cadre = {p.cadre.name: p for p in placements}
    assert set(by_cadre) == {"周杰", "王芳"}
    assert by_cadre["周杰"].host_post == scene.posts["township"] and by_cadre["王芳"].host_post == scene.posts["village"]
    for placement in placements:
        assert placement.status == Placement.Status.PROPOSED
        assert placement.planned_start == dt.date(2027, 4, 1)
        assert placement.status_changes.get().effective_date == DECISION_DAY
    zhou = Application.objects.get(pk=scene.applications["周杰"].pk)
    assert (zhou.status, zhou.placement) == (S.PLACED, by_cadre["周杰"])
    assert actions(action="placement_create", actor=scene.staff) == ["placement_create", "placement_create"]
    last = AuditLog.objects.filter(action="selection_transition").order_by("-id").first()
    assert (last.data["from"], last.data["to"]) == ("notice", "concluded")


def test_R7_if_one_placement_fails_nothing_is_written(scene):
    in_notice(scene)
    # Meanwhile 王芳 was proposed for another program: one active placement per cadre (R9).
    other = make_program(scene.world, name="另一项目")
    post = program_services.host_post_create(
        acting_user=scene.world.admin, program=other, host_unit=scene.world.units["zz_township"], title="镇长助理"
    )
    program_services.placement_create(acting_user=scene.world.admin, cadre=scene.cadres["王芳"], host_post=post)
    before = snapshot(scene)
    with pytest.raises(SelectionError) as refused:
        services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    assert "干部“王芳”不能拟任“泽州县巴公镇西郜村 村党支部第一书记”" in str(refused.value)
    assert "未生成任何挂职安排" in str(refused.value)
    assert snapshot(scene) == before
    assert not Placement.objects.filter(cadre=scene.cadres["周杰"]).exists()
    assert status_of(scene, "周杰") == S.CHOSEN


def test_R7_the_conclusion_is_refused_for_other_departments_and_roles(scene):
    in_notice(scene)
    for user, error in [(scene.world.users["gaopingstaff"], SelectionNotFound), (scene.world.users["hostunit"], SelectionNotFound),
                        (scene.users["zhou"], SelectionAccessDenied)]:
        before = snapshot(scene)
        with pytest.raises(error):
            services.selection_conclude(acting_user=user, selection=scene.selection, today=AFTER_NOTICE)
        assert snapshot(scene) == before


def test_R7_every_step_leaves_a_history_row(scene):
    in_notice(scene)
    services.selection_conclude(acting_user=scene.staff, selection=scene.selection, today=AFTER_NOTICE)
    assert list(scene.selection.steps.order_by("id").values_list("from_stage", "to_stage")) == [
        ("", "preparing"), ("preparing", "announced"), ("announced", "shortlisted"), ("shortlisted", "decided"),
        ("decided", "notice"), ("notice", "concluded"),
    ]
    zhou = scene.applications["周杰"]
    assert list(zhou.status_changes.order_by("id").values_list("to_status", flat=True)) == [
        "applied", "recommended", "shortlisted", "chosen", "placed",
    ]


# --- Two writers at once (PostgreSQL row locks) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R7_two_staff_concluding_at_once_create_the_placements_once(transactional_scene):
    scene = in_notice(transactional_scene)
    staff = [scene.staff, scene.world.users["orgstaff"]]
    results = race([
        lambda user=user: services.selection_conclude(acting_user=user, selection=scene.selection, today=AFTER_NOTICE)
        for user in staff
    ])
    assert sorted(type(r).__name__ for r in results) == ["InvalidStageTransition", "list"], results
    refused = next(r for r in results if isinstance(r, InvalidStageTransition))
    assert str(refused) == "选派工作不能从“已完成”变为“已完成”。"
    assert Placement.objects.filter(program=scene.program).count() == 2
    assert SelectionStep.objects.filter(selection=scene.selection, to_stage=Stage.CONCLUDED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R7_one_application_per_cadre_holds_for_two_writers(transactional_scene):
    scene = transactional_scene
    announce(scene)
    results = race([
        lambda: services.application_apply(
            acting_user=scene.users["zhou"], selection=scene.selection, statement="申请", today=APPLY_DAY
        ),
        lambda: services.application_create(
            acting_user=scene.staff, selection=scene.selection, cadre=scene.cadres["周杰"], source="staff",
            statement="书面申请", today=APPLY_DAY,
        ),
    ])
    assert sorted(type(r).__name__ for r in results) == ["Application", "ApplicationRefused"], results
    assert Application.objects.filter(cadre=scene.cadres["周杰"]).count() == 1


# --- Invariants the database holds ----------------------------------------------------------------------


def test_constraints_hold_without_the_services(scene):
    from django.db import IntegrityError, transaction

    applied(scene, names=["周杰"])
    zhou = scene.applications["周杰"]
    for change in [
        {"status": S.CHOSEN},  # chosen without a post
        {"status": S.RECOMMENDED},  # recommended without a recommendation
        {"eligibility_failures": ["年龄"]},  # an override without its reason
        {"status": S.PLACED, "chosen_post": scene.posts["township"]},  # placed without a placement
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Application.objects.filter(pk=zhou.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Selection.objects.filter(pk=scene.selection.pk).update(stage=Stage.NOTICE)  # no notice dates
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            selection=scene.selection, cadre=scene.cadres["周杰"], source="staff", applied_on=APPLY_DAY
        )


# --- Side effects through the outbox ----------------------------------------------------------------------


def test_R7_chosen_candidates_hear_of_the_decision_once(scene, mailoutbox):
    from selection.notifications import selection_stage_notify

    scene.users["zhou"].email = "zhou@example.cn"
    scene.users["zhou"].save()
    decided(scene)
    job = Job.objects.filter(task_name="selection.stage_changed", kwargs__stage="decided").get()
    assert selection_stage_notify(**job.kwargs) == 1
    assert mailoutbox[0].to == ["zhou@example.cn"] and "常委会已决定" in mailoutbox[0].body
    # A stale job (the selection has moved on) sends nothing.
    services.selection_notice_start(acting_user=scene.staff, selection=scene.selection, start=NOTICE_START)
    assert selection_stage_notify(**job.kwargs) == 0


# --- Every step refuses whoever is out of scope (D6) --------------------------------------------------------


STEPS = {
    "announce": (lambda s, u: services.selection_announce(
        acting_user=u, selection=s.selection, apply_from=dt.date(2027, 1, 4), apply_until=APPLY_UNTIL, scope_text="x",
        standards="y"), "preparing"),
    "register": (lambda s, u: services.application_create(
        acting_user=u, selection=s.selection, cadre=s.cadres["吴敏"], source="staff", statement="申请", today=APPLY_DAY),
        "announced"),
    "withdraw": (lambda s, u: services.application_withdraw(acting_user=u, application=s.applications["周杰"]), "announced"),
    "recommend": (lambda s, u: services.unit_recommendation_record(
        acting_user=u, selection=s.selection, sending_unit=s.world.units["zz_drc"], meeting_on=APPLY_DAY,
        report_text="推荐", recommended=[s.applications["周杰"]]), "announced"),
    "shortlist": (lambda s, u: services.selection_shortlist(
        acting_user=u, selection=s.selection, applications=[s.applications[n] for n in ["周杰", "王芳", "吴敏", "郑浩"]],
        meeting_on=SHORTLIST_DAY, document_number="X", today=SHORTLIST_DAY), "recommended"),
    "decide": (lambda s, u: services.selection_decide(
        acting_user=u, selection=s.selection, choices=[(s.applications["周杰"], s.posts["township"])],
        meeting_on=DECISION_DAY, document_number="X"), "shortlisted"),
    "notice": (lambda s, u: services.selection_notice_start(acting_user=u, selection=s.selection, start=NOTICE_START),
               "decided"),
    "objection": (lambda s, u: services.objection_record(
        acting_user=u, application=s.applications["周杰"], received_on=NOTICE_START, content="反映",
        today=AFTER_NOTICE), "notice"),
    "conclude": (lambda s, u: services.selection_conclude(acting_user=u, selection=s.selection, today=AFTER_NOTICE),
                 "notice"),
}


def _walk_to(scene, point):
    if point == "preparing":
        return
    if point == "announced":
        applied(scene, names=["周杰", "王芳"])
    elif point == "recommended":
        applied(scene)
        recommend(scene, ELIGIBLE)
    elif point == "shortlisted":
        shortlisted(scene)
    elif point == "decided":
        decided(scene)
    elif point == "notice":
        in_notice(scene)


@pytest.mark.parametrize("username", ["gaopingstaff", "hzstaff", "othercadre", "petitionunit", "hostunit", "mentor", "nobody"])
@pytest.mark.parametrize("step", STEPS.keys())
def test_D6_each_step_refuses_users_out_of_scope_and_changes_nothing(scene, step, username):
    from core.exceptions import ApplicationError
    from django.core.exceptions import PermissionDenied

    call, point = STEPS[step]
    _walk_to(scene, point)
    user = {**scene.world.users, **scene.users}[username]
    before = snapshot(scene)
    with pytest.raises(ApplicationError) as refused:
        call(scene, user)
    # Not found (out of scope) or 403 (in scope, not allowed): never a business refusal that
    # would tell an outsider what the selection holds.
    assert isinstance(refused.value, (SelectionNotFound, PermissionDenied)), refused.value
    assert snapshot(scene) == before
    assert not AuditLog.objects.filter(actor=user).exists()


def test_R7_jiangdong_batches_limit_the_number_chosen(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, batch_size=1)
    shortlisted(scene)
    before = snapshot(scene)
    with pytest.raises(SelectionError, match="本项目每批选派 1 人，拟选派 2 人，超出 1 人。"):
        services.selection_decide(
            acting_user=scene.staff, selection=scene.selection, meeting_on=DECISION_DAY, document_number="泽常〔2027〕7号",
            choices=[(scene.applications["周杰"], scene.posts["township"]), (scene.applications["王芳"], scene.posts["village"])],
        )
    assert snapshot(scene) == before
