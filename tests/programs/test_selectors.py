"""Row scope for each role (D1, D6): every selector returns exactly the rows the role reaches."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from programs import selectors, services
from programs.models import Cadre, Mentor, RoleAssignment, SecondmentType, Unit
from tests.factories import assign_role, make_cadre, make_unit, make_user


@dataclass
class Scene:
    """The world plus one placement in 高平, one in a village, and a city-managed 高平 cadre
    seconded through a 杭州 program (visible to 晋城 by D1's managing department)."""

    world: object
    placements: dict
    cadres: dict
    programs: dict
    posts: dict
    units: dict


@pytest.fixture
def scene(world):
    w = world
    gp_program = services.program_create(
        acting_user=w.users["gaopingstaff"], name="高平市机关干部下挂乡镇", secondment_type=SecondmentType.DOWN,
        year=2026, organising_department=w.gaoping, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
    )
    gp_post = services.host_post_create(acting_user=w.users["gaopingstaff"], program=gp_program, host_unit=w.units["gp_township"], title="副镇长")
    gp_placement = services.placement_create(acting_user=w.users["gaopingstaff"], cadre=w.cadres["gp_cadre"], host_post=gp_post)
    village_placement = services.placement_create(
        acting_user=w.users["countystaff"], cadre=w.cadres["zz_second"], host_post=w.posts["village"]
    )
    shenzhen = make_unit("深圳市前海管理局", level=Unit.Level.CITY, kind=Unit.Kind.PARTY_GOVERNMENT, department=w.hangzhou,
                         region="广东省深圳市", is_external=True)
    ext_program = services.program_create(
        acting_user=w.users["hzstaff"], name="赴深圳挂职", secondment_type=SecondmentType.EXTERNAL, year=2026,
        organising_department=w.hangzhou, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 4, 1),
    )
    ext_post = services.host_post_create(acting_user=w.users["hzstaff"], program=ext_program, host_unit=shenzhen, title="局长助理")
    # 县处级 of a 高平 unit: managed by the city (D1), not by 高平.
    sun = make_cadre(acting_user=w.admin, name="孙磊", sending_unit=w.units["gp_bureau"], rank=Cadre.Rank.COUNTY_DEPUTY,
                     birth=dt.date(1980, 1, 9))
    assert sun.managing_department == w.city
    ext_placement = services.placement_create(acting_user=w.users["hzstaff"], cadre=sun, host_post=ext_post)
    return Scene(
        world=w,
        placements={"zz": w.placement, "hz": w.hz_placement, "gp": gp_placement, "village": village_placement,
                    "ext": ext_placement},
        cadres={"李明": w.cadres["cadre"], "王芳": w.cadres["zz_second"], "赵强": w.cadres["gp_cadre"],
                "张伟": w.cadres["city_cadre"], "陈静": w.cadres["hz_cadre"], "孙磊": sun},
        programs={"zz": w.program, "hz": w.hz_program, "gp": gp_program, "ext": ext_program},
        posts={"zz_township": w.posts["township"], "zz_village": w.posts["village"], "hz_project": w.posts["hz_project"],
               "gp_township": gp_post, "ext": ext_post},
        units={**w.units, "shenzhen": shenzhen},
    )


def fresh(user):
    """A new instance: the role scope is cached per user object."""
    return get_user_model().objects.get(pk=user.pk)


def user_of(scene, username):
    if username == "anonymous":
        return AnonymousUser()
    if username == "superuser":
        return fresh(scene.world.admin)
    return fresh(scene.world.users[username])


def keys(rows: dict, queryset) -> set:
    pks = set(queryset.values_list("pk", flat=True))
    assert queryset.count() == len(pks), "a selector returned a row twice"
    return {key for key, obj in rows.items() if obj.pk in pks}


ALL = object()

# username: (placements, cadres, programs, host posts, units, departments)
EXPECTED = {
    "superuser": (ALL, ALL, ALL, ALL, ALL, ALL),
    "orgstaff": (
        {"zz", "gp", "village", "ext"},
        {"李明", "王芳", "赵强", "张伟", "孙磊"},
        {"zz", "gp", "ext"},
        {"zz_township", "zz_village", "gp_township", "ext"},
        {"city_drc", "province_drc", "zz_drc", "zz_petition", "zz_township", "zz_village", "gp_bureau", "gp_township",
         "external"},
        {"city", "zezhou", "gaoping"},
    ),
    "countystaff": (
        {"zz", "village"},
        {"李明", "王芳"},
        {"zz"},
        {"zz_township", "zz_village"},
        {"zz_drc", "zz_petition", "zz_township", "zz_village"},
        {"zezhou"},
    ),
    "gaopingstaff": ({"gp"}, {"赵强"}, {"gp"}, {"gp_township"}, {"gp_bureau", "gp_township"}, {"gaoping"}),
    "hzstaff": (
        {"hz", "ext"},
        {"陈静", "孙磊"},
        {"hz", "ext"},
        {"hz_project", "ext"},
        {"hz_bureau", "hz_project", "shenzhen"},
        {"hangzhou"},
    ),
    "hostunit": ({"zz"}, {"李明"}, {"zz"}, {"zz_township"}, {"zz_township"}, set()),
    "hostclerk": ({"zz"}, {"李明"}, {"zz"}, {"zz_township"}, {"zz_township"}, set()),
    "gphost": ({"gp"}, {"赵强"}, {"gp"}, {"gp_township"}, {"gp_township"}, set()),
    "township": ({"village"}, {"王芳"}, {"zz"}, {"zz_village"}, {"zz_township", "zz_village"}, set()),
    "sendunit": ({"zz", "village"}, {"李明", "王芳"}, {"zz"}, {"zz_township", "zz_village"}, {"zz_drc"}, set()),
    "cadre": ({"zz"}, {"李明"}, {"zz"}, {"zz_township"}, set(), set()),
    "othercadre": ({"gp"}, {"赵强"}, {"gp"}, {"gp_township"}, set(), set()),
    "mentor": ({"zz"}, {"李明"}, {"zz"}, {"zz_township"}, set(), set()),
    "nobody": (set(), set(), set(), set(), set(), set()),
    "anonymous": (set(), set(), set(), set(), set(), set()),
}


def _departments(scene):
    w = scene.world
    return {"city": w.city, "zezhou": w.zezhou, "gaoping": w.gaoping, "hangzhou": w.hangzhou}


def _check(rows, queryset, expected):
    assert keys(rows, queryset) == (set(rows) if expected is ALL else expected)


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_placements_visible_to_each_role(scene, username):
    _check(scene.placements, selectors.placements_visible_to(user_of(scene, username)), EXPECTED[username][0])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_cadres_visible_to_each_role(scene, username):
    _check(scene.cadres, selectors.cadres_visible_to(user_of(scene, username)), EXPECTED[username][1])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_programs_visible_to_each_role(scene, username):
    _check(scene.programs, selectors.programs_visible_to(user_of(scene, username)), EXPECTED[username][2])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_host_posts_visible_to_each_role(scene, username):
    _check(scene.posts, selectors.host_posts_visible_to(user_of(scene, username)), EXPECTED[username][3])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_units_visible_to_each_role(scene, username):
    _check(scene.units, selectors.units_visible_to(user_of(scene, username)), EXPECTED[username][4])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_departments_visible_to_each_role(scene, username):
    _check(_departments(scene), selectors.departments_visible_to(user_of(scene, username)), EXPECTED[username][5])


@pytest.mark.parametrize("username", EXPECTED)
def test_D6_status_changes_and_mentors_follow_the_placements(scene, username):
    user = user_of(scene, username)
    visible = set(selectors.placements_visible_to(user).values_list("pk", flat=True))
    changes = selectors.placement_status_changes_visible_to(user)
    assert set(changes.values_list("placement_id", flat=True)) == visible
    assert set(selectors.mentors_visible_to(user).values_list("placement_id", flat=True)) <= visible


def test_D1_city_managed_cadre_of_another_county_shows_to_the_city_through_a_foreign_program(scene):
    orgstaff = user_of(scene, "orgstaff")
    assert selectors.placements_visible_to(orgstaff).filter(pk=scene.placements["ext"].pk).exists()
    assert selectors.cadres_visible_to(orgstaff).filter(name="孙磊").exists()
    # 高平 neither organises the program nor manages him.
    gaoping = user_of(scene, "gaopingstaff")
    assert not selectors.placements_visible_to(gaoping).filter(pk=scene.placements["ext"].pk).exists()
    assert not selectors.cadres_visible_to(gaoping).filter(name="孙磊").exists()


def test_D1_changing_the_managing_department_moves_the_scope(scene):
    w = scene.world
    services.cadre_set_managing_department(
        acting_user=w.users["orgstaff"], cadre=scene.cadres["孙磊"], department=w.gaoping, valid_from=dt.date(2026, 5, 1),
        reason="职级调整",
    )
    gaoping = user_of(scene, "gaopingstaff")
    assert selectors.placements_visible_to(gaoping).filter(pk=scene.placements["ext"].pk).exists()
    assert selectors.cadres_visible_to(gaoping).filter(name="孙磊").exists()
    # The city still sees its subtree; 杭州 still organises the program.
    assert selectors.placements_visible_to(user_of(scene, "orgstaff")).filter(pk=scene.placements["ext"].pk).exists()
    assert selectors.placements_visible_to(user_of(scene, "hzstaff")).filter(pk=scene.placements["ext"].pk).exists()
    assert not selectors.placements_visible_to(user_of(scene, "countystaff")).filter(pk=scene.placements["ext"].pk).exists()


def test_D6_host_roles_see_the_village_only_when_also_its_township(scene):
    user = make_user("hostandtownship")
    assign_role(user, RoleAssignment.Role.HOST_APPROVER, unit=scene.units["zz_township"])
    assert keys(scene.placements, selectors.placements_visible_to(fresh(user))) == {"zz"}
    assign_role(user, RoleAssignment.Role.SUPERVISING_TOWNSHIP, unit=scene.units["zz_township"])
    assert keys(scene.placements, selectors.placements_visible_to(fresh(user))) == {"zz", "village"}


def test_D6_several_roles_add_up(scene):
    user = make_user("multirole")
    assign_role(user, RoleAssignment.Role.HOST_CLERK, unit=scene.units["gp_township"])
    assign_role(user, RoleAssignment.Role.SENDING_CONTACT, unit=scene.units["hz_bureau"])
    services.mentor_save(
        acting_user=scene.world.users["countystaff"],
        mentor=Mentor(placement=scene.placements["village"], name="王导师", post="村党支部书记", user=user),
    )
    assert keys(scene.placements, selectors.placements_visible_to(fresh(user))) == {"gp", "hz", "village"}
    assert keys(scene.cadres, selectors.cadres_visible_to(fresh(user))) == {"赵强", "陈静", "王芳"}


def test_D6_mentor_sees_only_the_mentored_placement(scene):
    mentor = user_of(scene, "mentor")
    assert keys(scene.placements, selectors.placements_visible_to(mentor)) == {"zz"}
    assert set(selectors.mentors_visible_to(mentor).values_list("name", flat=True)) == {"刘洋"}


def test_D6_inactive_user_sees_nothing(scene):
    user = fresh(scene.world.users["orgstaff"])
    user.is_active = False
    user.save()
    assert not selectors.placements_visible_to(fresh(user)).exists()
    assert not selectors.cadres_visible_to(fresh(user)).exists()


def test_R3_full_id_number_only_with_the_permission_or_for_oneself(scene):
    w = scene.world
    li = scene.cadres["李明"]
    assert selectors.can_see_full_id_number(fresh(w.users["orgstaff"]), li)  # in the full-ID group
    assert not selectors.can_see_full_id_number(fresh(w.users["countystaff"]), li)
    assert selectors.can_see_full_id_number(fresh(w.users["cadre"]), li)  # their own
    assert not selectors.can_see_full_id_number(fresh(w.users["cadre"]), scene.cadres["王芳"])
    assert not selectors.can_see_full_id_number(fresh(w.users["hostunit"]), li)
    assert selectors.can_see_full_id_number(fresh(w.admin), li)
