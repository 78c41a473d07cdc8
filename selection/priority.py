"""Priority of an eligible candidate (R6, "两个优先"): pure scoring, no database writes.

The score only orders candidates; it never excludes anyone (that is R5, ``selection.eligibility``).
It adds points for each fact R6 names and keeps every factor with its Chinese label, so staff
see why one candidate ranks above another.

部门优先 — the cadre's sending unit (R2), each fact capped so no single one dominates:

- tied to the economy or livelihoods (``Unit.tied_to_economy``): +10;
- projects (``Unit.project_count``): +1 a project, at most +10;
- petitions (``Unit.petition_volume``, a year): +1 for every full 100, at most +10.

人员优先 — the cadre:

- single-source career (经历来源单一): +10, once, when either
  (a) the cadre lacks grassroots experience (``has_grassroots_experience`` is off), or
  (b) every work line of the résumé (简历) lies in the sending unit: the line begins with the
  unit's name, as the registration form writes it ("泽州县发展和改革局综合股科员").
  Study lines are not work: lines ending on or before the date work started, and lines that
  say 学习、研究生、进修、培训 or 就读. Free text cannot reliably tell a unit's *kind*, so
  the kind of experience comes from the grassroots flag, not from parsing the résumé;
- reserve cadre (市管 or 县管后备干部): +10. The seed names both ("市县两级选拔的副处级和副科级
  后备干部") without ranking one above the other;
- young with potential: the cadre's age on the reference date is at least 5 years below the
  age cap of the cadre's rank tier: +5, at least 10 years below: +10. The caps are 晋城's R5
  values (the policy's field defaults: 县处级 45, 乡科级 40, 一般干部 35), R6 being 晋城's
  rule; 厅局级 has no cap and gets no youth points.

Each side scores at most 30, the total at most 60; equal totals are left to the caller's
tie-break (the score is deterministic, its factors always in the order above).

Queries: the sending unit is read through ``cadre.sending_unit`` and the résumé through
``cadre.resume_entries.all()``, so a cadre fetched with ``select_related("sending_unit")`` and
``prefetch_related("resume_entries")`` costs none; otherwise one query each. Scoring a list of
candidates should fetch them that way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from programs.models import Cadre, PolicyFields

from .eligibility import AGE_CAP_FIELDS

ECONOMY_POINTS = 10
PROJECT_POINTS_EACH = 1
PROJECT_POINTS_CAP = 10
PETITIONS_PER_POINT = 100
PETITION_POINTS_CAP = 10
SINGLE_SOURCE_POINTS = 10
RESERVE_POINTS = 10
# (years below the tier's age cap, points), highest margin first.
YOUTH_STEPS = ((10, 10), (5, 5))

STUDY_WORDS = ("学习", "研究生", "进修", "培训", "就读")

@dataclass(frozen=True)
class PriorityScore:
    """The total and its factors as (Chinese label, points), in a fixed order."""

    total: int
    factors: tuple[tuple[str, int], ...]

    def factor_lines(self) -> list[str]:
        """Each factor as the admin shows it: "派出单位与经济工作、民生密切相关 +10"."""
        return [f"{label} +{points}" for label, points in self.factors]

    def __str__(self) -> str:
        return "；".join(self.factor_lines())


def default_age_cap(rank_tier: str) -> int | None:
    """晋城's R5 age cap for the tier (the policy model's default); None for 厅局级."""
    field = AGE_CAP_FIELDS.get(rank_tier)
    return PolicyFields._meta.get_field(field).default if field else None


def _is_study_line(entry, work_started_on) -> bool:
    if work_started_on and entry.end and entry.end <= work_started_on:
        return True
    return any(word in entry.description for word in STUDY_WORDS)


def single_source_reasons(cadre: Cadre) -> list[str]:
    """Why the cadre's career counts as single-source (经历来源单一); empty when it does not."""
    reasons = []
    unit_name = cadre.sending_unit.name
    work = [entry for entry in cadre.resume_entries.all() if not _is_study_line(entry, cadre.work_started_on)]
    if work and all(entry.description.strip().startswith(unit_name) for entry in work):
        reasons.append(_("工作经历均在%(unit)s") % {"unit": unit_name})
    if not cadre.has_grassroots_experience:
        reasons.append(_("缺乏基层工作经历"))
    return reasons


def priority_score(*, cadre: Cadre, reference_date) -> PriorityScore:
    """R6: the cadre's priority points on ``reference_date`` (the program's), with factors."""
    factors: list[tuple[str, int]] = []
    unit = cadre.sending_unit

    # 部门优先
    if unit.tied_to_economy:
        factors.append((_("派出单位与经济工作、民生密切相关"), ECONOMY_POINTS))
    project_points = min(unit.project_count * PROJECT_POINTS_EACH, PROJECT_POINTS_CAP)
    if project_points:
        factors.append((_("派出单位工程项目多（%(count)s 个）") % {"count": unit.project_count}, project_points))
    petition_points = min(unit.petition_volume // PETITIONS_PER_POINT, PETITION_POINTS_CAP)
    if petition_points:
        factors.append((_("派出单位信访量集中（年 %(count)s 件）") % {"count": unit.petition_volume}, petition_points))

    # 人员优先
    reasons = single_source_reasons(cadre)
    if reasons:
        factors.append((_("经历来源单一（%(reasons)s）") % {"reasons": "，".join(reasons)}, SINGLE_SOURCE_POINTS))
    if cadre.reserve_status != Cadre.Reserve.NONE:
        factors.append((str(Cadre.Reserve(cadre.reserve_status).label), RESERVE_POINTS))
    tier = cadre.rank_tier
    cap = default_age_cap(tier)
    if cap is not None:
        age = cadre.age_on(reference_date)
        for margin, points in YOUTH_STEPS:
            if cap - age >= margin:
                factors.append((_("年轻干部（%(age)s 岁，低于%(tier)s %(cap)s 岁上限 %(below)s 岁）") % {
                    "age": age, "tier": Cadre.RankTier(tier).label, "cap": cap, "below": cap - age,
                }, points))
                break

    return PriorityScore(total=sum(points for _label, points in factors), factors=tuple(factors))
