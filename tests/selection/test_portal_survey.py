"""Host units state the posts they need in the portal (R7 step 0, 江东's demand survey)."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from selection import services
from selection.models import DemandRequest, Selection
from tests.selection.steps import make_program


@pytest.fixture
def survey(world):
    program = make_program(world, name="泽州县选派干部到信访岗位(需求调研)", demand_survey=True)
    selection = services.selection_create(acting_user=world.users["countystaff"], program=program)
    assert selection.stage == Selection.Stage.SURVEY
    return selection


def post_request(client, selection, unit, **extra):
    data = {"host_unit": unit.pk, "post_title": "信访接谈员", "duties": "接待来访群众", "places": 2, **extra}
    return client.post(reverse("selection:survey", args=[selection.pk]), data)


def test_R7_host_unit_sees_the_survey_and_states_a_post(client, world, survey):
    client.force_login(world.users["hostunit"])
    listing = client.get(reverse("selection:surveys"))
    assert listing.status_code == 200 and survey.program.name in listing.content.decode()
    response = post_request(client, survey, world.units["zz_township"])
    assert response.status_code == 302
    request = DemandRequest.objects.get(selection=survey)
    assert (request.host_unit, request.post_title, request.places, request.submitted_by) == (
        world.units["zz_township"], "信访接谈员", 2, world.users["hostunit"],
    )
    assert request.term_months == survey.program.policy.term_months
    assert AuditLog.objects.filter(action="demand_request_submit", actor=world.users["hostunit"]).exists()
    assert "信访接谈员" in client.get(reverse("selection:surveys")).content.decode()


def test_D6_a_host_unit_cannot_speak_for_another_unit(client, world, survey):
    client.force_login(world.users["hostclerk"])
    response = post_request(client, survey, world.units["gp_township"])
    assert response.status_code == 400
    assert not DemandRequest.objects.exists()


def test_D6_a_host_unit_outside_the_organising_subtree_gets_404(client, world, survey):
    client.force_login(world.users["gphost"])  # 高平: 泽州's survey does not reach it
    assert client.get(reverse("selection:survey", args=[survey.pk])).status_code == 404
    assert post_request(client, survey, world.units["gp_township"]).status_code == 404
    assert survey.program.name not in client.get(reverse("selection:surveys")).content.decode()


@pytest.mark.parametrize("username", ["cadre", "sendunit", "mentor", "nobody", "countystaff"])
def test_D6_roles_other_than_host_units_are_refused(client, world, survey, username):
    client.force_login(world.users[username])
    assert client.get(reverse("selection:surveys")).status_code == 403
    assert client.get(reverse("selection:survey", args=[survey.pk])).status_code == 403
    assert post_request(client, survey, world.units["zz_township"]).status_code == 403
    assert not DemandRequest.objects.exists()


def test_a_closed_survey_takes_no_more_requests(client, world, survey):
    services.demand_request_submit(
        acting_user=world.users["hostunit"], selection=survey, host_unit=world.units["zz_township"], post_title="督查专员",
    )
    request = DemandRequest.objects.get()
    services.demand_request_decide(acting_user=world.users["countystaff"], demand_request=request, accept=True)
    services.demand_consolidate(acting_user=world.users["countystaff"], selection=survey)
    client.force_login(world.users["hostunit"])
    assert client.get(reverse("selection:survey", args=[survey.pk])).status_code == 404
    assert DemandRequest.objects.count() == 1


def test_portal_home_links_host_units_to_the_survey(client, world):
    client.force_login(world.users["hostunit"])
    assert reverse("selection:surveys") in client.get("/portal/").content.decode()
