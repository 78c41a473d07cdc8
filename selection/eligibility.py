"""Eligibility of a cadre for a program (R5): pure rules, no database access.

Each rule the program's policy switches on is checked against the cadre's record on the
program's reference date; every rule that fails gives one ``EligibilityFailure`` whose message
names the rule and the cadre's value in Chinese, so staff (and the cadre) can read why. An
empty list means eligible. Eligibility excludes; priority (R6, ``selection.priority``) only
ranks those who remain.

``policy`` is anything carrying ``programs.models.PolicyFields`` — a program's own
``ProgramPolicy`` (what selection uses, D2) or a ``PolicyPreset`` (to preview a template).

Decisions where the seed leaves room:

- **Age caps by rank tier** (晋城): 县处级 → ``max_age_county_level``, 乡科级 →
  ``max_age_township_level``, 一般干部 → ``max_age_general``. 厅局级 cadres have no cap: the seed
  gives none and they are outside every program it describes. A cap of ``None`` means no limit.
  Age is full years (周岁) on the reference date (``Cadre.age_on``): "不超过40周岁" holds up to
  the day before the 41st birthday. A 29 February birthday falls on 1 March in common years.
- **Full-time** (安丘 "全日制大学本科以上学历"): the education that meets ``min_education`` must
  be full-time. The record holds only the highest education and its full-time flag, so a
  cadre whose in-service 硕士 sits on a full-time 本科 fails here; staff override with a reason.
  When the education itself is too low only the ``education`` rule fails, not both.
- **副科级领导职务** (安丘 "在职在编副科级领导职务干部"): rank 副乡科级 and a leadership post.
  正科级 does not qualify: the seed's standard names 副科级 and the posts are 副科 posts
  (党(工)委委员、副镇长); where a program wants 正科 too, staff override with a reason.
  "在职在编" is taken as given for every cadre in the registry (it holds serving cadres only).
- **Conduct**: any non-blank conduct record fails; the record's text is not repeated in the
  message, which the admin lists next to the candidate.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Cadre


class EligibilityRule(models.TextChoices):
    """The R5 rules, in the order failures are listed."""

    EDUCATION = "education", gettext_lazy("学历")
    FULL_TIME = "full_time", gettext_lazy("全日制学历")
    AGE = "age", gettext_lazy("年龄")
    DEPUTY_SECTION_LEADER = "deputy_section_leader", gettext_lazy("副科级领导职务")
    CONDUCT = "conduct", gettext_lazy("违纪违法记录")
    HEALTH = "health", gettext_lazy("身体健康")
    GRASSROOTS = "grassroots", gettext_lazy("缺乏基层工作经历")
    PERSONAL_APPLICATION = "personal_application", gettext_lazy("本人申请")
    RESERVE = "reserve", gettext_lazy("后备干部")


@dataclass(frozen=True)
class EligibilityFailure:
    """One failed rule: ``rule`` is an ``EligibilityRule`` value, ``message`` readable Chinese."""

    rule: str
    message: str


# The policy field holding each rank tier's age cap; 厅局级 has none.
AGE_CAP_FIELDS = {
    Cadre.RankTier.COUNTY: "max_age_county_level",
    Cadre.RankTier.TOWNSHIP: "max_age_township_level",
    Cadre.RankTier.GENERAL: "max_age_general",
}


def age_cap_for(*, policy, rank_tier: str) -> int | None:
    """The policy's age cap (周岁) for a rank tier; ``None`` is no limit (厅局级 always)."""
    field = AGE_CAP_FIELDS.get(rank_tier)
    return getattr(policy, field) if field else None


def _education_label(level: int) -> str:
    return str(Cadre.Education(level).label)


def eligibility_check(*, cadre: Cadre, policy, reference_date, applied_in_person: bool) -> list[EligibilityFailure]:
    """R5: the rules of ``policy`` that ``cadre`` fails on ``reference_date``; empty when eligible.

    ``applied_in_person`` says whether the cadre applied personally in writing (R7); it matters
    only where the policy requires a personal application (安丘). Reads the cadre's own fields
    only, so it costs no query.
    """
    failures = []

    def fail(rule: EligibilityRule, message: str) -> None:
        failures.append(EligibilityFailure(rule=rule.value, message=message))

    # Education (晋城 ≥ 大专, 安丘 ≥ 本科) and, where required, full-time (安丘).
    education = {"education": _education_label(cadre.education), "minimum": _education_label(policy.min_education)}
    if cadre.education < policy.min_education:
        fail(EligibilityRule.EDUCATION, _("学历为%(education)s，低于%(minimum)s的要求") % education)
    elif policy.require_full_time_education and not cadre.full_time_education:
        fail(EligibilityRule.FULL_TIME, _("学历“%(education)s”非全日制，要求全日制%(minimum)s以上") % education)

    # Age by rank tier (晋城: 县处级 45, 乡科级 40, 一般干部 35).
    tier = cadre.rank_tier
    cap = age_cap_for(policy=policy, rank_tier=tier)
    if cap is not None:
        age = cadre.age_on(reference_date)
        if age > cap:
            fail(EligibilityRule.AGE, _("年龄 %(age)s 岁，超过%(tier)s %(cap)s 岁的上限") % {
                "age": age, "tier": Cadre.RankTier(tier).label, "cap": cap,
            })

    # 安丘: in-post 副科级 leadership cadre.
    if policy.require_deputy_section_leader and not (
        cadre.rank == Cadre.Rank.TOWNSHIP_DEPUTY and cadre.is_leadership
    ):
        rank = Cadre.Rank(cadre.rank).label
        if cadre.rank == Cadre.Rank.GENERAL:
            current = str(rank)
        elif cadre.is_leadership:
            current = _("%(rank)s领导职务") % {"rank": rank}
        else:
            current = _("%(rank)s非领导职务") % {"rank": rank}
        message = _("非在职在编副科级领导职务干部（现为%(current)s）") % {"current": current}
        fail(EligibilityRule.DEPUTY_SECTION_LEADER, message)

    if policy.require_no_conduct_record and cadre.has_conduct_record:
        fail(EligibilityRule.CONDUCT, _("有违纪违法记录"))

    if policy.require_healthy and cadre.health != Cadre.Health.HEALTHY:
        health = Cadre.Health(cadre.health).label
        fail(EligibilityRule.HEALTH, _("健康状况为“%(health)s”，要求身体健康") % {"health": health})

    if policy.require_lacks_grassroots and cadre.has_grassroots_experience:
        fail(EligibilityRule.GRASSROOTS, _("已有基层工作经历，本项目要求缺乏基层工作经历的干部"))

    if policy.require_personal_application and not applied_in_person:
        fail(EligibilityRule.PERSONAL_APPLICATION, _("未本人提出申请"))

    # 江东: selected from reserve cadres only (D2).
    if policy.reserve_cadres_only and cadre.reserve_status == Cadre.Reserve.NONE:
        fail(EligibilityRule.RESERVE, _("非后备干部，本项目仅从后备干部中选派"))

    return failures


def is_eligible(*, cadre: Cadre, policy, reference_date, applied_in_person: bool) -> bool:
    """True when ``eligibility_check`` finds no failed rule."""
    return not eligibility_check(
        cadre=cadre, policy=policy, reference_date=reference_date, applied_in_person=applied_in_person
    )


def eligibility_summary(failures) -> str:
    """The failures' messages in one line for the admin (";"-joined); empty when eligible."""
    return "；".join(failure.message for failure in failures)
