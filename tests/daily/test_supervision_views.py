"""The host unit's supervision pages (D6): attendance, violations, check results. Every URL is
refused to other roles; another unit's cadre is 404 and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from daily.models import AttendanceMonth, Inspection, InspectionCheck, Violation
from daily.selectors_supervision import timeline_events, waiting_items
from daily.services import supervision as services
from portal.waiting import waiting_for

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2026, 6, 15, 10, 0)


def urls(world) -> list[tuple[str, str]]:
    p = world.placement.pk
    return [
        ("get", reverse("daily:attendance_list")),
        ("get", reverse("daily:attendance_confirm", args=[p, 2026, 4])),
        ("post", reverse("daily:attendance_confirm", args=[p, 2026, 4])),
        ("get", reverse("daily:violation_list")),
        ("get", reverse("daily:violation_create")),
        ("post", reverse("daily:violation_create")),
        ("get", reverse("daily:check_list")),
    ]


@pytest.mark.parametrize("who", ["cadre", "sendunit", "nobody", "mentor", "countystaff", "township"])
def test_D6_every_supervision_url_refused_for_other_roles(client, world, who):
    client.force_login(world.users[who])
    for method, url in urls(world):
        response = getattr(client, method)(url, {"business_trip_days": "0"} if method == "post" else None)
        assert response.status_code == 403, (who, url, response.status_code)
    assert not AttendanceMonth.objects.exists() and not Violation.objects.exists()


def test_D6_anonymous_goes_to_login(client, world):
    for method, url in urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


@time_machine.travel(TODAY, tick=False)
def test_D6_other_unit_placement_is_404_and_database_unchanged(client, world):
    client.force_login(world.users["gphost"])
    url = reverse("daily:attendance_confirm", args=[world.placement.pk, 2026, 4])
    assert client.get(url).status_code == 404
    assert client.post(url, {"business_trip_days": "0", "note": ""}).status_code == 404
    response = client.post(reverse("daily:violation_create"), {
        "placement": world.placement.pk, "kind": "absence", "start_date": "2026-06-01", "end_date": "2026-06-01",
        "description": "x",
    })
    assert response.status_code == 400  # not a choice for this unit
    assert not AttendanceMonth.objects.exists() and not Violation.objects.exists()
    # A non-existent id looks the same.
    assert client.get(reverse("daily:attendance_confirm", args=[999999, 2026, 4])).status_code == 404
    # Lists show nothing of 泽州.
    assert "李明" not in client.get(reverse("daily:attendance_list")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_R13_host_clerk_sees_missing_months_and_confirms(client, world):
    client.force_login(world.users["hostclerk"])
    response = client.get(reverse("daily:attendance_list"))
    assert response.status_code == 200
    assert [(p.pk, m) for p, m in response.context["missing"]] == [
        (world.placement.pk, D(2026, 3, 1)), (world.placement.pk, D(2026, 4, 1)), (world.placement.pk, D(2026, 5, 1))]
    url = reverse("daily:attendance_confirm", args=[world.placement.pk, 2026, 4])
    page = client.get(url)
    assert page.status_code == 200 and page.context["figures"].working_days == Decimal(21)
    response = client.post(url, {"business_trip_days": "1.5", "note": "赴县里开会"})
    assert response.status_code == 302
    row = AttendanceMonth.objects.get()
    assert (row.month, row.business_trip_days, row.confirmed_by) == (D(2026, 4, 1), Decimal("1.5"), world.users["hostclerk"])
    # Twice: the refusal shows on the page, nothing changes.
    again = client.post(url, {"business_trip_days": "0", "note": ""})
    assert again.status_code == 400 and "不能重复确认" in again.content.decode()
    assert AttendanceMonth.objects.get().business_trip_days == Decimal("1.5")
    # The filter: confirmed rows, by month and by cadre.
    listed = client.get(reverse("daily:attendance_list"), {"confirmed": "true", "month": "2026-04"})
    assert list(listed.context["rows"]) == [row] and listed.context["missing"] == []
    listed = client.get(reverse("daily:attendance_list"), {"confirmed": "false"})
    assert list(listed.context["rows"]) == []
    listed = client.get(reverse("daily:attendance_list"), {"month": "2026-05", "cadre": world.cadres["cadre"].pk})
    assert [m for _p, m in listed.context["missing"]] == [D(2026, 5, 1)]


@time_machine.travel(TODAY, tick=False)
def test_D6_current_month_cannot_be_confirmed_yet(client, world):
    client.force_login(world.users["hostunit"])
    response = client.post(reverse("daily:attendance_confirm", args=[world.placement.pk, 2026, 6]),
                           {"business_trip_days": "0"})
    assert response.status_code == 400 and "尚未结束" in response.content.decode()
    assert not AttendanceMonth.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_R11_host_records_unauthorised_absence(client, world):
    client.force_login(world.users["hostunit"])
    assert client.get(reverse("daily:violation_create")).status_code == 200
    response = client.post(reverse("daily:violation_create"), {
        "placement": world.placement.pk, "kind": "absence", "start_date": "2026-06-08", "end_date": "2026-06-09",
        "description": "未经批准回原单位",
    })
    assert response.status_code == 302
    violation = Violation.objects.get()
    assert (violation.days, violation.recorded_by) == (Decimal(2), world.users["hostunit"])
    assert "未经批准回原单位" in client.get(reverse("daily:violation_list")).content.decode()
    refused = client.post(reverse("daily:violation_create"), {
        "placement": world.placement.pk, "kind": "absence", "start_date": "2026-06-20", "end_date": "2026-06-20",
        "description": "x",
    })
    assert refused.status_code == 400 and "晚于今天" in refused.content.decode()
    assert Violation.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_R13_host_sees_check_results_of_its_cadres_only(client, world):
    inspection = services.inspection_record(acting_user=world.users["countystaff"], department=world.zezhou,
                                            kind=Inspection.Kind.ON_POST_CHECK, date=D(2026, 6, 10), inspectors="组织科")
    services.inspection_check_record(acting_user=world.users["countystaff"], inspection=inspection,
                                     placement=world.placement, result=InspectionCheck.Result.ON_POST)
    client.force_login(world.users["hostclerk"])
    assert [c.placement for c in client.get(reverse("daily:check_list")).context["checks"]] == [world.placement]
    client.force_login(world.users["gphost"])
    assert list(client.get(reverse("daily:check_list")).context["checks"]) == []


@time_machine.travel(TODAY, tick=False)
def test_waiting_badge_and_timeline(world):
    labels = {item.label: item.count for item in waiting_for(world.users["hostclerk"])}
    assert labels["待确认的月度考勤"] == 3
    assert not [i for i in waiting_items(world.users["gphost"]) if i.count]
    services.problem_record(acting_user=world.users["countystaff"], placement=world.placement, category="work",
                            raised_on=D(2026, 6, 1), description="缺少办公电脑")
    staff_items = {item.label: item.count for item in waiting_items(world.users["countystaff"])}
    assert staff_items["待解决的干部反映问题"] == 1
    assert {item.label: item.count for item in waiting_items(world.users["gaopingstaff"])}["待解决的干部反映问题"] == 0
    services.contact_record(acting_user=world.users["countystaff"], placement=world.placement, party="cadre",
                            date=D(2026, 6, 2), with_whom="李明", content="谈心谈话")
    staff_events = {e.category for e in timeline_events(world.users["countystaff"], world.placement)}
    assert {"反映问题", "联系"} <= staff_events
    host_events = {e.category for e in timeline_events(world.users["hostclerk"], world.placement)}
    assert "反映问题" in host_events and "联系" not in host_events  # contacts are staff-only
