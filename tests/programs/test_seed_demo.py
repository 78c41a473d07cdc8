"""``manage.py seed_demo`` (D9): the demo of the five localities, its accounts and R25's batch.

The demo is seeded once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint within it (pytest-django's ``db``), so tests may seed again.
"""

import datetime as dt
import io
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from core.models import AuditLog, Job
from daily.models import AttendanceMonth, InspectionCheck, LeaveRequest
from programs import services as program_services
from programs.demo.builder import DemoPlan
from programs.demo.registry import DemoRegistry
from programs.idnumber import id_number_birth_date, id_number_gender, validate_id_number
from programs.models import (
    Cadre,
    HostPost,
    Mentor,
    OrgDepartment,
    Placement,
    PolicyPreset,
    Program,
    RoleAssignment,
    SecondmentType,
    Unit,
)
from programs.roles import FULL_ID_GROUP, STAFF_GROUP, can_manage_holidays
from programs.rules import secondment_direction_check
from programs.selectors import placements_visible_to
from reports.models import Report
from selection.demo import JIANGDONG_PROGRAM, JINCHENG_UP_PROGRAM, ZEZHOU_PROGRAM
from tests.factories import PASSWORD, make_cadre, make_user

Role = RoleAssignment.Role
R, E, P = Cadre.Rank, Cadre.Education, Cadre.PoliticalStatus

LOCALITY_REGION_PREFIXES = ("1405", "3707", "3301", "3302", "3403")
PRESET_OF_LOCALITY = {
    "jincheng": ("晋城市委组织部", "泽州县委组织部", "高平市委组织部"),
    "anqiu": ("安丘市委组织部",),
    "hangzhou": ("杭州市委组织部",),
    "jiangdong": ("江东区委组织部",),
    "huaishang": ("淮上区委组织部",),
}


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# --- running it ------------------------------------------------------------------------------


def test_seed_demo_is_idempotent(demo, db):
    before = _row_counts()
    output = _seed()
    assert _row_counts() == before
    assert "本次未新建任何数据" in output


def test_D9_seed_demo_seeds_an_empty_database_without_debug_mode(demo, db):
    # The fixture seeded the empty test database with the suite's settings: DEBUG is off.
    assert django_settings.DEBUG is False
    assert "演示数据已就绪" in demo
    assert get_user_model().objects.filter(username="admin").exists()


def test_D9_seed_demo_refuses_a_database_with_users_it_did_not_create(demo, db, settings):
    make_user("zhangsan", staff=True)
    settings.DEBUG = True  # debug mode is not a key to a real database
    before = _row_counts()
    with pytest.raises(CommandError) as excinfo:
        _seed()
    message = str(excinfo.value)
    assert "1 个账号不是演示数据创建的" in message
    assert "--force" in message
    assert _row_counts() == before


def test_D9_seed_demo_with_force_runs_beside_users_it_did_not_create(demo, db):
    stranger = make_user("zhangsan", staff=True)
    before = _row_counts()
    output = _seed("--force")
    assert "演示数据已就绪" in output
    assert _row_counts() == before  # already seeded: nothing new, the stranger untouched
    stranger.refresh_from_db()
    assert stranger.check_password(PASSWORD) and not stranger.role_assignments.exists()


def test_D9_every_account_waits_for_the_same_items_today(demo, db):
    from tests.programs.test_seed_demo_dates import WAITING, waiting_table

    assert waiting_table() == WAITING


def test_D9_the_registry_lists_every_record_the_demo_created(demo, db):
    from daily.models import Contact, Inspection, Problem
    from duties.models import ExchangeMeeting, FeedbackCard, PartyBranch, TrainingRecord
    from selection.models import Application, DemandRequest, Selection, UnitRecommendation

    registry = DemoRegistry()
    assert registry.recorded_day == dt.date.today()
    for model in (get_user_model(), RoleAssignment, OrgDepartment, Unit, Cadre, Program, HostPost, Placement, Mentor,
                  Selection, Application, UnitRecommendation, DemandRequest, LeaveRequest, Inspection, InspectionCheck,
                  AttendanceMonth, Contact, Problem, ExchangeMeeting, FeedbackCard, PartyBranch, TrainingRecord, Report):
        assert registry.ids(model) == set(model._default_manager.values_list("pk", flat=True)), model
    assert registry.get(Placement, f"placement:zezhou_down:{Cadre.objects.get(user__username='cadre').id_number}")


def _related_rows(placement: Placement) -> dict:
    """Every row that points at ``placement`` (attendance, leave, reports, checks, duties…), by model."""
    rows = {}
    for relation in Placement._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            rows[model._meta.label] = sorted(
                model._default_manager.filter(**{relation.field.name: placement}).values_list("pk", flat=True)
            )
    return rows


def _snapshot(placement: Placement) -> dict:
    fresh = Placement.objects.get(pk=placement.pk)
    return {
        "fields": {f.attname: getattr(fresh, f.attname) for f in Placement._meta.concrete_fields},
        "related": _related_rows(fresh),
        "audit": list(AuditLog.objects.filter(target_type="programs.placement", target_id=str(fresh.pk))
                      .values_list("pk", flat=True)),
        "jobs": Job.objects.filter(kwargs__placement_id=fresh.pk).count(),
    }


def test_D9_a_second_run_leaves_staff_placements_at_the_demo_units_unchanged(demo, db):
    """Staff trying the demo add their own placements beside it — at the demo's township 巴公镇
    (泽州, attendance kept, reports due) and in 安丘 (party relation moves): a second run of the
    demo touches neither."""
    User = get_user_model()
    countystaff, anqiustaff = User.objects.get(username="countystaff"), User.objects.get(username="anqiustaff")
    today = dt.date.today()
    bagong = Unit.objects.get(name="泽州县巴公镇")
    zezhou_cadre = make_cadre(acting_user=countystaff, name="周晓明", sending_unit=Unit.objects.get(name="泽州县农业农村局"))
    program = program_services.program_create(
        acting_user=countystaff, name="泽州县乡镇挂职(工作人员自建)", secondment_type=SecondmentType.DOWN, year=today.year,
        organising_department=OrgDepartment.objects.get(name="泽州县委组织部"), reference_date=today - dt.timedelta(days=200),
        planned_start=today - dt.timedelta(days=150), preset=PolicyPreset.objects.get(code="jincheng"),
    )
    post = program_services.host_post_create(acting_user=countystaff, program=program, host_unit=bagong, title="镇长助理",
                                             places=1)
    at_bagong = program_services.placement_create(acting_user=countystaff, cadre=zezhou_cadre, host_post=post,
                                                  proposed_on=today - dt.timedelta(days=160))
    at_bagong = program_services.placement_start(acting_user=countystaff, placement=at_bagong,
                                                 effective_date=today - dt.timedelta(days=150))
    anqiu_cadre = make_cadre(acting_user=anqiustaff, name="吴海涛", sending_unit=Unit.objects.get(name="安丘市发展和改革局"),
                             region="370784")
    anqiu_program = program_services.program_create(
        acting_user=anqiustaff, name="安丘市机关干部到镇街挂职(工作人员自建)", secondment_type=SecondmentType.DOWN,
        year=today.year, organising_department=OrgDepartment.objects.get(name="安丘市委组织部"), reference_date=today,
        planned_start=today + dt.timedelta(days=30), preset=PolicyPreset.objects.get(code="anqiu"),
    )
    anqiu_post = program_services.host_post_create(
        acting_user=anqiustaff, program=anqiu_program, host_unit=Unit.objects.get(name="安丘市景芝镇"), title="镇长助理", places=1,
    )
    proposed = program_services.placement_create(acting_user=anqiustaff, cadre=anqiu_cadre, host_post=anqiu_post)
    before = {"bagong": _snapshot(at_bagong), "anqiu": _snapshot(proposed)}

    _seed()

    assert {"bagong": _snapshot(at_bagong), "anqiu": _snapshot(proposed)} == before
    assert not AttendanceMonth.objects.filter(placement=at_bagong).exists()
    assert not Report.objects.filter(placement=at_bagong).exists()
    assert not LeaveRequest.objects.filter(placement=at_bagong).exists()
    assert not InspectionCheck.objects.filter(placement=at_bagong).exists()
    assert Placement.objects.get(pk=proposed.pk).party_relation_moved is False


def test_seed_demo_prints_a_chinese_summary_with_the_accounts(demo):
    assert "演示数据已就绪" in demo
    assert "挂职安排" in demo
    assert django_settings.DEMO_PASSWORD in demo
    for username in ("admin", "orgstaff", "countystaff", "hostunit", "cadre", "sendunit", "mentor", "township"):
        assert f"  {username}" in demo


def test_demo_plan_is_deterministic_for_a_day():
    day = dt.date(2027, 5, 4)
    first, second = DemoPlan(day), DemoPlan(day)
    assert [p.cadre.fields for p in first.placements] == [p.cadre.fields for p in second.placements]
    assert [c.fields for c in first.pool] == [c.fields for c in second.pool]
    assert [(p.proposed_on, p.started_on, p.ended) for p in first.placements] == [
        (p.proposed_on, p.started_on, p.ended) for p in second.placements
    ]


# A day in each season over three years, the leap day and the turn of a year.
PLAN_DAYS = [dt.date(2026, 12, 8), dt.date(2027, 1, 1), dt.date(2027, 4, 30), dt.date(2027, 8, 15),
             dt.date(2027, 11, 2), dt.date(2028, 2, 29), dt.date(2028, 6, 30), dt.date(2029, 12, 31)]


@pytest.mark.parametrize("day", PLAN_DAYS, ids=str)
def test_D9_demo_plan_is_relative_to_its_day(day):
    plan = DemoPlan(day)
    assert plan.record_date == dt.date(2026, 3, 1) + (day - dt.date(2026, 11, 28))
    for p in plan.placements:
        if p.program == "hangzhou_2006":
            continue
        assert p.proposed_on <= day and p.proposed_on.weekday() < 5, p
        if p.started_on:
            assert p.proposed_on <= p.started_on <= day and p.started_on.weekday() < 5, p
        else:
            assert p.planned_start > day, p  # proposed: to start soon
        if p.ended:
            assert p.started_on <= p.ended[1] <= day, p
        years = [letter[0] for letter in p.letters]
        assert len(years) == len(set(years)) and all(letter[3] <= day for letter in p.letters), p
    for program in plan.programs:
        if program.key != "hangzhou_2006":
            assert program.year == program.planned_start.year
            assert program.planned_end is None or program.planned_end > program.planned_start
    # The star of the walk-through is on post for about nine months and three to go.
    star = next(p for p in plan.placements if p.cadre.name == "李志强")
    assert star.started_on <= day - dt.timedelta(days=270)


def test_R25_the_2006_batch_is_the_same_whatever_the_day():
    def batch(day):
        return [(p.cadre.fields, p.started_on, p.ended) for p in DemoPlan(day).placements if p.program == "hangzhou_2006"]

    assert batch(dt.date(2026, 12, 8)) == batch(dt.date(2029, 7, 1))


# --- organisations (R1, R2, D9) --------------------------------------------------------------


def test_D9_department_trees(demo, db):
    parents = dict(OrgDepartment.objects.values_list("name", "parent__name"))
    assert parents == {
        "晋城市委组织部": None, "泽州县委组织部": "晋城市委组织部", "高平市委组织部": "晋城市委组织部",
        "潍坊市委组织部": None, "安丘市委组织部": "潍坊市委组织部",
        "杭州市委组织部": None,
        "宁波市委组织部": None, "江东区委组织部": "宁波市委组织部",
        "蚌埠市委组织部": None, "淮上区委组织部": "蚌埠市委组织部",
    }
    zezhou = OrgDepartment.objects.get(name="泽州县委组织部")
    assert zezhou.path.startswith(OrgDepartment.objects.get(name="晋城市委组织部").path)


def test_R2_units_of_the_seed(demo, db):
    villages = Unit.objects.filter(level=Unit.Level.VILLAGE)
    assert villages.count() >= 10
    for village in villages.select_related("parent"):
        assert village.supervising_township is not None, village
    hangzhou_projects = Unit.objects.filter(kind=Unit.Kind.KEY_PROJECT, department__name="杭州市委组织部")
    names = "".join(hangzhou_projects.values_list("name", flat=True))
    for aim in ("道路", "整治", "拆迁", "新农村"):
        assert aim in names
    assert Unit.objects.filter(is_external=True).count() >= 3
    assert Unit.objects.filter(name="泽州县巴公镇", level=Unit.Level.TOWNSHIP).exists()
    # R6 facts are there to rank by.
    assert Unit.objects.filter(tied_to_economy=True, project_count__gt=0).count() >= 20
    assert Unit.objects.get(name="江东区信访局").petition_volume > 0
    posts = set(HostPost.objects.filter(host_unit__name="江东区信访局").values_list("title", flat=True))
    for kind in ("接访", "办信", "督查"):
        assert any(kind in title for title in posts), kind


# --- cadres (R3) -----------------------------------------------------------------------------


def test_R3_at_least_200_cadres_with_valid_id_numbers(demo, db):
    cadres = list(Cadre.objects.all())
    assert len(cadres) >= 200
    for cadre in cadres:
        validate_id_number(cadre.id_number)
        assert id_number_birth_date(cadre.id_number) == cadre.birth_date
        assert id_number_gender(cadre.id_number) == cadre.gender
        assert cadre.id_number.startswith(LOCALITY_REGION_PREFIXES)
        assert 2 <= len(cadre.name) <= 4
    assert len({c.name for c in cadres}) == len(cadres)
    with pytest.raises(ValidationError):  # the validator really is strict
        validate_id_number(cadres[0].id_number[:-1] + ("0" if cadres[0].id_number[-1] != "0" else "1"))


def test_R3_cadre_records_are_complete_and_consistent(demo, db):
    for cadre in Cadre.objects.prefetch_related("resume_entries"):
        lines = list(cadre.resume_entries.all())
        assert len(lines) >= 2, cadre
        current = [line for line in lines if line.end is None]
        assert [line.description for line in current] == [cadre.current_post]
        assert cadre.work_started_on >= cadre.birth_date + relativedelta(years=17)
        if cadre.political_status in (P.PARTY_MEMBER, P.PROBATIONARY):
            assert cadre.party_joined_on >= cadre.birth_date + relativedelta(years=18)
        else:
            assert cadre.party_joined_on is None
        assert cadre.managing_history.count() == 1
    assert Cadre.objects.filter(reserve_status=Cadre.Reserve.COUNTY).exists()
    assert Cadre.objects.filter(education=E.MASTER).exists()
    assert Cadre.objects.exclude(conduct_record="").exists()


# --- programs and placements (R4, R8, D2) ----------------------------------------------------


def test_one_program_per_locality_with_its_preset(demo, db):
    for code, departments in PRESET_OF_LOCALITY.items():
        programs = Program.objects.filter(policy__preset__code=code, organising_department__name__in=departments)
        assert programs.exists(), code
    assert set(PolicyPreset.objects.values_list("code", flat=True)) <= {
        p.policy.preset.code for p in Program.objects.select_related("policy__preset")
    }
    # 江东's second program is the demo's open demand survey (selection.demo), without placements yet.
    jiangdong = Program.objects.exclude(name=JIANGDONG_PROGRAM).get(organising_department__name="江东区委组织部")
    assert jiangdong.policy.term_months == 6 and jiangdong.policy.batch_size == 3
    assert jiangdong.secondment_type == SecondmentType.LATERAL
    anqiu = Program.objects.get(organising_department__name="安丘市委组织部")
    assert anqiu.secondment_type == SecondmentType.DOWN and anqiu.policy.term_months == 12
    assert anqiu.placements.count() == 5
    huaishang = Program.objects.get(organising_department__name="淮上区委组织部")
    assert set(huaishang.posts.values_list("host_unit__level", flat=True)) == {Unit.Level.VILLAGE}


def test_every_placement_status_is_present(demo, db):
    statuses = set(Placement.objects.values_list("status", flat=True))
    assert statuses == set(Placement.Status.values)
    for placement in Placement.objects.exclude(status=Placement.Status.PROPOSED):
        assert placement.actual_start is not None
    for placement in Placement.objects.filter(status__in=[Placement.Status.ENDED_EARLY, Placement.Status.RECALLED]):
        assert placement.end_reason and placement.actual_end


def test_R4_every_placement_respects_its_direction(demo, db):
    for placement in Placement.objects.select_related("program", "cadre__sending_unit", "host_post__host_unit"):
        secondment_direction_check(
            secondment_type=placement.program.secondment_type, cadre=placement.cadre, host_unit=placement.host_post.host_unit,
        )
    types = set(Program.objects.values_list("secondment_type", flat=True))
    assert types == set(SecondmentType.values)


def test_placements_history_is_complete_and_one_open_placement_per_cadre(demo, db):
    open_per_cadre = Counter(
        Placement.objects.filter(status__in=Placement.OPEN_STATUSES).values_list("cadre_id", flat=True)
    )
    assert max(open_per_cadre.values()) == 1
    for placement in Placement.objects.prefetch_related("status_changes"):
        moves = [change.to_status for change in placement.status_changes.all()]
        assert moves[0] == Placement.Status.PROPOSED and moves[-1] == placement.status
        dates = [change.effective_date for change in placement.status_changes.all()]
        assert dates == sorted(dates)


def test_placed_cadres_meet_their_programs_eligibility(demo, db):
    placed_cadres_meet_their_programs_eligibility()


def placed_cadres_meet_their_programs_eligibility():
    """Age caps, education and the other rules of each program's policy (R5, D2) on its
    reference date, for every placed cadre."""
    for placement in Placement.objects.select_related("program__policy", "cadre"):
        policy, cadre = placement.program.policy, placement.cadre
        cap = {
            Cadre.RankTier.COUNTY: policy.max_age_county_level,
            Cadre.RankTier.TOWNSHIP: policy.max_age_township_level,
            Cadre.RankTier.GENERAL: policy.max_age_general,
        }[cadre.rank_tier]
        assert cadre.age_on(placement.program.reference_date) <= cap, cadre
        assert cadre.education >= policy.min_education
        if policy.require_full_time_education:
            assert cadre.full_time_education
        if policy.require_deputy_section_leader:
            assert cadre.rank == R.TOWNSHIP_DEPUTY and cadre.is_leadership
        if policy.reserve_cadres_only:
            assert cadre.reserve_status != Cadre.Reserve.NONE


# --- accounts (D6, D9) -----------------------------------------------------------------------


def test_D9_accounts_log_in_with_the_demo_password(demo, db):
    User = get_user_model()
    for username in ("admin", "orgstaff", "countystaff", "hostunit", "hostclerk", "sendunit", "cadre", "mentor",
                     "township", "hzstaff", "anqiustaff", "jdstaff", "hsstaff"):
        assert User.objects.get(username=username).check_password(django_settings.DEMO_PASSWORD), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_D9_staff_accounts_belong_to_their_departments(demo, db):
    User = get_user_model()
    expected = {"orgstaff": "晋城市委组织部", "countystaff": "泽州县委组织部", "gaopingstaff": "高平市委组织部",
                "anqiustaff": "安丘市委组织部", "hzstaff": "杭州市委组织部", "jdstaff": "江东区委组织部",
                "hsstaff": "淮上区委组织部"}
    for username, department in expected.items():
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert user.groups.filter(name=STAFF_GROUP).exists()
        assert list(user.role_assignments.values_list("role", "department__name")) == [(Role.ORG_STAFF, department)]
    assert User.objects.get(username="orgstaff").groups.filter(name=FULL_ID_GROUP).exists()


def test_D3_only_the_top_departments_staff_maintain_holidays_in_the_demo(demo, db):
    User = get_user_model()
    managers = {user.username for user in User.objects.filter(is_superuser=False) if can_manage_holidays(user)}
    assert managers == {"orgstaff", "hzstaff"}  # the city departments with staff accounts
    assert can_manage_holidays(User.objects.get(username="admin"))


def test_D9_cadre_is_county_managed_and_seconded_down_where_hostunit_approves(demo, db):
    User = get_user_model()
    cadre = Cadre.objects.select_related("managing_department", "sending_unit__department").get(user__username="cadre")
    assert cadre.rank == R.TOWNSHIP_DEPUTY and cadre.is_leadership
    assert cadre.managing_department.name == "泽州县委组织部"  # leave over 3 days goes there (R11, D1)
    assert cadre.sending_unit.department.name == "泽州县委组织部"
    assert cadre.sending_unit.level == Unit.Level.COUNTY

    placement = Placement.objects.select_related("program__policy", "host_post__host_unit").get(
        cadre=cadre, status=Placement.Status.ACTIVE
    )
    assert placement.program.secondment_type == SecondmentType.DOWN
    assert placement.program.policy.leave_threshold_days == 3
    township = placement.host_post.host_unit
    assert township.level == Unit.Level.TOWNSHIP and township.department.name == "泽州县委组织部"

    hostunit = User.objects.get(username="hostunit")
    assert list(hostunit.role_assignments.values_list("role", "unit")) == [(Role.HOST_APPROVER, township.pk)]
    countystaff = User.objects.get(username="countystaff")
    assert countystaff.role_assignments.get().department == cadre.managing_department
    sendunit = User.objects.get(username="sendunit")
    sending_roles = list(sendunit.role_assignments.values_list("role", "unit"))
    assert sending_roles == [(Role.SENDING_CONTACT, cadre.sending_unit_id)]
    hostclerk = User.objects.get(username="hostclerk")
    assert list(hostclerk.role_assignments.values_list("role", "unit")) == [(Role.HOST_CLERK, township.pk)]
    mentor = Mentor.objects.get(user__username="mentor")
    assert mentor.placement == placement

    for username in ("hostunit", "countystaff", "orgstaff", "sendunit", "cadre", "mentor", "hostclerk"):
        assert placements_visible_to(User.objects.get(username=username)).filter(pk=placement.pk).exists(), username
    for username in ("hzstaff", "township", "anqiustaff"):
        assert not placements_visible_to(User.objects.get(username=username)).filter(pk=placement.pk).exists()


def test_D9_supervising_township_sees_its_village_placements(demo, db):
    township_user = get_user_model().objects.get(username="township")
    township = township_user.role_assignments.get(role=Role.SUPERVISING_TOWNSHIP).unit
    assert township.department.name == "淮上区委组织部"
    visible = placements_visible_to(township_user)
    assert visible.exists()
    assert set(visible.values_list("host_post__host_unit__parent", flat=True)) == {township.pk}


# --- R25: 杭州's 2006 batch ------------------------------------------------------------------


@pytest.fixture
def batch(demo, db):
    program = Program.objects.get(organising_department__name="杭州市委组织部", year=2006)
    cadres = list(Cadre.objects.filter(placements__program=program))
    return program, cadres


def test_R25_hangzhou_2006_batch_composition_is_exact(batch):
    program, cadres = batch
    assert program.policy.preset.code == "hangzhou"
    assert program.secondment_type == SecondmentType.LATERAL
    assert len(cadres) == 150
    assert set(program.placements.values_list("status", flat=True)) == {Placement.Status.COMPLETED}
    assert set(program.posts.values_list("host_unit__kind", flat=True)) == {Unit.Kind.KEY_PROJECT}
    # 中共党员: 中共党员 or 预备党员 — the batch has no 预备党员, so either reading gives 130.
    assert sum(c.political_status in (P.PARTY_MEMBER, P.PROBATIONARY) for c in cadres) == 130
    assert sum(c.political_status == P.PARTY_MEMBER for c in cadres) == 130
    assert sum(c.reserve_status == Cadre.Reserve.CITY for c in cadres) == 14
    assert sum(c.rank in (R.COUNTY_DEPUTY, R.COUNTY_FULL, R.BUREAU_DEPUTY, R.BUREAU_FULL) for c in cadres) == 96
    # 大学以上文化程度: 本科 and above.
    assert sum(c.education >= E.BACHELOR for c in cadres) == 118
    assert sum(c.education == E.MASTER for c in cadres) == 14
    assert sum(c.education == E.DOCTOR for c in cadres) == 1
    assert sum(c.birth_date >= dt.date(1970, 1, 1) for c in cadres) == 46
    assert max(c.birth_date for c in cadres).year == 1983
    ages = [c.age_on(program.reference_date) for c in cadres]
    assert round(sum(ages) / len(ages), 1) == 38.1
    assert sum(ages) == 5715  # exactly 38.1, not a rounding accident


def test_R25_batch_cadres_are_individually_plausible(batch):
    program, cadres = batch
    policy = program.policy
    for cadre in cadres:
        age = cadre.age_on(program.reference_date)
        if cadre.rank in (R.COUNTY_DEPUTY, R.COUNTY_FULL):
            assert 31 <= age <= policy.max_age_county_level and cadre.is_leadership, cadre
        if cadre.rank == R.COUNTY_FULL:
            assert age >= 35
        if cadre.rank == R.GENERAL:
            assert age <= policy.max_age_general and not cadre.is_leadership
        if cadre.education == E.DOCTOR:
            assert age >= 32 and cadre.rank != R.GENERAL and cadre.degree == "博士"
        if cadre.political_status == P.LEAGUE:
            assert age <= 28
        assert cadre.education >= policy.min_education
        work_years = (program.reference_date - cadre.work_started_on).days / 365.25
        assert work_years >= 0.5
    youngest = max(cadres, key=lambda c: c.birth_date)
    assert youngest.rank == R.GENERAL and youngest.education == E.BACHELOR


def test_R7_demo_has_a_selection_to_shortlist_an_open_one_and_a_demand_survey(demo, db):
    from selection.models import Application, Selection
    from selection.selectors import application_eligibility
    from selection.services import selection_places

    today = dt.date.today()
    closed = Selection.objects.get(program__name=ZEZHOU_PROGRAM)
    assert closed.program.organising_department.name == "泽州县委组织部"
    assert closed.stage == Selection.Stage.ANNOUNCED and closed.apply_until < today
    recommended = closed.applications.filter(status=Application.Status.RECOMMENDED)
    assert recommended.count() >= 2 * selection_places(closed)  # 1:2 (D7), ready for the shortlist
    assert not any(application_eligibility(a) for a in recommended)
    assert closed.recommendations.count() == len({a.cadre.sending_unit_id for a in recommended})
    open_now = Selection.objects.get(program__name=JINCHENG_UP_PROGRAM)
    assert open_now.program.organising_department.name == "晋城市委组织部"
    assert open_now.stage == Selection.Stage.ANNOUNCED and open_now.apply_from <= today <= open_now.apply_until
    survey = Selection.objects.get(stage=Selection.Stage.SURVEY)
    assert survey.program.policy.demand_survey and survey.demand_requests.count() == 2


def test_R11_R13_R14_demo_has_daily_work_waiting_for_the_demo_accounts(demo, db):
    from daily.models import AttendanceMonth, InspectionCheck, LeaveRequest, Violation
    from daily.selectors import leave_requests_awaiting
    from duties.models import EarlyWarning, ExchangeMeeting

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["hostunit", "cadre"])}
    # The D9 flow starts at once: 李志强's 5-day request waits for 巴公镇's approver.
    waiting = leave_requests_awaiting(users["hostunit"])
    assert waiting.count() == 1
    leave = waiting.get()
    assert leave.placement.cadre.user == users["cadre"] and leave.escalated
    assert leave.department.name == "泽州县委组织部"
    assert LeaveRequest.objects.filter(status=LeaveRequest.Status.RETURNED).exists()
    assert InspectionCheck.objects.filter(result=InspectionCheck.Result.ABSENT).exists()
    assert Violation.objects.exists()
    assert AttendanceMonth.objects.filter(confirmed_at__isnull=True).exists()
    assert ExchangeMeeting.objects.exists() and EarlyWarning.objects.exists()
