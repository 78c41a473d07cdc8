"""Duty records in the demo (``seed_demo``), built through the services on top of ``programs.demo``:
江东's monthly exchange meetings and owned cases, 淮上's feedback cards and an early warning,
杭州's temporary party branches, pre-post training where the presets use it, and 安丘's party
relation. Only the demo's own programs and placements (``DemoRegistry``). Idempotent: what
already exists is left as it is.

The `cadre` account's integrity undertaking is left unconfirmed, so the demo shows it waiting.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from programs import services as program_services
from programs.demo.registry import DemoRegistry
from programs.models import Placement, Program

from . import services
from .models import (
    ExchangeMeeting,
    FeedbackCard,
    OwnedCase,
    PartyBranch,
    TrainingRecord,
)

PARTY = program_services.PARTY_STATUSES


def _served_on(placement: Placement, day: dt.date) -> bool:
    start = placement.actual_start
    end = placement.actual_end or placement.planned_end
    return start is not None and start <= day <= end


def duties_seed(*, registry: DemoRegistry, today: dt.date) -> dict:
    """Create the demo duty records that are missing; returns how many of each were created."""
    users = {key.removeprefix("user:"): user for key, user in registry.by_key(get_user_model(), "user:").items()}
    created = {"exchange meetings": 0, "owned cases": 0, "feedback cards": 0, "early warnings": 0,
               "training records": 0, "party branches": 0, "party relations": 0}
    if "admin" not in users:
        return created
    _jiangdong(registry, users, today, created)
    _huaishang(registry, users, today, created)
    _hangzhou(registry, users, today, created)
    _anqiu(registry, users, created)
    return created


def _program(registry: DemoRegistry, key: str):
    program = registry.get(Program, key)
    return Program.objects.select_related("policy", "organising_department").get(pk=program.pk) if program else None


def _placements(registry: DemoRegistry, program):
    return registry.objects(Placement).filter(program=program)


def _training(registry: DemoRegistry, staff, placement: Placement, course: str, day: dt.date, created: dict) -> None:
    if TrainingRecord.objects.filter(placement=placement).exists() or not placement.program.policy.pre_post_training:
        return
    score = Decimal(80 + placement.pk % 18)
    registry.add(services.training_record_create(acting_user=staff, placement=placement, course=course, held_on=day,
                                                 hours=Decimal("16"), score=score, passed=score >= 60))
    created["training records"] += 1


def _jiangdong(registry: DemoRegistry, users, today, created) -> None:
    program = _program(registry, "program:jiangdong_petition")
    if program is None or "jdstaff" not in users:
        return
    staff = users["jdstaff"]
    host = users.get("jdpetition") or users["admin"]
    placements = list(_placements(registry, program).select_related("cadre", "host_post__host_unit")
                      .exclude(actual_start=None).order_by("pk"))
    if registry.get(ExchangeMeeting, "meeting:jiangdong") is None:
        month = program.planned_start.replace(day=1)
        topics = ["接访工作体会交流", "重信重访案件办理经验", "群众来信分析与复信", "信访督查工作方法"]
        index = 0
        while month < today.replace(day=1) and month <= program.planned_end:
            held_on = month.replace(day=25)
            # One month is skipped on purpose, so exchange_meetings_missing has something to show.
            if month.month != 9:
                registry.add(services.exchange_meeting_record(
                    acting_user=staff, program=program, held_on=held_on, topic=topics[index % len(topics)],
                    summary="挂职干部逐一汇报本月工作,总结经验,分析问题,提出下步工作思路。",
                    attendees=[p for p in placements if _served_on(p, held_on)],
                ), "" if created["exchange meetings"] else "meeting:jiangdong")
                created["exchange meetings"] += 1
            index += 1
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for number, placement in enumerate(placements, start=1):
        start = placement.actual_start
        _training(registry, staff, placement, "信访法规与接访技巧岗前培训", start - dt.timedelta(days=3), created)
        # Cases are handed over during the placement: only open placements get one.
        if not placement.is_open or OwnedCase.objects.filter(placement=placement).exists():
            continue
        opened = start + dt.timedelta(days=20)
        if opened > today:
            continue
        case = registry.add(services.owned_case_open(
            acting_user=host, placement=placement, title=f"重复信访件第{number}号(征地补偿)",
            description="群众多次来访反映征地补偿款发放问题,交由挂职干部包案办理,一包到底。", opened_on=opened,
        ))
        services.case_progress_add(acting_user=host, case=case, date=opened + dt.timedelta(days=7),
                                   note="约见信访人了解诉求,调阅补偿协议和发放台账。")
        created["owned cases"] += 1
        closing = opened + dt.timedelta(days=60)
        if number % 2 == 1 and closing <= today:
            services.owned_case_close(acting_user=host, case=case, closed_on=closing,
                                      outcome="协调街道补发差额补偿款,信访人签字息诉罢访。")


def _huaishang(registry: DemoRegistry, users, today, created) -> None:
    program = _program(registry, "program:huaishang_village")
    if program is None or "hsstaff" not in users:
        return
    staff, host = users["hsstaff"], users["admin"]
    placements = list(_placements(registry, program).filter(status=Placement.Status.ACTIVE)
                      .select_related("cadre", "host_post__host_unit__parent").order_by("pk"))
    for placement in placements:
        _training(registry, staff, placement, "农村政策、村务管理和基层组织建设岗前培训", placement.actual_start - dt.timedelta(days=2),
                  created)
        if FeedbackCard.objects.filter(placement=placement).exists():
            continue
        registry.add(services.feedback_card_report(
            acting_user=host, placement=placement, matter="村集体经济合作社土地流转方案",
            decided_on=today - dt.timedelta(days=12),
            content="村两委会议和党员大会讨论通过土地流转方案,流转面积约200亩,收益按股分红;会议记录已存档。",
        ))
        created["feedback cards"] += 1
    township_user = users.get("township")
    for card in registry.objects(FeedbackCard).filter(placement__in=placements, acknowledged_at=None).order_by("pk"):
        if township_user is not None and services.is_township_of(township_user, card.township_id):
            services.feedback_card_acknowledge(acting_user=township_user, card=card, note="已阅,同意按程序实施。")
    first = next((p for p in placements if p.host_post.host_unit.supervising_township is not None), None)
    if first is not None and not first.early_warnings.exists():
        registry.add(services.early_warning_report(
            acting_user=host, placement=first, occurred_on=today - dt.timedelta(days=1),
            content="部分村民因宅基地边界纠纷发生争执,有聚集上访苗头;已会同村两委现场调解,稳住情绪。",
        ))
        created["early warnings"] += 1


def _hangzhou(registry: DemoRegistry, users, today, created) -> None:
    program = _program(registry, "program:hangzhou_lateral")
    if program is None or "hzstaff" not in users or not program.policy.temporary_party_branch:
        return
    staff = users["hzstaff"]
    placements = list(_placements(registry, program).exclude(actual_start=None)
                      .select_related("cadre", "host_post__host_unit").order_by("pk"))
    for placement in placements:
        _training(registry, staff, placement, "重点工程建设管理与群众工作岗前培训", placement.actual_start - dt.timedelta(days=4), created)
    by_unit: dict = {}
    for placement in placements:
        if placement.cadre.political_status in PARTY:
            by_unit.setdefault(placement.host_post.host_unit, []).append(placement)
    for unit, members in sorted(by_unit.items(), key=lambda item: item[0].name):
        name = f"{unit.name}挂职干部临时党支部"
        if registry.get(PartyBranch, f"branch:{unit.pk}") is not None:
            continue
        established = min(p.actual_start for p in members) + dt.timedelta(days=10)
        branch = registry.add(services.party_branch_create(
            acting_user=staff, program=program, name=name, established_on=established, host_unit=unit,
            secretary=members[0], members=members,
        ), f"branch:{unit.pk}")
        created["party branches"] += 1
        held_on = established + dt.timedelta(days=30)
        if held_on <= today:
            registry.add(services.branch_activity_record(
                acting_user=staff, branch=branch, held_on=held_on, topic="“三会一课”:支部党员大会",
                content="学习重点工程廉政建设规定,交流挂职工作体会。",
                attendees=[p for p in members if _served_on(p, held_on)],
            ))


def _anqiu(registry: DemoRegistry, users, created) -> None:
    program = registry.get(Program, "program:anqiu_down")
    staff = users.get("anqiustaff")
    if program is None or staff is None:
        return
    placements = _placements(registry, program).filter(
        program__policy__party_relation_moves=True, status__in=Placement.OPEN_STATUSES, party_relation_moved=False,
        cadre__political_status__in=PARTY,
    ).order_by("pk")
    for placement in placements:
        program_services.placement_party_relation_set(acting_user=staff, placement=placement, moved=True)
        created["party relations"] += 1
