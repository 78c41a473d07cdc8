"""Row scope of the selection area for each role (D1, D6): staff by the program's organising
department subtree; a cadre the announced selections open to them and their own applications;
a sending unit its own cadres' applications; nobody else anything."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from programs import services as program_services
from programs.models import Cadre, PolicyPreset
from selection import selectors, services
from selection.models import Application
from tests.selection.steps import AFTER_NOTICE, APPLY_DAY, announce, applied, in_notice, make_program

ALL = ["周杰", "王芳", "吴敏", "郑浩", "冯丽", "孙涛"]


def fresh(user):
    """A new instance: the role scope is cached per user object."""
    return get_user_model().objects.get(pk=user.pk)


def user_of(scene, username):
    if username == "anonymous":
        return AnonymousUser()
    if username == "superuser":
        return fresh(scene.world.admin)
    users = {**scene.world.users, **scene.users}
    return fresh(users[username])


def names(queryset) -> set:
    return set(queryset.values_list("cadre__name", flat=True))


APPLICATIONS_SEEN = {
    "superuser": set(ALL),
    "countystaff": set(ALL),
    "orgstaff": set(ALL),  # the city is above 泽州
    "gaopingstaff": set(),
    "hzstaff": set(),
    "zhou": {"周杰"},
    "cadre": set(),  # 李明 did not apply
    "othercadre": set(),
    "sendunit": {"周杰", "王芳", "吴敏"},  # 泽州县发展和改革局
    "petitionunit": {"郑浩", "冯丽", "孙涛"},  # 泽州县信访局
    "hostunit": set(),
    "hostclerk": set(),
    "township": set(),
    "mentor": set(),
    "nobody": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize(("username", "expected"), APPLICATIONS_SEEN.items(), ids=APPLICATIONS_SEEN.keys())
def test_D6_applications_each_role_sees(scene, username, expected):
    applied(scene)
    user = user_of(scene, username)
    assert names(selectors.applications_visible_to(user)) == expected
    assert selectors.applications_visible_to(user).count() == len(expected)
    assert selectors.application_status_changes_visible_to(user).count() == len(expected)


SELECTION_SEEN_ANNOUNCED = {
    "superuser": True, "countystaff": True, "orgstaff": True, "gaopingstaff": False, "hzstaff": False,
    "zhou": True, "cadre": True, "othercadre": False, "sendunit": True, "petitionunit": True,
    "hostunit": False, "hostclerk": False, "township": False, "mentor": False, "nobody": False, "anonymous": False,
}


@pytest.mark.parametrize(("username", "expected"), SELECTION_SEEN_ANNOUNCED.items(), ids=SELECTION_SEEN_ANNOUNCED.keys())
def test_D6_an_announced_selection_is_seen_by_staff_and_the_cadres_it_reaches(scene, username, expected):
    announce(scene)
    user = user_of(scene, username)
    assert selectors.selections_visible_to(user).filter(pk=scene.selection.pk).exists() is expected


@pytest.mark.parametrize("username", ["zhou", "cadre", "sendunit", "petitionunit", "hostunit", "gaopingstaff"])
def test_D6_a_selection_in_preparation_is_seen_by_staff_only(scene, username):
    assert not selectors.selections_visible_to(user_of(scene, username)).exists()
    assert selectors.selections_visible_to(user_of(scene, "countystaff")).get() == scene.selection


def test_D6_a_survey_is_seen_by_the_host_units_it_reaches(world):
    program = make_program(world, name="信访岗位挂职", preset=PolicyPreset.objects.get(code="jiangdong"))
    selection = services.selection_create(acting_user=world.users["countystaff"], program=program)
    assert selectors.selections_visible_to(fresh(world.users["hostunit"])).get() == selection
    assert not selectors.selections_visible_to(fresh(world.users["gphost"])).exists()
    assert not selectors.selections_visible_to(fresh(world.users["cadre"])).exists()


def test_R5_a_reserve_only_selection_reaches_reserve_cadres_only(scene):
    program_services.program_policy_update(acting_user=scene.world.admin, program=scene.program, reserve_cadres_only=True)
    announce(scene)
    zhou = user_of(scene, "zhou")
    assert not selectors.selections_visible_to(zhou).exists()
    program_services.cadre_update(acting_user=scene.world.admin, cadre=scene.cadres["周杰"], reserve_status=Cadre.Reserve.COUNTY)
    assert selectors.selections_visible_to(fresh(zhou)).get() == scene.selection


def test_D6_a_cadre_keeps_seeing_the_selection_they_applied_to(scene):
    applied(scene, names=["周杰"])
    assert selectors.selections_visible_to(user_of(scene, "zhou")).get() == scene.selection


def test_D6_objections_are_for_staff_only(scene):
    in_notice(scene)
    services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=scene.selection.notice_start,
        content="反映问题", today=AFTER_NOTICE,
    )
    assert selectors.objections_visible_to(user_of(scene, "countystaff")).count() == 1
    for username in ["gaopingstaff", "sendunit", "zhou", "cadre", "hostunit", "nobody"]:
        assert not selectors.objections_visible_to(user_of(scene, username)).exists(), username


def test_D6_recommendations_are_seen_by_staff_and_their_unit(scene):
    applied(scene, names=["郑浩"])
    services.unit_recommendation_record(
        acting_user=scene.staff, selection=scene.selection, sending_unit=scene.world.units["zz_petition"],
        meeting_on=APPLY_DAY, report_text="推荐", recommended=[scene.applications["郑浩"]],
    )
    for username, count in [("countystaff", 1), ("petitionunit", 1), ("sendunit", 0), ("zhou", 0), ("gaopingstaff", 0)]:
        assert selectors.recommendations_visible_to(user_of(scene, username)).count() == count, username


@pytest.mark.parametrize(
    ("username", "status"),
    [("zhou", 200), ("countystaff", 200), ("sendunit", 200), ("petitionunit", 404), ("cadre", 404), ("gaopingstaff", 404),
     ("hostunit", 404)],
)
def test_D6_a_written_application_is_downloaded_only_by_who_sees_it(client, scene, media, username, status):
    announce(scene)
    application = services.application_apply(
        acting_user=scene.users["zhou"], selection=scene.selection, statement="",
        attachment=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf"), today=APPLY_DAY,
    )
    assert application.attachment.name.startswith("selection/applications/")
    client.force_login(user_of(scene, username))
    assert client.get(application.attachment.url).status_code == status


def test_D6_cadres_see_application_rows_only_through_the_selector(scene):
    applied(scene)
    register_count = Application.objects.count()
    assert register_count == len(ALL)
    assert selectors.applications_visible_to(user_of(scene, "zhou")).get().cadre.name == "周杰"



