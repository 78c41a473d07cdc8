"""The world with the R14 duties turned on, and a village placement (淮上-style, under 巴公镇)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from programs import services as program_services
from programs.models import Cadre, RoleAssignment
from tests.factories import assign_role, make_user

ALL_DUTIES = {
    "monthly_exchange_meeting": True, "owned_cases": True, "feedback_cards": True, "pre_post_training": True,
    "temporary_party_branch": True, "party_relation_moves": True,
}


def policy_set(program, **flags) -> None:
    """Turn policy flags on or off through the validating service, as the system administrator
    (test set-up, not the behaviour under test); ``program.policy`` is read again."""
    admin = get_user_model().objects.filter(is_superuser=True).earliest("pk")
    program_services.program_policy_update(acting_user=admin, program=program, **flags)
    program.policy.refresh_from_db()


@pytest.fixture
def duties(world):
    """``world`` plus: every R14 flag on for 泽州's program and 杭州's; 王芳 placed in the village
    西郜村 (supervised by 巴公镇) with a login ``villagecadre``; a host clerk ``villagehost`` of the village."""
    policy_set(world.program, **ALL_DUTIES)
    policy_set(world.hz_program, **ALL_DUTIES)
    village_cadre = make_user("villagecadre")
    Cadre.objects.filter(pk=world.cadres["zz_second"].pk).update(user=village_cadre)
    village_host = make_user("villagehost")
    assign_role(village_host, RoleAssignment.Role.HOST_CLERK, unit=world.units["zz_village"])
    village = program_services.placement_create(
        acting_user=world.admin, cadre=world.cadres["zz_second"], host_post=world.posts["village"]
    )
    program_services.placement_start(acting_user=world.admin, placement=village, effective_date=dt.date(2026, 3, 2))
    village.refresh_from_db()
    world.program.refresh_from_db()
    world.users["villagecadre"] = village_cadre
    world.users["villagehost"] = village_host
    return SimpleNamespace(world=world, users=world.users, placement=world.placement, village=village,
                           program=world.program, hz_program=world.hz_program, hz_placement=world.hz_placement)
