"""The cadre's written reports (R12, D5): half-year reports (思想、学习、工作、生活), annual
summaries, quarterly work reports and the term-end work or research report.

Reports are scheduled from the program's policy and the placement's dates
(``reports.services.schedule``). The cadre drafts in the portal (autosaved into ``draft``),
submits — which freezes a numbered ``ReportVersion`` — and may revise a returned report; every
version is kept. The host unit and the mentor comment; staff accept or return. What the cadre
writes is stored and shown as plain text, never as markup.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_document_upload
from programs.models import Placement


class Report(models.Model):
    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("半年书面汇报")
        ANNUAL = "annual", _("年度书面总结")
        QUARTERLY = "quarterly", _("季度工作报告")
        TERM_END = "term_end", _("期满工作报告")

    class Status(models.TextChoices):
        PENDING = "pending", _("未提交")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")
        CANCELLED = "cancelled", _("已取消")

    class TermEndForm(models.TextChoices):
        WORK = "work", _("工作报告")
        RESEARCH = "research", _("调研报告")

    # The sections each kind asks for: (key, heading). Drafts and versions store {key: text}.
    SECTIONS = {
        Kind.HALF_YEAR: [("thought", _("思想")), ("study", _("学习")), ("work", _("工作")), ("life", _("生活"))],
        Kind.ANNUAL: [("summary", _("年度工作总结")), ("shortcomings", _("存在的不足")), ("plans", _("下一步打算"))],
        Kind.QUARTERLY: [("done", _("本季度工作完成情况")), ("next", _("下季度工作计划"))],
        Kind.TERM_END: [("body", _("正文")), ("suggestions", _("意见建议"))],
    }
    # Reports the cadre may still write to; a cancelled report keeps its draft but takes no more.
    WRITABLE_STATUSES = (Status.PENDING, Status.RETURNED)
    TRANSITIONS = {
        Status.PENDING: (Status.SUBMITTED, Status.CANCELLED),
        Status.SUBMITTED: (Status.ACCEPTED, Status.RETURNED),
        Status.RETURNED: (Status.SUBMITTED, Status.CANCELLED),
        Status.ACCEPTED: (),
        Status.CANCELLED: (Status.PENDING,),  # a placement extended again restores its reports
    }

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("序号"), default=1, help_text=_("同类报告中的第几份。"))
    period_start = models.DateField(_("所属期间起"))
    period_end = models.DateField(_("所属期间止"))
    due_date = models.DateField(_("截止日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    term_end_form = models.CharField(_("期满报告形式"), max_length=10, choices=TermEndForm.choices, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    draft = models.JSONField(_("草稿"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("草稿保存时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    cancelled_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("排定时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("书面报告")
        verbose_name_plural = _("书面报告")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind", "period_start"], name="one_report_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "accepted"]) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="report_returned_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["placement", "kind"]), models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return _("%(cadre)s %(label)s") % {"cadre": self.placement.cadre.name, "label": self.label}

    @property
    def label(self) -> str:
        """E.g. "2026年度书面总结", "第2次半年书面汇报(2026-09-02 至 2027-03-01)"."""
        if self.kind == self.Kind.ANNUAL:
            return _("%(year)s年度书面总结") % {"year": self.period_start.year}
        if self.kind == self.Kind.QUARTERLY:
            return _("%(year)s年第%(quarter)s季度工作报告") % {
                "year": self.period_start.year, "quarter": (self.period_start.month - 1) // 3 + 1}
        if self.kind == self.Kind.HALF_YEAR:
            return _("第%(n)s次半年书面汇报") % {"n": self.sequence}
        if self.term_end_form == self.TermEndForm.RESEARCH:
            return _("期满调研报告")
        return str(self.get_kind_display())

    @property
    def period_text(self) -> str:
        return _("%(start)s 至 %(end)s") % {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()}

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(key, str(heading)) for key, heading in self.SECTIONS[self.Kind(self.kind)]]

    def deadline_state(self, today: dt.date | None = None) -> str:
        """due / on_time / late / missing / "" (cancelled): how the report stands against its due date (R12)."""
        today = today or timezone.localdate()
        if self.status == self.Status.CANCELLED:
            return ""
        if self.first_submitted_at is not None:
            submitted_on = timezone.localtime(self.first_submitted_at).date()
            return DeadlineState.ON_TIME if submitted_on <= self.due_date else DeadlineState.LATE
        return DeadlineState.DUE if today <= self.due_date else DeadlineState.MISSING


class DeadlineState(models.TextChoices):
    DUE = "due", _("待提交")
    ON_TIME = "on_time", _("按时提交")
    LATE = "late", _("逾期提交")
    MISSING = "missing", _("逾期未交")

    @property
    def tone(self) -> str:
        """How the portal colours the state (portal.css; "" is neutral, as for the timeline)."""
        return {"due": "", "on_time": "ok", "late": "warning", "missing": "danger"}[self.value]


class ReportVersion(models.Model):
    """What the cadre submitted, frozen: one row per submission, numbered from 1."""

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200, blank=True)
    term_end_form = models.CharField(_("期满报告形式"), max_length=10, choices=Report.TermEndForm.choices, blank=True)
    sections = models.JSONField(_("内容"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_report_version_number")]

    def __str__(self) -> str:
        return _("%(report)s 第%(number)s版") % {"report": self.report, "number": self.number}


def attachment_path(instance, filename: str) -> str:
    """A server-made name: the uploaded name is kept only as ``original_name`` (never a path)."""
    import uuid
    from pathlib import PurePosixPath

    extension = PurePosixPath(filename).suffix.lower()[:10]
    return f"reports/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ReportAttachment(models.Model):
    """A file with a report (PDF, Word or an image). Added to the draft; bound to the version it
    was submitted with, after which it can no longer be removed."""

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="attachments")
    version = models.ForeignKey(
        ReportVersion, verbose_name=_("所属版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, validators=[validate_document_upload])
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReportReview(models.Model):
    """A comment on a submitted version by the host unit or the mentor (D6), or the staff's
    decision: accepted or returned with the reason. Input to the daily assessment (R15)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("评阅意见")
        ACCEPT = "accept", _("审核通过")
        RETURN = "return", _("退回修改")

    class Role(models.TextChoices):
        HOST_UNIT = "host_unit", _("挂职单位")
        MENTOR = "mentor", _("帮带责任人")
        STAFF = "staff", _("组织部")

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ReportVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices)
    text = models.TextField(_("意见"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评阅人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告评阅")
        verbose_name_plural = _("报告评阅")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()}"


class ReportReminder(models.Model):
    """A reminder sent about a report: 7 days and 1 day before the due date, and the day after
    it was missed. The unique constraint makes the daily job idempotent: never twice for the
    same report, reminder and day, even when the job runs twice or on two workers at once."""

    class Kind(models.TextChoices):
        WEEK_BEFORE = "week_before", _("截止前7天")
        DAY_BEFORE = "day_before", _("截止前1天")
        MISSED = "missed", _("逾期次日")

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("提醒"), max_length=12, choices=Kind.choices)
    for_date = models.DateField(_("提醒日期"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("催报提醒")
        verbose_name_plural = _("催报提醒")
        ordering = ["-for_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "for_date"], name="one_reminder_per_report_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()} {self.for_date.isoformat()}"
