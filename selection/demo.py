"""Selections in the demo (``seed_demo``): one open for applications in 泽州 (晋城's procedure) and
one 江东 demand survey, built through the services on top of ``programs.demo``. Idempotent: a
program that already exists is left as it is.

The 泽州 window runs around the day the demo is seeded, so the `cadre` and `sendunit` accounts
can apply and nominate straight away.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs import services as program_services
from programs.models import Cadre, OrgDepartment, Placement, PolicyPreset, Program, SecondmentType, Unit

from . import services
from .models import Application

ZEZHOU_PROGRAM = "泽州县机关干部下挂乡镇锻炼(第二批)"
JIANGDONG_PROGRAM = "选派后备干部到区信访局挂职锻炼(第一批)"


def selections_seed() -> dict:
    """Create the demo selections that are missing; returns how many of each were created."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["countystaff", "jdstaff", "sendunit"])}
    created = {"selections": 0, "applications": 0, "demand requests": 0}
    today = timezone.localdate()
    zezhou = OrgDepartment.objects.get(name="泽州县委组织部")
    if not Program.objects.filter(organising_department=zezhou, name=ZEZHOU_PROGRAM).exists():
        created["applications"] += _zezhou_open_selection(users["countystaff"], users["sendunit"], zezhou, today)
        created["selections"] += 1
    jiangdong = OrgDepartment.objects.get(name="江东区委组织部")
    if not Program.objects.filter(organising_department=jiangdong, name=JIANGDONG_PROGRAM).exists():
        created["demand requests"] += _jiangdong_survey(users["jdstaff"], jiangdong, today)
        created["selections"] += 1
    return created


def _zezhou_open_selection(staff, sendunit, department, today: dt.date) -> int:
    start = dt.date(today.year + 1, 3, 1)
    program = program_services.program_create(
        acting_user=staff, name=ZEZHOU_PROGRAM, secondment_type=SecondmentType.DOWN, year=start.year,
        organising_department=department, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code="jincheng"),
    )
    townships = Unit.objects.filter(department=department, level=Unit.Level.TOWNSHIP).order_by("name")[:2]
    for township in townships:
        program_services.host_post_create(
            acting_user=staff, program=program, host_unit=township, title="党委委员、副镇长", places=1,
            duties="协助分管经济发展和项目建设",
        )
    selection = services.selection_create(acting_user=staff, program=program, effective_date=today - dt.timedelta(days=10))
    services.selection_announce(
        acting_user=staff, selection=selection, apply_from=today - dt.timedelta(days=5),
        apply_until=today + dt.timedelta(days=14), announced_on=today - dt.timedelta(days=5),
        announcement_number=f"泽组通〔{today.year}〕58号", scope_text="泽州县直机关在职在编的副科级以下干部",
        standards="具有大学专科以上学历;乡科级干部不超过40周岁,一般干部不超过35周岁;优先选派经历来源单一的后备干部。",
    )
    # Candidates: 泽州 cadres of county units without an open placement, youngest first.
    busy = Placement.objects.filter(status__in=Placement.OPEN_STATUSES).values("cadre_id")
    candidates = list(
        Cadre.objects.filter(sending_unit__department=department, sending_unit__level=Unit.Level.COUNTY)
        .exclude(pk__in=busy).exclude(rank__in=[Cadre.Rank.COUNTY_FULL, Cadre.Rank.COUNTY_DEPUTY])
        .order_by("-birth_date", "pk")[:6]
    )
    applications = []
    for index, cadre in enumerate(candidates):
        if index % 2 == 0:
            applications.append(services.application_create(
                acting_user=staff, selection=selection, cadre=cadre, source=Application.Source.STAFF,
                statement=f"{cadre.name}:本人自愿到乡镇挂职锻炼,服从组织安排。", applied_on=today - dt.timedelta(days=3),
            ))
        else:
            applications.append(services.application_create(
                acting_user=staff, selection=selection, cadre=cadre, source=Application.Source.UNIT,
            ))
    # One sending unit has already met and recommended its applicants.
    first_unit = applications[0].cadre.sending_unit if applications else None
    if first_unit is not None:
        services.unit_recommendation_record(
            acting_user=staff, selection=selection, sending_unit=first_unit, meeting_on=today - dt.timedelta(days=1),
            report_text=f"经{first_unit.name}党组会议研究,同意推荐。",
            recommended=[a for a in applications if a.cadre.sending_unit_id == first_unit.pk],
        )
    return len(applications)


def _jiangdong_survey(staff, department, today: dt.date) -> int:
    start = dt.date(today.year + 1, 3, 1)
    program = program_services.program_create(
        acting_user=staff, name=JIANGDONG_PROGRAM, secondment_type=SecondmentType.LATERAL, year=start.year,
        organising_department=department, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code="jiangdong"),
    )
    selection = services.selection_create(acting_user=staff, program=program, effective_date=today - dt.timedelta(days=7))
    petition = Unit.objects.filter(department=department, kind=Unit.Kind.PETITION).order_by("pk").first()
    if petition is None:
        return 0
    for title, duties in [("信访接谈员", "参与来访群众的接待、登记、疏导,督促办理信访案件"),
                          ("信访督查专员", "督查重点信访案件和重信重访案件的办理")]:
        services.demand_request_submit(
            acting_user=staff, selection=selection, host_unit=petition, post_title=title, duties=duties,
            wanted_background="熟悉法律法规和群众工作", places=1,
        )
    return 2
