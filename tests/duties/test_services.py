"""Duties services (R9, R10, R14): who may do what, refusals by role and by policy flag, audit
rows and notifications, all asserted on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from core.exceptions import AccessDenied
from core.models import AuditLog, Notification
from duties import services
from duties.exceptions import AlreadyDone, DutiesError, InvalidCaseTransition, PolicyNotInUse
from duties.models import CaseProgress, EarlyWarning, FeedbackCard, IntegrityUndertaking, OwnedCase, TrainingRecord
from programs import services as program_services
from programs.exceptions import ProgramsError
from programs.models import Cadre, Placement

from .conftest import policy_set

DAY = dt.date(2026, 4, 10)


def audited(action, actor) -> bool:
    return AuditLog.objects.filter(action=action, actor=actor).exists()


# --- R10: division of work and targets -----------------------------------------------------------


@pytest.mark.parametrize("username", ["hostunit", "hostclerk", "countystaff"])
def test_R10_host_unit_sets_division_of_work_and_targets(duties, username):
    user = duties.users[username]
    services.placement_duties_set(acting_user=user, placement=duties.placement, division_of_work="分管招商引资",
                                  work_targets="引进项目2个")
    placement = Placement.objects.get(pk=duties.placement.pk)
    assert (placement.division_of_work, placement.work_targets) == ("分管招商引资", "引进项目2个")
    log = AuditLog.objects.get(action="placement_duties_set", actor=user)
    assert log.data["division_of_work"] == ["", "分管招商引资"]


@pytest.mark.parametrize("username", ["cadre", "gphost", "township", "sendunit", "mentor", "gaopingstaff", "nobody"])
def test_R10_others_may_not_set_division_of_work(duties, username):
    with pytest.raises(AccessDenied, match="只有挂职单位"):
        services.placement_duties_set(acting_user=duties.users[username], placement=duties.placement,
                                      division_of_work="x", work_targets="y")
    assert not AuditLog.objects.filter(action="placement_duties_set").exists()


# --- R9: party relation -------------------------------------------------------------------------


def test_R9_staff_record_the_party_relation_moved_where_policy_moves_it(duties):
    staff = duties.users["countystaff"]
    program_services.placement_party_relation_set(acting_user=staff, placement=duties.placement, moved=True)
    assert Placement.objects.get(pk=duties.placement.pk).party_relation_moved is True
    assert audited("placement_party_relation_set", staff)


def test_R9_party_relation_refused_when_policy_does_not_move_it(duties):
    policy_set(duties.program, party_relation_moves=False)
    with pytest.raises(ProgramsError, match="该项目的组织关系不随转"):
        program_services.placement_party_relation_set(acting_user=duties.users["countystaff"], placement=duties.placement, moved=True)


def test_R9_host_unit_may_not_record_the_party_relation(duties):
    with pytest.raises(AccessDenied, match="只有组织部工作人员"):
        program_services.placement_party_relation_set(acting_user=duties.users["hostunit"], placement=duties.placement, moved=True)


def test_R9_party_relation_of_a_non_member_is_refused(duties):
    Cadre.objects.filter(pk=duties.placement.cadre_id).update(political_status=Cadre.PoliticalStatus.MASSES)
    with pytest.raises(ProgramsError, match="不是中共党员"):
        program_services.placement_party_relation_set(acting_user=duties.users["countystaff"], placement=duties.placement, moved=True)


# --- R14 江东: exchange meetings ------------------------------------------------------------------


def test_R14_staff_record_a_monthly_exchange_meeting(duties):
    staff = duties.users["countystaff"]
    meeting = services.exchange_meeting_record(acting_user=staff, program=duties.program, held_on=DAY, topic="四月交流会",
                                               summary="逐一汇报", attendees=[duties.placement, duties.village])
    assert set(meeting.attendees.all()) == {duties.placement, duties.village}
    assert audited("exchange_meeting_record", staff)


def test_R14_exchange_meeting_refused_when_policy_does_not_hold_them(duties):
    policy_set(duties.program, monthly_exchange_meeting=False)
    with pytest.raises(PolicyNotInUse, match="该项目未实行每月经验交流会制度"):
        services.exchange_meeting_record(acting_user=duties.users["countystaff"], program=duties.program, held_on=DAY,
                                         topic="x")


@pytest.mark.parametrize("username", ["hostunit", "cadre", "gaopingstaff", "hzstaff"])
def test_R14_exchange_meeting_only_by_staff_running_the_program(duties, username):
    with pytest.raises(AccessDenied):
        services.exchange_meeting_record(acting_user=duties.users[username], program=duties.program, held_on=DAY, topic="x")


def test_R14_exchange_meeting_attendees_come_from_the_program(duties):
    with pytest.raises(DutiesError, match="只能是本项目的挂职干部"):
        services.exchange_meeting_record(acting_user=duties.users["countystaff"], program=duties.program, held_on=DAY,
                                         topic="x", attendees=[duties.hz_placement])


def test_R14_changing_a_meetings_attendees_is_audited_with_before_and_after(duties):
    staff = duties.users["countystaff"]
    meeting = services.exchange_meeting_record(acting_user=staff, program=duties.program, held_on=DAY, topic="四月交流会",
                                               attendees=[duties.placement])
    services.exchange_meeting_update(acting_user=staff, meeting=meeting, attendees=[duties.placement, duties.village])
    assert set(meeting.attendees.all()) == {duties.placement, duties.village}
    log = AuditLog.objects.get(action="exchange_meeting_update")
    assert log.data == {"attendees": [[duties.placement.pk], sorted([duties.placement.pk, duties.village.pk])]}
    services.exchange_meeting_update(acting_user=staff, meeting=meeting, attendees=[duties.village, duties.placement])
    assert AuditLog.objects.filter(action="exchange_meeting_update").count() == 1  # unchanged: no audit row


# --- R14 江东: owned cases ------------------------------------------------------------------------


def open_case(duties, user=None):
    return services.owned_case_open(acting_user=user or duties.users["hostunit"], placement=duties.placement,
                                    title="重复信访件", opened_on=DAY, description="征地补偿")


def test_R14_owned_case_progresses_to_closure(duties):
    host, cadre = duties.users["hostunit"], duties.users["cadre"]
    case = open_case(duties)
    services.case_progress_add(acting_user=cadre, case=case, date=DAY + dt.timedelta(days=3), note="约见信访人")
    services.case_progress_add(acting_user=duties.users["hostclerk"], case=case, date=DAY + dt.timedelta(days=5), note="调阅台账")
    services.owned_case_close(acting_user=host, case=case, closed_on=DAY + dt.timedelta(days=30), outcome="息诉罢访")
    case.refresh_from_db()
    assert case.status == OwnedCase.Status.CLOSED and case.closed_by == host and case.outcome == "息诉罢访"
    assert list(case.progress.values_list("note", "closes_case")) == [("约见信访人", False), ("调阅台账", False), ("息诉罢访", True)]
    for action, actor in [("owned_case_open", host), ("case_progress_add", cadre), ("owned_case_close", host)]:
        assert audited(action, actor)


def test_R14_owned_case_refused_when_policy_has_no_cases(duties):
    policy_set(duties.program, owned_cases=False)
    with pytest.raises(PolicyNotInUse, match="该项目未实行包案制度"):
        open_case(duties)


def test_R14_closed_case_cannot_close_again_naming_both_states(duties):
    case = open_case(duties)
    services.owned_case_close(acting_user=duties.users["hostunit"], case=case, closed_on=DAY, outcome="办结")
    with pytest.raises(InvalidCaseTransition, match="包案状态为“已办结”，不能变更为“已办结”"):
        services.owned_case_close(acting_user=duties.users["hostunit"], case=case, closed_on=DAY, outcome="again")
    with pytest.raises(DutiesError, match="已办结，不能再记录进展"):
        services.case_progress_add(acting_user=duties.users["cadre"], case=case, date=DAY, note="x")


@pytest.mark.parametrize("username", ["othercadre", "gphost", "township", "sendunit", "mentor", "countystaff"])
def test_R14_case_progress_only_by_host_unit_or_the_cadre(duties, username):
    case = open_case(duties)
    with pytest.raises(AccessDenied):
        services.case_progress_add(acting_user=duties.users[username], case=case, date=DAY, note="x")
    assert case.progress.count() == 0


@pytest.mark.parametrize("username", ["cadre", "gphost", "township", "gaopingstaff"])
def test_R14_case_closure_not_by_the_cadre_or_other_units(duties, username):
    case = open_case(duties)
    with pytest.raises(AccessDenied):
        services.owned_case_close(acting_user=duties.users[username], case=case, closed_on=DAY, outcome="x")
    assert OwnedCase.objects.get(pk=case.pk).status == OwnedCase.Status.OPEN


def test_R14_case_cannot_close_before_it_opened(duties):
    case = open_case(duties)
    with pytest.raises(DutiesError, match="办结日期不能早于包案日期"):
        services.owned_case_close(acting_user=duties.users["hostunit"], case=case, closed_on=DAY - dt.timedelta(days=1),
                                  outcome="x")


# --- R14 淮上: feedback cards ---------------------------------------------------------------------


@pytest.mark.parametrize("username", ["villagecadre", "villagehost"])
def test_R14_feedback_card_reaches_the_supervising_township(duties, username):
    user = duties.users[username]
    card = services.feedback_card_report(acting_user=user, placement=duties.village, matter="土地流转方案",
                                         decided_on=DAY, content="村两委会议通过")
    assert card.township == duties.world.units["zz_township"]
    assert audited("feedback_card_report", user)
    recipients = set(Notification.objects.filter(topic=f"duties.feedbackcard:{card.pk}").values_list("recipient__username", flat=True))
    assert recipients == {"township"}


def test_R14_feedback_card_only_for_village_placements(duties):
    with pytest.raises(DutiesError, match="只适用于到村任职"):
        services.feedback_card_report(acting_user=duties.users["cadre"], placement=duties.placement, matter="x",
                                      decided_on=DAY, content="y")


def test_R14_feedback_card_refused_when_policy_has_no_cards(duties):
    policy_set(duties.program, feedback_cards=False)
    with pytest.raises(PolicyNotInUse, match="该项目未实行村级决策信息反馈制度"):
        services.feedback_card_report(acting_user=duties.users["villagecadre"], placement=duties.village, matter="x",
                                      decided_on=DAY, content="y")


@pytest.mark.parametrize("username", ["cadre", "hostunit", "township", "countystaff", "sendunit", "nobody"])
def test_R14_feedback_card_reported_only_by_the_village_host_or_the_cadre(duties, username):
    with pytest.raises(AccessDenied):
        services.feedback_card_report(acting_user=duties.users[username], placement=duties.village, matter="x",
                                      decided_on=DAY, content="y")


def test_R2_township_acknowledges_a_feedback_card_once(duties):
    card = services.feedback_card_report(acting_user=duties.users["villagecadre"], placement=duties.village, matter="x",
                                         decided_on=DAY, content="y")
    for username in ("gphost", "countystaff", "villagehost"):
        with pytest.raises(AccessDenied):
            services.feedback_card_acknowledge(acting_user=duties.users[username], card=card)
    services.feedback_card_acknowledge(acting_user=duties.users["township"], card=card, note="同意")
    card.refresh_from_db()
    assert card.acknowledged_by == duties.users["township"] and card.acknowledgement_note == "同意"
    assert audited("feedback_card_acknowledge", duties.users["township"])
    with pytest.raises(AlreadyDone, match="已于"):
        services.feedback_card_acknowledge(acting_user=duties.users["township"], card=card)


# --- R14 淮上: early warnings ---------------------------------------------------------------------


def test_R14_early_warning_reaches_township_and_staff_at_once(duties):
    """The notifications are written in the report's own transaction: nothing waits for a job."""
    with transaction.atomic():
        warning = services.early_warning_report(acting_user=duties.users["villagecadre"], placement=duties.village,
                                                occurred_on=DAY, content="宅基地纠纷有聚集苗头")
        recipients = set(Notification.objects.filter(topic=f"duties.earlywarning:{warning.pk}")
                         .values_list("recipient__username", flat=True))
    # The township (R2) and the staff of the managing and organising department (泽州, D1); not the
    # city above them, nor another county.
    assert recipients == {"township", "countystaff"}
    assert warning.township == duties.world.units["zz_township"]
    assert audited("early_warning_report", duties.users["villagecadre"])


def test_R14_early_warning_rolls_back_with_its_notifications(duties):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.early_warning_report(acting_user=duties.users["villagecadre"], placement=duties.village,
                                      occurred_on=DAY, content="x")
        raise RuntimeError
    assert not EarlyWarning.objects.exists() and not Notification.objects.filter(topic__startswith="duties.").exists()


def test_R14_early_warning_outside_a_village_reaches_staff_only(duties):
    warning = services.early_warning_report(acting_user=duties.users["hostunit"], placement=duties.placement,
                                            occurred_on=DAY, content="x")
    assert warning.township is None
    assert set(Notification.objects.filter(topic=f"duties.earlywarning:{warning.pk}")
               .values_list("recipient__username", flat=True)) == {"countystaff"}


def test_R14_early_warning_refused_when_policy_does_not_use_it(duties):
    policy_set(duties.program, feedback_cards=False)
    with pytest.raises(PolicyNotInUse, match="该项目未实行村级决策信息反馈制度"):
        services.early_warning_report(acting_user=duties.users["cadre"], placement=duties.placement, occurred_on=DAY,
                                      content="x")


def test_R14_early_warning_refused_in_the_future(duties):
    with pytest.raises(DutiesError, match="发现日期不能晚于今天"):
        services.early_warning_report(acting_user=duties.users["cadre"], placement=duties.placement,
                                      occurred_on=dt.date(2099, 1, 1), content="x")


@pytest.mark.parametrize("username", ["othercadre", "gphost", "sendunit", "mentor", "countystaff", "township"])
def test_R14_early_warning_reported_only_by_host_unit_or_cadre(duties, username):
    with pytest.raises(AccessDenied):
        services.early_warning_report(acting_user=duties.users[username], placement=duties.placement, occurred_on=DAY,
                                      content="x")


def test_R14_township_and_staff_each_sign_for_an_early_warning(duties):
    warning = services.early_warning_report(acting_user=duties.users["villagecadre"], placement=duties.village,
                                            occurred_on=DAY, content="x")
    with pytest.raises(AccessDenied):
        services.early_warning_acknowledge(acting_user=duties.users["gaopingstaff"], warning=warning)
    services.early_warning_acknowledge(acting_user=duties.users["township"], warning=warning, note="已调解")
    services.early_warning_acknowledge(acting_user=duties.users["countystaff"], warning=warning, note="跟踪")
    warning.refresh_from_db()
    assert warning.township_acknowledged_by == duties.users["township"] and warning.township_note == "已调解"
    assert warning.staff_acknowledged_by == duties.users["countystaff"] and warning.staff_note == "跟踪"
    with pytest.raises(AlreadyDone):
        services.early_warning_acknowledge(acting_user=duties.users["township"], warning=warning)
    assert AuditLog.objects.filter(action="early_warning_acknowledge").count() == 2


# --- R14: pre-post training ---------------------------------------------------------------------


def test_R14_staff_record_training_scores(duties):
    staff = duties.users["countystaff"]
    record = services.training_record_create(acting_user=staff, placement=duties.placement, course="岗前培训",
                                             held_on=DAY, hours=Decimal("16"), score=Decimal("88.5"), passed=True)
    assert TrainingRecord.objects.get(pk=record.pk).score == Decimal("88.5")
    services.training_record_update(acting_user=staff, record=record, score=Decimal("90"))
    assert AuditLog.objects.get(action="training_record_update").data == {"score": ["88.5", "90"]}


def test_R14_training_refused_when_policy_has_none(duties):
    policy_set(duties.program, pre_post_training=False)
    with pytest.raises(PolicyNotInUse, match="该项目未实行岗前培训制度"):
        services.training_record_create(acting_user=duties.users["countystaff"], placement=duties.placement, course="x",
                                        held_on=DAY, hours=8)


@pytest.mark.parametrize("username", ["hostunit", "cadre", "gaopingstaff"])
def test_R14_training_only_by_staff(duties, username):
    with pytest.raises(AccessDenied, match="只有组织部工作人员"):
        services.training_record_create(acting_user=duties.users[username], placement=duties.placement, course="x",
                                        held_on=DAY, hours=8)


def test_R14_training_score_over_100_is_refused(duties):
    with pytest.raises(DutiesError, match="成绩应在 0 到 100 之间"):
        services.training_record_create(acting_user=duties.users["countystaff"], placement=duties.placement, course="x",
                                        held_on=DAY, hours=8, score=Decimal("120"))


# --- R14 杭州: temporary party branch -------------------------------------------------------------


def test_R14_temporary_party_branch_for_party_members_with_activities(duties):
    staff = duties.users["hzstaff"]
    branch = services.party_branch_create(acting_user=staff, program=duties.hz_program, name="地铁指挥部临时党支部",
                                          established_on=DAY, secretary=duties.hz_placement)
    assert list(branch.members.all()) == [duties.hz_placement]
    activity = services.branch_activity_record(acting_user=staff, branch=branch, held_on=DAY, topic="党员大会",
                                               attendees=[duties.hz_placement])
    assert list(activity.attendees.all()) == [duties.hz_placement]
    assert audited("party_branch_create", staff) and audited("branch_activity_record", staff)


def test_R14_party_branch_refused_when_policy_has_none(duties):
    policy_set(duties.hz_program, temporary_party_branch=False)
    with pytest.raises(PolicyNotInUse, match="该项目未成立挂职干部临时党支部"):
        services.party_branch_create(acting_user=duties.users["hzstaff"], program=duties.hz_program, name="x",
                                     established_on=DAY)


def test_R14_party_branch_only_takes_party_members(duties):
    Cadre.objects.filter(pk=duties.hz_placement.cadre_id).update(political_status=Cadre.PoliticalStatus.MASSES)
    with pytest.raises(DutiesError, match="只接收中共党员"):
        services.party_branch_create(acting_user=duties.users["hzstaff"], program=duties.hz_program, name="x",
                                     established_on=DAY, members=[duties.hz_placement])


def test_R14_party_branch_only_by_the_program_staff(duties):
    with pytest.raises(AccessDenied):
        services.party_branch_create(acting_user=duties.users["countystaff"], program=duties.hz_program, name="x",
                                     established_on=DAY)


def test_R14_branch_activity_attendees_are_members(duties):
    staff = duties.users["countystaff"]
    branch = services.party_branch_create(acting_user=staff, program=duties.program, name="巴公镇临时党支部",
                                          established_on=DAY, members=[duties.placement])
    with pytest.raises(DutiesError, match="须是本支部党员"):
        services.branch_activity_record(acting_user=staff, branch=branch, held_on=DAY, topic="x",
                                        attendees=[duties.village])


def test_R14_party_branch_names_are_unique_in_a_program(duties):
    staff = duties.users["hzstaff"]
    services.party_branch_create(acting_user=staff, program=duties.hz_program, name="临时党支部", established_on=DAY)
    with pytest.raises(DutiesError, match="已有名为"):
        services.party_branch_create(acting_user=staff, program=duties.hz_program, name="临时党支部", established_on=DAY)


# --- R14: integrity undertaking -----------------------------------------------------------------


def test_R14_cadre_confirms_the_integrity_undertaking_once(duties):
    cadre = duties.users["cadre"]
    undertaking = services.integrity_undertaking_confirm(acting_user=cadre, placement=duties.placement)
    assert undertaking.confirmed_by == cadre and "不向挂职单位提出任何个人要求" in undertaking.text
    assert audited("integrity_undertaking_confirm", cadre)
    with pytest.raises(AlreadyDone, match="您已于"):
        services.integrity_undertaking_confirm(acting_user=cadre, placement=duties.placement)
    assert IntegrityUndertaking.objects.count() == 1


@pytest.mark.parametrize("username", ["othercadre", "hostunit", "countystaff", "mentor", "sendunit"])
def test_R14_undertaking_only_by_the_cadre_themself(duties, username):
    with pytest.raises(AccessDenied, match="只能由干部本人确认"):
        services.integrity_undertaking_confirm(acting_user=duties.users[username], placement=duties.placement)


def test_R14_undertaking_refused_once_the_placement_has_ended(duties):
    program_services.placement_end_early(acting_user=duties.world.admin, placement=duties.placement,
                                         effective_date=dt.date(2026, 9, 1), note="工作需要")
    with pytest.raises(DutiesError, match="不能再确认勤政廉政承诺"):
        services.integrity_undertaking_confirm(acting_user=duties.users["cadre"], placement=duties.placement)


def test_R14_ended_placement_takes_no_new_reports(duties):
    program_services.placement_end_early(acting_user=duties.world.admin, placement=duties.placement,
                                         effective_date=dt.date(2026, 9, 1), note="工作需要")
    with pytest.raises(DutiesError, match="挂职安排已“提前结束”"):
        services.early_warning_report(acting_user=duties.users["cadre"], placement=duties.placement, occurred_on=DAY,
                                      content="x")
    assert not CaseProgress.objects.exists() and not FeedbackCard.objects.exists()
