"""The writes of the programs area: placement transitions (R9), one active placement per cadre,
post places, managing department (D1) and program policies (D2, R8)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from core.models import AuditLog, Job
from programs import services
from programs.exceptions import InvalidTransition, PlacementConflict, ProgramAccessDenied, ProgramsError
from programs.models import (
    Cadre,
    ManagingDepartmentChange,
    OrgDepartment,
    Placement,
    PlacementStatusChange,
    PolicyPreset,
    ProgramPolicy,
    SecondmentType,
)
from tests.factories import make_cadre, make_department, make_unit
from tests.threads import race

S = Placement.Status


def _snapshot(placement):
    """Everything a refused transition must leave as it was."""
    placement.refresh_from_db()
    return (
        placement.status, placement.actual_start, placement.actual_end, placement.end_reason,
        PlacementStatusChange.objects.filter(placement=placement).count(),
        AuditLog.objects.filter(target_type="programs.placement", target_id=str(placement.pk)).count(),
        Job.objects.count(),
    )


def _proposed(world, cadre_key="zz_second", post_key="village"):
    return services.placement_create(
        acting_user=world.users["countystaff"], cadre=world.cadres[cadre_key], host_post=world.posts[post_key]
    )


# --- Transitions (拟任 → 在岗 → 期满 / 提前结束 / 召回) ----------------------------------------


def test_R9_start_sets_actual_start_and_records_history_audit_and_job(world):
    placement = _proposed(world)
    jobs = Job.objects.count()
    services.placement_start(acting_user=world.users["countystaff"], placement=placement, effective_date=dt.date(2026, 3, 5))
    placement.refresh_from_db()
    assert placement.status == S.ACTIVE
    assert placement.actual_start == dt.date(2026, 3, 5)
    assert placement.actual_end is None
    assert list(placement.status_changes.values_list("from_status", "to_status")) == [("", S.PROPOSED), (S.PROPOSED, S.ACTIVE)]
    change = placement.status_changes.get(to_status=S.ACTIVE)
    assert (change.effective_date, change.changed_by) == (dt.date(2026, 3, 5), world.users["countystaff"])
    audit = AuditLog.objects.get(action="placement_transition", target_id=str(placement.pk))
    assert audit.actor == world.users["countystaff"]
    assert audit.data == {"from": "proposed", "to": "active", "effective_date": "2026-03-05", "note": ""}
    # The status-change notice and the report schedule (R12, D5).
    assert Job.objects.count() == jobs + 2
    assert Job.objects.filter(task_name="reports.placement_reports_schedule", kwargs__placement_id=placement.pk).exists()
    job = Job.objects.get(task_name="programs.placement_status_changed", kwargs__placement_id=placement.pk)
    assert job.kwargs == {"placement_id": placement.pk, "status": "active"}
    assert job.status == Job.Status.PENDING


@pytest.mark.parametrize(
    ("move", "target", "note", "day"),
    [
        (services.placement_complete, S.COMPLETED, "", dt.date(2027, 2, 28)),
        (services.placement_end_early, S.ENDED_EARLY, "因工作需要提前返回原单位", dt.date(2026, 9, 1)),
        (services.placement_recall, S.RECALLED, "满意度测评低于50%,予以召回", dt.date(2026, 9, 1)),
    ],
    ids=["期满", "提前结束", "召回"],
)
def test_R9_ending_moves_set_actual_end_and_record_everything(world, move, target, note, day):
    placement = world.placement  # 在岗 since 2026-03-02, planned to end 2027-02-28
    jobs = Job.objects.count()
    move(acting_user=world.users["countystaff"], placement=placement, effective_date=day, note=note)
    placement.refresh_from_db()
    assert placement.status == target
    assert placement.actual_start == dt.date(2026, 3, 2)
    assert placement.actual_end == day
    assert placement.end_reason == note
    last = placement.status_changes.order_by("-id").first()
    assert (last.from_status, last.to_status, last.note, last.changed_by) == (S.ACTIVE, target, note, world.users["countystaff"])
    audit = AuditLog.objects.filter(action="placement_transition", target_id=str(placement.pk)).order_by("-id").first()
    assert audit.data["from"] == "active" and audit.data["to"] == target.value and audit.data["note"] == note
    assert Job.objects.count() == jobs + 2  # the status-change notice and the report schedule (D5)
    assert Job.objects.filter(task_name="programs.placement_status_changed", kwargs__status=target.value).exists()


def test_R9_a_parent_department_may_move_a_county_placement(world):
    services.placement_complete(acting_user=world.users["orgstaff"], placement=world.placement, effective_date=dt.date(2027, 2, 28))
    world.placement.refresh_from_db()
    assert world.placement.status == S.COMPLETED


REFUSED_MOVES = [
    (S.PROPOSED, S.COMPLETED),
    (S.PROPOSED, S.ENDED_EARLY),
    (S.PROPOSED, S.RECALLED),
    (S.PROPOSED, S.PROPOSED),
    (S.ACTIVE, S.PROPOSED),
    (S.ACTIVE, S.ACTIVE),
    (S.COMPLETED, S.ACTIVE),
    (S.COMPLETED, S.RECALLED),
    (S.ENDED_EARLY, S.ACTIVE),
    (S.RECALLED, S.COMPLETED),
]


def _placement_in(world, status):
    if status == S.PROPOSED:
        return _proposed(world)
    placement = world.placement
    if status != S.ACTIVE:
        services.placement_transition(
            acting_user=world.admin, placement=placement, to_status=status,
            effective_date=placement.planned_end if status == S.COMPLETED else dt.date(2026, 6, 30), note="测试",
        )
    return placement


def test_R9_completion_before_the_planned_end_is_refused(world):
    with pytest.raises(ProgramsError, match="期满日期 2026-09-01 早于计划结束日期 2027-02-28"):
        services.placement_complete(acting_user=world.admin, placement=world.placement, effective_date=dt.date(2026, 9, 1))
    world.placement.refresh_from_db()
    assert world.placement.status == S.ACTIVE and world.placement.actual_end is None


@pytest.mark.parametrize(("current", "target"), REFUSED_MOVES, ids=[f"{c.label}→{t.label}" for c, t in REFUSED_MOVES])
def test_R9_refused_move_names_both_states_and_changes_nothing(world, current, target):
    placement = _placement_in(world, current)
    before = _snapshot(placement)
    with pytest.raises(InvalidTransition) as excinfo:
        services.placement_transition(
            acting_user=world.users["countystaff"], placement=placement, to_status=target,
            effective_date=dt.date(2026, 12, 31), note="原因",
        )
    assert str(excinfo.value) == f"挂职安排不能从“{current.label}”变为“{target.label}”。"
    assert _snapshot(placement) == before


def test_R9_proposed_to_completed_message_in_chinese(world):
    placement = _proposed(world)
    with pytest.raises(InvalidTransition, match="拟任.*期满"):
        services.placement_complete(acting_user=world.admin, placement=placement)


def test_R9_unknown_state_is_refused(world):
    before = _snapshot(world.placement)
    with pytest.raises(InvalidTransition, match="未知的挂职安排状态“suspended”"):
        services.placement_transition(acting_user=world.admin, placement=world.placement, to_status="suspended")
    assert _snapshot(world.placement) == before


@pytest.mark.parametrize("move", [services.placement_end_early, services.placement_recall], ids=["提前结束", "召回"])
@pytest.mark.parametrize("note", ["", "   "])
def test_R9_ending_early_or_recalling_needs_a_reason(world, move, note):
    before = _snapshot(world.placement)
    with pytest.raises(ProgramsError, match="须说明原因"):
        move(acting_user=world.users["countystaff"], placement=world.placement, effective_date=dt.date(2026, 6, 1), note=note)
    assert _snapshot(world.placement) == before


def test_R9_end_date_before_the_start_is_refused(world):
    before = _snapshot(world.placement)
    with pytest.raises(ProgramsError) as excinfo:
        services.placement_complete(
            acting_user=world.users["countystaff"], placement=world.placement, effective_date=dt.date(2026, 3, 1)
        )
    assert "2026-03-01" in str(excinfo.value) and "2026-03-02" in str(excinfo.value)
    assert _snapshot(world.placement) == before


def test_R9_ending_on_the_start_day_is_allowed(world):
    services.placement_end_early(
        acting_user=world.users["countystaff"], placement=world.placement, effective_date=dt.date(2026, 3, 2),
        note="到岗当日因病返回",
    )
    world.placement.refresh_from_db()
    assert world.placement.actual_end == world.placement.actual_start


@pytest.mark.parametrize("username", ["gaopingstaff", "hzstaff", "hostunit", "sendunit", "cadre", "mentor", "nobody"])
def test_D1_other_users_may_not_move_a_placement(world, username):
    before = _snapshot(world.placement)
    with pytest.raises(ProgramAccessDenied):
        services.placement_complete(
            acting_user=world.users[username], placement=world.placement, effective_date=dt.date(2027, 2, 28)
        )
    assert _snapshot(world.placement) == before


def test_D1_staff_of_another_department_may_not_propose_a_placement(world):
    before = Placement.objects.count(), AuditLog.objects.count()
    with pytest.raises(ProgramAccessDenied):
        services.placement_create(
            acting_user=world.users["gaopingstaff"], cadre=world.cadres["zz_second"], host_post=world.posts["village"]
        )
    assert (Placement.objects.count(), AuditLog.objects.count()) == before


# --- One active placement per cadre; post places ---------------------------------------------


def test_R9_second_open_placement_for_a_cadre_is_refused(world):
    cadre = world.cadres["cadre"]  # 在岗 on the township post
    before = Placement.objects.count(), PlacementStatusChange.objects.count(), AuditLog.objects.count()
    with pytest.raises(PlacementConflict) as excinfo:
        services.placement_create(acting_user=world.users["countystaff"], cadre=cadre, host_post=world.posts["village"])
    assert "李明" in str(excinfo.value) and "只能有一个" in str(excinfo.value)
    assert (Placement.objects.count(), PlacementStatusChange.objects.count(), AuditLog.objects.count()) == before
    assert Placement.objects.filter(cadre=cadre, status__in=Placement.OPEN_STATUSES).count() == 1


def test_R9_a_proposed_placement_also_blocks_a_second_one(world):
    _proposed(world)
    with pytest.raises(PlacementConflict):
        _proposed(world, post_key="township")
    assert Placement.objects.filter(cadre=world.cadres["zz_second"]).count() == 1


def test_R9_after_the_placement_ends_the_cadre_may_be_placed_again(world):
    services.placement_complete(acting_user=world.admin, placement=world.placement, effective_date=dt.date(2027, 2, 28))
    again = services.placement_create(acting_user=world.admin, cadre=world.cadres["cadre"], host_post=world.posts["village"])
    assert again.status == S.PROPOSED
    assert Placement.objects.filter(cadre=world.cadres["cadre"]).count() == 2


def test_R9_database_refuses_a_second_open_placement_written_directly(world):
    cadre = world.cadres["cadre"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            cadre=cadre, program=world.program, host_post=world.posts["village"], status=S.PROPOSED,
            planned_start=dt.date(2026, 3, 1), planned_end=dt.date(2027, 2, 28),
        )
    assert Placement.objects.filter(cadre=cadre).count() == 1


def test_R9_database_allows_closed_placements_beside_an_open_one(world):
    cadre = world.cadres["cadre"]
    Placement.objects.create(
        cadre=cadre, program=world.program, host_post=world.posts["village"], status=S.COMPLETED,
        planned_start=dt.date(2024, 3, 1), planned_end=dt.date(2025, 2, 28),
        actual_start=dt.date(2024, 3, 1), actual_end=dt.date(2025, 2, 28),
    )
    assert Placement.objects.filter(cadre=cadre).count() == 2


def test_R10_post_with_one_place_refuses_a_second_cadre(world):
    _proposed(world)  # 王芳 takes the village post's only place
    other = make_cadre(acting_user=world.admin, name="韩冬", sending_unit=world.units["zz_drc"])
    before = Placement.objects.count(), AuditLog.objects.count()
    with pytest.raises(PlacementConflict) as excinfo:
        services.placement_create(acting_user=world.users["countystaff"], cadre=other, host_post=world.posts["village"])
    assert "村党支部第一书记" in str(excinfo.value) and "共 1 个名额" in str(excinfo.value)
    assert (Placement.objects.count(), AuditLog.objects.count()) == before


def test_R10_a_place_frees_when_its_placement_ends(world):
    first = _proposed(world)
    services.placement_start(acting_user=world.admin, placement=first, effective_date=dt.date(2026, 3, 2))
    services.placement_end_early(acting_user=world.admin, placement=first, effective_date=dt.date(2026, 5, 1), note="调整岗位")
    other = make_cadre(acting_user=world.admin, name="韩冬", sending_unit=world.units["zz_drc"])
    assert services.placement_create(acting_user=world.admin, cadre=other, host_post=world.posts["village"]).pk


def test_R9_planned_end_must_follow_planned_start(world):
    with pytest.raises(ProgramsError, match="计划结束日期应晚于计划开始日期"):
        services.placement_create(
            acting_user=world.admin, cadre=world.cadres["zz_second"], host_post=world.posts["village"],
            planned_start=dt.date(2026, 6, 1), planned_end=dt.date(2026, 6, 1),
        )
    assert not Placement.objects.filter(cadre=world.cadres["zz_second"]).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R9_one_active_placement_holds_for_two_writers(transactional_world):
    w = transactional_world
    cadre = w.cadres["zz_second"]
    posts = [w.posts["township"], w.posts["village"]]  # two different posts, both with a free place
    results = race([
        lambda post=post: services.placement_create(acting_user=w.users["countystaff"], cadre=cadre, host_post=post)
        for post in posts
    ])
    successes = [r for r in results if isinstance(r, Placement)]
    conflicts = [r for r in results if isinstance(r, PlacementConflict)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert "王芳" in str(conflicts[0])
    open_placements = Placement.objects.filter(cadre=cadre, status__in=Placement.OPEN_STATUSES)
    assert open_placements.count() == 1
    assert open_placements.get().pk == successes[0].pk
    assert AuditLog.objects.filter(action="placement_create", target_id=str(successes[0].pk)).count() == 1
    assert AuditLog.objects.filter(action="placement_create", actor=w.users["countystaff"]).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R10_last_place_of_a_post_holds_for_two_writers(transactional_world):
    w = transactional_world
    post = w.posts["village"]  # one place
    cadres = [w.cadres["zz_second"], make_cadre(acting_user=w.admin, name="韩冬", sending_unit=w.units["zz_drc"])]
    results = race([
        lambda cadre=cadre: services.placement_create(acting_user=w.users["countystaff"], cadre=cadre, host_post=post)
        for cadre in cadres
    ])
    assert sorted(type(r).__name__ for r in results) == ["Placement", "PlacementConflict"], results
    assert post.placements.filter(status__in=Placement.OPEN_STATUSES).count() == 1


# --- Managing department (D1) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_key", "rank", "expected"),
    [
        ("city_drc", Cadre.Rank.COUNTY_DEPUTY, "city"),
        ("zz_drc", Cadre.Rank.COUNTY_FULL, "city"),
        ("gp_bureau", Cadre.Rank.COUNTY_DEPUTY, "city"),
        ("zz_drc", Cadre.Rank.BUREAU_DEPUTY, "city"),
        ("zz_drc", Cadre.Rank.TOWNSHIP_DEPUTY, "zezhou"),
        ("zz_township", Cadre.Rank.TOWNSHIP_FULL, "zezhou"),
        ("zz_village", Cadre.Rank.GENERAL, "zezhou"),
        ("gp_bureau", Cadre.Rank.TOWNSHIP_FULL, "gaoping"),
        ("city_drc", Cadre.Rank.TOWNSHIP_DEPUTY, "city"),
        ("city_drc", Cadre.Rank.GENERAL, "city"),
        ("hz_bureau", Cadre.Rank.TOWNSHIP_DEPUTY, "hangzhou"),
    ],
)
def test_D1_default_managing_department(world, unit_key, rank, expected):
    cadre = make_cadre(acting_user=world.admin, name="默认管理", sending_unit=world.units[unit_key], rank=rank)
    department = getattr(world, expected)
    assert cadre.managing_department == department
    history = ManagingDepartmentChange.objects.get(cadre=cadre)
    assert (history.department, history.reason, history.changed_by) == (department, "登记", world.admin)
    assert AuditLog.objects.filter(action="cadre_create", target_id=str(cadre.pk)).exists()


def test_D1_county_level_cadre_of_a_county_under_a_county_department_goes_to_the_city(world):
    # A department tree three levels deep: the city is found however far down the unit sits.
    district = make_department("泽州县某开发区工委组织部", level=OrgDepartment.Level.COUNTY, region="泽州县", parent=world.zezhou)
    unit = make_unit("泽州县开发区管委会", level=4, kind="party_government", department=district)
    cadre = make_cadre(acting_user=world.admin, name="钱峰", sending_unit=unit, rank=Cadre.Rank.COUNTY_DEPUTY)
    assert cadre.managing_department == world.city


def test_D1_changing_the_managing_department_keeps_history_and_audit(world):
    cadre = world.cadres["gp_cadre"]
    services.cadre_set_managing_department(
        acting_user=world.users["orgstaff"], cadre=cadre, department=world.city, valid_from=dt.date(2026, 7, 1),
        reason="提任副县级",
    )
    cadre.refresh_from_db()
    assert cadre.managing_department == world.city
    history = list(cadre.managing_history.order_by("id").values_list("department__name", "valid_from", "reason"))
    assert history[0][0] == "高平市委组织部" and history[0][2] == "登记"
    assert history[1] == ("晋城市委组织部", dt.date(2026, 7, 1), "提任副县级")
    audit = AuditLog.objects.get(action="cadre_set_managing_department", target_id=str(cadre.pk))
    assert audit.actor == world.users["orgstaff"]
    assert audit.data == {"from": "高平市委组织部", "to": "晋城市委组织部", "valid_from": "2026-07-01", "reason": "提任副县级"}


def test_D1_cadre_update_routes_a_department_change_through_the_history(world):
    cadre = world.cadres["zz_second"]
    services.cadre_update(acting_user=world.users["orgstaff"], cadre=cadre, current_post="办公室主任", managing_department=world.city)
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.managing_department) == ("办公室主任", world.city)
    assert cadre.managing_history.count() == 2
    update = AuditLog.objects.get(action="cadre_update", target_id=str(cadre.pk))
    assert update.data == {"current_post": ["副科长", "办公室主任"]}
    assert AuditLog.objects.filter(action="cadre_set_managing_department", target_id=str(cadre.pk)).exists()


@pytest.mark.parametrize("username", ["hzstaff", "gaopingstaff", "hostunit", "cadre"])
def test_D1_others_may_not_change_the_managing_department(world, username):
    cadre = world.cadres["cadre"]
    with pytest.raises(ProgramAccessDenied):
        services.cadre_set_managing_department(
            acting_user=world.users[username], cadre=cadre, department=world.city, valid_from=dt.date(2026, 7, 1)
        )
    cadre.refresh_from_db()
    assert cadre.managing_department == world.zezhou
    assert cadre.managing_history.count() == 1
    assert not AuditLog.objects.filter(action="cadre_set_managing_department").exists()


def test_D1_staff_may_not_hand_a_cadre_to_a_department_outside_their_subtree(world):
    cadre = world.cadres["cadre"]
    with pytest.raises(ProgramAccessDenied):
        services.cadre_set_managing_department(
            acting_user=world.users["countystaff"], cadre=cadre, department=world.hangzhou, valid_from=dt.date(2026, 7, 1)
        )
    cadre.refresh_from_db()
    assert cadre.managing_department == world.zezhou


def test_D1_staff_may_not_register_a_cadre_of_another_department(world):
    before = Cadre.objects.count(), AuditLog.objects.count()
    with pytest.raises(ProgramAccessDenied):
        make_cadre(acting_user=world.users["hzstaff"], name="越权", sending_unit=world.units["zz_drc"])
    assert (Cadre.objects.count(), AuditLog.objects.count()) == before


# --- Programs and policies (D2, R8) ----------------------------------------------------------


def _program(world, *, preset_code=None, name="信访岗位挂职", start=dt.date(2026, 3, 1), user="countystaff"):
    return services.program_create(
        acting_user=world.users[user], name=name, secondment_type=SecondmentType.LATERAL, year=2026,
        organising_department=world.zezhou, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code=preset_code) if preset_code else None,
    )


def test_D2_program_copies_the_preset_and_later_preset_edits_do_not_reach_it(world):
    program = _program(world, preset_code="jiangdong")
    policy = program.policy
    assert policy.preset.code == "jiangdong"
    assert (policy.term_months, policy.reserve_cadres_only, policy.mentors_per_cadre) == (6, True, 2)
    services.policy_preset_update(
        acting_user=world.admin, preset=PolicyPreset.objects.get(code="jiangdong"), term_months=9,
        reserve_cadres_only=False,
    )
    policy = ProgramPolicy.objects.get(program=program)
    assert (policy.term_months, policy.reserve_cadres_only) == (6, True)
    audit = AuditLog.objects.get(action="program_create", target_id=str(program.pk))
    assert audit.data == {"preset": "jiangdong"} and audit.actor == world.users["countystaff"]


@pytest.mark.parametrize(
    ("preset_code", "start", "planned_end"),
    [
        ("jiangdong", dt.date(2026, 3, 1), dt.date(2026, 8, 31)),  # 6 months
        (None, dt.date(2026, 3, 1), dt.date(2027, 2, 28)),  # 晋城 default: 1 year
        ("anqiu", dt.date(2026, 9, 1), dt.date(2027, 8, 31)),  # 1 year
        ("huaishang", dt.date(2026, 1, 1), dt.date(2028, 12, 31)),  # several years
        ("jiangdong", dt.date(2026, 8, 31), dt.date(2027, 2, 27)),  # end of month: 2-28 is the next term's first day
    ],
)
def test_R8_planned_end_defaults_from_the_term(world, preset_code, start, planned_end):
    program = _program(world, preset_code=preset_code, start=start)
    assert program.planned_end == planned_end


def test_D2_without_a_preset_the_program_copies_the_default(world):
    program = _program(world)
    assert program.policy.preset.code == "jincheng"
    assert program.policy.policy_values() == PolicyPreset.objects.get(code="jincheng").policy_values()


def test_D2_policy_update_is_audited_with_its_diff(world):
    program = _program(world, preset_code="jiangdong")
    services.program_policy_update(
        acting_user=world.users["countystaff"], program=program, term_months=9, leave_threshold_days="3.5",
        reserve_cadres_only=True,
    )
    policy = ProgramPolicy.objects.get(program=program)
    assert policy.term_months == 9 and str(policy.leave_threshold_days) == "3.5"
    audit = AuditLog.objects.get(action="program_policy_update", target_id=str(program.pk))
    assert audit.actor == world.users["countystaff"]
    # Unchanged fields stay out of the diff; the preset keeps its value.
    assert audit.data == {"term_months": [6, 9], "leave_threshold_days": ["3.0", "3.5"]}
    assert PolicyPreset.objects.get(code="jiangdong").term_months == 6


def test_D2_policy_update_without_a_change_writes_no_audit_row(world):
    program = _program(world)
    services.program_policy_update(acting_user=world.admin, program=program, term_months=12, leave_threshold_days="3")
    assert not AuditLog.objects.filter(action="program_policy_update").exists()


def test_D2_policy_update_refuses_unknown_fields(world):
    program = _program(world)
    with pytest.raises(ProgramsError) as excinfo:
        services.program_policy_update(acting_user=world.users["countystaff"], program=program, term_months=3, colour="红")
    assert "未知的政策项" in str(excinfo.value) and "colour" in str(excinfo.value)
    assert ProgramPolicy.objects.get(program=program).term_months == 12
    assert not AuditLog.objects.filter(action="program_policy_update").exists()


def test_D2_policy_update_refuses_invalid_values(world):
    program = _program(world)
    with pytest.raises(ProgramsError):
        services.program_policy_update(acting_user=world.users["countystaff"], program=program, recall_below_percent=70)
    assert ProgramPolicy.objects.get(program=program).recall_below_percent == 50
    assert not AuditLog.objects.filter(action="program_policy_update").exists()


def test_D2_staff_of_another_department_may_not_edit_a_policy(world):
    program = _program(world)
    with pytest.raises(ProgramAccessDenied):
        services.program_policy_update(acting_user=world.users["hzstaff"], program=program, term_months=3)
    assert ProgramPolicy.objects.get(program=program).term_months == 12


def test_D2_staff_may_not_create_a_program_for_another_department(world):
    before = AuditLog.objects.count()
    with pytest.raises(ProgramAccessDenied):
        _program(world, user="gaopingstaff")
    assert AuditLog.objects.count() == before
    assert not world.zezhou.programs.filter(name="信访岗位挂职").exists()


def test_D2_program_name_is_unique_per_department_and_year(world):
    _program(world)
    with pytest.raises(ProgramsError):
        _program(world)
    assert world.zezhou.programs.filter(name="信访岗位挂职").count() == 1


def test_R10_host_post_of_a_new_program_takes_placements(world):
    program = _program(world, preset_code="jiangdong")
    post = services.host_post_create(acting_user=world.users["countystaff"], program=program, host_unit=world.units["zz_petition"], title="信访局副局长", places=3)
    placement = services.placement_create(acting_user=world.users["countystaff"], cadre=world.cadres["zz_second"], host_post=post)
    assert placement.planned_end == dt.date(2026, 8, 31)


def test_R9_party_relation_moves_only_where_the_policy_moves_it_and_only_for_party_members(world):
    staff = world.users["countystaff"]
    services.program_policy_update(acting_user=world.admin, program=world.program, party_relation_moves=False)
    with pytest.raises(ProgramsError, match="该项目的组织关系不随转"):
        services.placement_update(acting_user=staff, placement=world.placement, party_relation_moved=True)
    services.program_policy_update(acting_user=world.admin, program=world.program, party_relation_moves=True)
    services.placement_update(acting_user=staff, placement=world.placement, party_relation_moved=True)
    world.placement.refresh_from_db()
    assert world.placement.party_relation_moved
    assert AuditLog.objects.filter(action="placement_party_relation_set", actor=staff).exists()
    Cadre.objects.filter(pk=world.cadres["cadre"].pk).update(political_status=Cadre.PoliticalStatus.MASSES)
    services.placement_update(acting_user=staff, placement=world.placement, party_relation_moved=False)
    with pytest.raises(ProgramsError, match="李明 不是中共党员"):
        services.placement_update(acting_user=staff, placement=world.placement, party_relation_moved=True)
