"""Build the demo (D9) through the real services, idempotently.

Two phases. ``DemoPlan`` draws everything from one seeded ``random.Random`` without touching
the database, with its dates relative to the demo's day (``days.DemoDays``), so every run for
the same day plans exactly the same people, programs and placements. The ``DemoBuilder`` then
writes the plan and registers every row it creates (``registry.DemoRegistry``) under its key in
the plan (department and unit name, username, 身份证号, program key, post, placement): a second
run finds each row by its key — never by a name, which staff may change or give to their own
records — and writes nothing. A row the registry does not list is not the demo's: the builder
never uses, changes or takes it over (``clashes()``).

Units and cadres are registered by the superuser (``services.unit_create``, ``cadre_create``);
programs, posts, placements, mentors and target letters by the organising department's own
staff account (``program_create``, ``host_post_create``, ``placement_create``,
``placement_transition``, ``placement_update``, ``mentor_save``, ``target_letter_save``), so the
audit trail reads as it would in use and the services' rules (R4 direction, one active
placement per cadre, free places) hold. Three things have no service and are written directly:
departments, accounts with their roles, and résumé lines — the latter in one bulk insert, as
part of the registration ``cadre_create`` audits (a service call per line would double the
seed's time). ``placement_create`` stamps the proposal with today's date; the demo's history
is older, so the first status row is back-dated to the planned proposal date.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils.translation import gettext

from .. import services
from ..models import (
    Cadre,
    HostPost,
    Mentor,
    OrgDepartment,
    Placement,
    PolicyPreset,
    Program,
    ResumeEntry,
    RoleAssignment,
    SecondmentType,
    TargetLetter,
    Unit,
)
from ..presets import PRESETS, presets_sync
from ..roles import FULL_ID_GROUP, HOLIDAY_GROUP, IMPORT_GROUP, STAFF_GROUP, role_groups_sync
from . import hangzhou2006
from .days import DemoDays
from .localities import (
    ANQIU,
    BENGBU,
    DEPARTMENTS,
    GAOPING,
    HANGZHOU,
    HUAISHANG,
    HZ_PROJECTS_2006,
    JIANGDONG,
    JINCHENG,
    NINGBO,
    UNITS,
    UNITS_BY_NAME,
    WEIFANG,
    ZEZHOU,
    Locality,
    units_of,
)
from .people import CadreSpec, PeopleMaker
from .registry import DemoRegistry

SEED = 20260301

R, E, P = Cadre.Rank, Cadre.Education, Cadre.PoliticalStatus
S = Placement.Status
Role = RoleAssignment.Role


# --- the plan (no database) ------------------------------------------------------------------


@dataclass
class AccountPlan:
    username: str
    person: str
    description: str
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple = ()
    roles: list = field(default_factory=list)  # (role, department name or unit name)


@dataclass
class PostPlan:
    unit: str
    title: str
    places: int = 1
    duties: str = ""


@dataclass
class ProgramPlan:
    key: str
    name: str
    secondment_type: str
    department: str
    preset: str
    acting: str  # username of the staff account that runs it
    reference_date: dt.date
    planned_start: dt.date
    planned_end: dt.date | None = None  # None: start + the preset's term (R8)
    description: str = ""
    posts: list = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.planned_start.year


@dataclass
class PlacementPlan:
    program: str
    cadre: CadreSpec
    unit: str
    title: str
    proposed_on: dt.date
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    started_on: dt.date | None = None
    ended: tuple | None = None  # (status, date, reason)
    division_of_work: str = ""
    work_targets: str = ""
    mentors: list = field(default_factory=list)  # (name, post, kind, username or None)
    letters: list = field(default_factory=list)  # (year, term targets, annual targets, signed on)
    party_relation_moved: bool = False

    @property
    def final_status(self) -> str:
        if self.ended:
            return self.ended[0]
        return S.ACTIVE if self.started_on else S.PROPOSED


ACCOUNTS = [
    AccountPlan("admin", "系统管理员", "系统管理员(超级用户)", is_staff=True, is_superuser=True),
    AccountPlan("orgstaff", "张海燕", "晋城市委组织部干部(可查看完整身份证号)", is_staff=True,
                groups=(STAFF_GROUP, FULL_ID_GROUP, IMPORT_GROUP, HOLIDAY_GROUP), roles=[(Role.ORG_STAFF, "晋城市委组织部")]),
    AccountPlan("countystaff", "刘建军", "泽州县委组织部干部", is_staff=True, groups=(STAFF_GROUP, IMPORT_GROUP),
                roles=[(Role.ORG_STAFF, "泽州县委组织部")]),
    AccountPlan("gaopingstaff", "秦晓红", "高平市委组织部干部", is_staff=True, groups=(STAFF_GROUP,),
                roles=[(Role.ORG_STAFF, "高平市委组织部")]),
    AccountPlan("anqiustaff", "马文涛", "安丘市委组织部干部", is_staff=True, groups=(STAFF_GROUP,),
                roles=[(Role.ORG_STAFF, "安丘市委组织部")]),
    AccountPlan("hzstaff", "沈丽华", "杭州市委组织部干部", is_staff=True, groups=(STAFF_GROUP, HOLIDAY_GROUP),
                roles=[(Role.ORG_STAFF, "杭州市委组织部")]),
    AccountPlan("jdstaff", "应海波", "江东区委组织部干部", is_staff=True, groups=(STAFF_GROUP,),
                roles=[(Role.ORG_STAFF, "江东区委组织部")]),
    AccountPlan("hsstaff", "孔德胜", "淮上区委组织部干部", is_staff=True, groups=(STAFF_GROUP,),
                roles=[(Role.ORG_STAFF, "淮上区委组织部")]),
    AccountPlan("hostunit", "赵文斌", "泽州县巴公镇挂职单位审批人(请假3天以内审批)",
                roles=[(Role.HOST_APPROVER, "泽州县巴公镇")]),
    AccountPlan("hostclerk", "郭丽", "泽州县巴公镇挂职单位经办人(考勤、日常记录)",
                roles=[(Role.HOST_CLERK, "泽州县巴公镇")]),
    AccountPlan("sendunit", "陈国华", "泽州县发展和改革局派出单位联系人", roles=[(Role.SENDING_CONTACT, "泽州县发展和改革局")]),
    AccountPlan("cadre", "李志强", "挂职干部:泽州县发展和改革局副局长,下挂泽州县巴公镇党委委员、副镇长"),
    AccountPlan("mentor", "牛振华", "帮带责任人:泽州县巴公镇党委副书记,帮带李志强"),
    AccountPlan("township", "孙立新", "淮上区小蚌埠镇党委(到村任职干部的乡镇)",
                roles=[(Role.SUPERVISING_TOWNSHIP, "淮上区小蚌埠镇")]),
    AccountPlan("jdpetition", "应国平", "江东区信访局挂职单位审批人", roles=[(Role.HOST_APPROVER, "江东区信访局")]),
    AccountPlan("hzclerk", "俞佳琪", "杭州市地铁建设征地拆迁指挥部挂职单位经办人(考勤)",
                roles=[(Role.HOST_CLERK, "杭州市地铁建设征地拆迁指挥部")]),
]


class DemoPlan:
    """Everything the demo holds, drawn from one seeded generator in a fixed order, with its dates
    relative to ``today`` (``days``): the same day gives the same plan."""

    def __init__(self, today: dt.date, seed: int = SEED):
        self.today = today
        self.days = DemoDays(today)
        # The record date of today's cadres: their rank and post as of the current programs' start.
        self.record_date = self.days(2026, 3, 1)
        self.rng = random.Random(seed)
        self.people = PeopleMaker(self.rng)
        for account in ACCOUNTS:
            self.people.names.reserve(account.person)
        self.pool: list[CadreSpec] = []  # registered cadres without a placement
        self.programs: list[ProgramPlan] = []
        self.placements: list[PlacementPlan] = []
        self.user_cadres: dict[str, str] = {}  # username → 身份证号
        # History first, from a generator of its own: the same 150 people whatever the day.
        self._plan_hangzhou_2006()
        self._plan_jincheng()
        self._plan_gaoping()
        self._plan_anqiu()
        self._plan_hangzhou()
        self._plan_jiangdong()
        self._plan_huaishang()
        self._plan_city_pools()

    # --- helpers ---

    def cadre(self, locality: Locality, unit: str, rank: str, ages: tuple, **kw) -> CadreSpec:
        return self.people.cadre(
            unit=UNITS_BY_NAME[unit].unit_style, rank=rank, age=self.rng.randint(*ages), on=self.record_date,
            regions=list(locality.regions), province=locality.province, **kw,
        )

    def some_cadre(self, locality: Locality, units: list[str], *, young_only: bool = False, **kw) -> CadreSpec:
        """A cadre of a random rank for one of ``units``, within the 晋城 age caps (R5)."""
        choices = [(R.GENERAL, (25, 34)), (R.TOWNSHIP_DEPUTY, (29, 39)), (R.TOWNSHIP_FULL, (33, 39))]
        if young_only:
            choices = choices[:2]
        rank, ages = self.rng.choices(choices, weights=[4, 5, 2][: len(choices)])[0]
        return self.cadre(locality, self.rng.choice(units), rank, ages, **kw)

    def grassroots(self, locality_townships: list[str]) -> str | None:
        return self.rng.choice(locality_townships) if self.rng.random() < 0.3 else None

    def add_pool(self, count: int, locality: Locality, units: list[str], townships: list[str], **kw):
        for _ in range(count):
            self.pool.append(self.some_cadre(locality, units, grassroots_unit=self.grassroots(townships), **kw))

    def mentor_name(self, birth_year: int = 1976) -> str:
        return self.people.names.name(gender="M" if self.rng.random() < 0.7 else "F", birth_year=birth_year)

    # --- 晋城: the general model, all four types ---

    def _plan_jincheng(self):
        rng, d = self.rng, self.days
        zz_units = [u.name for u in units_of("泽州县委组织部", level=Unit.Level.COUNTY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        zz_towns = [u.name for u in units_of("泽州县委组织部", level=Unit.Level.TOWNSHIP)]
        areas = ["项目建设和招商引资", "农业农村和乡村振兴", "安全生产和应急管理", "社会事务和民生保障", "生态环境保护"]
        township_duties = "协助党委、政府主要领导开展工作,按分工分管有关领域,联系若干行政村。"
        village_duties = "任村党支部第一书记,抓党建促乡村振兴,帮助村级组织解决实际困难。"
        down = ProgramPlan(
            "zezhou_down", "泽州县机关干部下挂乡镇和村锻炼", SecondmentType.DOWN, "泽州县委组织部", "jincheng",
            "countystaff", self.record_date, self.record_date,
            description="选派县直单位后备干部和优秀年轻干部到乡镇(村)挂职锻炼,丰富基层工作经历,提升做好群众工作的能力。",
            posts=[
                PostPlan("泽州县巴公镇", "党委委员、副镇长", 2, township_duties),
                PostPlan("泽州县金村镇", "党委委员、副镇长", 1, township_duties),
                PostPlan("泽州县大阳镇", "党委委员、副镇长", 1, township_duties),
                PostPlan("泽州县北义城镇", "党委委员、副镇长", 1, township_duties),
                PostPlan("泽州县高都镇", "镇长助理", 1, township_duties),
                PostPlan("泽州县南村镇", "镇长助理", 1, township_duties),
                PostPlan("泽州县巴公镇西郜村", "村党支部第一书记", 1, village_duties),
                PostPlan("泽州县巴公镇东四义村", "村党支部第一书记", 1, village_duties),
                PostPlan("泽州县高都镇高都村", "村党支部第一书记", 1, village_duties),
                PostPlan("泽州县大阳镇大阳一分街村", "村党支部第一书记", 1, village_duties),
            ],
        )
        self.programs.append(down)

        def township_targets():
            return (f"全年协调推进重点项目{rng.randint(2, 5)}个;每季度报送工作报告,每半年书面汇报思想、学习、工作和生活情况;"
                    "期满撰写调研报告1篇。")

        village_targets = "建强村党支部;年内村集体经济收入增长10%以上;为群众办实事5件以上;按时报送工作报告。"
        # D9's cadre: a county-managed 副科级 leadership cadre of a 泽州县 department, 下挂 to 巴公镇.
        star = self.cadre(
            ZEZHOU, "泽州县发展和改革局", R.TOWNSHIP_DEPUTY, (34, 34), name="李志强", gender="M",
            education=E.BACHELOR, full_time=True, political_status=P.PARTY_MEMBER,
            reserve_status=Cadre.Reserve.COUNTY, is_leadership=True, section="",
        )
        self.user_cadres["cadre"] = star.id_number
        self.placements.append(PlacementPlan(
            "zezhou_down", star, "泽州县巴公镇", "党委委员、副镇长", d.weekday(2026, 2, 20), started_on=d.weekday(2026, 3, 2),
            division_of_work="协助镇长分管项目建设和招商引资工作,联系巴公装备制造工业园区。",
            work_targets=township_targets(),
            mentors=[("牛振华", "泽州县巴公镇党委副书记", Mentor.Kind.LEADER, "mentor")],
        ))

        def down_placement(unit, title, **kw):
            village = "村" in unit[-1:]
            cadre = self.some_cadre(ZEZHOU, zz_units, reserve_status=Cadre.Reserve.COUNTY if rng.random() < 0.5 else
                                    Cadre.Reserve.NONE)
            town = UNITS_BY_NAME[unit].parent or unit
            mentors = [(self.mentor_name(1972), f"{town}党委副书记" if village else f"{unit}党委书记",
                        Mentor.Kind.LEADER, None)]
            self.placements.append(PlacementPlan(
                "zezhou_down", cadre, unit, title, kw.pop("proposed_on", d.weekday(2026, 2, 20)),
                division_of_work=village_duties if village else f"协助镇长分管{rng.choice(areas)}工作。",
                work_targets=village_targets if village else township_targets(), mentors=mentors, **kw,
            ))

        started = d.weekday(2026, 3, 2)
        down_placement("泽州县巴公镇", "党委委员、副镇长", started_on=started)
        down_placement("泽州县金村镇", "党委委员、副镇长", started_on=started)
        down_placement("泽州县大阳镇", "党委委员、副镇长", started_on=started)
        down_placement("泽州县巴公镇西郜村", "村党支部第一书记", started_on=started)
        down_placement("泽州县巴公镇东四义村", "村党支部第一书记", started_on=started)
        down_placement("泽州县高都镇高都村", "村党支部第一书记", started_on=started)
        # R11: unauthorised absence is recorded and dealt with seriously — here, a recall.
        down_placement("泽州县北义城镇", "党委委员、副镇长", started_on=started, ended=(
            S.RECALLED, d(2026, 6, 15), "多次擅自离岗,经县委组织部查岗核实,召回原单位并按规定严肃处理。"))
        down_placement("泽州县高都镇", "镇长助理", started_on=started, ended=(
            S.ENDED_EARLY, d(2026, 8, 31), "原单位承担全县重点项目前期工作,经县委组织部同意提前结束挂职。"))
        later = {"proposed_on": d.weekday(2026, 11, 20), "planned_start": d(2026, 12, 1), "planned_end": d(2027, 2, 28)}
        down_placement("泽州县高都镇", "镇长助理", **later)
        down_placement("泽州县南村镇", "镇长助理", **later)
        self.add_pool(10, ZEZHOU, zz_units, zz_towns)

        # 上挂 last year: city units → province; county units → city (completed).
        up_start = d(2025, 3, 1)
        up_end = up_start + relativedelta(years=1) - dt.timedelta(days=1)  # completed on the planned end
        up = ProgramPlan(
            "jincheng_up", "市县机关干部上挂锻炼", SecondmentType.UP, "晋城市委组织部", "jincheng", "orgstaff",
            up_start, up_start, up_end,
            description="选派市直单位干部到省直单位、县直单位干部到市直单位挂职锻炼,提升宏观政策把握能力和科学决策能力。",
            posts=[
                PostPlan("山西省发展和改革委员会", "固定资产投资处处长助理"),
                PostPlan("山西省住房和城乡建设厅", "村镇建设处处长助理"),
                PostPlan("晋城市发展和改革委员会", "项目管理科副科长"),
                PostPlan("晋城市住房和城乡建设局", "城市建设科副科长"),
            ],
        )
        self.programs.append(up)
        up_people = [
            (self.cadre(JINCHENG, "晋城市交通运输局", R.TOWNSHIP_FULL, (34, 38)), "山西省发展和改革委员会", "固定资产投资处处长助理"),
            (self.cadre(JINCHENG, "晋城市财政局", R.TOWNSHIP_DEPUTY, (30, 36)), "山西省住房和城乡建设厅", "村镇建设处处长助理"),
            (self.cadre(ZEZHOU, "泽州县农业农村局", R.TOWNSHIP_DEPUTY, (30, 36)), "晋城市发展和改革委员会", "项目管理科副科长"),
            (self.cadre(GAOPING, "高平市住房和城乡建设局", R.TOWNSHIP_DEPUTY, (30, 36)), "晋城市住房和城乡建设局",
             "城市建设科副科长"),
        ]
        for cadre, unit, title in up_people:
            self.placements.append(PlacementPlan(
                "jincheng_up", cadre, unit, title, d.weekday(2025, 2, 20), started_on=d.weekday(2025, 3, 3),
                ended=(S.COMPLETED, up_end, "挂职期满,经考核鉴定为称职。"),
                division_of_work="跟班参与处(科)室日常工作,参与政策研究和项目审核。",
                work_targets="参与起草政策文件或调研报告2篇以上;期满提交工作总结。",
            ))

        # 外挂 this year: 市直综合部门 and a township leader to coastal developed areas (6 months).
        out = ProgramPlan(
            "jincheng_external", "市直综合部门和县乡领导干部外挂锻炼", SecondmentType.EXTERNAL, "晋城市委组织部",
            "jincheng", "orgstaff", d(2026, 8, 1), d(2026, 9, 1), d(2027, 2, 28),
            description="选派市直综合部门、县乡党政领导干部到沿海经济发达地区挂职锻炼,拓展思维眼界,参与跨区域合作与交流。",
            posts=[
                PostPlan("苏州工业园区管理委员会", "经济发展委员会主任助理"),
                PostPlan("深圳市福田区发展和改革局", "局长助理"),
                PostPlan("上海市浦东新区商务委员会", "主任助理"),
            ],
        )
        self.programs.append(out)
        out_people = [
            (self.cadre(JINCHENG, "晋城市发展和改革委员会", R.TOWNSHIP_FULL, (34, 39)), "苏州工业园区管理委员会",
             "经济发展委员会主任助理"),
            (self.cadre(JINCHENG, "中共晋城市委办公室", R.TOWNSHIP_DEPUTY, (31, 36)), "深圳市福田区发展和改革局", "局长助理"),
            (self.cadre(ZEZHOU, "泽州县下村镇", R.TOWNSHIP_DEPUTY, (32, 38)), "上海市浦东新区商务委员会", "主任助理"),
        ]
        for cadre, unit, title in out_people:
            self.placements.append(PlacementPlan(
                "jincheng_external", cadre, unit, title, d.weekday(2026, 8, 15), started_on=d.weekday(2026, 9, 1),
                division_of_work="跟班学习园区开发建设、营商环境和招商引资经验,参与跨区域合作项目对接。",
                work_targets="形成学习考察报告1篇,推动合作对接项目1个以上。",
            ))
        jc_units = [u.name for u in units_of("晋城市委组织部", level=Unit.Level.CITY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        self.add_pool(8, JINCHENG, jc_units, zz_towns)

    # --- 高平: 平挂 to the petition bureau and a key project ---

    def _plan_gaoping(self):
        d = self.days
        gp_units = [u.name for u in units_of("高平市委组织部", level=Unit.Level.COUNTY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        gp_towns = [u.name for u in units_of("高平市委组织部", level=Unit.Level.TOWNSHIP)]
        petition = "参与来访群众接待、矛盾纠纷调处和重点信访案件办理。"
        project = "参与景区建设项目协调、征地拆迁和施工环境保障。"
        self.programs.append(ProgramPlan(
            "gaoping_lateral", "市直干部平挂信访和重点工程锻炼", SecondmentType.LATERAL, "高平市委组织部", "jincheng",
            "gaopingstaff", d(2026, 4, 1), d(2026, 4, 1),
            description="选派市直单位干部到同级信访部门、重点工程建设项目挂职锻炼,提升应对紧急事态、处理复杂局面的能力。",
            posts=[
                PostPlan("高平市信访局", "局长助理", 1, petition),
                PostPlan("高平市信访局", "接访股副股长", 1, petition),
                PostPlan("高平市炎帝陵景区建设工程指挥部", "综合协调部副部长", 2, project),
            ],
        ))
        for unit, title, started in [
            ("高平市信访局", "局长助理", d.weekday(2026, 4, 2)),
            ("高平市信访局", "接访股副股长", d.weekday(2026, 4, 2)),
            ("高平市炎帝陵景区建设工程指挥部", "综合协调部副部长", d.weekday(2026, 4, 2)),
            ("高平市炎帝陵景区建设工程指挥部", "综合协调部副部长", None),
        ]:
            cadre = self.some_cadre(GAOPING, gp_units)
            extra = {"started_on": started} if started else {"planned_start": d(2026, 12, 1)}
            self.placements.append(PlacementPlan(
                "gaoping_lateral", cadre, unit, title, d.weekday(2026, 3, 20) if started else d.weekday(2026, 11, 20),
                division_of_work=petition if "信访" in unit else project,
                work_targets="包案办理疑难信访或征迁矛盾1件以上;期满提交工作报告。", **extra,
            ))
        self.add_pool(4, GAOPING, gp_units, gp_towns)

    # --- 安丘: 市直科级干部到基层, 1 year, selection at 1:2 ---

    def _plan_anqiu(self):
        d = self.days
        aq_units = [u.name for u in units_of("安丘市委组织部", level=Unit.Level.COUNTY)]
        aq_towns = [u.name for u in units_of("安丘市委组织部", level=Unit.Level.TOWNSHIP)]
        posts = []
        for town in aq_towns:
            street = town.endswith("街道")
            posts.append(PostPlan(town, "党工委委员、办事处副主任" if street else "党委委员、副镇长", 1,
                                  "协助分管经济发展或社会事务工作,参与包村和信访稳定工作。"))
        self.programs.append(ProgramPlan(
            "anqiu_down", "选派市直科级干部到基层挂职锻炼", SecondmentType.DOWN, "安丘市委组织部", "anqiu",
            "anqiustaff", d(2026, 3, 1), d(2026, 4, 1),
            description="选派市直年轻高学历科级干部到镇街挂任党(工)委委员、副镇长(副主任),挂职时间1年。",
            posts=posts,
        ))

        def eligible(**kw):
            # Meets 安丘's rules (R5): in-post 副科级 leadership, full-time 本科+, healthy, no record,
            # no grassroots experience, applied in person.
            kw.setdefault("education", self.rng.choice([E.BACHELOR, E.BACHELOR, E.MASTER]))
            kw.setdefault("full_time", True)
            return self.cadre(ANQIU, self.rng.choice(aq_units), R.TOWNSHIP_DEPUTY, (29, 37), is_leadership=True, **kw)

        for post in posts:
            self.placements.append(PlacementPlan(
                "anqiu_down", eligible(), post.unit, post.title, d.weekday(2026, 3, 25), started_on=d.weekday(2026, 4, 8),
                division_of_work=post.duties, work_targets="年度考核在挂职镇街进行;每季度接受市委组织部跟踪考察。",
                party_relation_moved=True,
            ))
        # The other half of the 1:2 shortlist, and two who fail a rule.
        for _ in range(5):
            self.pool.append(eligible())
        self.pool.append(eligible(education=E.BACHELOR, full_time=False))  # 在职本科
        self.pool.append(eligible(grassroots_unit="安丘市景芝镇", conduct_record="2021年3月受党内警告处分。"))
        wf_units = [u.name for u in units_of("潍坊市委组织部")]
        self.add_pool(2, WEIFANG, wf_units, aq_towns)

    # --- 杭州: today's key-project program ---

    def _plan_hangzhou(self):
        rng, d = self.rng, self.days
        hz_units = [u.name for u in units_of("杭州市委组织部", level=Unit.Level.CITY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        projects = [
            ("杭州市城市快速路网建设工程指挥部", "工程督查组副组长"),
            ("杭州市地铁建设征地拆迁指挥部", "征迁协调组副组长"),
            ("杭州市“城中村”改造工作指挥部", "征迁协调组副组长"),
            ("杭州市新农村建设工作指挥部", "综合协调组副组长"),
            ("杭州市运河综合保护工程指挥部", "综合协调组副组长"),
        ]
        self.programs.append(ProgramPlan(
            "hangzhou_lateral", "百名中青年干部到重点工程挂职锻炼", SecondmentType.LATERAL, "杭州市委组织部",
            "hangzhou", "hzstaff", self.record_date, self.record_date,
            description="选派市直单位中青年干部到道路建设、环境整治、征地拆迁、新农村建设等市重点工程挂职锻炼。",
            posts=[PostPlan(unit, title, 3, "参与工程推进协调、矛盾调处和现场督查,执行指挥部考勤制度。")
                   for unit, title in projects],
        ))
        slots = [(unit, title) for unit, title in projects for _ in range(3)]
        plans = []
        for i, (unit, title) in enumerate(slots[:13]):
            rank, ages = rng.choice([(R.COUNTY_DEPUTY, (36, 44)), (R.TOWNSHIP_FULL, (32, 39)),
                                     (R.TOWNSHIP_DEPUTY, (29, 38)), (R.GENERAL, (26, 34))])
            cadre = self.cadre(HANGZHOU, rng.choice(hz_units), rank, ages,
                               is_leadership=rank in hangzhou2006.COUNTY_OR_ABOVE)
            plan = PlacementPlan(
                "hangzhou_lateral", cadre, unit, title, d.weekday(2026, 2, 25), started_on=d.weekday(2026, 3, 5),
                division_of_work=f"在{unit}负责{title[:-3]}日常工作。",
                work_targets="参与重点工程节点攻坚;按指挥部要求考勤;期满由派出单位会同接收单位考核。",
            )
            if i == 4:
                plan.ended = (S.ENDED_EARLY, d(2026, 7, 31), "原单位承担重大专项工作,经市委组织部同意提前结束挂职。")
            plans.append(plan)
        for unit, title in (slots[4], slots[13]):
            cadre = self.cadre(HANGZHOU, rng.choice(hz_units), R.TOWNSHIP_DEPUTY, (29, 36), is_leadership=False)
            plans.append(PlacementPlan(
                "hangzhou_lateral", cadre, unit, title, d.weekday(2026, 11, 20), planned_start=d(2026, 12, 1),
                division_of_work=f"在{unit}负责{title[:-3]}日常工作。",
            ))
        self.placements += plans
        self.add_pool(3, HANGZHOU, hz_units, ["杭州市余杭区良渚街道"])

    # --- 杭州 2006: R25 ---

    def _plan_hangzhou_2006(self):
        hz_senders = [u for u in units_of("杭州市委组织部", level=Unit.Level.CITY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        self.programs.append(ProgramPlan(
            "hangzhou_2006", "百名中青年干部到重点工程挂职锻炼", SecondmentType.LATERAL, "杭州市委组织部",
            "hangzhou", "hzstaff", hangzhou2006.REFERENCE_DATE, hangzhou2006.PLANNED_START, hangzhou2006.PLANNED_END,
            description="2006年选派150名中青年干部到道路建设、环境整治、征地拆迁、新农村建设项目等市重点工程挂职锻炼"
            "(构成与杭州市通报一致)。",
            posts=[PostPlan(project, title, places, f"{aim}工程:参与工程推进、协调和督查。")
                   for project, aim in HZ_PROJECTS_2006 for title, places in hangzhou2006.POSTS],
        ))
        rng = random.Random(SEED + 2006)
        for spec, project, title in hangzhou2006.plan_batch(rng, self.people.with_rng(rng), hz_senders):
            self.placements.append(PlacementPlan(
                "hangzhou_2006", spec, project, title, dt.date(2006, 2, 20), started_on=hangzhou2006.ACTUAL_START,
                ended=(S.COMPLETED, hangzhou2006.PLANNED_END, "挂职期满,由派出单位会同接收单位考核。"),
                division_of_work="参与工程推进协调和现场督查。",
            ))

    # --- 江东: 平挂 to the district petition bureau, batches of 3 for 6 months ---

    def _plan_jiangdong(self):
        d = self.days
        jd_units = [u.name for u in units_of("江东区委组织部", level=Unit.Level.COUNTY, kind=Unit.Kind.PARTY_GOVERNMENT)]
        jd_streets = [u.name for u in units_of("江东区委组织部", level=Unit.Level.TOWNSHIP)]
        posts = [
            PostPlan("江东区信访局", "信访接谈员(接访岗)", 1,
                     "参与上访群众的接待和处理,参与来访群众信访事项登记和座谈、疏导;督促办理部分信访案件。"),
            PostPlan("江东区信访局", "信访办信员(办信岗)", 1,
                     "对群众来信进行登记、分析、上报和复信,并提出意见建议;对多次重复来信或联名信进行督办。"),
            PostPlan("江东区信访局", "信访督查专员(督查岗)", 1,
                     "督查上级信访工作决策部署的落实、重点和重信重访案件的办理、重点管理单位和阶段性重点工作。"),
        ]
        self.programs.append(ProgramPlan(
            "jiangdong_petition", "选派后备干部到区信访局挂职锻炼", SecondmentType.LATERAL, "江东区委组织部",
            "jiangdong", "jdstaff", d(2026, 1, 5), d(2026, 1, 5), d(2027, 1, 5),
            description="年初开展信访岗位需求调研,从后备干部中选派,每批3人,挂职6个月;以接访岗位为主。",
            posts=posts,
        ))
        deputies = [(self.mentor_name(1970), "江东区信访局副局长") for _ in range(2)]
        batches = [
            (d.weekday(2026, 1, 5), d(2026, 7, 4), d.weekday(2025, 12, 20), True),
            (d.weekday(2026, 7, 6), d(2027, 1, 5), d.weekday(2026, 6, 25), False),
        ]
        for start, end, proposed, done in batches:
            for i, post in enumerate(posts):
                cadre = self.some_cadre(JIANGDONG, jd_units, reserve_status=Cadre.Reserve.COUNTY)
                leader = deputies[i % 2]
                expert = (self.mentor_name(1980), "江东区信访局" + ("接访股", "办信股", "督查股")[i] + "股长")
                self.placements.append(PlacementPlan(
                    "jiangdong_petition", cadre, post.unit, post.title, proposed, planned_start=start, planned_end=end,
                    started_on=start, ended=(S.COMPLETED, end, "挂职期满,考察组鉴定表已存入本人档案。") if done else None,
                    division_of_work=post.duties,
                    work_targets="包案办理重要信访案件1件以上;每月参加挂职锻炼经验交流会并汇报工作。",
                    mentors=[(leader[0], leader[1], Mentor.Kind.LEADER, None),
                             (expert[0], expert[1], Mentor.Kind.EXPERT, None)],
                ))
        self.add_pool(3, JIANGDONG, jd_units, jd_streets, reserve_status=Cadre.Reserve.COUNTY)
        self.add_pool(3, JIANGDONG, jd_units, jd_streets)
        nb_units = [u.name for u in units_of("宁波市委组织部", kind=Unit.Kind.PARTY_GOVERNMENT)]
        self.add_pool(2, NINGBO, nb_units, jd_streets)

    # --- 淮上: to villages for several years, yearly target letters ---

    def _plan_huaishang(self):
        rng, d, today = self.rng, self.days, self.today
        hs_units = [u.name for u in units_of("淮上区委组织部", level=Unit.Level.COUNTY)]
        hs_towns = [u.name for u in units_of("淮上区委组织部", level=Unit.Level.TOWNSHIP)]
        villages = [u for u in units_of("淮上区委组织部", level=Unit.Level.VILLAGE)]
        duties = "任村党支部第一书记,负责村级组织建设和集体经济发展;重大村务决策以信息反馈卡报乡镇党委。"
        self.programs.append(ProgramPlan(
            "huaishang_village", "选派机关干部到村任职", SecondmentType.DOWN, "淮上区委组织部", "huaishang",
            "hsstaff", d(2024, 3, 1), d(2024, 3, 1),
            description="双向选择选派机关年轻后备干部到村任职,原身份不变、工资发放渠道不变;实行任期目标和年度目标考核。",
            posts=[PostPlan(v.name, "村党支部第一书记", 1, duties) for v in villages],
        ))
        term = "任期内村集体经济年收入达到30万元以上;引进或创办致富项目1个以上;村党支部晋位升级。"
        annual = [  # the first, second and third year's targets
            "村集体经济收入增长15%;完成村级活动场所改造;发展党员1名。",
            "村集体经济收入增长15%;建成特色种植基地1处;群众满意率达到80%以上。",
            "村集体经济收入增长10%;村人均纯收入增幅超过全区平均水平;完成村级后备力量培养。",
        ]

        def letters(start: dt.date, until: dt.date):
            """A letter per calendar year served: the first signed on arrival, later ones each March
            — the current year's once March has come, none after the placement ended."""
            signed = [(year, start + dt.timedelta(days=7) if year == start.year else dt.date(year, 3, 10))
                      for year in range(start.year, until.year + 1)]
            return [(year, term, annual[min(i, len(annual) - 1)], day)
                    for i, (year, day) in enumerate(signed) if day <= min(until, today)]

        start = d.weekday(2024, 3, 4)
        for village in villages:
            cadre = self.some_cadre(HUAISHANG, hs_units, young_only=True,
                                    reserve_status=Cadre.Reserve.COUNTY if rng.random() < 0.6 else Cadre.Reserve.NONE,
                                    health=Cadre.Health.FAIR if village.name.endswith("新湖村") else Cadre.Health.HEALTHY)
            mentors = [(self.mentor_name(1971), f"{village.parent}党委副书记", Mentor.Kind.LEADER, None)]
            plan = PlacementPlan("huaishang_village", cadre, village.name, "村党支部第一书记", d.weekday(2024, 2, 20),
                                 started_on=start, division_of_work=duties, mentors=mentors)
            if village.name.endswith("朱台村"):
                # R17: satisfaction below 50 % → recall and 不称职 for the year.
                recalled = d(2025, 1, 15)
                plan.ended = (S.RECALLED, recalled,
                              f"{start.year}年度群众满意度测评满意率为46%,低于50%,实行召回,当年考评为不称职。")
                plan.letters = letters(start, recalled)
            elif village.name.endswith("新湖村"):
                plan.ended = (S.ENDED_EARLY, d(2025, 9, 30), "因身体原因需长期治疗,经区委组织部同意提前结束到村任职。")
                plan.letters = letters(start, plan.ended[1])
            else:
                plan.letters = letters(start, today)
            self.placements.append(plan)
        # Successors: one already in post, one proposed.
        by_name = {v.name: v for v in villages}
        successor_start = d.weekday(2025, 10, 13)
        successor = self.some_cadre(HUAISHANG, hs_units, young_only=True, reserve_status=Cadre.Reserve.COUNTY)
        self.placements.append(PlacementPlan(
            "huaishang_village", successor, by_name["淮上区沫河口镇新湖村"].name, "村党支部第一书记", d.weekday(2025, 10, 8),
            planned_start=successor_start, planned_end=successor_start + relativedelta(years=3) - dt.timedelta(days=1),
            started_on=successor_start, division_of_work=duties,
            letters=letters(successor_start, today),
            mentors=[(self.mentor_name(1974), "淮上区沫河口镇党委副书记", Mentor.Kind.LEADER, None)],
        ))
        proposed_start = d(2026, 12, 1)
        self.placements.append(PlacementPlan(
            "huaishang_village", self.some_cadre(HUAISHANG, hs_units, young_only=True), by_name["淮上区梅桥镇朱台村"].name,
            "村党支部第一书记", d.weekday(2026, 11, 20), planned_start=proposed_start,
            planned_end=proposed_start + relativedelta(years=3) - dt.timedelta(days=1), division_of_work=duties,
        ))
        self.add_pool(4, HUAISHANG, hs_units, hs_towns)

    def _plan_city_pools(self):
        bb_units = [u.name for u in units_of("蚌埠市委组织部")]
        self.add_pool(2, BENGBU, bb_units, ["淮上区小蚌埠镇"])


# --- writing it ------------------------------------------------------------------------------


@dataclass
class BuildResult:
    created: dict
    accounts: list


class DemoBuilder:
    """Writes a ``DemoPlan``, registering each row it creates. Call inside a transaction (the
    command does). Rows are found by their key in the registry, never by name: a row the
    registry does not list is not the demo's, whatever it is called."""

    def __init__(self, plan: DemoPlan, registry: DemoRegistry):
        self.plan = plan
        self.registry = registry
        self.created: dict[str, int] = {}
        self.departments: dict[str, OrgDepartment] = {}
        self.units: dict[str, Unit] = {}
        self.users: dict = {}
        self.cadres: dict[str, Cadre] = {}
        self.programs: dict[str, Program] = {}
        self._password_hash = None

    def _count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def _all_specs(self) -> list[CadreSpec]:
        return [p.cadre for p in self.plan.placements] + self.plan.pool

    def clashes(self) -> list[str]:
        """Rows the plan still has to create whose unique name is held by a record the demo did
        not create (an account ``admin`` of a real installation): the demo never takes one over."""
        registry = self.registry
        made = {model: registry.by_key(model, prefix) for model, prefix in (
            (get_user_model(), "user:"), (OrgDepartment, "department:"), (Unit, "unit:"), (Cadre, "cadre:"))}
        usernames = [a.username for a in ACCOUNTS if f"user:{a.username}" not in made[get_user_model()]]
        departments = [d[0] for d in DEPARTMENTS if f"department:{d[0]}" not in made[OrgDepartment]]
        units = [u for u in UNITS if f"unit:{u.name}" not in made[Unit]]
        specs = {s.id_number: s for s in self._all_specs() if f"cadre:{s.id_number}" not in made[Cadre]}
        clashes = [gettext("账号 %(name)s") % {"name": name} for name in
                   get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)]
        clashes += [gettext("组织部 %(name)s") % {"name": name} for name in
                    OrgDepartment.objects.filter(name__in=departments).values_list("name", flat=True)]
        wanted_units = {(u.region, u.name) for u in units}
        clashes += [gettext("单位 %(name)s") % {"name": name} for region, name in
                    Unit.objects.filter(name__in=[u.name for u in units]).values_list("region", "name")
                    if (region, name) in wanted_units]
        clashes += [gettext("干部 %(name)s") % {"name": specs[number].name} for number in
                    Cadre.objects.filter(id_number__in=list(specs)).values_list("id_number", flat=True)]
        return clashes

    def build(self) -> BuildResult:
        role_groups_sync()
        if PolicyPreset.objects.filter(code__in=[p["code"] for p in PRESETS]).count() < len(PRESETS):
            presets_sync(PolicyPreset)
        self._departments()
        self._admin()
        self._units()
        self._accounts()
        self._cadres()
        self._programs()
        self._placements()
        self.registry.flush()
        return BuildResult(created=self.created, accounts=ACCOUNTS)

    # --- organisations ---

    def _departments(self):
        existing = self.registry.by_key(OrgDepartment, "department:")
        for name, level, region, parent in DEPARTMENTS:
            department = existing.get(f"department:{name}")
            if department is None:
                department = self.registry.add(OrgDepartment.objects.create(
                    name=name, level=level, region=region, parent=self.departments.get(parent)
                ), f"department:{name}")
                self._count("departments")
            self.departments[name] = department

    def _units(self):
        existing = self.registry.by_key(Unit, "unit:")
        for data in UNITS:
            unit = existing.get(f"unit:{data.name}")
            if unit is None:
                unit = self.registry.add(services.unit_create(
                    acting_user=self.users["admin"], name=data.name, level=data.level, kind=data.kind, region=data.region,
                    parent=self.units[data.parent] if data.parent else None,
                    department=self.departments[data.department], is_external=data.is_external,
                    tied_to_economy=data.tied_to_economy, project_count=data.project_count,
                    petition_volume=data.petition_volume, is_comprehensive_department=data.is_comprehensive_department,
                ), f"unit:{data.name}")
                self._count("units")
            self.units[data.name] = unit

    # --- accounts (D9) ---

    def _admin(self):
        """The superuser first: it registers the units and the cadres."""
        self._account(ACCOUNTS[0], {}, self.registry.get(get_user_model(), "user:admin"))

    def _accounts(self):
        groups = {name: Group.objects.get(name=name) for name in (STAFF_GROUP, FULL_ID_GROUP, IMPORT_GROUP, HOLIDAY_GROUP)}
        existing = self.registry.by_key(get_user_model(), "user:")
        for account in ACCOUNTS:
            self._account(account, groups, existing.get(f"user:{account.username}"))

    def _account(self, account: AccountPlan, groups: dict, user):
        """A demo account as planned; one the demo made before is left as it is now (a changed
        password, group or role is its user's business)."""
        if account.username in self.users:
            return
        if user is None:
            if self._password_hash is None:  # hashing is slow by design: once for every account
                self._password_hash = make_password(settings.DEMO_PASSWORD)
            user = self.registry.add(get_user_model().objects.create(
                username=account.username, first_name=account.person, is_staff=account.is_staff,
                is_superuser=account.is_superuser, is_active=True, password=self._password_hash,
            ), f"user:{account.username}")
            self._count("users")
            for group in account.groups:
                user.groups.add(groups[group])
            for role, scope in account.roles:
                where = {"department": self.departments[scope]} if role == Role.ORG_STAFF else {"unit": self.units[scope]}
                self.registry.add(RoleAssignment.objects.create(user=user, role=role, **where))
                self._count("role assignments")
        self.users[account.username] = user

    # --- cadres (R3) ---

    def _cadres(self):
        existing = self.registry.by_key(Cadre, "cadre:")
        user_for = {id_number: self.users[username] for username, id_number in self.plan.user_cadres.items()}
        admin = self.users["admin"]
        resume_lines = []
        for spec in self._all_specs():
            cadre = existing.get(f"cadre:{spec.id_number}")
            if cadre is None:
                cadre = self.registry.add(services.cadre_create(
                    acting_user=admin, sending_unit=self.units[spec.sending_unit], user=user_for.get(spec.id_number),
                    **spec.fields,
                ), f"cadre:{spec.id_number}")
                resume_lines += [ResumeEntry(cadre=cadre, start=start, end=end, description=text[:200])
                                 for start, end, text in spec.resume]
                self._count("cadres")
            self.cadres[spec.id_number] = cadre
        # Part of each cadre's registration: they belong to the demo's cadres (not registered one by one).
        ResumeEntry.objects.bulk_create(resume_lines)
        self._count("résumé lines", len(resume_lines))

    # --- programs, posts, placements ---

    def _programs(self):
        presets = {p.code: p for p in PolicyPreset.objects.all()}
        programs = self.registry.by_key(Program, "program:")
        posts = self.registry.by_key(HostPost, "post:")
        for plan in self.plan.programs:
            department = self.departments[plan.department]
            program = programs.get(f"program:{plan.key}")
            if program is None:
                program = self.registry.add(services.program_create(
                    acting_user=self.users[plan.acting], name=plan.name, secondment_type=plan.secondment_type,
                    year=plan.year, organising_department=department, reference_date=plan.reference_date,
                    planned_start=plan.planned_start, planned_end=plan.planned_end, preset=presets[plan.preset],
                    description=plan.description,
                ), f"program:{plan.key}")
                self._count("programs")
            self.programs[plan.key] = program
            for post in plan.posts:
                key = f"post:{plan.key}:{post.unit}:{post.title}"
                if key not in posts:
                    posts[key] = self.registry.add(services.host_post_create(
                        acting_user=self.users[plan.acting], program=program, host_unit=self.units[post.unit],
                        title=post.title, places=post.places, duties=post.duties,
                    ), key)
                    self._count("host posts")
        self.posts = posts

    def _placements(self):
        existing = self.registry.by_key(Placement, "placement:")
        acting_for = {plan.key: self.users[plan.acting] for plan in self.plan.programs}
        add = self.registry.add
        for plan in self.plan.placements:
            key = f"placement:{plan.program}:{plan.cadre.id_number}"
            if key in existing:
                continue
            cadre = self.cadres[plan.cadre.id_number]
            acting = acting_for[plan.program]
            post = self.posts[f"post:{plan.program}:{plan.unit}:{plan.title}"]
            placement = add(services.placement_create(
                acting_user=acting, cadre=cadre, host_post=post, planned_start=plan.planned_start,
                planned_end=plan.planned_end, division_of_work=plan.division_of_work, work_targets=plan.work_targets,
                proposed_on=plan.proposed_on,
            ), key)
            if plan.started_on:
                placement = services.placement_transition(
                    acting_user=acting, placement=placement, to_status=S.ACTIVE, effective_date=plan.started_on,
                    note="到岗",
                )
            if plan.ended:
                status, day, reason = plan.ended
                placement = services.placement_transition(
                    acting_user=acting, placement=placement, to_status=status, effective_date=day, note=reason,
                )
            # 安丘: 组织关系随转 — for party members; the others have no party relation to move (R9).
            if plan.party_relation_moved and placement.cadre.political_status in services.PARTY_STATUSES:
                placement = services.placement_update(acting_user=acting, placement=placement, party_relation_moved=True)
            for name, post_title, kind, username in plan.mentors:
                add(services.mentor_save(acting_user=acting, mentor=Mentor(
                    placement=placement, name=name, post=post_title, kind=kind,
                    user=self.users[username] if username else None,
                )))
            for year, term, annual, signed in plan.letters:
                add(services.target_letter_save(acting_user=acting, target_letter=TargetLetter(
                    placement=placement, year=year, term_targets=term, annual_targets=annual, signed_on=signed,
                )))
            self._count("placements")
            self._count("mentors", len(plan.mentors))
            self._count("target letters", len(plan.letters))


def build_demo(*, registry: DemoRegistry) -> BuildResult:
    """Build the plan for the registry's day (the demo's first run, or today)."""
    return DemoBuilder(DemoPlan(registry.day), registry).build()
