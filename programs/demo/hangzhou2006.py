"""杭州's 2006 batch (R25, D9): 150 cadres whose composition is exactly what 杭州 reported.

    2006年选派的150名挂职干部中,有中共党员130人,市管后备干部14人,副处以上领导干部96人;
    大学以上文化程度118人,其中硕士研究生14人,博士研究生1人;二十世纪70年代以后出生的有
    46人,最年轻的是1983年出生的干部,平均年龄为38.1岁。

How the figures are read (``batch_composition`` computes them from the database rows):
- 中共党员: political status 中共党员 or 中共预备党员. The batch has no 预备党员, so the reading
  "中共党员 only" gives the same 130.
- 市管后备干部: reserve status 市管后备干部.
- 副处以上领导干部: rank 副县处级 or above (all of them hold leadership posts).
- 大学以上文化程度: education 本科 or above (大专 is not counted as 大学); 硕士 and 博士 are
  the highest education.
- 70年代以后出生: born on 1 January 1970 or later; the youngest was born in 1983.
- 平均年龄: the mean of the ages in full years (周岁) on the program's reference date
  (1 March 2006), rounded half up to one decimal. The batch's ages sum to exactly 5715,
  so the mean is exactly 38.1.

Every cadre is individually plausible: rank follows age (副处 from 33, 正处 from 40,
一般干部 at most 33), the doctorate is a 副处级 cadre in their late thirties, the youngest
(born 1983) is a 一般干部 with a bachelor's degree and 共青团员, and everyone meets the 杭州
program's eligibility (education 大专 or above; age caps 45/40/35 by rank tier, D2).
"""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from ..models import Cadre
from .localities import HANGZHOU, HZ_PROJECTS_2006, UnitData
from .people import CadreSpec, PeopleMaker, birth_for_age

E, R, P = Cadre.Education, Cadre.Rank, Cadre.PoliticalStatus

REFERENCE_DATE = dt.date(2006, 3, 1)
PLANNED_START = dt.date(2006, 3, 1)
PLANNED_END = dt.date(2007, 2, 28)
ACTUAL_START = dt.date(2006, 3, 6)

# What 杭州 reported (R25).
TARGET = {
    "total": 150,
    "party_members": 130,
    "city_reserve": 14,
    "county_deputy_or_above": 96,
    "university": 118,
    "masters": 14,
    "doctors": 1,
    "born_1970_or_later": 46,
    "youngest_birth_year": 1983,
    "average_age": Decimal("38.1"),
}
AGE_SUM = 5715  # 150 × 38.1

COUNTY_OR_ABOVE = (R.COUNTY_DEPUTY, R.COUNTY_FULL, R.BUREAU_DEPUTY, R.BUREAU_FULL)
PARTY = (P.PARTY_MEMBER, P.PROBATIONARY)

# Posts per key project: title, places, who fills it first.
POSTS = [("指挥部副指挥", 2), ("工作组组长", 5), ("工作组副组长", 8)]


def _slot(group, rank, low, high):
    return {"group": group, "rank": rank, "low": low, "high": high}


def _slots(rng: random.Random) -> list[dict]:
    """Who the 150 are, by group: rank and the age range that is plausible for it."""
    slots = [_slot("youngest", R.GENERAL, 22, 22)]
    slots += [_slot("young_general", R.GENERAL, 24, 33) for _ in range(17)]
    slots += [_slot("young_section", R.TOWNSHIP_DEPUTY, 28, 35) for _ in range(12)]
    slots += [_slot("young_section", R.TOWNSHIP_FULL, 31, 35) for _ in range(10)]
    slots += [_slot("young_county", R.COUNTY_DEPUTY, 33, 35) for _ in range(6)]
    slots += [_slot("older_section", R.TOWNSHIP_FULL, 36, 40) for _ in range(14)]
    slots += [_slot("older_county", R.COUNTY_DEPUTY, 36, 45) for _ in range(76)]
    slots += [_slot("older_county", R.COUNTY_FULL, 40, 45) for _ in range(14)]
    for slot in slots:
        # Older county-level cadres cluster in their early forties.
        if slot["group"] == "older_county":
            slot["age"] = min(slot["high"], max(slot["low"], round(rng.gauss(42, 2.5))))
        else:
            slot["age"] = rng.randint(slot["low"], slot["high"])
    # Move single years within each slot's range until the ages sum to exactly 5715.
    adjustable = [s for s in slots if s["low"] < s["high"]]
    while (diff := AGE_SUM - sum(s["age"] for s in slots)) != 0:
        step = 1 if diff > 0 else -1
        slot = rng.choice(adjustable)
        if slot["low"] <= slot["age"] + step <= slot["high"]:
            slot["age"] += step
    return slots


def _pick(rng, slots, count, condition):
    return rng.sample([s for s in slots if condition(s)], count)


def plan_batch(
    rng: random.Random, people: PeopleMaker, sending_units: list[UnitData]
) -> list[tuple[CadreSpec, str, str]]:
    """The 150 cadres of the batch, each with the key project and post title they filled."""
    slots = _slots(rng)

    def by_group(name):
        return [s for s in slots if s["group"] == name]

    # Education: 1 doctorate, 14 master's, 32 大专, the rest 本科 (118 = 本科 and above).
    for s in slots:
        s["education"] = E.BACHELOR
    doctor = _pick(rng, slots, 1, lambda s: s["rank"] == R.COUNTY_DEPUTY and s["group"] == "older_county"
                   and 37 <= s["age"] <= 42)[0]
    doctor["education"] = E.DOCTOR
    masters = (
        _pick(rng, slots, 3, lambda s: s["group"] == "young_county")
        + _pick(rng, slots, 3, lambda s: s["group"] == "young_section")
        + _pick(rng, slots, 1, lambda s: s["group"] == "young_general" and s["age"] >= 26)
        + _pick(rng, slots, 7, lambda s: s["group"] == "older_county" and s is not doctor)
    )
    for s in masters:
        s["education"] = E.MASTER

    def bachelors(group, condition=lambda s: True):
        return lambda s: s["group"] == group and s["education"] == E.BACHELOR and condition(s)

    junior = (
        _pick(rng, slots, 8, bachelors("older_section"))
        + _pick(rng, slots, 20, bachelors("older_county", lambda s: s["age"] >= 40))
        + _pick(rng, slots, 4, bachelors("young_section"))
    )
    for s in junior:
        s["education"] = E.JUNIOR_COLLEGE

    # Political status: 130 party members; 20 others plausible for their age and post.
    for s in slots:
        s["political"] = P.PARTY_MEMBER
    by_group("youngest")[0]["political"] = P.LEAGUE
    young_general = sorted(by_group("young_general"), key=lambda s: s["age"])
    for s in young_general[:5]:
        s["political"] = P.LEAGUE  # 共青团员 are 28 or younger
    for s in young_general[-2:]:
        s["political"] = P.MASSES
    for s in _pick(rng, slots, 2, lambda s: s["group"] == "young_section"):
        s["political"] = P.DEMOCRATIC_PARTY
    for s in _pick(rng, slots, 2, lambda s: s["group"] == "older_section"):
        s["political"] = P.NON_PARTY
    for s in _pick(rng, slots, 8, lambda s: s["group"] == "older_county" and s["rank"] == R.COUNTY_DEPUTY):
        s["political"] = P.DEMOCRATIC_PARTY

    # 14 city-managed reserve cadres: the six young 副处 and eight party members up to 42.
    for s in slots:
        s["reserve"] = Cadre.Reserve.NONE
    for s in by_group("young_county") + _pick(
        rng, slots, 8, lambda s: s["group"] == "older_county" and s["age"] <= 42 and s["political"] == P.PARTY_MEMBER
    ):
        s["reserve"] = Cadre.Reserve.CITY

    specs = []
    for s in slots:
        older = s["group"].startswith("older")
        birth = birth_for_age(
            rng, s["age"], REFERENCE_DATE,
            latest=dt.date(1969, 12, 31) if older else (dt.date(1983, 12, 31) if s["group"] == "youngest" else None),
        )
        unit = rng.choice(sending_units)
        county_level = s["rank"] in COUNTY_OR_ABOVE
        spec = people.cadre(
            unit=unit.unit_style, rank=s["rank"], birth=birth, on=REFERENCE_DATE,
            regions=list(HANGZHOU.regions), province=HANGZHOU.province,
            gender="M" if rng.random() < (0.8 if county_level else 0.6) else "F",
            education=s["education"],
            # Young cadres and the doctorate studied full-time; the rest as the generator draws.
            full_time=True if (s["age"] < 27 or s["education"] == E.DOCTOR) else (
                None if s["education"] in (E.BACHELOR, E.JUNIOR_COLLEGE) else (not older or rng.random() < 0.5)),
            political_status=s["political"], reserve_status=s["reserve"],
            # In 杭州's 副省级 city, 主任科员 and 副主任科员 are not leadership posts.
            is_leadership=county_level,
            grassroots_unit="杭州市余杭区良渚镇" if rng.random() < 0.15 else None,
        )
        specs.append(spec)
    return _assign_posts(rng, specs)


def _assign_posts(rng, specs: list[CadreSpec]) -> list[tuple[CadreSpec, str, str]]:
    """Fill each project's posts: 正处 as 副指挥, 副处 as 组长, others as 副组长."""
    capacity = {(project, title): places for project, _aim in HZ_PROJECTS_2006 for title, places in POSTS}
    order = {R.COUNTY_FULL: 0, R.COUNTY_DEPUTY: 1}
    ranked = sorted(range(len(specs)), key=lambda i: (order.get(specs[i].fields["rank"], 2), i))
    assigned: dict[int, tuple[str, str]] = {}
    projects = [project for project, _aim in HZ_PROJECTS_2006]
    for position, index in enumerate(ranked):
        rank = specs[index].fields["rank"]
        titles = {R.COUNTY_FULL: ["指挥部副指挥"], R.COUNTY_DEPUTY: ["指挥部副指挥", "工作组组长", "工作组副组长"]}.get(
            rank, ["工作组副组长"])
        start = position % len(projects)
        for title in titles:
            project = next((projects[(start + k) % len(projects)] for k in range(len(projects))
                            if capacity[(projects[(start + k) % len(projects)], title)] > 0), None)
            if project:
                capacity[(project, title)] -= 1
                assigned[index] = (project, title)
                break
        else:  # pragma: no cover - the places add up to exactly 150
            raise RuntimeError("no post left for the 2006 batch")
    return [(spec, *assigned[i]) for i, spec in enumerate(specs)]


def batch_composition(cadres, reference_date: dt.date) -> dict:
    """R25's figures for a batch of cadres (read as documented above)."""
    cadres = list(cadres)
    ages = [cadre.age_on(reference_date) for cadre in cadres]
    average = (Decimal(sum(ages)) / Decimal(len(ages))).quantize(Decimal("0.1"), ROUND_HALF_UP) if ages else None
    return {
        "total": len(cadres),
        "party_members": sum(c.political_status in PARTY for c in cadres),
        "city_reserve": sum(c.reserve_status == Cadre.Reserve.CITY for c in cadres),
        "county_deputy_or_above": sum(c.rank in COUNTY_OR_ABOVE for c in cadres),
        "university": sum(c.education >= E.BACHELOR for c in cadres),
        "masters": sum(c.education == E.MASTER for c in cadres),
        "doctors": sum(c.education == E.DOCTOR for c in cadres),
        "born_1970_or_later": sum(c.birth_date >= dt.date(1970, 1, 1) for c in cadres),
        "youngest_birth_year": max(c.birth_date for c in cadres).year if cadres else None,
        "average_age": average,
    }
