"""Supervision in the demo (R11, R13): inspections and on-post checks in 泽州 (one cadre found
absent without leave, so a violation), a planned visit, 安丘's quarterly tracking done for half
of its cadres last quarter, 杭州 attendance confirmed by the host unit's clerk up to the month
before last with last month still open, and 江东's 三联一解决 contacts and problems.

Written through ``daily.services.supervision`` by the accounts that would do it in use, on top of
``programs.demo.builder.build_demo()``, for the demo's own placements only (``DemoRegistry``).
Idempotent: each part looks for its own rows first. Dates follow the day the demo is seeded, so
the portal and admin always have something current.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from programs.calendar import is_working_day
from programs.demo.registry import DemoRegistry
from programs.models import OrgDepartment, Placement, Program, Unit

from .models import AttendanceMonth, Contact, Inspection, InspectionCheck, Problem
from .selectors import leave_on
from .selectors_supervision import quarter_bounds, quarter_of
from .services import supervision as services

ZEZHOU_INSPECTORS = "泽州县委组织部干部监督科 刘建军、王磊"
ANQIU_INSPECTORS = "安丘市委组织部跟踪考察组 马文涛、韩雪"


def _working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _active_on(queryset, day: dt.date):
    return [p for p in queryset if services.placement_on_post(p, day)]


@transaction.atomic
def supervision_seed(*, registry: DemoRegistry, today: dt.date) -> dict:
    """Create the demo supervision rows that are missing; returns how many of each were created."""
    users = {key.removeprefix("user:"): user for key, user in registry.by_key(get_user_model(), "user:").items()}
    created = {"inspections": 0, "checks": 0, "violations": 0, "attendance months": 0, "contacts": 0, "problems": 0}
    if {"countystaff", "anqiustaff", "hzstaff", "hzclerk", "hostclerk", "jdstaff"} - set(users):
        return created
    _zezhou(registry, users["countystaff"], today, created)
    _anqiu(registry, users["anqiustaff"], today, created)
    _hangzhou(registry, users["hzclerk"], users["hzstaff"], today, created)
    _bagong_attendance(registry, users["hostclerk"], today, created)
    _jiangdong(registry, users["jdstaff"], today, created)
    return created


def _zezhou(registry: DemoRegistry, staff, today: dt.date, created: dict) -> None:
    department = registry.get(OrgDepartment, "department:泽州县委组织部")
    if department is None or registry.get(Inspection, "inspection:zezhou") is not None:
        return
    day = _working_day_on_or_before(today - dt.timedelta(days=10))
    placements = _active_on(
        registry.objects(Placement).filter(program__organising_department=department, status=Placement.Status.ACTIVE)
        .select_related("cadre", "program__organising_department", "cadre__managing_department").order_by("actual_start", "pk"),
        day,
    )[:4]
    inspection = registry.add(services.inspection_record(
        acting_user=staff, department=department, kind=Inspection.Kind.UNANNOUNCED, date=day, inspectors=ZEZHOU_INSPECTORS,
        notes="不打招呼、直奔现场,抽查挂职干部在岗履职情况。", today=today,
    ), "inspection:zezhou")
    created["inspections"] += 1
    outcomes = [
        ("on_post", "", False, "在镇便民服务中心接待群众。"),
        ("absent", "未请假回原单位处理私事,电话联系后当日下午返岗", True, "已约谈提醒。"),
        ("absent", "经镇党委书记同意到县里参加项目推进会", False, ""),
        ("on_post", "", False, "在村里走访贫困户。"),
    ]
    for placement, (result, reason, unauthorised, notes) in zip(placements, outcomes):
        if leave_on(placement.pk, day) is not None:
            result, reason, unauthorised = "on_post", "", False  # derived 请假中 anyway
        check = registry.add(services.inspection_check_record(
            acting_user=staff, inspection=inspection, placement=placement, result=result, absence_reason=reason,
            notes=notes, unauthorised=unauthorised, today=today,
        ))
        created["checks"] += 1
        if unauthorised and check.result == InspectionCheck.Result.ABSENT:
            created["violations"] += 1
    registry.add(services.inspection_plan(
        acting_user=staff, department=department, kind=Inspection.Kind.SCHEDULED, date=today + dt.timedelta(days=21),
        inspectors="泽州县委组织部干部一科", notes="年度定期巡查:听取挂职单位汇报,个别谈话,查阅工作日志。", today=today,
    ))
    created["inspections"] += 1


def _anqiu(registry: DemoRegistry, staff, today: dt.date, created: dict) -> None:
    """Last quarter's tracking inspection (安丘, R13) reached half of the cadres: the rest show as missing."""
    department = registry.get(OrgDepartment, "department:安丘市委组织部")
    if department is None or registry.get(Inspection, "inspection:anqiu") is not None:
        return
    year, quarter = quarter_of(today)
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    start, _end = quarter_bounds(year, quarter)
    day = _working_day_on_or_before(start + dt.timedelta(days=45))
    placements = _active_on(
        registry.objects(Placement).filter(program__organising_department=department,
                                           program__policy__quarterly_inspection=True)
        .select_related("cadre", "program__organising_department", "cadre__managing_department").order_by("pk"),
        day,
    )
    if not placements:
        return
    inspection = registry.add(services.inspection_record(
        acting_user=staff, department=department, kind=Inspection.Kind.TRACKING, date=day, inspectors=ANQIU_INSPECTORS,
        notes="季度跟踪考察:个别谈话、查看工作日志、听取镇街党(工)委意见。", today=today,
    ), "inspection:anqiu")
    created["inspections"] += 1
    for placement in placements[: (len(placements) + 1) // 2]:
        registry.add(services.inspection_check_record(
            acting_user=staff, inspection=inspection, placement=placement, result="on_post",
            notes="工作日志完整,群众反映较好。", today=today,
        ))
        created["checks"] += 1


def _months_between(first: dt.date, last: dt.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _attendance(registry: DemoRegistry, clerk, placements, today: dt.date, created: dict, *, note: str) -> None:
    """The host unit's clerk confirmed every month but the last; last month is filled, unconfirmed.
    A month someone has filled or confirmed already is left as it is."""
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for placement in placements:
        end = min(services.placement_end(placement), last_month)
        kept = set(AttendanceMonth.objects.filter(placement=placement).values_list("month", flat=True))
        for month in _months_between(placement.actual_start, end):
            if month in kept:
                continue
            if month == last_month:
                row = services.attendance_month_fill(acting_user=clerk, placement=placement, month=month)
            else:
                trip = 1 if month.month % 3 == 0 else 0
                row = services.attendance_month_confirm(
                    acting_user=clerk, placement=placement, month=month, business_trip_days=trip,
                    note=note if trip else "", today=today,
                )
            registry.add(row)
            created["attendance months"] += 1


def _bagong_attendance(registry: DemoRegistry, clerk, today: dt.date, created: dict) -> None:
    """泽州县巴公镇's clerk keeps the attendance of the demo cadre and his colleague."""
    bagong = registry.get(Unit, "unit:泽州县巴公镇")
    placements = (
        registry.objects(Placement).filter(host_post__host_unit=bagong, status=Placement.Status.ACTIVE)
        .select_related("cadre", "program__policy", "host_post__host_unit").order_by("pk")
    )
    _attendance(registry, clerk, [p for p in placements if p.program.policy.attendance_required], today, created,
                note="赴县发改局对接项目")


def _hangzhou(registry: DemoRegistry, clerk, staff, today: dt.date, created: dict) -> None:
    """杭州's attendance kept by the host unit (R13), and a return visit (回访走访)."""
    program = registry.get(Program, "program:hangzhou_lateral")
    if program is None:
        return
    placements = (
        registry.objects(Placement).filter(program=program, actual_start__isnull=False,
                                           host_post__host_unit=registry.get(Unit, "unit:杭州市地铁建设征地拆迁指挥部"))
        .select_related("cadre", "program__policy", "host_post__host_unit").order_by("pk")
    )
    _attendance(registry, clerk, placements, today, created, note="赴区县协调征迁工作")
    # 回访走访: the department visits a cadre whose placement ended early.
    ended = registry.objects(Placement).filter(program=program, status=Placement.Status.ENDED_EARLY).select_related(
        "cadre", "program__organising_department", "cadre__managing_department").first()
    if ended and ended.actual_end and ended.actual_end < today and registry.get(Contact, "contact:hangzhou") is None:
        registry.add(services.contact_record(
            acting_user=staff, placement=ended, kind=Contact.Kind.RETURN_VISIT, party=Contact.Party.SENDING_UNIT,
            date=min(ended.actual_end + dt.timedelta(days=30), today), with_whom="派出单位分管领导",
            content="回访:该同志返回原单位后承担重大专项工作,挂职期间积累的协调经验得到运用。", today=today,
        ), "contact:hangzhou")
        created["contacts"] += 1


def _jiangdong(registry: DemoRegistry, staff, today: dt.date, created: dict) -> None:
    """三联一解决 (江东): contacts with the three parties, and the cadres' problems followed up."""
    program = registry.get(Program, "program:jiangdong_petition")
    if program is None:
        return
    placements = list(
        registry.objects(Placement).filter(program=program, actual_start__lte=today - dt.timedelta(days=14))
        .select_related("cadre", "program__organising_department", "cadre__managing_department")
        .order_by("-actual_start", "pk")[:3]
    )
    for index, placement in enumerate(placements):
        if registry.get(Problem, f"problem:jiangdong:{placement.pk}") is not None:
            continue
        last = min(services.placement_end(placement), today)
        first = placement.actual_start
        span = max((last - first).days, 1)
        contacts = [
            (Contact.Party.CADRE, placement.cadre.name, "谈心谈话:接访岗位压力较大,已逐步适应,希望多参加案件督办。"),
            (Contact.Party.HOST_UNIT, "江东区信访局副局长", "挂职单位反映该同志接待群众耐心细致,能独立登记、分流来访事项。"),
            (Contact.Party.SENDING_UNIT, "派出单位办公室主任", "派出单位表示原岗位工作已安排他人承担,支持安心挂职。"),
        ]
        for step, (party, whom, content) in enumerate(contacts, start=1):
            registry.add(services.contact_record(
                acting_user=staff, placement=placement, party=party, date=first + dt.timedelta(days=span * step // 4),
                with_whom=whom, content=content, today=today,
            ))
            created["contacts"] += 1
        raised = first + dt.timedelta(days=span // 3)
        problem = registry.add(services.problem_record(
            acting_user=staff, placement=placement, category=(Problem.Category.FAMILY, Problem.Category.WORK,
                                                              Problem.Category.ORIGINAL_POST)[index % 3],
            raised_on=raised,
            description=("子女暑期无人照看,希望适当调整值班安排。", "接访岗位缺少法律咨询支持。",
                         "原单位年度考核安排不清楚。")[index % 3],
            today=today,
        ), f"problem:jiangdong:{placement.pk}")
        created["problems"] += 1
        if index != 0:  # the newest cadre's problem stays open
            services.problem_solve(
                acting_user=staff, problem=problem, solution="经与挂职单位和派出单位协调,已妥善解决。",
                solved_on=min(raised + dt.timedelta(days=10), today), today=today,
            )
