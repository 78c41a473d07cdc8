"""Reports in the demo (R12, D5): every started placement's reports scheduled, and the `cadre`
account's (李志强, 巴公镇) story of deadlines on top of ``programs.demo.builder.build_demo()``:

- the older past reports submitted on time, commented on by the host unit and accepted by
  泽州县委组织部 (``reports.services.review``);
- the second-to-last past report submitted late and waiting for review (the host unit's, the
  mentor's and the department's badge);
- the last past report missing (逾期未交);
- the next report due with a saved draft.

Only the demo's own placements and accounts (``DemoRegistry``). Dates follow the day the demo is
seeded. Idempotent: the schedule reconciles, and the story is written once — when none of the
cadre's reports has been submitted or drafted yet.

Submissions go through the writing services (``report_draft_save``, ``report_submit``), so
versions, audit rows and notifications are what the portal would write; the submission time is
then back-dated to the story's day, like the builder's back-dated status rows.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from programs.demo.registry import DemoRegistry
from programs.models import Placement

from .models import Report, ReportReview, ReportVersion
from .services.review import report_accept, report_comment
from .services.schedule import reports_schedule
from .services.writing import report_draft_save, report_submit

S = Report.Status

# What 李志强 writes, by section key (Report.SECTIONS).
TEXTS = {
    "done": "协调推进巴公装备制造工业园区标准化厂房、园区道路两个项目,完成3家企业入园洽谈;"
            "走访园区企业12家,协调解决用地、用电问题5个。",
    "next": "推动标准化厂房二期开工;配合做好招商引资项目签约落地;完成园区企业用工需求摸底。",
    "thought": "认真学习党的创新理论,增强“四个意识”,把挂职锻炼作为改造主观世界、提高能力的机会。",
    "study": "参加镇党委理论学习中心组学习8次,自学经济、招商和基层治理方面的政策文件。",
    "work": "协助镇长分管项目建设和招商引资,联系园区,参与重点项目协调会14次。",
    "life": "吃住在镇,严格遵守请销假制度,遵守廉洁自律各项规定。",
    "summary": "一年来在镇党委、政府领导下,协助抓好项目建设和招商引资工作。",
    "shortcomings": "对基层群众工作方法掌握还不够,处理复杂矛盾的经验不足。",
    "plans": "继续推进园区项目,多向镇村干部学习群众工作方法。",
    "body": "围绕巴公镇装备制造产业集群发展开展调研,形成调研报告。",
    "suggestions": "建议建立园区企业服务专员制度。",
}
SHANGHAI = ZoneInfo(settings.TIME_ZONE)


def _moment(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _content(report: Report, *, final: bool = True) -> dict:
    sections = {key: TEXTS[key] for key, _heading in report.sections}
    if not final:  # a draft: the first section written, the rest still empty
        sections = {key: (text if index == 0 else "") for index, (key, text) in enumerate(sections.items())}
    return sections


def _submit(report: Report, user, day: dt.date) -> None:
    """The cadre's submission on ``day``: the draft written, version 1 frozen, the times back-dated."""
    term_end_form = Report.TermEndForm.WORK if report.kind == Report.Kind.TERM_END else None
    report_draft_save(acting_user=user, report=report, sections=_content(report), term_end_form=term_end_form)
    version = report_submit(acting_user=user, report=report, today=day)
    moment = _moment(day)
    ReportVersion.objects.filter(pk=version.pk).update(submitted_at=moment)
    Report.objects.filter(pk=report.pk).update(draft_saved_at=moment, first_submitted_at=moment, submitted_at=moment)


def _back_date_reviews(report: Report, day: dt.date) -> None:
    ReportReview.objects.filter(report=report).update(created_at=_moment(day, 10))
    Report.objects.filter(pk=report.pk, decided_at__isnull=False).update(decided_at=_moment(day, 10))


@transaction.atomic
def reports_seed(*, registry: DemoRegistry, today: dt.date) -> dict:
    """Schedule the demo's started placements' reports and write the demo cadre's story if missing.
    Returns how many rows of each kind were created."""
    created = {"reports": 0, "versions": 0, "reviews": 0, "drafts": 0}
    for placement in registry.objects(Placement).exclude(status=Placement.Status.PROPOSED).order_by("pk"):
        scheduled = reports_schedule(placement=placement).created
        registry.add_all(scheduled)
        created["reports"] += len(scheduled)
    users = {name: registry.get(get_user_model(), f"user:{name}") for name in ("cadre", "hostunit", "countystaff")}
    if all(users.values()):
        _star(registry, users, today, created)
    return created


def _star(registry: DemoRegistry, users: dict, today: dt.date, created: dict) -> None:
    placement = (
        registry.objects(Placement).filter(cadre__user=users["cadre"], status=Placement.Status.ACTIVE)
        .order_by("-actual_start").first()
    )
    if placement is None:
        return
    reports = list(placement.reports.exclude(status=S.CANCELLED).order_by("due_date", "pk"))
    if any(r.first_submitted_at or r.draft_saved_at for r in reports):
        return  # written before
    past = [r for r in reports if r.due_date < today]
    upcoming = [r for r in reports if r.due_date >= today]
    late, on_time = (past[-2:-1], past[:-2]) if len(past) >= 2 else ([], [])
    for report in on_time:
        _submit(report, users["cadre"], report.due_date - dt.timedelta(days=3))
        report_comment(acting_user=users["hostunit"], report=report,
                       text="工作扎实,项目推进情况写得具体,同意。")
        report_accept(acting_user=users["countystaff"], report=report)
        _back_date_reviews(report, min(report.due_date + dt.timedelta(days=5), today))
        created["versions"] += 1
        created["reviews"] += 2
    for report in late:
        # A few days late, still waiting for the host unit, the mentor and the department.
        _submit(report, users["cadre"], min(report.due_date + dt.timedelta(days=6), today))
        created["versions"] += 1
    # The last past report stays missing (逾期未交). The next one due has a draft begun.
    if upcoming:
        report = upcoming[0]
        Report.objects.filter(pk=report.pk).update(
            draft=_content(report, final=False), draft_saved_at=_moment(max(today - dt.timedelta(days=1), placement.actual_start)),
        )
        created["drafts"] += 1
