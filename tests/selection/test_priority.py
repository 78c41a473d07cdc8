"""R6 "两个优先": the priority score ranks candidates by their sending unit and themselves.

Cadres are registered through ``cadre_create`` and their résumé lines through
``resume_entry_save``; the sending units' R6 facts are set on units made for each test.
"""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Cadre, ResumeEntry, Unit
from selection.priority import PriorityScore, priority_score
from tests.factories import make_cadre, make_unit

pytestmark = pytest.mark.django_db

D = dt.date
REF = D(2026, 3, 1)
R = Cadre.Rank


@pytest.fixture
def unit(world):
    """A 泽州 county unit with the given R6 facts; none by default."""
    names = iter(range(1, 1000))

    def make(*, tied: bool = False, projects: int = 0, petitions: int = 0, name: str = ""):
        return make_unit(
            name or f"泽州县测试局{next(names)}", level=Unit.Level.COUNTY, kind=Unit.Kind.PARTY_GOVERNMENT,
            department=world.zezhou, tied_to_economy=tied, project_count=projects, petition_volume=petitions,
        )

    return make


@pytest.fixture
def cadre(world, unit):
    """A 副科级 cadre aged ``age`` on the reference date, with grassroots experience (so the
    single-source factor stays off unless a test wants it) and no résumé lines."""

    def make(*, sending_unit=None, age: int = 38, rank: str = R.TOWNSHIP_DEPUTY, resume=(), **fields):
        values = {"has_grassroots_experience": True}
        values.update(fields)
        person = make_cadre(acting_user=world.admin, name="候选人", sending_unit=sending_unit or unit(), rank=rank,
                            birth=REF - relativedelta(years=age), **values)
        for start, end, description in resume:
            services.resume_entry_save(
                acting_user=world.admin,
                resume_entry=ResumeEntry(cadre=person, start=start, end=end, description=description),
            )
        return person

    return make


def score(person) -> PriorityScore:
    return priority_score(cadre=person, reference_date=REF)


# --- the whole score ----------------------------------------------------------------------------


def test_R6_reserve_cadre_from_an_economy_tied_unit_outranks_a_plain_cadre(cadre, unit):
    favoured = cadre(sending_unit=unit(tied=True), reserve_status=Cadre.Reserve.COUNTY)
    plain = cadre(sending_unit=unit())
    assert score(favoured) == PriorityScore(
        total=20, factors=(("派出单位与经济工作、民生密切相关", 10), ("县管后备干部", 10))
    )
    assert score(plain) == PriorityScore(total=0, factors=())
    ranked = sorted([plain, favoured], key=lambda person: -score(person).total)
    assert ranked == [favoured, plain]


def test_R6_every_factor_is_shown_with_its_label_and_points(cadre, unit):
    housing = unit(name="泽州县住房和城乡建设局", tied=True, projects=12, petitions=850)
    person = cadre(
        sending_unit=housing, age=30, reserve_status=Cadre.Reserve.CITY, has_grassroots_experience=False,
        work_started_on=D(2018, 8, 1),
        resume=[(D(2014, 9, 1), D(2018, 7, 1), "山西大学经济学专业学习"),
                (D(2018, 8, 1), D(2023, 12, 31), "泽州县住房和城乡建设局村镇建设股科员"),
                (D(2024, 1, 1), None, "泽州县住房和城乡建设局副局长")],
    )
    result = score(person)
    assert result.factors == (
        ("派出单位与经济工作、民生密切相关", 10),
        ("派出单位工程项目多（12 个）", 10),
        ("派出单位信访量集中（年 850 件）", 8),
        ("经历来源单一（工作经历均在泽州县住房和城乡建设局，缺乏基层工作经历）", 10),
        ("市管后备干部", 10),
        ("年轻干部（30 岁，低于乡科级 40 岁上限 10 岁）", 10),
    )
    assert result.total == 58
    assert result.factor_lines()[0] == "派出单位与经济工作、民生密切相关 +10"
    assert str(result).startswith("派出单位与经济工作、民生密切相关 +10；派出单位工程项目多（12 个） +10；")
    assert score(person) == result  # deterministic


def test_R6_priority_ranks_but_never_excludes(program_for_jincheng, cadre, unit):
    """An ineligible cadre (over the age cap) still gets a score; eligibility is R5's business."""
    from selection.eligibility import is_eligible

    person = cadre(sending_unit=unit(tied=True), age=45, reserve_status=Cadre.Reserve.COUNTY)
    assert not is_eligible(cadre=person, policy=program_for_jincheng.policy, reference_date=REF, applied_in_person=True)
    assert score(person).total == 20  # no youth points, nothing taken away


@pytest.fixture
def program_for_jincheng(world):
    from programs.models import SecondmentType

    return services.program_create(
        acting_user=world.admin, name="晋城排序测试", secondment_type=SecondmentType.DOWN, year=2026,
        organising_department=world.zezhou, reference_date=REF, planned_start=REF,
    )


# --- 部门优先: the sending unit's facts, each capped -----------------------------------------------


@pytest.mark.parametrize(
    ("projects", "expected"),
    [(0, None), (1, ("派出单位工程项目多（1 个）", 1)), (9, ("派出单位工程项目多（9 个）", 9)),
     (10, ("派出单位工程项目多（10 个）", 10)), (11, ("派出单位工程项目多（11 个）", 10)),
     (500, ("派出单位工程项目多（500 个）", 10))],
)
def test_R6_projects_earn_a_point_each_up_to_10(cadre, unit, projects, expected):
    assert score(cadre(sending_unit=unit(projects=projects))).factors == ((expected,) if expected else ())


@pytest.mark.parametrize(
    ("petitions", "expected"),
    [(0, None), (99, None), (100, ("派出单位信访量集中（年 100 件）", 1)), (250, ("派出单位信访量集中（年 250 件）", 2)),
     (999, ("派出单位信访量集中（年 999 件）", 9)), (1000, ("派出单位信访量集中（年 1000 件）", 10)),
     (1_000_000, ("派出单位信访量集中（年 1000000 件）", 10))],
)
def test_R6_petitions_earn_a_point_per_hundred_up_to_10(cadre, unit, petitions, expected):
    assert score(cadre(sending_unit=unit(petitions=petitions))).factors == ((expected,) if expected else ())


# --- 人员优先: single-source career -------------------------------------------------------------------


def test_R6_single_source_when_every_work_line_is_in_the_sending_unit(world, cadre):
    """A township cadre (grassroots experience, so only the résumé can tell) who never left it.
    School lines and in-service study do not count as work elsewhere."""
    township = world.units["gp_township"]
    person = cadre(sending_unit=township, has_grassroots_experience=True, work_started_on=D(2010, 7, 1), resume=[
        (D(2006, 9, 1), D(2010, 7, 1), "山西农业大学农学系本科"),  # ends as work starts: school
        (D(2010, 7, 1), D(2016, 12, 31), "高平市米山镇党政办公室科员"),
        (D(2013, 9, 1), D(2016, 7, 1), "中共山西省委党校在职研究生学习"),
        (D(2017, 1, 1), None, "高平市米山镇副镇长"),
    ])
    assert score(person).factors == (("经历来源单一（工作经历均在高平市米山镇）", 10),)


def test_R6_not_single_source_with_grassroots_work_elsewhere(cadre, unit):
    transport = unit(name="泽州县交通运输局")
    person = cadre(sending_unit=transport, has_grassroots_experience=True, resume=[
        (D(2010, 8, 1), D(2014, 12, 31), "泽州县巴公镇党政办公室科员"),
        (D(2015, 1, 1), None, "泽州县交通运输局副局长"),
    ])
    assert score(person).factors == ()


def test_R6_lacking_grassroots_experience_is_single_source_even_across_organs(cadre, unit):
    transport = unit(name="泽州县交通运输局")
    person = cadre(sending_unit=transport, has_grassroots_experience=False, resume=[
        (D(2010, 8, 1), D(2014, 12, 31), "泽州县财政局预算股科员"),
        (D(2015, 1, 1), None, "泽州县交通运输局副局长"),
    ])
    assert score(person).factors == (("经历来源单一（缺乏基层工作经历）", 10),)


def test_R6_without_resume_lines_only_the_grassroots_flag_tells(cadre):
    assert score(cadre(has_grassroots_experience=True)).factors == ()
    assert score(cadre(has_grassroots_experience=False)).factors == (("经历来源单一（缺乏基层工作经历）", 10),)


# --- 人员优先: reserve cadres and young cadres ----------------------------------------------------------


@pytest.mark.parametrize(
    ("reserve", "expected"),
    [(Cadre.Reserve.CITY, (("市管后备干部", 10),)), (Cadre.Reserve.COUNTY, (("县管后备干部", 10),)),
     (Cadre.Reserve.NONE, ())],
)
def test_R6_reserve_cadres_come_first(cadre, reserve, expected):
    assert score(cadre(reserve_status=reserve)).factors == expected


@pytest.mark.parametrize(
    ("rank", "age", "expected"),
    [
        (R.TOWNSHIP_DEPUTY, 40, None),
        (R.TOWNSHIP_DEPUTY, 36, None),  # 4 years below the cap: not yet a margin
        (R.TOWNSHIP_DEPUTY, 35, ("年轻干部（35 岁，低于乡科级 40 岁上限 5 岁）", 5)),
        (R.TOWNSHIP_DEPUTY, 31, ("年轻干部（31 岁，低于乡科级 40 岁上限 9 岁）", 5)),
        (R.TOWNSHIP_DEPUTY, 30, ("年轻干部（30 岁，低于乡科级 40 岁上限 10 岁）", 10)),
        (R.TOWNSHIP_FULL, 26, ("年轻干部（26 岁，低于乡科级 40 岁上限 14 岁）", 10)),
        (R.GENERAL, 30, ("年轻干部（30 岁，低于一般干部 35 岁上限 5 岁）", 5)),
        (R.GENERAL, 31, None),
        (R.COUNTY_DEPUTY, 35, ("年轻干部（35 岁，低于县处级 45 岁上限 10 岁）", 10)),
        (R.BUREAU_DEPUTY, 40, None),  # no cap, no youth points
    ],
)
def test_R6_young_cadres_well_below_their_tiers_cap(cadre, rank, age, expected):
    assert score(cadre(rank=rank, age=age)).factors == ((expected,) if expected else ())


def test_R6_age_is_counted_on_the_reference_date(cadre):
    person = cadre(age=35)  # 35 on REF, 34 the day before
    assert priority_score(cadre=person, reference_date=REF).total == 5
    assert priority_score(cadre=person, reference_date=REF - dt.timedelta(days=1)).factors == (
        ("年轻干部（34 岁，低于乡科级 40 岁上限 6 岁）", 5),
    )


# --- queries ------------------------------------------------------------------------------------


def test_R6_a_prefetched_cadre_costs_no_query(cadre, unit, django_assert_num_queries):
    person = cadre(sending_unit=unit(tied=True), resume=[(D(2010, 8, 1), None, "泽州县测试局科员")])
    fetched = Cadre.objects.select_related("sending_unit").prefetch_related("resume_entries").get(pk=person.pk)
    with django_assert_num_queries(0):
        prefetched = score(fetched)
    plain = Cadre.objects.get(pk=person.pk)
    with django_assert_num_queries(2):  # the sending unit and the résumé
        assert score(plain) == prefetched


# --- properties ---------------------------------------------------------------------------------


facts = st.tuples(st.booleans(), st.integers(0, 100_000), st.integers(0, 10_000_000))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=facts, extra=facts)
def test_R6_more_unit_facts_never_lower_the_score_and_each_factor_is_capped(cadre_for_properties, low, extra):
    """Scores for an in-memory sending unit: a unit with at least the facts of another never
    scores lower, the total is the sum of its factors and no factor exceeds 10."""
    person = cadre_for_properties
    high = (low[0] or extra[0], low[1] + extra[1], low[2] + extra[2])
    scores = []
    for tied, projects, petitions in (low, high):
        person.sending_unit = Unit(name="泽州县某局", level=Unit.Level.COUNTY, tied_to_economy=tied,
                                   project_count=projects, petition_volume=petitions)
        result = score(person)
        assert result.total == sum(points for _label, points in result.factors)
        assert all(1 <= points <= 10 for _label, points in result.factors)
        scores.append(result.total)
    assert scores[0] <= scores[1] <= 60


@pytest.fixture
def cadre_for_properties(cadre):
    return Cadre.objects.prefetch_related("resume_entries").get(pk=cadre().pk)
