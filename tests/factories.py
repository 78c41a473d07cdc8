"""Test data built through the real services (STYLE 10)."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from programs import services
from programs.idnumber import id_number_check_char
from programs.models import Cadre, HostPost, OrgDepartment, Program, RoleAssignment, SecondmentType, Unit
from programs.roles import FULL_ID_GROUP, HOLIDAY_GROUP, STAFF_GROUP

_sequence = itertools.count(1)
PASSWORD = "test-pass-2026"


def make_id_number(*, birth: dt.date = dt.date(1988, 5, 17), male: bool = True, region: str = "140525") -> str:
    """A valid 18-character ID number, unique within the test session."""
    order = next(_sequence) % 499
    sequence = f"{order * 2 + (1 if male else 0):03d}"
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_number_check_char(first17)


def make_user(username: str, *, staff: bool = False, superuser: bool = False, full_id: bool = False, **extra):
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=PASSWORD, is_staff=staff or superuser, is_superuser=superuser, **extra
    )
    if staff and not superuser:
        user.groups.add(Group.objects.get(name=STAFF_GROUP))
    if full_id:
        user.groups.add(Group.objects.get(name=FULL_ID_GROUP))
    return user


def make_department(name: str, *, level: str, region: str, parent: OrgDepartment | None = None) -> OrgDepartment:
    return OrgDepartment.objects.create(name=name, level=level, region=region, parent=parent)


def make_unit(name: str, *, level: int, kind: str, department: OrgDepartment, region: str = "", **extra) -> Unit:
    return Unit.objects.create(
        name=name, level=level, kind=kind, department=department, region=region or department.region, **extra
    )


def make_cadre(*, acting_user, name: str, sending_unit: Unit, rank: str = Cadre.Rank.TOWNSHIP_DEPUTY,
               birth: dt.date = dt.date(1988, 5, 17), male: bool = True, region: str = "140525", **fields) -> Cadre:
    defaults = {
        "ethnicity": "汉族",
        "native_place": "山西晋城",
        "education": Cadre.Education.BACHELOR,
        "full_time_education": True,
        "degree": "学士",
        "is_leadership": rank != Cadre.Rank.GENERAL,
        "current_post": "科员" if rank == Cadre.Rank.GENERAL else "副科长",
        "political_status": Cadre.PoliticalStatus.PARTY_MEMBER,
    }
    defaults.update(fields)
    return services.cadre_create(
        acting_user=acting_user, name=name, id_number=make_id_number(birth=birth, male=male, region=region),
        rank=rank, sending_unit=sending_unit, **defaults,
    )


def assign_role(user, role: str, *, unit: Unit | None = None, department: OrgDepartment | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, department=department)


@dataclass
class World:
    """A small slice of the demo: the 晋城 tree (city → 泽州, 高平) and 杭州, with one user per role.

    ``placement`` is a 下挂 of a 泽州 county-managed 副科级 cadre to a 泽州 township, like D9's demo.
    """

    admin: object = None
    city: OrgDepartment = None
    zezhou: OrgDepartment = None
    gaoping: OrgDepartment = None
    hangzhou: OrgDepartment = None
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    cadres: dict = field(default_factory=dict)
    program: Program = None
    hz_program: Program = None
    posts: dict = field(default_factory=dict)
    placement: object = None
    hz_placement: object = None


def build_world() -> World:
    # Transactional tests flush the database, presets and holidays from the data migration too.
    from programs.models import Holiday, HolidayYear, PolicyPreset
    from programs.presets import holidays_sync, presets_sync

    presets_sync(PolicyPreset)
    holidays_sync(Holiday, HolidayYear)
    w = World()
    w.admin = make_user("root-admin", superuser=True)
    w.city = make_department("晋城市委组织部", level=OrgDepartment.Level.CITY, region="山西省晋城市")
    w.zezhou = make_department("泽州县委组织部", level=OrgDepartment.Level.COUNTY, region="山西省晋城市泽州县", parent=w.city)
    w.gaoping = make_department("高平市委组织部", level=OrgDepartment.Level.COUNTY, region="山西省晋城市高平市", parent=w.city)
    w.hangzhou = make_department("杭州市委组织部", level=OrgDepartment.Level.CITY, region="浙江省杭州市")
    L, K = Unit.Level, Unit.Kind
    w.units = {
        "city_drc": make_unit("晋城市发展和改革委员会", level=L.CITY, kind=K.PARTY_GOVERNMENT, department=w.city, tied_to_economy=True),
        "province_drc": make_unit("山西省发展和改革委员会", level=L.PROVINCE, kind=K.PARTY_GOVERNMENT, department=w.city, region="山西省"),
        "zz_drc": make_unit("泽州县发展和改革局", level=L.COUNTY, kind=K.PARTY_GOVERNMENT, department=w.zezhou, tied_to_economy=True, project_count=12),
        "zz_petition": make_unit("泽州县信访局", level=L.COUNTY, kind=K.PETITION, department=w.zezhou, petition_volume=800),
        "zz_township": make_unit("泽州县巴公镇", level=L.TOWNSHIP, kind=K.TOWNSHIP, department=w.zezhou),
        "gp_bureau": make_unit("高平市农业农村局", level=L.COUNTY, kind=K.PARTY_GOVERNMENT, department=w.gaoping),
        "gp_township": make_unit("高平市米山镇", level=L.TOWNSHIP, kind=K.TOWNSHIP, department=w.gaoping),
        "external": make_unit("上海市浦东新区发展和改革委员会", level=L.COUNTY, kind=K.PARTY_GOVERNMENT, department=w.city,
                              region="上海市浦东新区", is_external=True),
        "hz_bureau": make_unit("杭州市建设委员会", level=L.CITY, kind=K.PARTY_GOVERNMENT, department=w.hangzhou),
        "hz_project": make_unit("杭州市地铁建设工程指挥部", level=L.CITY, kind=K.KEY_PROJECT, department=w.hangzhou),
    }
    w.units["zz_village"] = make_unit(
        "泽州县巴公镇西郜村", level=L.VILLAGE, kind=K.VILLAGE, department=w.zezhou, parent=w.units["zz_township"]
    )
    R = RoleAssignment.Role
    w.users = {
        "orgstaff": make_user("orgstaff", staff=True, full_id=True),
        "countystaff": make_user("countystaff", staff=True),
        "gaopingstaff": make_user("gaopingstaff", staff=True),
        "hzstaff": make_user("hzstaff", staff=True),
        "hostunit": make_user("hostunit"),
        "hostclerk": make_user("hostclerk"),
        "gphost": make_user("gphost"),
        "township": make_user("township"),
        "sendunit": make_user("sendunit"),
        "cadre": make_user("cadre"),
        "othercadre": make_user("othercadre"),
        "mentor": make_user("mentor"),
        "nobody": make_user("nobody"),
    }
    u = w.users
    # D3: the top (city) departments' staff maintain the national holiday table, as in the demo.
    for username in ("orgstaff", "hzstaff"):
        u[username].groups.add(Group.objects.get(name=HOLIDAY_GROUP))
    assign_role(u["orgstaff"], R.ORG_STAFF, department=w.city)
    assign_role(u["countystaff"], R.ORG_STAFF, department=w.zezhou)
    assign_role(u["gaopingstaff"], R.ORG_STAFF, department=w.gaoping)
    assign_role(u["hzstaff"], R.ORG_STAFF, department=w.hangzhou)
    assign_role(u["hostunit"], R.HOST_APPROVER, unit=w.units["zz_township"])
    assign_role(u["hostclerk"], R.HOST_CLERK, unit=w.units["zz_township"])
    assign_role(u["gphost"], R.HOST_APPROVER, unit=w.units["gp_township"])
    assign_role(u["township"], R.SUPERVISING_TOWNSHIP, unit=w.units["zz_township"])
    assign_role(u["sendunit"], R.SENDING_CONTACT, unit=w.units["zz_drc"])

    w.cadres = {
        "cadre": make_cadre(acting_user=w.admin, name="李明", sending_unit=w.units["zz_drc"], user=u["cadre"]),
        "zz_second": make_cadre(acting_user=w.admin, name="王芳", sending_unit=w.units["zz_drc"], male=False,
                                birth=dt.date(1990, 3, 8)),
        "gp_cadre": make_cadre(acting_user=w.admin, name="赵强", sending_unit=w.units["gp_bureau"], user=u["othercadre"]),
        "city_cadre": make_cadre(acting_user=w.admin, name="张伟", sending_unit=w.units["city_drc"],
                                 rank=Cadre.Rank.COUNTY_DEPUTY, birth=dt.date(1982, 11, 2)),
        "hz_cadre": make_cadre(acting_user=w.admin, name="陈静", sending_unit=w.units["hz_bureau"], male=False,
                               birth=dt.date(1984, 7, 21), region="330106"),
    }
    w.program = services.program_create(
        acting_user=w.admin, name="泽州县机关干部下挂乡镇", secondment_type=SecondmentType.DOWN, year=2026,
        organising_department=w.zezhou, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
    )
    w.posts = {
        "township": HostPost.objects.create(program=w.program, host_unit=w.units["zz_township"], title="党委委员、副镇长", places=2),
        "village": HostPost.objects.create(program=w.program, host_unit=w.units["zz_village"], title="村党支部第一书记", places=1),
    }
    w.placement = services.placement_create(acting_user=w.admin, cadre=w.cadres["cadre"], host_post=w.posts["township"])
    services.placement_start(acting_user=w.admin, placement=w.placement, effective_date=dt.date(2026, 3, 2))
    w.placement.refresh_from_db()
    from programs.models import Mentor

    Mentor.objects.create(placement=w.placement, name="刘洋", post="巴公镇党委副书记", user=u["mentor"])

    w.hz_program = services.program_create(
        acting_user=w.admin, name="重点工程挂职", secondment_type=SecondmentType.LATERAL, year=2026,
        organising_department=w.hangzhou, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
    )
    w.posts["hz_project"] = HostPost.objects.create(
        program=w.hz_program, host_unit=w.units["hz_project"], title="指挥部副指挥", places=3
    )
    w.hz_placement = services.placement_create(acting_user=w.admin, cadre=w.cadres["hz_cadre"], host_post=w.posts["hz_project"])
    return w
