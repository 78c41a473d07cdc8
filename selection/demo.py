"""Selections in the demo (``seed_demo``, R7), built through the services on top of
``programs.demo``, each at its stage of the README's walk-through on the day the demo is seeded:

- 泽州's second batch (晋城's procedure): the application window closed a week ago and every
  sending unit's meeting has recommended its applicants, so `countystaff` can name the shortlist
  (确定初步人选) at once;
- 晋城's next 上挂 batch: open for applications around the day, so `cadre` can apply in the portal
  and `sendunit` can nominate a colleague;
- 江东's next batch: the demand survey of host posts (需求调研).

Only the demo's own departments, units, accounts and cadres take part (``DemoRegistry``).
Idempotent: a selection the demo made before is left as it is.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from programs import services as program_services
from programs.demo.days import DemoDays
from programs.demo.registry import DemoRegistry
from programs.models import Cadre, OrgDepartment, Placement, PolicyPreset, Program, SecondmentType, Unit

from . import services
from .eligibility import is_eligible
from .models import Application

ZEZHOU_PROGRAM = "泽州县机关干部下挂乡镇锻炼(第二批)"
JINCHENG_UP_PROGRAM = "市县机关干部上挂锻炼"
JIANGDONG_PROGRAM = "选派后备干部到区信访局挂职锻炼(第一批)"


def selections_seed(*, registry: DemoRegistry, today: dt.date) -> dict:
    """Create the demo selections that are missing; returns how many of each were created."""
    users = {key.removeprefix("user:"): user for key, user in registry.by_key(get_user_model(), "user:").items()}
    departments = {key.removeprefix("department:"): d for key, d in registry.by_key(OrgDepartment, "department:").items()}
    created = {"selections": 0, "applications": 0, "demand requests": 0}
    days = DemoDays(today)
    steps = [
        ("program:zezhou_second", "泽州县委组织部", "countystaff", _zezhou_ready_to_shortlist),
        ("program:jincheng_up_next", "晋城市委组织部", "orgstaff", _jincheng_open),
        ("program:jiangdong_next", "江东区委组织部", "jdstaff", _jiangdong_survey),
    ]
    for key, department, staff, step in steps:
        if registry.get(Program, key) is not None or department not in departments or staff not in users:
            continue
        made = step(registry, users[staff], departments[department], key, days)
        created["applications" if step is not _jiangdong_survey else "demand requests"] += made
        created["selections"] += 1
    return created


def _candidates(registry: DemoRegistry, program: Program, cadres, count: int) -> list[Cadre]:
    """The demo's cadres without an open placement who meet the program's rules (R5), youngest first."""
    busy = Placement.objects.filter(status__in=Placement.OPEN_STATUSES).values("cadre_id")
    chosen = []
    for cadre in registry.objects(cadres).exclude(pk__in=busy).exclude(
        rank__in=[Cadre.Rank.COUNTY_FULL, Cadre.Rank.COUNTY_DEPUTY]
    ).select_related("managing_department", "sending_unit__department").order_by("-birth_date", "pk"):
        if is_eligible(cadre=cadre, policy=program.policy, reference_date=program.reference_date, applied_in_person=True):
            chosen.append(cadre)
        if len(chosen) == count:
            break
    return chosen


def _zezhou_ready_to_shortlist(registry, staff, department, key, days: DemoDays) -> int:
    today = days.today
    start = days(2027, 3, 1)
    program = registry.add(program_services.program_create(
        acting_user=staff, name=ZEZHOU_PROGRAM, secondment_type=SecondmentType.DOWN, year=start.year,
        organising_department=department, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code="jincheng"),
    ), key)
    townships = registry.objects(Unit).filter(department=department, level=Unit.Level.TOWNSHIP).order_by("name")[:2]
    for township in townships:
        registry.add(program_services.host_post_create(
            acting_user=staff, program=program, host_unit=township, title="党委委员、副镇长", places=1,
            duties="协助分管经济发展和项目建设",
        ))
    selection = registry.add(services.selection_create(
        acting_user=staff, program=program, effective_date=today - dt.timedelta(days=40),
    ))
    opened, closed = today - dt.timedelta(days=35), today - dt.timedelta(days=7)
    services.selection_announce(
        acting_user=staff, selection=selection, apply_from=opened, apply_until=closed, announced_on=opened,
        announcement_number=f"泽组通〔{opened.year}〕58号", scope_text="泽州县直机关在职在编的副科级以下干部",
        standards="具有大学专科以上学历;乡科级干部不超过40周岁,一般干部不超过35周岁;优先选派经历来源单一的后备干部。",
    )
    candidates = _candidates(
        registry, program, Cadre.objects.filter(sending_unit__department=department, sending_unit__level=Unit.Level.COUNTY),
        6,
    )
    # Put forward while the window was open: paper applications registered by staff, and the
    # sending units' nominations (recorded by staff on the units' word).
    applications = []
    for index, cadre in enumerate(candidates):
        applied_on = opened + dt.timedelta(days=3 + 2 * index)
        if index % 2 == 0:
            application = services.application_create(
                acting_user=staff, selection=selection, cadre=cadre, source=Application.Source.STAFF,
                statement=f"{cadre.name}:本人自愿到乡镇挂职锻炼,服从组织安排。", applied_on=applied_on, today=applied_on,
            )
        else:
            application = services.application_create(
                acting_user=staff, selection=selection, cadre=cadre, source=Application.Source.UNIT, today=applied_on,
            )
        applications.append(registry.add(application))
    # After the window each sending unit's leadership meeting recommended its applicants (R7 step 3).
    by_unit: dict = {}
    for application in applications:
        by_unit.setdefault(application.cadre.sending_unit, []).append(application)
    for index, (unit, chosen) in enumerate(sorted(by_unit.items(), key=lambda item: item[0].name)):
        registry.add(services.unit_recommendation_record(
            acting_user=staff, selection=selection, sending_unit=unit, meeting_on=closed + dt.timedelta(days=1 + index % 3),
            report_text=f"经{unit.name}党组会议研究,同意推荐。", recommended=chosen,
        ))
    return len(applications)


def _jincheng_open(registry, staff, department, key, days: DemoDays) -> int:
    """Open for applications from five days ago to two weeks ahead: 晋城's cadres, 泽州's and 高平's too."""
    today = days.today
    start = days(2027, 3, 1)
    program = registry.add(program_services.program_create(
        acting_user=staff, name=JINCHENG_UP_PROGRAM, secondment_type=SecondmentType.UP, year=start.year,
        organising_department=department, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code="jincheng"),
        description="选派市直单位干部到省直单位、县直单位干部到市直单位挂职锻炼,提升宏观政策把握能力和科学决策能力。",
    ), key)
    units = {u.name: u for u in registry.objects(Unit).filter(
        name__in=["山西省发展和改革委员会", "晋城市发展和改革委员会", "晋城市住房和城乡建设局"])}
    for unit_name, title in [("山西省发展和改革委员会", "固定资产投资处处长助理"), ("晋城市发展和改革委员会", "项目管理科副科长"),
                             ("晋城市住房和城乡建设局", "城市建设科副科长")]:
        if unit_name in units:
            registry.add(program_services.host_post_create(
                acting_user=staff, program=program, host_unit=units[unit_name], title=title, places=1,
                duties="跟班参与处(科)室日常工作,参与政策研究和项目审核。",
            ))
    selection = registry.add(services.selection_create(
        acting_user=staff, program=program, effective_date=today - dt.timedelta(days=8),
    ))
    opened = today - dt.timedelta(days=5)
    services.selection_announce(
        acting_user=staff, selection=selection, apply_from=opened, apply_until=today + dt.timedelta(days=14),
        announced_on=opened, announcement_number=f"晋组通〔{opened.year}〕21号",
        scope_text="市直和各县(市、区)直机关在职在编的科级以下干部",
        standards="具有大学专科以上学历;县处级干部不超过45周岁,乡科级干部不超过40周岁,一般干部不超过35周岁。",
    )
    # Two city units have already put a cadre forward.
    city = Cadre.objects.filter(sending_unit__department=department, sending_unit__level=Unit.Level.CITY)
    nominated = _candidates(registry, program, city, 2)
    for cadre in nominated:
        registry.add(services.application_create(
            acting_user=staff, selection=selection, cadre=cadre, source=Application.Source.UNIT, today=opened,
        ))
    return len(nominated)


def _jiangdong_survey(registry, staff, department, key, days: DemoDays) -> int:
    today = days.today
    start = days(2027, 3, 1)
    program = registry.add(program_services.program_create(
        acting_user=staff, name=JIANGDONG_PROGRAM, secondment_type=SecondmentType.LATERAL, year=start.year,
        organising_department=department, reference_date=start, planned_start=start,
        preset=PolicyPreset.objects.get(code="jiangdong"),
    ), key)
    selection = registry.add(services.selection_create(
        acting_user=staff, program=program, effective_date=today - dt.timedelta(days=7),
    ))
    petition = registry.objects(Unit).filter(department=department, kind=Unit.Kind.PETITION).order_by("pk").first()
    if petition is None:
        return 0
    for title, duties in [("信访接谈员", "参与来访群众的接待、登记、疏导,督促办理信访案件"),
                          ("信访督查专员", "督查重点信访案件和重信重访案件的办理")]:
        registry.add(services.demand_request_submit(
            acting_user=staff, selection=selection, host_unit=petition, post_title=title, duties=duties,
            wanted_background="熟悉法律法规和群众工作", places=1,
        ))
    return 2
