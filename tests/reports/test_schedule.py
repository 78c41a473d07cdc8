"""Report schedules (R12, D5): from each preset, and after the placement's dates change."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from core.models import AuditLog, Job
from programs import services as program_services
from programs.exceptions import ProgramsError
from programs.models import PolicyPreset, ProgramPolicy
from reports.models import Report
from reports.services.schedule import planned_reports, reports_schedule
from reports.tasks import schedule_all

K = Report.Kind
S = Report.Status
pytestmark = pytest.mark.django_db


def plan_of(placement):
    placement.refresh_from_db()
    return [(item.kind, item.period_start, item.period_end, item.due_date)
            for item in planned_reports(placement, placement.program.policy)]


def rows(placement):
    return list(placement.reports.order_by("due_date", "kind").values_list("kind", "sequence", "period_start", "due_date", "status"))


def program_with(world, preset_code: str, *, start=dt.date(2026, 3, 1), **policy):
    program = program_services.program_create(
        acting_user=world.admin, name=f"{preset_code} 项目", secondment_type="down", year=2026,
        organising_department=world.zezhou, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code=preset_code),
    )
    if policy:
        program_services.program_policy_update(acting_user=world.admin, program=program, **policy)
        program.refresh_from_db()
    return program


def placed(world, program, *, start=dt.date(2026, 3, 2)):
    post = program.posts.create(host_unit=world.units["zz_township"], title="副镇长", places=1)
    placement = program_services.placement_create(acting_user=world.admin, cadre=world.cadres["zz_second"], host_post=post)
    program_services.placement_start(acting_user=world.admin, placement=placement, effective_date=start)
    placement.refresh_from_db()
    return placement


def test_D5_jincheng_one_year_half_year_annual_quarterly_and_term_end(world):
    placement = world.placement  # 晋城 preset, 2026-03-02 → 2027-02-28
    assert (placement.actual_start, placement.planned_end) == (dt.date(2026, 3, 2), dt.date(2027, 2, 28))
    assert plan_of(placement) == [
        (K.QUARTERLY, dt.date(2026, 3, 2), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
        (K.QUARTERLY, dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
        # First half-year: 2026-03-02 … 2026-09-01, due 15 days later.
        (K.HALF_YEAR, dt.date(2026, 3, 2), dt.date(2026, 9, 1), dt.date(2026, 9, 16)),
        (K.QUARTERLY, dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
        (K.QUARTERLY, dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 10)),
        # The calendar year 2026 (年度考核), due 15 January.
        (K.ANNUAL, dt.date(2026, 3, 2), dt.date(2026, 12, 31), dt.date(2027, 1, 15)),
        # The second half-year ends with the term: the term-end report replaces it, and it covers
        # the incomplete quarter and year 2027.
        (K.TERM_END, dt.date(2026, 3, 2), dt.date(2027, 2, 28), dt.date(2027, 2, 28)),
    ]


def test_D5_anqiu_no_quarterly_reports(world):
    placement = placed(world, program_with(world, "anqiu"))
    kinds = [kind for kind, *_ in plan_of(placement)]
    assert kinds == [K.HALF_YEAR, K.ANNUAL, K.TERM_END]


def test_D5_jiangdong_six_months_only_the_term_end_report(world):
    placement = placed(world, program_with(world, "jiangdong"))
    assert placement.planned_end == dt.date(2026, 8, 31)
    # The only half-year ends with the term: replaced; 2026 is incomplete: covered.
    assert plan_of(placement) == [(K.TERM_END, dt.date(2026, 3, 2), dt.date(2026, 8, 31), dt.date(2026, 8, 31))]


def test_D5_huaishang_three_years(world):
    placement = placed(world, program_with(world, "huaishang"))
    plan = plan_of(placement)
    half_years = [(start, due) for kind, start, _end, due in plan if kind == K.HALF_YEAR]
    assert len(half_years) == 5  # the sixth ends with the term
    assert half_years[1] == (dt.date(2026, 9, 2), dt.date(2027, 3, 16))
    assert [due for kind, _s, _e, due in plan if kind == K.ANNUAL] == [
        dt.date(2027, 1, 15), dt.date(2028, 1, 15), dt.date(2029, 1, 15)]
    assert plan[-1][0] == K.TERM_END and plan[-1][3] == placement.planned_end


def test_D5_hangzhou_and_offsets_are_policy_settings(world):
    program = program_with(world, "hangzhou", half_year_due_days=30, annual_due_month=1, annual_due_day=31)
    plan = plan_of(placed(world, program))
    assert (K.HALF_YEAR, dt.date(2026, 3, 2), dt.date(2026, 9, 1), dt.date(2026, 10, 1)) in plan
    assert (K.ANNUAL, dt.date(2026, 3, 2), dt.date(2026, 12, 31), dt.date(2027, 1, 31)) in plan


def test_D5_an_annual_summary_due_on_29_february_is_due_on_the_28th_in_a_common_year(world):
    program = program_with(world, "huaishang", start=dt.date(2026, 1, 1), annual_due_month=2, annual_due_day=29)
    plan = plan_of(placed(world, program, start=dt.date(2026, 1, 5)))
    assert [due for kind, _s, _e, due in plan if kind == K.ANNUAL] == [
        dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 2, 28)]


def test_D2_a_policy_the_schedule_cannot_read_never_reaches_the_nightly_job(world):
    """Month 13 used to be stored and then crash every night's run (calendar.IllegalMonthError)."""
    with pytest.raises(ProgramsError, match="年度总结截止月：不能大于 12。"):
        program_services.program_policy_update(acting_user=world.admin, program=world.program, annual_due_month=13)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramPolicy.objects.filter(program=world.program).update(annual_due_month=13)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramPolicy.objects.filter(program=world.program).update(annual_due_month=4, annual_due_day=31)
    assert schedule_all.apply().get() == 1
    assert world.placement.reports.get(kind=K.ANNUAL).due_date == dt.date(2027, 1, 15)


def test_D5_without_a_term_end_report_the_last_half_year_and_year_are_reported(world):
    program = program_with(world, "anqiu", term_end_report=False)
    plan = plan_of(placed(world, program))
    assert [(kind, due) for kind, _s, _e, due in plan] == [
        (K.HALF_YEAR, dt.date(2026, 9, 16)), (K.ANNUAL, dt.date(2027, 1, 15)),
        (K.HALF_YEAR, dt.date(2027, 3, 15)), (K.ANNUAL, dt.date(2028, 1, 15)),
    ]


def test_R12_starting_a_placement_requests_its_schedule_through_the_outbox(world):
    jobs = Job.objects.filter(task_name="reports.placement_reports_schedule", kwargs={"placement_id": world.placement.pk})
    assert jobs.count() == 1  # from placement_start in the world
    result = reports_schedule(placement=world.placement)
    assert len(result.created) == 7 and Report.objects.filter(placement=world.placement).count() == 7
    assert AuditLog.objects.filter(action="reports_schedule", target_id=str(world.placement.pk)).count() == 1


def test_D5_schedule_is_idempotent(world):
    reports_schedule(placement=world.placement)
    before = rows(world.placement)
    again = reports_schedule(placement=world.placement)
    assert not again.changed and rows(world.placement) == before
    assert AuditLog.objects.filter(action="reports_schedule").count() == 1


def test_D5_a_proposed_placement_owes_nothing_yet(world):
    assert not reports_schedule(placement=world.hz_placement).changed
    assert not world.hz_placement.reports.exists()


def test_D5_extension_moves_unsubmitted_reports_and_adds_new_ones(world):
    reports_schedule(placement=world.placement)
    submitted = world.placement.reports.get(kind=K.QUARTERLY, sequence=1)
    Report.objects.filter(pk=submitted.pk).update(status=S.SUBMITTED, first_submitted_at="2026-04-08T09:00:00+08:00",
                                                  submitted_at="2026-04-08T09:00:00+08:00")
    program_services.placement_update(acting_user=world.admin, placement=world.placement, planned_end=dt.date(2027, 8, 31))
    assert Job.objects.filter(task_name="reports.placement_reports_schedule").count() == 2
    result = reports_schedule(placement=world.placement)
    term_end = world.placement.reports.get(kind=K.TERM_END)
    assert term_end.due_date == dt.date(2027, 8, 31) and term_end in result.updated
    # The second half-year no longer ends with the term: it is due now.
    assert world.placement.reports.filter(kind=K.HALF_YEAR, period_start=dt.date(2026, 9, 2), due_date=dt.date(2027, 3, 16)).exists()
    # The submitted report is untouched.
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.due_date == dt.date(2026, 4, 10)


def test_D5_shortening_cancels_what_the_plan_no_longer_needs_and_an_extension_restores_it(world):
    program_services.placement_update(acting_user=world.admin, placement=world.placement, planned_end=dt.date(2027, 8, 31))
    reports_schedule(placement=world.placement)
    second_half = world.placement.reports.get(kind=K.HALF_YEAR, sequence=2)
    second_half.draft = {"work": "草稿内容"}
    second_half.save()
    program_services.placement_update(acting_user=world.admin, placement=world.placement, planned_end=dt.date(2027, 2, 28))
    result = reports_schedule(placement=world.placement)
    second_half.refresh_from_db()
    assert second_half.status == S.CANCELLED and second_half in result.cancelled
    assert second_half.draft == {"work": "草稿内容"}  # drafts are kept
    program_services.placement_update(acting_user=world.admin, placement=world.placement, planned_end=dt.date(2027, 8, 31))
    result = reports_schedule(placement=world.placement)
    second_half.refresh_from_db()
    assert second_half.status == S.PENDING and second_half in result.restored


def test_D5_early_end_cancels_reports_not_yet_due_and_keeps_drafts(world):
    reports_schedule(placement=world.placement)
    annual = world.placement.reports.get(kind=K.ANNUAL)
    annual.draft = {"summary": "年度总结草稿"}
    annual.save()
    program_services.placement_transition(
        acting_user=world.admin, placement=world.placement, to_status="ended_early", effective_date=dt.date(2026, 11, 30),
        note="工作需要，提前返回",
    )
    reports_schedule(placement=world.placement)
    states = {(r.kind, r.sequence): r.status for r in world.placement.reports.all()}
    # Already due by the end: kept (and shown as missing if never submitted).
    assert states[(K.QUARTERLY, 1)] == states[(K.HALF_YEAR, 1)] == S.PENDING
    # Not yet due by the end: cancelled, the draft kept.
    assert states[(K.QUARTERLY, 4)] == states[(K.ANNUAL, 1)] == S.CANCELLED
    annual.refresh_from_db()
    assert annual.draft == {"summary": "年度总结草稿"}
    # The term-end report is now due on the day the placement ended.
    assert world.placement.reports.get(kind=K.TERM_END).due_date == dt.date(2026, 11, 30)
