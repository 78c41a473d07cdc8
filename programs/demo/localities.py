"""The fixed facts of the demo (D9): departments and units of the five localities of the seed.

Unit names follow the seed text (山西晋城 and its 泽州县, 高平市; 山东安丘 under 潍坊; 杭州's key
projects of 道路建设、环境整治、征地拆迁、新农村建设; 江东区信访局 under 宁波; 淮上区's villages
under 蚌埠). Units carry the facts R6 ranks sending units by: tied to the economy and
livelihoods, number of projects, petition volume (rough yearly figures for a demo).
"""

from dataclasses import dataclass

from ..models import OrgDepartment, Unit
from .people import UnitStyle

L, K = Unit.Level, Unit.Kind
DL = OrgDepartment.Level

# name, level, region, parent — parents first.
DEPARTMENTS = [
    ("晋城市委组织部", DL.CITY, "山西省晋城市", None),
    ("泽州县委组织部", DL.COUNTY, "山西省晋城市泽州县", "晋城市委组织部"),
    ("高平市委组织部", DL.COUNTY, "山西省晋城市高平市", "晋城市委组织部"),
    ("潍坊市委组织部", DL.CITY, "山东省潍坊市", None),
    ("安丘市委组织部", DL.COUNTY, "山东省潍坊市安丘市", "潍坊市委组织部"),
    ("杭州市委组织部", DL.CITY, "浙江省杭州市", None),
    ("宁波市委组织部", DL.CITY, "浙江省宁波市", None),
    ("江东区委组织部", DL.COUNTY, "浙江省宁波市江东区", "宁波市委组织部"),
    ("蚌埠市委组织部", DL.CITY, "安徽省蚌埠市", None),
    ("淮上区委组织部", DL.COUNTY, "安徽省蚌埠市淮上区", "蚌埠市委组织部"),
]

CITY_SECTIONS = ("办公室", "综合科", "规划科", "政策法规科", "财务科", "人事科")
HZ_SECTIONS = ("办公室", "综合处", "计划处", "政策法规处", "财务处", "组织人事处", "建设管理处")
COUNTY_SECTIONS = ("办公室", "综合股", "业务股", "规划股")
PETITION_CITY = ("办信科", "接访科", "督查科")
PETITION_COUNTY = ("办信股", "接访股", "督查股")


@dataclass(frozen=True)
class UnitData:
    name: str
    level: int
    kind: str
    department: str
    region: str
    style: str = "county"
    parent: str = ""
    is_external: bool = False
    is_comprehensive_department: bool = False
    tied_to_economy: bool = False
    project_count: int = 0
    petition_volume: int = 0
    sections: tuple = ()
    head: str = ""

    @property
    def unit_style(self) -> UnitStyle:
        return UnitStyle(name=self.name, style=self.style, sections=self.sections, head=self.head)


def _city(name, dept, region, *, kind=K.PARTY_GOVERNMENT, style="city", sections=CITY_SECTIONS, **facts):
    return UnitData(name, L.CITY, kind, dept, region, style=style, sections=sections, **facts)


def _county(name, dept, region, *, kind=K.PARTY_GOVERNMENT, sections=COUNTY_SECTIONS, **facts):
    return UnitData(name, L.COUNTY, kind, dept, region, style="county", sections=sections, **facts)


def _township(name, dept, region):
    return UnitData(name, L.TOWNSHIP, K.TOWNSHIP, dept, region, style="township")


def _village(name, dept, region, township):
    return UnitData(name, L.VILLAGE, K.VILLAGE, dept, region, style="township", parent=township)


JC, ZZ, GP = "山西省晋城市", "山西省晋城市泽州县", "山西省晋城市高平市"
WF, AQ = "山东省潍坊市", "山东省潍坊市安丘市"
HZ = "浙江省杭州市"
NB, JD = "浙江省宁波市", "浙江省宁波市江东区"
BB, HS = "安徽省蚌埠市", "安徽省蚌埠市淮上区"
JCD, ZZD, GPD = "晋城市委组织部", "泽州县委组织部", "高平市委组织部"
WFD, AQD, HZD, NBD, JDD, BBD, HSD = (
    "潍坊市委组织部", "安丘市委组织部", "杭州市委组织部", "宁波市委组织部", "江东区委组织部", "蚌埠市委组织部", "淮上区委组织部"
)

# Hangzhou's key projects (重点工程, R25's batch went to these): kind 重点工程项目, city level.
HZ_PROJECTS_2006 = [
    ("杭州市西湖综合保护工程指挥部", "环境整治"),
    ("杭州市运河综合保护工程指挥部", "环境整治"),
    ("杭州市西溪湿地综合保护工程指挥部", "环境整治"),
    ("杭州市“一纵三横”道路综合整治工程指挥部", "道路建设"),
    ("杭州市背街小巷改善工程指挥部", "道路建设"),
    ("杭州市城市快速路网建设工程指挥部", "道路建设"),
    ("杭州市钱江新城建设指挥部", "征地拆迁"),
    ("杭州市“城中村”改造工作指挥部", "征地拆迁"),
    ("杭州市地铁建设征地拆迁指挥部", "征地拆迁"),
    ("杭州市新农村建设工作指挥部", "新农村建设"),
]

UNITS = [
    # --- 晋城市 (city units, province units for 上挂, external hosts for 外挂) ---
    _city("晋城市发展和改革委员会", JCD, JC, tied_to_economy=True, project_count=36, petition_volume=40,
          is_comprehensive_department=True),
    _city("晋城市住房和城乡建设局", JCD, JC, tied_to_economy=True, project_count=52, petition_volume=310),
    _city("晋城市民政局", JCD, JC, tied_to_economy=True, petition_volume=260),
    _city("晋城市教育局", JCD, JC, tied_to_economy=True, petition_volume=150),
    _city("晋城市卫生健康委员会", JCD, JC, tied_to_economy=True, petition_volume=120),
    _city("晋城市财政局", JCD, JC, tied_to_economy=True, project_count=8),
    _city("晋城市交通运输局", JCD, JC, tied_to_economy=True, project_count=41, petition_volume=90),
    _city("晋城市自然资源局", JCD, JC, tied_to_economy=True, project_count=18, petition_volume=380),
    _city("晋城市人力资源和社会保障局", JCD, JC, tied_to_economy=True, petition_volume=420),
    _city("中共晋城市委办公室", JCD, JC, sections=("秘书科", "综合科", "信息科"), is_comprehensive_department=True),
    _city("晋城市人民政府办公室", JCD, JC, sections=("秘书科", "综合科", "督查科")),
    _city("晋城市信访局", JCD, JC, kind=K.PETITION, sections=PETITION_CITY, petition_volume=2600),
    _city("晋城市太行一号旅游公路建设指挥部", JCD, JC, kind=K.KEY_PROJECT, project_count=12),
    UnitData("山西省发展和改革委员会", L.PROVINCE, K.PARTY_GOVERNMENT, JCD, "山西省", style="city"),
    UnitData("山西省住房和城乡建设厅", L.PROVINCE, K.PARTY_GOVERNMENT, JCD, "山西省", style="city"),
    UnitData("苏州工业园区管理委员会", L.CITY, K.PARTY_GOVERNMENT, JCD, "江苏省苏州市", style="city", is_external=True),
    UnitData("深圳市福田区发展和改革局", L.COUNTY, K.PARTY_GOVERNMENT, JCD, "广东省深圳市福田区", is_external=True),
    UnitData("上海市浦东新区商务委员会", L.COUNTY, K.PARTY_GOVERNMENT, JCD, "上海市浦东新区", is_external=True),
    # --- 泽州县 ---
    _county("泽州县发展和改革局", ZZD, ZZ, tied_to_economy=True, project_count=14, petition_volume=30),
    _county("泽州县住房和城乡建设管理局", ZZD, ZZ, tied_to_economy=True, project_count=22, petition_volume=160),
    _county("泽州县民政局", ZZD, ZZ, tied_to_economy=True, petition_volume=140),
    _county("泽州县教育科技局", ZZD, ZZ, tied_to_economy=True, petition_volume=90),
    _county("泽州县卫生健康和体育局", ZZD, ZZ, tied_to_economy=True, petition_volume=60),
    _county("泽州县农业农村局", ZZD, ZZ, tied_to_economy=True, project_count=9, petition_volume=45),
    _county("泽州县财政局", ZZD, ZZ, tied_to_economy=True, project_count=4),
    _county("中共泽州县委办公室", ZZD, ZZ, sections=("秘书股", "综合股", "信息股")),
    _county("泽州县信访局", ZZD, ZZ, kind=K.PETITION, sections=PETITION_COUNTY, petition_volume=900),
    _township("泽州县巴公镇", ZZD, ZZ),
    _township("泽州县金村镇", ZZD, ZZ),
    _township("泽州县高都镇", ZZD, ZZ),
    _township("泽州县大阳镇", ZZD, ZZ),
    _township("泽州县北义城镇", ZZD, ZZ),
    _township("泽州县南村镇", ZZD, ZZ),
    _township("泽州县下村镇", ZZD, ZZ),
    _village("泽州县巴公镇西郜村", ZZD, ZZ, "泽州县巴公镇"),
    _village("泽州县巴公镇东四义村", ZZD, ZZ, "泽州县巴公镇"),
    _village("泽州县高都镇高都村", ZZD, ZZ, "泽州县高都镇"),
    _village("泽州县大阳镇大阳一分街村", ZZD, ZZ, "泽州县大阳镇"),
    # --- 高平市 ---
    _county("高平市发展和改革局", GPD, GP, tied_to_economy=True, project_count=11, petition_volume=35),
    _county("高平市农业农村局", GPD, GP, tied_to_economy=True, project_count=7, petition_volume=60),
    _county("高平市住房和城乡建设局", GPD, GP, tied_to_economy=True, project_count=19, petition_volume=150),
    _county("高平市民政局", GPD, GP, tied_to_economy=True, petition_volume=110),
    _county("高平市信访局", GPD, GP, kind=K.PETITION, sections=PETITION_COUNTY, petition_volume=700),
    _county("高平市炎帝陵景区建设工程指挥部", GPD, GP, kind=K.KEY_PROJECT, project_count=6),
    _township("高平市米山镇", GPD, GP),
    _township("高平市三甲镇", GPD, GP),
    _township("高平市神农镇", GPD, GP),
    _township("高平市河西镇", GPD, GP),
    _village("高平市神农镇故关村", GPD, GP, "高平市神农镇"),
    # --- 潍坊市 / 安丘市 ---
    _city("潍坊市发展和改革委员会", WFD, WF, tied_to_economy=True, project_count=30),
    _city("潍坊市住房和城乡建设局", WFD, WF, tied_to_economy=True, project_count=44, petition_volume=280),
    _county("安丘市发展和改革局", AQD, AQ, tied_to_economy=True, project_count=12, petition_volume=25),
    _county("安丘市财政局", AQD, AQ, tied_to_economy=True, project_count=3),
    _county("安丘市农业农村局", AQD, AQ, tied_to_economy=True, project_count=10, petition_volume=55),
    _county("安丘市住房和城乡建设局", AQD, AQ, tied_to_economy=True, project_count=17, petition_volume=130),
    _county("安丘市教育和体育局", AQD, AQ, tied_to_economy=True, petition_volume=80),
    _county("安丘市商务局", AQD, AQ, tied_to_economy=True, project_count=5),
    _county("安丘市市场监督管理局", AQD, AQ, tied_to_economy=True, petition_volume=70),
    _county("中共安丘市委办公室", AQD, AQ, sections=("秘书科", "综合科")),
    _township("安丘市景芝镇", AQD, AQ),
    _township("安丘市官庄镇", AQD, AQ),
    _township("安丘市石埠子镇", AQD, AQ),
    _township("安丘市兴安街道", AQD, AQ),
    _township("安丘市新安街道", AQD, AQ),
    # --- 杭州市 ---
    _city("杭州市发展和改革委员会", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=60),
    _city("杭州市城乡建设委员会", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=85,
          petition_volume=420),
    _city("杭州市财政局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=10),
    _city("杭州市国土资源局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=25,
          petition_volume=560),
    _city("杭州市规划局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=40),
    _city("杭州市交通运输局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=48),
    _city("杭州市环境保护局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=20,
          petition_volume=240),
    _city("杭州市民政局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, petition_volume=300),
    _city("杭州市教育局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, petition_volume=190),
    _city("杭州市卫生局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, petition_volume=170),
    _city("杭州市农业局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=15),
    _city("杭州市林业水利局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=22),
    _city("杭州市贸易局", HZD, HZ, style="hz", sections=HZ_SECTIONS, tied_to_economy=True, project_count=6),
    _city("中共杭州市委办公厅", HZD, HZ, style="hz", sections=("秘书处", "综合处", "信息处")),
    _city("杭州市人民政府办公厅", HZD, HZ, style="hz", sections=("秘书处", "综合处", "督查处")),
    *[_city(name, HZD, HZ, kind=K.KEY_PROJECT, style="hz", sections=("综合协调组", "工程督查组", "征迁协调组"),
            project_count=8 + i) for i, (name, _aim) in enumerate(HZ_PROJECTS_2006)],
    # --- 宁波市 / 江东区 ---
    _city("宁波市发展和改革委员会", NBD, NB, tied_to_economy=True, project_count=50),
    _city("宁波市信访局", NBD, NB, kind=K.PETITION, sections=PETITION_CITY, petition_volume=3100),
    _county("江东区建设局", JDD, JD, tied_to_economy=True, project_count=16, petition_volume=220),
    _county("江东区卫生局", JDD, JD, tied_to_economy=True, petition_volume=95),
    _county("江东区教育局", JDD, JD, tied_to_economy=True, petition_volume=110),
    _county("江东区民政局", JDD, JD, tied_to_economy=True, petition_volume=140),
    _county("江东区人力资源和社会保障局", JDD, JD, tied_to_economy=True, petition_volume=260),
    _county("江东区环境保护局", JDD, JD, tied_to_economy=True, project_count=5, petition_volume=120),
    _county("江东区人民法院", JDD, JD, sections=("民事审判庭", "行政审判庭", "立案庭"), head="庭长"),
    _county("江东区人大常委会办公室", JDD, JD, sections=("秘书科", "综合科")),
    _county("江东区政协办公室", JDD, JD, sections=("秘书科", "综合科")),
    _county("江东区信访局", JDD, JD, kind=K.PETITION, sections=PETITION_COUNTY, petition_volume=3200),
    _township("江东区百丈街道", JDD, JD),
    _township("江东区东胜街道", JDD, JD),
    # --- 蚌埠市 / 淮上区 ---
    _city("蚌埠市发展和改革委员会", BBD, BB, tied_to_economy=True, project_count=28),
    _city("蚌埠市农业农村局", BBD, BB, tied_to_economy=True, project_count=14, petition_volume=90),
    _county("淮上区发展和改革委员会", HSD, HS, tied_to_economy=True, project_count=13, petition_volume=20),
    _county("淮上区财政局", HSD, HS, tied_to_economy=True, project_count=4),
    _county("淮上区农林水利局", HSD, HS, tied_to_economy=True, project_count=11, petition_volume=70),
    _county("淮上区住房和城乡建设局", HSD, HS, tied_to_economy=True, project_count=15, petition_volume=180),
    _county("淮上区民政局", HSD, HS, tied_to_economy=True, petition_volume=120),
    _county("淮上区教育体育局", HSD, HS, tied_to_economy=True, petition_volume=75),
    _county("淮上区卫生健康委员会", HSD, HS, tied_to_economy=True, petition_volume=50),
    _county("中共淮上区委办公室", HSD, HS, sections=("秘书科", "综合科")),
    _county("淮上区人民政府办公室", HSD, HS, sections=("秘书科", "综合科")),
    _township("淮上区小蚌埠镇", HSD, HS),
    _township("淮上区梅桥镇", HSD, HS),
    _township("淮上区沫河口镇", HSD, HS),
    _township("淮上区曹老集镇", HSD, HS),
    _village("淮上区小蚌埠镇双墩村", HSD, HS, "淮上区小蚌埠镇"),
    _village("淮上区小蚌埠镇吴小街村", HSD, HS, "淮上区小蚌埠镇"),
    _village("淮上区梅桥镇梅桥村", HSD, HS, "淮上区梅桥镇"),
    _village("淮上区梅桥镇朱台村", HSD, HS, "淮上区梅桥镇"),
    _village("淮上区沫河口镇沫河口村", HSD, HS, "淮上区沫河口镇"),
    _village("淮上区沫河口镇新湖村", HSD, HS, "淮上区沫河口镇"),
    _village("淮上区曹老集镇曹老集村", HSD, HS, "淮上区曹老集镇"),
    _village("淮上区曹老集镇王庄村", HSD, HS, "淮上区曹老集镇"),
]
UNITS_BY_NAME = {unit.name: unit for unit in UNITS}
assert len(UNITS_BY_NAME) == len(UNITS), "unit names must be unique"


@dataclass(frozen=True)
class Locality:
    """Where a locality's cadres come from: ID region codes (the first is the most common)."""

    province: str
    regions: tuple


ZEZHOU = Locality("山西", ("140525",) * 4 + ("140502", "140581"))
GAOPING = Locality("山西", ("140581",) * 4 + ("140525", "140502"))
JINCHENG = Locality("山西", ("140502", "140502", "140525", "140581", "140521", "140522", "140524"))
WEIFANG = Locality("山东", ("370702", "370705", "370781", "370784"))
ANQIU = Locality("山东", ("370784",) * 5 + ("370702",))
HANGZHOU = Locality("浙江", ("330102", "330103", "330104", "330105", "330106", "330106", "330108", "330109", "330110",
                             "330122", "330127", "330182", "330183", "330185"))
NINGBO = Locality("浙江", ("330203", "330204", "330205", "330212"))
JIANGDONG = Locality("浙江", ("330204",) * 5 + ("330212", "330203"))
BENGBU = Locality("安徽", ("340302", "340303", "340311", "340321"))
HUAISHANG = Locality("安徽", ("340311",) * 5 + ("340321",))


def units_of(department: str, *, level: int | None = None, kind: str | None = None) -> list[UnitData]:
    return [
        unit for unit in UNITS
        if unit.department == department and (level is None or unit.level == level)
        and (kind is None or unit.kind == kind) and not unit.is_external
    ]
