import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from daily.services import leave as leave_services
from programs import services as program_services
from programs.models import Cadre
from tests.factories import make_user

# Working weeks of 2026 without holidays (D3 day counting is tested separately).
MON = dt.date(2026, 6, 8)
FRI = dt.date(2026, 6, 12)


def fresh(user):
    """The same user without the cached scope, as the next request would see it."""
    return get_user_model().objects.get(pk=user.pk)


def request_leave(world, start=MON, end=None, *, kind="personal", reason="家中有事", placement=None, user=None,
                  today=None, **extra):
    """Requested on its first day unless ``today`` says otherwise (earlier: 补假 needs ``late_reason``)."""
    return leave_services.leave_request_create(
        acting_user=user or world.users["cadre"], placement=placement or world.placement, kind=kind,
        start_date=start, end_date=end or start, reason=reason, today=today or start, **extra,
    )


@pytest.fixture
def city_placement(world):
    """张伟, 副县级 of a city unit: managed by the city department (D1), serving at the township."""
    cadre: Cadre = world.cadres["city_cadre"]
    cadre.user = make_user("citycadre")
    cadre.save(update_fields=["user"])
    placement = program_services.placement_create(acting_user=world.admin, cadre=cadre, host_post=world.posts["township"])
    program_services.placement_start(acting_user=world.admin, placement=placement, effective_date=dt.date(2026, 3, 2))
    placement.refresh_from_db()
    return placement
