"""The five localities' policies (D2). 晋城 is the default: the model's field defaults are its
values, so each preset lists only where it differs. Where the seed gives no value for a
locality, the 晋城 value applies."""

import datetime as dt

PRESETS = [
    {
        "code": "jincheng",
        "name": "晋城(默认)",
        "is_default": True,
        "description": "山西晋城:上挂、下挂、平挂、外挂四种方式;大专以上学历,县处级45、乡科级40、"
        "一般干部35周岁以下;请假3天以内挂职单位批准,3天以上报组织部门批准;半年汇报、年度总结、"
        "季度工作报告、期满工作报告;优秀按同类人员30%。",
        "values": {},
    },
    {
        "code": "anqiu",
        "name": "安丘",
        "is_default": False,
        "description": "山东安丘:市直在职在编副科级领导职务干部,全日制本科以上,无违法违纪,身体健康,"
        "缺乏基层工作经历,本人申请;单位推荐,1:2确定初步人选,常委会研究,公示;挂职1年;"
        "组织关系随转;请假报市委组织部备案(原文天数缺失,按3天);每季度跟踪考察一次。",
        "values": {
            "min_education": 4,
            "require_full_time_education": True,
            "require_deputy_section_leader": True,
            "require_no_conduct_record": True,
            "require_healthy": True,
            "require_lacks_grassroots": True,
            "require_personal_application": True,
            "selection_mode": "both",
            "shortlist_ratio": 2,
            "leave_escalation_mode": "filing",
            "quarterly_inspection": True,
            "party_relation_moves": True,
            "quarterly_reports": False,
        },
    },
    {
        "code": "hangzhou",
        "name": "杭州",
        "is_default": False,
        "description": "杭州市:中青年干部到重点工程挂职;派出单位与接收单位双重管理,接收单位负责日常管理;"
        "临时党支部;考勤、回访走访;期满由派出单位会同接收单位考核。",
        "values": {
            "selection_mode": "unit",
            "temporary_party_branch": True,
            "attendance_required": True,
            "return_visits": True,
            "pre_post_training": True,
            "quarterly_reports": False,
        },
    },
    {
        "code": "jiangdong",
        "name": "江东",
        "is_default": False,
        "description": "江东区:年初信访岗位需求调研,从后备干部中选派,每批3人,挂职6个月;岗前培训;"
        "每人1名副局长和1名业务骨干帮带;每月经验交流会;包案制度;“三联一解决”。",
        "values": {
            "term_months": 6,
            "demand_survey": True,
            "reserve_cadres_only": True,
            "selection_mode": "unit",
            "batch_size": 3,
            "pre_post_training": True,
            "mentors_per_cadre": 2,
            "monthly_exchange_meeting": True,
            "owned_cases": True,
            "contact_tracking": True,
            "quarterly_reports": False,
        },
    },
    {
        "code": "huaishang",
        "name": "淮上",
        "is_default": False,
        "description": "淮上区:双向选择选派机关干部到村任职,任期数年;每年签订目标管理责任书;信息反馈卡、"
        "苗头性事件随时上报;百分制量化考核(半年、年终、期满);年终满意度测评低于60%诫勉谈话、"
        "低于50%召回并定为不称职;引进项目投资30万元以上年终定为优秀;激励保障。",
        "values": {
            "term_months": 36,
            "selection_mode": "both",
            "yearly_target_letter": True,
            "feedback_cards": True,
            "pre_post_training": True,
            "quantitative_scoring": True,
            "satisfaction_survey": True,
            "admonition_below_percent": 60,
            "recall_below_percent": 50,
            "investment_excellent_yuan": 300000,
            "incentives": True,
            "quarterly_reports": False,
        },
    },
]

# 国务院办公厅关于2026年部分节假日安排的通知: days off and make-up working days (调休上班).
HOLIDAYS_2026 = [
    ("元旦", "holiday", [dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)]),
    ("元旦", "workday", [dt.date(2026, 1, 4)]),
    ("春节", "holiday", [dt.date(2026, 2, d) for d in range(15, 24)]),
    ("春节", "workday", [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]),
    ("清明节", "holiday", [dt.date(2026, 4, 4), dt.date(2026, 4, 5), dt.date(2026, 4, 6)]),
    ("劳动节", "holiday", [dt.date(2026, 5, d) for d in range(1, 6)]),
    ("劳动节", "workday", [dt.date(2026, 5, 9)]),
    ("端午节", "holiday", [dt.date(2026, 6, 19), dt.date(2026, 6, 20), dt.date(2026, 6, 21)]),
    ("中秋节", "holiday", [dt.date(2026, 9, 25), dt.date(2026, 9, 26), dt.date(2026, 9, 27)]),
    ("国庆节", "holiday", [dt.date(2026, 10, d) for d in range(1, 8)]),
    ("国庆节", "workday", [dt.date(2026, 9, 20), dt.date(2026, 10, 10)]),
]


def presets_sync(PolicyPreset) -> None:
    """Create or refresh the shipped presets. Takes the model so migrations can pass theirs."""
    field_names = {f.name for f in PolicyPreset._meta.get_fields()}
    for preset in PRESETS:
        values = {k: v for k, v in preset["values"].items() if k in field_names}
        defaults = {"name": preset["name"], "description": preset["description"], "is_default": preset["is_default"]}
        obj, _created = PolicyPreset.objects.update_or_create(code=preset["code"], defaults=defaults)
        # Reset to the model defaults, then apply the locality's differences.
        for field in PolicyPreset._meta.concrete_fields:
            if field.name in {"id", "code", "name", "description", "is_default"}:
                continue
            setattr(obj, field.name, values.get(field.name, field.get_default()))
        obj.save()


HOLIDAYS_2026_REFERENCE = "国务院办公厅关于2026年部分节假日安排的通知"


def holidays_sync(Holiday, HolidayYear=None) -> None:
    """Write the shipped 2026 schedule, and record the year as entered from the notice when the
    model that records years is given (migrations before it pass only ``Holiday``)."""
    from django.utils import timezone

    has_source = any(field.name == "source" for field in Holiday._meta.get_fields())
    for name, kind, days in HOLIDAYS_2026:
        for day in days:
            defaults = {"kind": kind, "name": name, **({"source": "notice"} if has_source else {})}
            Holiday.objects.update_or_create(date=day, defaults=defaults)
    if HolidayYear is not None:
        HolidayYear.objects.get_or_create(
            year=2026, defaults={"source": "notice", "reference": HOLIDAYS_2026_REFERENCE, "entered_at": timezone.now()}
        )


def holidays_fill_from_library(Holiday, HolidayYear, *, years, entered_at, entered_by=None) -> dict[int, list]:
    """Fill each of ``years`` that has no schedule yet from the library (D3): add the days the
    table lacks, never change a row already there (staff entered or corrected it), and record
    the year as entered from the library. Takes the models so the data migration can pass its
    own. Returns the dates added per year filled."""
    from .holiday_library import library_schedule, library_version

    entered = set(HolidayYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    filled = {}
    for year in years:
        schedule = library_schedule(year)
        if year in entered or not schedule:
            continue
        existing = set(Holiday.objects.filter(date__in=[day.date for day in schedule]).values_list("date", flat=True))
        added = [day for day in schedule if day.date not in existing]
        Holiday.objects.bulk_create(
            [Holiday(date=day.date, kind=day.kind, name=day.name, source="library") for day in added]
        )
        HolidayYear.objects.create(
            year=year, source="library", reference=library_version(), entered_by=entered_by, entered_at=entered_at
        )
        filled[year] = [day.date for day in added]
    return filled
