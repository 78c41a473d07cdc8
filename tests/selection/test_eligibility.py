"""R5: eligibility per program policy, with cadres just inside and just outside each limit.

The 安丘 and 晋城 presets are copied into real programs through ``program_create`` (D2) and the
cadres are registered through ``cadre_create``; the property tests build unsaved cadres, since
the rules read the cadre's fields only.
"""

import calendar
import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Cadre, PolicyPreset, ProgramPolicy, SecondmentType
from selection.eligibility import (
    EligibilityFailure,
    EligibilityRule,
    eligibility_check,
    eligibility_summary,
    is_eligible,
)
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

D = dt.date
REF = D(2026, 3, 1)
E, R, H = Cadre.Education, Cadre.Rank, Cadre.Health
RULE_ORDER = [rule.value for rule in EligibilityRule]


def birth_for_age(age: int, *, on: dt.date = REF, oldest: bool) -> dt.date:
    """The birth date that makes someone exactly ``age`` on ``on``: the oldest such (turns
    ``age + 1`` the next day) or the youngest (turns ``age`` that very day)."""
    if oldest:
        return on - relativedelta(years=age + 1) + dt.timedelta(days=1)
    return on - relativedelta(years=age)


@pytest.fixture
def program_for(world):
    """A program of ``world``'s 泽州 department copying the named preset."""

    def make(code: str, **policy_changes):
        program = services.program_create(
            acting_user=world.admin, name=f"{code} 资格审查", secondment_type=SecondmentType.DOWN, year=2026,
            organising_department=world.zezhou, reference_date=REF, planned_start=REF,
            preset=PolicyPreset.objects.get(code=code),
        )
        if policy_changes:
            services.program_policy_update(acting_user=world.admin, program=program, **policy_changes)
        program.refresh_from_db()
        return program

    return make


@pytest.fixture
def candidate(world):
    """An ideal 安丘 candidate (also fine for 晋城), with ``fields`` changing one thing at a time:
    in-post 副科级 leadership cadre, full-time 本科, healthy, no conduct record, no grassroots
    experience, 35 years old on the reference date."""

    def make(*, rank: str = R.TOWNSHIP_DEPUTY, birth: dt.date = D(1990, 6, 1), **fields):
        values = {
            "education": E.BACHELOR, "full_time_education": True, "is_leadership": rank != R.GENERAL,
            "health": H.HEALTHY, "conduct_record": "", "has_grassroots_experience": False,
        }
        values.update(fields)
        return make_cadre(acting_user=world.admin, name="候选人", sending_unit=world.units["zz_drc"], rank=rank,
                          birth=birth, **values)

    return make


def check(cadre, program, *, applied: bool = True) -> list[EligibilityFailure]:
    return eligibility_check(
        cadre=cadre, policy=program.policy, reference_date=program.reference_date, applied_in_person=applied
    )


def messages(failures) -> list[str]:
    return [failure.message for failure in failures]


# --- the ideal candidates ----------------------------------------------------------------------


def test_R5_anqiu_ideal_candidate_is_eligible(program_for, candidate):
    program = program_for("anqiu")
    cadre = candidate()
    assert check(cadre, program) == []
    assert is_eligible(cadre=cadre, policy=program.policy, reference_date=REF, applied_in_person=True)


def test_R5_jincheng_needs_only_education_and_age(program_for, candidate):
    """晋城 switches none of the optional rules on: a part-time 大专 一般干部 with a conduct record,
    poor health, grassroots experience and no personal application passes."""
    cadre = candidate(
        rank=R.GENERAL, birth=birth_for_age(35, oldest=True), education=E.JUNIOR_COLLEGE, full_time_education=False,
        conduct_record="2019年受党内警告处分", health=H.POOR, has_grassroots_experience=True,
    )
    assert check(cadre, program_for("jincheng"), applied=False) == []


# --- education and full-time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "education", "full_time", "expected"),
    [
        ("jincheng", E.JUNIOR_COLLEGE, True, []),  # just inside 晋城
        ("jincheng", E.JUNIOR_COLLEGE, False, []),  # 晋城 does not ask for full-time
        ("jincheng", E.SECONDARY, True, [("education", "学历为中专，低于大专的要求")]),  # just outside
        ("jincheng", E.HIGH_SCHOOL, True, [("education", "学历为高中及以下，低于大专的要求")]),
        ("anqiu", E.BACHELOR, True, []),  # just inside 安丘
        ("anqiu", E.MASTER, True, []),
        ("anqiu", E.DOCTOR, True, []),
        ("anqiu", E.JUNIOR_COLLEGE, True, [("education", "学历为大专，低于本科的要求")]),  # just outside
        ("anqiu", E.BACHELOR, False, [("full_time", "学历“本科”非全日制，要求全日制本科以上")]),
        ("anqiu", E.MASTER, False, [("full_time", "学历“硕士”非全日制，要求全日制本科以上")]),
        # Too low and part-time: one failure, the education one.
        ("anqiu", E.JUNIOR_COLLEGE, False, [("education", "学历为大专，低于本科的要求")]),
    ],
)
def test_R5_education_and_full_time(program_for, candidate, code, education, full_time, expected):
    failures = check(candidate(education=education, full_time_education=full_time), program_for(code))
    assert failures == [EligibilityFailure(rule=rule, message=message) for rule, message in expected]


# --- age by rank tier -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "cap", "tier"),
    [
        (R.COUNTY_FULL, 45, "县处级"),
        (R.COUNTY_DEPUTY, 45, "县处级"),
        (R.TOWNSHIP_FULL, 40, "乡科级"),
        (R.TOWNSHIP_DEPUTY, 40, "乡科级"),
        (R.GENERAL, 35, "一般干部"),
    ],
)
def test_R5_jincheng_age_cap_by_rank_tier(program_for, candidate, rank, cap, tier):
    """Exactly ``cap`` on the reference date passes (the next birthday is the day after);
    ``cap + 1`` fails (the birthday is the reference date itself)."""
    program = program_for("jincheng")
    inside = candidate(rank=rank, birth=birth_for_age(cap, oldest=True))
    outside = candidate(rank=rank, birth=birth_for_age(cap + 1, oldest=False))
    assert inside.birth_date + relativedelta(years=cap + 1) == REF + dt.timedelta(days=1)
    assert outside.birth_date + relativedelta(years=cap + 1) == REF
    assert check(inside, program) == []
    assert check(outside, program) == [
        EligibilityFailure(rule="age", message=f"年龄 {cap + 1} 岁，超过{tier} {cap} 岁的上限")
    ]


def test_R5_anqiu_age_cap_is_jinchengs_40_for_deputy_section_cadres(program_for, candidate):
    """安丘 names no age: the 晋城 value applies (D2)."""
    program = program_for("anqiu")
    assert check(candidate(birth=D(1985, 3, 2)), program) == []  # 40, turns 41 on 2026-03-02
    assert messages(check(candidate(birth=D(1985, 3, 1)), program)) == ["年龄 41 岁，超过乡科级 40 岁的上限"]


def test_R5_age_is_counted_on_the_programs_reference_date(program_for, candidate):
    cadre = candidate(birth=D(1985, 3, 1))
    program = program_for("jincheng")
    assert not is_eligible(cadre=cadre, policy=program.policy, reference_date=REF, applied_in_person=True)
    assert is_eligible(cadre=cadre, policy=program.policy, reference_date=REF - dt.timedelta(days=1),
                       applied_in_person=True)


def test_R5_leap_day_birthday_falls_on_1_march_in_common_years(program_for, candidate):
    cadre = candidate(birth=D(1984, 2, 29))
    policy = program_for("jincheng").policy
    assert eligibility_check(cadre=cadre, policy=policy, reference_date=D(2025, 2, 28), applied_in_person=True) == []
    assert messages(eligibility_check(cadre=cadre, policy=policy, reference_date=D(2025, 3, 1),
                                      applied_in_person=True)) == ["年龄 41 岁，超过乡科级 40 岁的上限"]


@pytest.mark.parametrize("rank", [R.BUREAU_FULL, R.BUREAU_DEPUTY])
def test_R5_bureau_level_cadres_have_no_age_cap(program_for, candidate, rank):
    assert check(candidate(rank=rank, birth=D(1966, 1, 1)), program_for("jincheng")) == []


def test_R5_the_programs_own_caps_apply_and_none_means_no_limit(program_for, candidate):
    program = program_for("jincheng", max_age_township_level=38, max_age_general=None)
    assert messages(check(candidate(birth=birth_for_age(39, oldest=True)), program)) == [
        "年龄 39 岁，超过乡科级 38 岁的上限"
    ]
    assert check(candidate(birth=birth_for_age(38, oldest=True)), program) == []
    assert check(candidate(rank=R.GENERAL, birth=D(1970, 1, 1)), program) == []


# --- 安丘's optional rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "leadership", "expected"),
    [
        (R.TOWNSHIP_DEPUTY, True, None),  # 在职在编副科级领导职务干部
        (R.TOWNSHIP_DEPUTY, False, "非在职在编副科级领导职务干部（现为副乡科级非领导职务）"),
        (R.TOWNSHIP_FULL, True, "非在职在编副科级领导职务干部（现为正乡科级领导职务）"),  # 正科 does not qualify
        (R.COUNTY_DEPUTY, True, "非在职在编副科级领导职务干部（现为副县处级领导职务）"),
        (R.GENERAL, False, "非在职在编副科级领导职务干部（现为一般干部）"),
    ],
)
def test_R5_anqiu_requires_an_in_post_deputy_section_leader(program_for, candidate, rank, leadership, expected):
    failures = check(candidate(rank=rank, is_leadership=leadership), program_for("anqiu"))
    expected_failures = [] if expected is None else [EligibilityFailure(rule="deputy_section_leader", message=expected)]
    assert failures == expected_failures


def test_R5_anqiu_refuses_a_conduct_record_but_not_a_blank_one(program_for, candidate):
    program = program_for("anqiu")
    assert check(candidate(conduct_record="  \n"), program) == []
    assert check(candidate(conduct_record="2021年受政务警告处分"), program) == [
        EligibilityFailure(rule="conduct", message="有违纪违法记录")
    ]


@pytest.mark.parametrize(
    ("health", "expected"),
    [(H.HEALTHY, None), (H.FAIR, "健康状况为“一般”，要求身体健康"), (H.POOR, "健康状况为“较差”，要求身体健康")],
)
def test_R5_anqiu_requires_good_health(program_for, candidate, health, expected):
    failures = check(candidate(health=health), program_for("anqiu"))
    assert failures == ([] if expected is None else [EligibilityFailure(rule="health", message=expected)])


def test_R5_anqiu_requires_lacking_grassroots_experience(program_for, candidate):
    program = program_for("anqiu")
    assert check(candidate(has_grassroots_experience=False), program) == []
    assert check(candidate(has_grassroots_experience=True), program) == [
        EligibilityFailure(rule="grassroots", message="已有基层工作经历，本项目要求缺乏基层工作经历的干部")
    ]


def test_R5_anqiu_requires_a_personal_application(program_for, candidate):
    program = program_for("anqiu")
    cadre = candidate()
    assert check(cadre, program, applied=True) == []
    assert check(cadre, program, applied=False) == [
        EligibilityFailure(rule="personal_application", message="未本人提出申请")
    ]


@pytest.mark.parametrize(
    ("reserve", "expected"),
    [
        (Cadre.Reserve.CITY, None),
        (Cadre.Reserve.COUNTY, None),
        (Cadre.Reserve.NONE, "非后备干部，本项目仅从后备干部中选派"),
    ],
)
def test_R5_jiangdong_selects_from_reserve_cadres_only(program_for, candidate, reserve, expected):
    failures = check(candidate(reserve_status=reserve), program_for("jiangdong"))
    assert failures == ([] if expected is None else [EligibilityFailure(rule="reserve", message=expected)])


# --- several failures at once ----------------------------------------------------------------


def test_R5_every_failed_rule_is_listed_in_rule_order(program_for, candidate):
    cadre = candidate(
        rank=R.GENERAL, birth=D(1980, 1, 15), education=E.JUNIOR_COLLEGE, full_time_education=False,
        conduct_record="2018年受党内严重警告处分", health=H.FAIR, has_grassroots_experience=True,
    )
    failures = check(cadre, program_for("anqiu"), applied=False)
    assert failures == [
        EligibilityFailure("education", "学历为大专，低于本科的要求"),
        EligibilityFailure("age", "年龄 46 岁，超过一般干部 35 岁的上限"),
        EligibilityFailure("deputy_section_leader", "非在职在编副科级领导职务干部（现为一般干部）"),
        EligibilityFailure("conduct", "有违纪违法记录"),
        EligibilityFailure("health", "健康状况为“一般”，要求身体健康"),
        EligibilityFailure("grassroots", "已有基层工作经历，本项目要求缺乏基层工作经历的干部"),
        EligibilityFailure("personal_application", "未本人提出申请"),
    ]
    assert eligibility_summary(failures) == (
        "学历为大专，低于本科的要求；年龄 46 岁，超过一般干部 35 岁的上限；"
        "非在职在编副科级领导职务干部（现为一般干部）；有违纪违法记录；健康状况为“一般”，要求身体健康；"
        "已有基层工作经历，本项目要求缺乏基层工作经历的干部；未本人提出申请"
    )
    assert eligibility_summary([]) == ""


# --- what the function takes and costs --------------------------------------------------------


def test_R5_a_preset_or_an_unsaved_policy_works_as_the_policy(candidate):
    """Anything with the policy fields: a preset (to preview a template) or an in-memory copy."""
    preset = PolicyPreset.objects.get(code="anqiu")
    cadre = candidate(education=E.JUNIOR_COLLEGE)
    for policy in (preset, ProgramPolicy(**preset.policy_values())):
        assert messages(eligibility_check(cadre=cadre, policy=policy, reference_date=REF, applied_in_person=True)) == [
            "学历为大专，低于本科的要求"
        ]


def test_R5_check_reads_no_database(program_for, candidate, django_assert_num_queries):
    program = program_for("anqiu")
    policy = program.policy
    cadre = candidate(health=H.FAIR)
    with django_assert_num_queries(0):
        failures = eligibility_check(cadre=cadre, policy=policy, reference_date=REF, applied_in_person=False)
    assert [failure.rule for failure in failures] == ["health", "personal_application"]


def test_R5_failures_are_frozen_and_rule_codes_are_plain_strings(program_for, candidate):
    [failure] = check(candidate(health=H.POOR), program_for("anqiu"))
    assert type(failure.rule) is str
    with pytest.raises(AttributeError):
        failure.rule = "age"
    assert RULE_ORDER == ["education", "full_time", "age", "deputy_section_leader", "conduct", "health",
                          "grassroots", "personal_application", "reserve"]


# --- properties ------------------------------------------------------------------------------


def full_years(birth: dt.date, on: dt.date) -> int:
    """周岁, computed independently of ``Cadre.age_on``: a 29 February birthday is 1 March in
    common years."""
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(on.year):
        birthday = D(on.year, 3, 1)
    else:
        birthday = birth.replace(year=on.year)
    return on.year - birth.year - (on < birthday)


def unsaved_cadre(**fields) -> Cadre:
    values = {
        "name": "候选人", "birth_date": D(1990, 6, 1), "rank": R.TOWNSHIP_DEPUTY, "is_leadership": True,
        "education": E.BACHELOR, "full_time_education": True, "health": H.HEALTHY, "conduct_record": "",
        "has_grassroots_experience": False, "reserve_status": Cadre.Reserve.NONE,
    }
    values.update(fields)
    return Cadre(**values)


TIERS = {R.COUNTY_DEPUTY: ("县处级", 45), R.TOWNSHIP_DEPUTY: ("乡科级", 40), R.GENERAL: ("一般干部", 35)}


@pytest.fixture
def jincheng_policy(db):
    return ProgramPolicy(**PolicyPreset.objects.get(code="jincheng").policy_values())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    birth=st.dates(min_value=D(1955, 1, 1), max_value=D(2004, 12, 31)),
    reference_date=st.dates(min_value=D(2020, 1, 1), max_value=D(2032, 12, 31)),
    rank=st.sampled_from(list(TIERS)),
)
def test_R5_age_fails_exactly_when_full_years_exceed_the_tier_cap(jincheng_policy, birth, reference_date, rank):
    tier, cap = TIERS[rank]
    failures = eligibility_check(
        cadre=unsaved_cadre(birth_date=birth, rank=rank), policy=jincheng_policy, reference_date=reference_date,
        applied_in_person=True,
    )
    age = full_years(birth, reference_date)
    expected = [] if age <= cap else [EligibilityFailure("age", f"年龄 {age} 岁，超过{tier} {cap} 岁的上限")]
    assert failures == expected


# Each defect breaks exactly one 安丘 rule of the ideal candidate.
ANQIU_DEFECTS = {
    "age": {"birth_date": D(1985, 3, 1)},
    "deputy_section_leader": {"is_leadership": False},
    "conduct": {"conduct_record": "受诫勉处理"},
    "health": {"health": H.FAIR},
    "grassroots": {"has_grassroots_experience": True},
    "personal_application": {},
}
EDUCATION_DEFECTS = {
    None: {}, "education": {"education": E.JUNIOR_COLLEGE}, "full_time": {"full_time_education": False},
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(education=st.sampled_from(list(EDUCATION_DEFECTS)), defects=st.sets(st.sampled_from(list(ANQIU_DEFECTS))))
def test_R5_anqiu_lists_exactly_the_broken_rules_in_order(education, defects):
    preset = PolicyPreset.objects.get(code="anqiu")
    fields = dict(EDUCATION_DEFECTS[education])
    for defect in defects:
        fields.update(ANQIU_DEFECTS[defect])
    failures = eligibility_check(
        cadre=unsaved_cadre(**fields), policy=preset, reference_date=REF,
        applied_in_person="personal_application" not in defects,
    )
    broken = set(defects) | ({education} if education else set())
    assert [failure.rule for failure in failures] == [rule for rule in RULE_ORDER if rule in broken]
    assert all(failure.message for failure in failures)
