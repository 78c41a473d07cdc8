import datetime as dt
import re

import pytest

from tests.factories import PASSWORD

# Working days inside world.placement (started 2026-03-02).
LEAVE_START = dt.date(2026, 3, 10)
LEAVE_END = dt.date(2026, 3, 11)


def login(client, world, username):
    assert client.login(username=world.users[username].username, password=PASSWORD)
    return client


def request_leave(world, *, start=LEAVE_START, end=LEAVE_END, cadre="cadre", placement=None, reason="家中有事,需回原籍处理。"):
    from daily.services.leave import leave_request_create

    return leave_request_create(
        acting_user=world.users[cadre], placement=placement or world.placement, kind="personal",
        start_date=start, end_date=end, reason=reason, today=start,  # requested on its first day, not 补假
    )


def nav_html(html: str) -> str:
    """The site navigation's markup."""
    match = re.search(r'<nav class="sitenav[^"]*"[^>]*>(.*?)</nav>', html, re.DOTALL)
    assert match, "no site navigation"
    return match.group(1)


def waiting_total(html: str) -> int:
    match = re.search(r'data-testid="waiting-total">(\d+)<', html)
    assert match, "no waiting badge"
    return int(match.group(1))


@pytest.fixture
def gp_active(world):
    """赵强's 高平 placement, started, so that its cadre (othercadre) may request leave."""
    from programs import services

    gp_program = services.program_create(
        acting_user=world.admin, name="高平市机关干部下挂乡镇", secondment_type="down", year=2026,
        organising_department=world.gaoping, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 3, 1),
    )
    post = services.host_post_create(acting_user=world.admin, program=gp_program, host_unit=world.units["gp_township"], title="副镇长")
    placement = services.placement_create(acting_user=world.admin, cadre=world.cadres["gp_cadre"], host_post=post)
    services.placement_start(acting_user=world.admin, placement=placement, effective_date=dt.date(2026, 3, 2))
    placement.refresh_from_db()
    return placement
