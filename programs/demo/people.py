"""Believable cadres for the demo (R3): identity, education, career and résumé that agree.

Everything is drawn from the ``random.Random`` the builder passes in, in a fixed order, so the
same seed always gives the same people — the builder's idempotence rests on that: a second run
computes the same ID numbers and finds them already registered.

Plausibility rules kept for every cadre:
- the 身份证号 carries the birth date and gender (odd 17th digit for men), a region code of
  the locality and a valid GB 11643 check character;
- work starts after the education the cadre holds (本科 at about 22, 硕士 25, 博士 28 …);
- the party is joined at 18 or later and before the record date;
- rank follows age: nobody is 副处级 before 30 or 一般干部 after 35 when the caller asks
  for a rank (callers pick the age ranges; ``RANK_MIN_AGE`` is the floor);
- the résumé runs from school to the current post without gaps, one rung per rank.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from ..idnumber import id_number_check_char
from ..models import Cadre
from .names import NameMaker

E = Cadre.Education
R = Cadre.Rank

# Native places (籍贯) by the region code of the ID number.
NATIVE_PLACES = {
    "140502": "山西晋城", "140521": "山西沁水", "140522": "山西阳城", "140524": "山西陵川",
    "140525": "山西泽州", "140581": "山西高平",
    "370702": "山东潍坊", "370705": "山东潍坊", "370781": "山东青州", "370784": "山东安丘",
    "330102": "浙江杭州", "330103": "浙江杭州", "330104": "浙江杭州", "330105": "浙江杭州",
    "330106": "浙江杭州", "330108": "浙江杭州", "330109": "浙江萧山", "330110": "浙江余杭",
    "330122": "浙江桐庐", "330127": "浙江淳安", "330182": "浙江建德", "330183": "浙江富阳",
    "330185": "浙江临安",
    "330203": "浙江宁波", "330204": "浙江宁波", "330205": "浙江宁波", "330212": "浙江鄞县",
    "340302": "安徽蚌埠", "340303": "安徽蚌埠", "340311": "安徽蚌埠", "340321": "安徽怀远",
}

UNIVERSITIES = {
    "山西": ["山西大学", "太原理工大学", "山西财经大学", "山西农业大学", "山西师范大学", "中北大学"],
    "山东": ["山东大学", "山东师范大学", "山东农业大学", "中国海洋大学", "山东财经大学", "潍坊学院"],
    "浙江": ["浙江大学", "杭州大学", "浙江工业大学", "浙江工商大学", "浙江师范大学", "宁波大学", "浙江财经学院"],
    "安徽": ["安徽大学", "安徽财经大学", "安徽师范大学", "安徽农业大学", "合肥工业大学"],
    "national": ["中国人民大学", "北京师范大学", "武汉大学", "南京大学", "华东师范大学", "中南财经政法大学",
                 "同济大学", "西北大学"],
}
COLLEGES = {
    "山西": ["晋城职业技术学院", "山西省财政税务专科学校", "长治学院"],
    "山东": ["潍坊职业学院", "山东商业职业技术学院", "昌潍师范专科学校"],
    "浙江": ["杭州师范学院", "浙江经济职业技术学院", "宁波高等专科学校"],
    "安徽": ["蚌埠学院", "安徽经济管理干部学院", "蚌埠医学院"],
}
SECONDARY_SCHOOLS = {
    "山西": "晋城市农业学校", "山东": "潍坊商业学校", "浙江": "杭州市财经学校", "安徽": "蚌埠市财贸学校",
}
PARTY_SCHOOLS = {
    "山西": "中共山西省委党校", "山东": "中共山东省委党校", "浙江": "中共浙江省委党校", "安徽": "中共安徽省委党校",
}
MAJORS = ["汉语言文学", "法学", "经济学", "行政管理", "土木工程", "会计学", "农学", "计算机科学与技术",
          "城市规划", "环境工程", "财政学", "思想政治教育", "工商管理", "历史学", "水利水电工程", "社会工作"]
GRADUATE_MAJORS = ["公共管理", "区域经济学", "法学", "城市规划与设计", "环境科学", "农业推广", "政治经济学",
                   "管理科学与工程", "马克思主义理论"]

ETHNICITIES = [("汉族", 96), ("回族", 2), ("满族", 1), ("蒙古族", 1)]
# The youngest age at which a rank is plausible (full years).
RANK_MIN_AGE = {R.GENERAL: 18, R.TOWNSHIP_DEPUTY: 26, R.TOWNSHIP_FULL: 29, R.COUNTY_DEPUTY: 31, R.COUNTY_FULL: 35,
                R.BUREAU_DEPUTY: 40, R.BUREAU_FULL: 45}
LADDER = [R.GENERAL, R.TOWNSHIP_DEPUTY, R.TOWNSHIP_FULL, R.COUNTY_DEPUTY, R.COUNTY_FULL]


@dataclass
class UnitStyle:
    """How posts are called in a sending unit, so a rank becomes a believable 现任职务."""

    name: str
    style: str  # "hz" (副省级市直: 处), "city" (地级市直: 科), "county" (县/区直), "township"
    sections: tuple = ()
    head: str = ""  # 局长 / 主任 / 部长 …, derived from the name when empty

    def head_title(self) -> str:
        if self.head:
            return self.head
        for suffix, title in (("局", "局长"), ("委员会", "主任"), ("办公室", "主任"), ("部", "部长"),
                              ("指挥部", "指挥"), ("委", "主任"), ("中心", "主任"), ("院", "院长")):
            if self.name.endswith(suffix):
                return title
        return "主任"

    def post(self, rank: str, section: str) -> str:
        """The post a cadre of ``rank`` holds in this unit."""
        office = section.endswith("室")
        if self.style == "township":
            deputy = "办事处副主任" if self.name.endswith("街道") else ("副乡长" if self.name.endswith("乡") else "副镇长")
            return self.name + {
                R.GENERAL: "党政办公室科员",
                R.TOWNSHIP_DEPUTY: deputy,
                R.TOWNSHIP_FULL: "党委副书记",
            }.get(rank, "党委书记")
        if self.style == "hz":
            title = {
                R.GENERAL: "科员",
                R.TOWNSHIP_DEPUTY: "副主任科员",
                R.TOWNSHIP_FULL: "主任科员",
                R.COUNTY_DEPUTY: "副主任" if office else "副处长",
                R.COUNTY_FULL: "主任" if office else "处长",
            }.get(rank, "副" + self.head_title())
            return f"{self.name}{section}{title}"
        if self.style == "city":
            if rank in (R.COUNTY_DEPUTY, R.COUNTY_FULL):
                return self.name + ("副" if rank == R.COUNTY_DEPUTY else "") + self.head_title()
            title = {R.GENERAL: "科员", R.TOWNSHIP_DEPUTY: "副主任" if office else "副科长",
                     R.TOWNSHIP_FULL: "主任" if office else "科长"}[rank]
            return f"{self.name}{section}{title}"
        # County and district units: the unit head is 正科, a deputy head 副科.
        if rank == R.GENERAL:
            return f"{self.name}{section}科员"
        if rank == R.TOWNSHIP_DEPUTY:
            if self.head == "庭长":  # a court: the deputy heads a division (民事审判庭副庭长)
                return f"{self.name}{section}副庭长"
            return f"{self.name}副{self.head_title()}"
        return f"{self.name}党组成员、副{self.head_title()}(正科级)"


@dataclass
class CadreSpec:
    """Everything ``services.cadre_create`` needs, plus the résumé lines."""

    fields: dict
    sending_unit: str
    resume: list = field(default_factory=list)  # (start, end or None, description)

    @property
    def id_number(self) -> str:
        return self.fields["id_number"]

    @property
    def name(self) -> str:
        return self.fields["name"]


def birth_for_age(rng: random.Random, age: int, on: dt.date, *, earliest: dt.date | None = None,
                  latest: dt.date | None = None) -> dt.date:
    """A birth date that makes someone ``age`` full years old on ``on``, within the bounds."""
    low = on - relativedelta(years=age + 1) + dt.timedelta(days=1)
    high = on - relativedelta(years=age)
    if earliest and earliest > low:
        low = earliest
    if latest and latest < high:
        high = latest
    if high < low:
        raise ValueError(f"no birth date for age {age} on {on} within {earliest}..{latest}")
    return low + dt.timedelta(days=rng.randrange((high - low).days + 1))


def _date_between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    if high <= low:
        return low
    return low + dt.timedelta(days=rng.randrange((high - low).days + 1))


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class PeopleMaker:
    """Makes cadres. One instance per seed run; it keeps names and ID numbers unique."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = NameMaker(rng)
        self.used_ids: set[str] = set()

    def with_rng(self, rng: random.Random) -> "PeopleMaker":
        """A maker drawing from ``rng`` that keeps names and ID numbers unique together with this one."""
        other = PeopleMaker(rng)
        other.names.used = self.names.used
        other.used_ids = self.used_ids
        return other

    # --- identity ------------------------------------------------------------------------

    def id_number(self, *, region: str, birth: dt.date, male: bool) -> str:
        for _attempt in range(500):
            order = self.rng.randrange(1, 500)
            first17 = f"{region}{birth:%Y%m%d}{order * 2 - (1 if male else 0):03d}"
            if first17 not in self.used_ids:
                self.used_ids.add(first17)
                return first17 + id_number_check_char(first17)
        raise RuntimeError("no free ID sequence")  # pragma: no cover

    def phone(self) -> str:
        prefix = self.rng.choice(["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "180",
                                  "186", "187", "189"])
        return prefix + f"{self.rng.randrange(10**8):08d}"

    def ethnicity(self) -> str:
        return self.rng.choices([e for e, _w in ETHNICITIES], weights=[w for _e, w in ETHNICITIES])[0]

    # --- a whole cadre -------------------------------------------------------------------

    def cadre(
        self,
        *,
        unit: UnitStyle,
        rank: str,
        age: int | None = None,
        birth: dt.date | None = None,
        on: dt.date,
        regions: list[str],
        province: str,
        gender: str | None = None,
        name: str | None = None,
        education: int | None = None,
        full_time: bool | None = None,
        political_status: str | None = None,
        reserve_status: str = Cadre.Reserve.NONE,
        grassroots_unit: str | None = None,
        is_leadership: bool | None = None,
        health: str = Cadre.Health.HEALTHY,
        conduct_record: str = "",
        section: str | None = None,
    ) -> CadreSpec:
        """A cadre of ``unit`` holding ``rank`` on ``on`` (the record date: the program's
        reference date for a historical batch, today's demo date otherwise).

        ``grassroots_unit`` names a township where the cadre started work (基层工作经历).
        """
        rng = self.rng
        gender = gender or ("M" if rng.random() < 0.68 else "F")
        if birth is None:
            birth = birth_for_age(rng, age, on)
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        if age < RANK_MIN_AGE[rank]:
            raise ValueError(f"{rank} at {age} is not plausible")
        drawn_education = education is None
        if drawn_education:
            education = self._education(birth.year)
        if full_time is None:
            full_time = education >= E.MASTER or rng.random() < (0.85 if birth.year >= 1975 else 0.55)
        if political_status is None:
            political_status = self._political_status(age, rank)
        region = rng.choice(regions)
        name = self.names.reserve(name) if name else self.names.name(gender=gender, birth_year=birth.year)
        section = section if section is not None else (rng.choice(unit.sections) if unit.sections else "")

        school, work_start = self._schooling(birth, education, full_time, province)
        while drawn_education and work_start > on - relativedelta(months=6) and education > E.JUNIOR_COLLEGE:
            # Too young for that much schooling on this record date: one level lower.
            education = E(education - 1)
            school, work_start = self._schooling(birth, education, full_time, province)
        if work_start > on - relativedelta(months=6):
            raise ValueError(f"{name}: work would start after the record date")
        party_joined = self._party_joined(political_status, birth, work_start, on)
        resume = list(school)
        resume += self._career(unit, rank, section, work_start, on, grassroots_unit)
        resume += self._in_service_study(education, full_time, province, work_start, on)
        resume.sort(key=lambda line: line[0])
        degree = {E.BACHELOR: "学士", E.MASTER: "硕士", E.DOCTOR: "博士"}.get(education, "")
        if education == E.BACHELOR and not full_time:
            degree = ""  # 在职本科 usually brings no degree

        fields = {
            "name": name,
            "gender": gender,
            "id_number": self.id_number(region=region, birth=birth, male=gender == "M"),
            "birth_date": birth,
            "ethnicity": self.ethnicity(),
            "native_place": NATIVE_PLACES.get(region, province),
            "party_joined_on": party_joined,
            "work_started_on": work_start,
            "education": education,
            "full_time_education": full_time,
            "degree": degree,
            "rank": rank,
            "is_leadership": self._leadership(unit, rank) if is_leadership is None else is_leadership,
            "current_post": unit.post(rank, section)[:100],
            "political_status": political_status,
            "reserve_status": reserve_status,
            "has_grassroots_experience": grassroots_unit is not None or unit.style == "township",
            "health": health,
            "conduct_record": conduct_record,
            "phone": self.phone(),
        }
        return CadreSpec(fields=fields, sending_unit=unit.name, resume=resume)

    # --- parts ---------------------------------------------------------------------------

    @staticmethod
    def _leadership(unit: UnitStyle, rank: str) -> bool:
        if unit.style == "hz":
            # In a 副省级 city's bureaus, 主任科员 and 副主任科员 are not leadership posts.
            return rank not in (R.GENERAL, R.TOWNSHIP_DEPUTY, R.TOWNSHIP_FULL)
        return rank != R.GENERAL

    def _education(self, birth_year: int) -> int:
        if birth_year >= 1985:
            weights = {E.JUNIOR_COLLEGE: 6, E.BACHELOR: 70, E.MASTER: 22, E.DOCTOR: 2}
        elif birth_year >= 1970:
            weights = {E.JUNIOR_COLLEGE: 15, E.BACHELOR: 70, E.MASTER: 14, E.DOCTOR: 1}
        else:
            weights = {E.SECONDARY: 3, E.JUNIOR_COLLEGE: 30, E.BACHELOR: 60, E.MASTER: 7}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _political_status(self, age: int, rank: str) -> str:
        P = Cadre.PoliticalStatus
        roll = self.rng.random()
        if rank == R.GENERAL and age <= 28 and roll < 0.25:
            return P.LEAGUE
        if rank == R.GENERAL and roll < 0.32:
            return P.PROBATIONARY
        if roll > 0.95:
            return P.DEMOCRATIC_PARTY if rank != R.GENERAL else P.MASSES
        return P.PARTY_MEMBER

    def _schooling(self, birth: dt.date, education: int, full_time: bool, province: str):
        """The school lines of the résumé and the date work started."""
        rng = self.rng
        lines = []

        def study(start_age, years, text):
            start = dt.date(birth.year + start_age, 9, 1)
            end = dt.date(birth.year + start_age + years, 7, 1)
            lines.append((start, end, text))
            return end

        # The first full-time schooling: the highest level when full-time, one below otherwise.
        first = education if full_time else max(education - 1, E.SECONDARY)
        if first <= E.SECONDARY:
            end = study(15, 3, f"{SECONDARY_SCHOOLS[province]}{rng.choice(MAJORS[:8])}专业学习")
        elif first == E.JUNIOR_COLLEGE:
            end = study(18, 3, f"{rng.choice(COLLEGES[province])}{rng.choice(MAJORS)}专业学习")
        else:
            universities = UNIVERSITIES[province] * 3 + UNIVERSITIES["national"]
            major = rng.choice(MAJORS)
            end = study(18, 4, f"{rng.choice(universities)}{major}专业学习")
            if first >= E.MASTER:
                end = study(22, 3, f"{rng.choice(universities)}{rng.choice(GRADUATE_MAJORS)}专业硕士研究生")
            if first >= E.DOCTOR:
                end = study(25, 3, f"{rng.choice(UNIVERSITIES['national'] + UNIVERSITIES[province])}"
                                   f"{rng.choice(GRADUATE_MAJORS)}专业博士研究生")
        return lines, dt.date(end.year, 8, 1)  # work starts the month after graduating

    def _in_service_study(self, education, full_time, province, work_start, on):
        if full_time:
            return []
        start = work_start + relativedelta(years=self.rng.randint(2, 5))
        start = dt.date(start.year, 9, 1)
        end = dt.date(start.year + (3 if education < E.MASTER else 2), 7, 1)
        if end > on:
            start, end = dt.date(work_start.year + 1, 9, 1), dt.date(work_start.year + 4, 7, 1)
        level = {E.JUNIOR_COLLEGE: "大专", E.BACHELOR: "本科", E.MASTER: "研究生", E.DOCTOR: "博士研究生"}[education]
        school = PARTY_SCHOOLS[province] if education <= E.BACHELOR else self.rng.choice(UNIVERSITIES[province])
        return [(start, end, f"{school}在职{level}学习")]

    def _party_joined(self, political_status, birth, work_start, on) -> dt.date | None:
        P = Cadre.PoliticalStatus
        if political_status == P.PROBATIONARY:
            return _date_between(self.rng, on - relativedelta(months=11), on - relativedelta(months=1))
        if political_status != P.PARTY_MEMBER:
            return None
        low = birth + relativedelta(years=19)
        high = min(work_start + relativedelta(years=8), on - relativedelta(years=1, months=2))
        return _date_between(self.rng, low, max(low, high))

    def _career(self, unit: UnitStyle, rank: str, section: str, work_start: dt.date, on: dt.date,
                grassroots_unit: str | None):
        """One résumé line per rung of the ladder up to ``rank``; the last one is current."""
        rng = self.rng
        rungs = LADDER[: LADDER.index(rank) + 1] if rank in LADDER else LADDER + [rank]
        start = _month(work_start)
        months_total = (on.year - start.year) * 12 + on.month - start.month
        # Drop the lowest rungs when the career is too short to hold them all (≥ 18 months each).
        while len(rungs) > 1 and months_total < 18 * len(rungs):
            rungs = rungs[1:]
        # The current post is held for a shorter time than the rungs before it, on average.
        weights = [rng.uniform(0.8, 1.4) for _ in rungs]
        weights[-1] *= 0.6
        # Months in each earlier rung, at least 12, leaving at least 6 for the current post.
        budget = months_total - 6
        spans = [max(12, int(budget * weight / sum(weights))) for weight in weights[:-1]]
        while sum(spans) > budget:
            longest = spans.index(max(spans))
            spans[longest] -= 1
        dates = [start]
        for span in spans:
            dates.append(_month(dates[-1] + relativedelta(months=span)))
        lines = []
        for i, rung in enumerate(rungs):
            begin = dates[i]
            end = dates[i + 1] - dt.timedelta(days=1) if i + 1 < len(rungs) else None
            post = unit.post(rung, section)
            if i == 0 and grassroots_unit and end is not None:
                # Started at a township before joining the unit (基层工作经历).
                post = f"{grassroots_unit}党政办公室科员"
            lines.append((begin, end, post))
        if grassroots_unit and len(lines) == 1:
            # A short career: the township years come first, then the current post.
            begin = lines[0][0]
            middle = _month(begin + relativedelta(months=max(months_total // 2, 1)))
            lines = [(begin, middle - dt.timedelta(days=1), f"{grassroots_unit}党政办公室科员"),
                     (middle, None, lines[0][2])]
        return lines
