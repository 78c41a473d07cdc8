"""Daily management while a cadre serves (R9, R11, R13): leave, violations, inspections and
on-post checks, monthly attendance, contacts (三联一解决, 回访走访) and the cadre's problems.

Leave moves only through ``daily.services.leave`` along ``LeaveRequest.TRANSITIONS``; every
step leaves a ``LeaveStep`` row (who, when, opinion) and an audit row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import OrgDepartment, Placement, PolicyFields


def escalation_route_text(*, mode: str, department: str) -> str:
    """How leave over the threshold goes on (R11, D3), as every page and message says it:
    approval — the host unit agrees, then the department approves; filing — the host unit's
    approval is final and the department files it."""
    if mode == PolicyFields.EscalationMode.FILING:
        return gettext("挂职单位批准即生效，报%(department)s备案") % {"department": department}
    return gettext("经挂职单位同意后报%(department)s审批") % {"department": department}


class LeaveRequest(models.Model):
    """A cadre's request for leave (请假) and its return report (销假), R11 / D3.

    Up to the policy threshold the host unit decides. Over it, after the host unit's opinion,
    the request goes to the cadre's managing department (D1) — to approve (审批) or, in filing
    mode (安丘), the host unit's approval is final and the department acknowledges the filing.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年休假")
        FAMILY_VISIT = "family_visit", _("探亲假")
        MARRIAGE = "marriage", _("婚假")
        BEREAVEMENT = "bereavement", _("丧假")
        MATERNITY = "maternity", _("产假/陪产假")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING_HOST = "pending_host", _("待挂职单位审批")
        PENDING_DEPARTMENT = "pending_department", _("待组织部审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        CANCELLED = "cancelled", _("已撤销")
        RETURNED = "returned", _("已销假")

    PENDING_STATUSES = (Status.PENDING_HOST, Status.PENDING_DEPARTMENT)
    # Requests whose days are taken (for overlaps and attendance): pending ones hold their dates.
    HOLDING_STATUSES = (Status.PENDING_HOST, Status.PENDING_DEPARTMENT, Status.APPROVED, Status.RETURNED)
    TRANSITIONS = {
        Status.PENDING_HOST: (Status.PENDING_DEPARTMENT, Status.APPROVED, Status.REJECTED, Status.CANCELLED),
        Status.PENDING_DEPARTMENT: (Status.APPROVED, Status.REJECTED, Status.CANCELLED),
        Status.APPROVED: (Status.RETURNED, Status.CANCELLED),
        Status.REJECTED: (),
        Status.CANCELLED: (),
        Status.RETURNED: (),
    }

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField(_("假别"), max_length=15, choices=Kind.choices, default=Kind.PERSONAL)
    start_date = models.DateField(_("开始日期"))
    start_afternoon = models.BooleanField(_("开始日仅下午"), default=False, help_text=_("从开始日下午起请假（半天）。"))
    end_date = models.DateField(_("结束日期"))
    end_noon = models.BooleanField(_("结束日仅上午"), default=False, help_text=_("请假到结束日中午（半天）。"))
    days = models.DecimalField(_("请假天数"), max_digits=5, decimal_places=1)
    # D3: counted over a year whose holiday schedule was not entered yet (days off by law only).
    days_provisional = models.BooleanField(
        _("天数暂按法定节假日计算"), default=False,
        help_text=_("涉及尚未公布节假日安排的年度，待国务院公布安排后核定。"),
    )
    # D3: the schedule arrived after the request left its first step; staff check the count.
    schedule_review = models.BooleanField(_("节假日安排公布后待复核"), default=False, db_index=True)
    schedule_review_days = models.DecimalField(
        _("按公布的安排应为（天）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    reason = models.TextField(_("事由"))
    # 补假: the leave started before the request was made; the cadre says why it is late.
    is_backdated = models.BooleanField(_("补假"), default=False, help_text=_("开始日期早于提出申请的日期。"))
    late_reason = models.TextField(_("补假原因"), blank=True, help_text=_("未能事先请假的原因。"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING_HOST, db_index=True)
    # Routing, fixed when the request is made (a later policy edit applies to later requests, D2).
    escalated = models.BooleanField(_("超过挂职单位审批权限"), default=False)
    escalation_mode = models.CharField(
        _("报组织部方式"), max_length=10, choices=PolicyFields.EscalationMode.choices, blank=True
    )
    department = models.ForeignKey(
        OrgDepartment, verbose_name=_("审批/备案组织部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("对该干部有管理权限的组织部。"),
    )
    # D3: requests with no working half day between them count together against the threshold.
    combined_days = models.DecimalField(
        _("连续请假合计天数"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("与前后连续的请假（中间没有工作日）合并计算的天数；不与其他请假连续时为空。"),
    )
    joined_requests = models.ManyToManyField(
        "self", verbose_name=_("连续的请假"), symmetrical=False, blank=True, related_name="joined_by",
        help_text=_("提出申请时与本次请假连续、合并计算天数的请假。"),
    )
    filing_acknowledged_at = models.DateTimeField(_("组织部备案时间"), null=True, blank=True)
    actual_return_date = models.DateField(_("实际返岗日期"), null=True, blank=True)
    actual_return_afternoon = models.BooleanField(_("返岗日下午到岗"), default=False)
    actual_days = models.DecimalField(_("实际请假天数"), max_digits=5, decimal_places=1, null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("请销假")
        verbose_name_plural = _("请销假")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_end_not_before_start"),
            models.CheckConstraint(condition=Q(days__gt=0), name="leave_days_positive"),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(actual_return_date__isnull=False), name="leave_returned_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(escalated=True) | Q(department__isnull=False), name="leave_escalated_has_department"
            ),
            models.CheckConstraint(
                condition=Q(is_backdated=False) | ~Q(late_reason=""), name="leave_backdated_has_late_reason"
            ),
            models.CheckConstraint(
                condition=Q(combined_days__isnull=True) | Q(combined_days__gte=models.F("days")),
                name="leave_combined_days_include_own",
            ),
        ]
        indexes = [models.Index(fields=["placement", "start_date"])]

    def __str__(self) -> str:
        return _("%(cadre)s %(kind)s %(start)s 至 %(end)s") % {
            "cadre": self.placement.cadre.name, "kind": self.get_kind_display(),
            "start": self.start_date.isoformat(), "end": self.end_date.isoformat(),
        }

    @property
    def route_text(self) -> str:
        """Who decides, fixed when the request was made."""
        if not self.escalated:
            return gettext("挂职单位审批")
        return escalation_route_text(mode=self.escalation_mode, department=self.department.name)

    @property
    def is_filing(self) -> bool:
        return self.escalated and self.escalation_mode == PolicyFields.EscalationMode.FILING

    @property
    def awaits_filing_acknowledgement(self) -> bool:
        return self.is_filing and self.status in (self.Status.APPROVED, self.Status.RETURNED) and self.filing_acknowledged_at is None


class LeaveStep(models.Model):
    """One step of a leave request: who acted, when, in which role, with what opinion."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提出申请")
        HOST_APPROVE = "host_approve", _("挂职单位同意")
        HOST_REJECT = "host_reject", _("挂职单位不同意")
        DEPARTMENT_APPROVE = "department_approve", _("组织部批准")
        DEPARTMENT_REJECT = "department_reject", _("组织部不批准")
        FILING_ACKNOWLEDGE = "filing_acknowledge", _("组织部备案")
        CANCEL = "cancel", _("撤销")
        RETURN = "return", _("销假")
        RECOUNT = "recount", _("按公布的节假日安排重新计算")
        SCHEDULE_REVIEW = "schedule_review", _("节假日安排公布后复核")

    leave = models.ForeignKey(LeaveRequest, verbose_name=_("请假"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("环节"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=LeaveRequest.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=LeaveRequest.Status.choices)
    opinion = models.TextField(_("意见"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("请假审批记录")
        verbose_name_plural = _("请假审批记录")
        ordering = ["acted_at", "id"]

    def __str__(self) -> str:
        return f"{self.leave_id} {self.get_action_display()}"


class Violation(models.Model):
    """A breach of discipline on a placement, above all unauthorised absence (擅自离岗, R11).

    Recorded by the host unit or from an inspection; the organisation department sees it and it
    feeds the assessment.
    """

    class Kind(models.TextChoices):
        UNAUTHORISED_ABSENCE = "absence", _("擅自离岗")
        OVERDUE_RETURN = "overdue_return", _("超假不归")
        OTHER = "other", _("其他违规")

    class Source(models.TextChoices):
        HOST_UNIT = "host_unit", _("挂职单位")
        INSPECTION = "inspection", _("巡查查岗")
        DEPARTMENT = "department", _("组织部")

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="violations")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.UNAUTHORISED_ABSENCE)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1, default=0)
    description = models.TextField(_("情况说明"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    inspection_check = models.OneToOneField(
        "InspectionCheck", verbose_name=_("查岗记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="violation"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("违规记录")
        verbose_name_plural = _("违规记录")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="violation_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.placement.cadre.name} {self.get_kind_display()} {self.start_date.isoformat()}"


class Inspection(models.Model):
    """A visit by the organisation department (巡查, R13): scheduled (定期巡查), unannounced
    (不定期抽查) or an on-post check (查岗). Planned visits are recorded when they take place."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("定期巡查")
        UNANNOUNCED = "unannounced", _("不定期抽查")
        ON_POST_CHECK = "on_post_check", _("查岗")
        TRACKING = "tracking", _("季度跟踪考察")

    class Status(models.TextChoices):
        PLANNED = "planned", _("已计划")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    TRANSITIONS = {
        Status.PLANNED: (Status.DONE, Status.CANCELLED),
        Status.DONE: (),
        Status.CANCELLED: (),
    }

    department = models.ForeignKey(
        OrgDepartment, verbose_name=_("组织部"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("类别"), max_length=15, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    date = models.DateField(_("日期"), db_index=True)
    inspectors = models.CharField(_("巡查人员"), max_length=200)
    notes = models.TextField(_("情况记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡查查岗")
        verbose_name_plural = _("巡查查岗")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


class InspectionCheck(models.Model):
    """One cadre checked during an inspection. The result 请假中 is derived from approved leave
    covering the day, not typed in (R13)."""

    class Result(models.TextChoices):
        ON_POST = "on_post", _("在岗")
        ABSENT = "absent", _("不在岗")
        ON_LEAVE = "on_leave", _("请假中")

    inspection = models.ForeignKey(Inspection, verbose_name=_("巡查"), on_delete=models.CASCADE, related_name="checks")
    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="inspection_checks")
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, blank=True)
    leave = models.ForeignKey(
        LeaveRequest, verbose_name=_("对应请假"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    absence_reason = models.CharField(_("不在岗原因"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("查岗结果")
        verbose_name_plural = _("查岗结果")
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "placement"], name="one_check_per_placement_per_inspection"),
            models.CheckConstraint(
                condition=~Q(result="absent") | ~Q(absence_reason=""), name="inspection_absent_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.cadre.name} {self.get_result_display()}"


class AttendanceMonth(models.Model):
    """A month's attendance (考勤) of one seconded cadre, kept by the host unit (R13, 杭州).

    Leave and absence days are filled in from approved leave and recorded violations; the host
    unit's clerk or approver (D6) confirms the month, which freezes the figures.
    """

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="attendance_months")
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    working_days = models.DecimalField(_("应出勤天数"), max_digits=4, decimal_places=1)
    leave_days = models.DecimalField(_("请假天数"), max_digits=4, decimal_places=1, default=0)
    absence_days = models.DecimalField(_("擅离天数"), max_digits=4, decimal_places=1, default=0)
    business_trip_days = models.DecimalField(_("出差天数"), max_digits=4, decimal_places=1, default=0)
    note = models.TextField(_("说明"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度考勤")
        verbose_name_plural = _("月度考勤")
        ordering = ["-month", "placement_id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="one_attendance_per_placement_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="attendance_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.placement.cadre.name} {self.month:%Y-%m}"

    @property
    def present_days(self):
        return max(self.working_days - self.leave_days - self.absence_days, 0)


class Contact(models.Model):
    """A contact of the organisation department about a placement (三联一解决, 江东; 回访走访, 杭州):
    with the sending unit, the host unit or the cadre, and what was learned (R13)."""

    class Party(models.TextChoices):
        SENDING_UNIT = "sending_unit", _("派出单位")
        HOST_UNIT = "host_unit", _("挂职单位")
        CADRE = "cadre", _("挂职干部")

    class Kind(models.TextChoices):
        CONTACT = "contact", _("联系")
        RETURN_VISIT = "return_visit", _("回访走访")

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("方式"), max_length=15, choices=Kind.choices, default=Kind.CONTACT)
    party = models.CharField(_("联系对象"), max_length=15, choices=Party.choices)
    date = models.DateField(_("日期"))
    with_whom = models.CharField(_("联系人"), max_length=100)
    content = models.TextField(_("了解情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联系走访")
        verbose_name_plural = _("联系走访")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.placement.cadre.name} {self.get_party_display()} {self.date.isoformat()}"


class Problem(models.Model):
    """A problem the cadre raises (工作、家庭、原单位), followed to a recorded solution (一解决, R13)."""

    class Category(models.TextChoices):
        WORK = "work", _("工作")
        FAMILY = "family", _("家庭")
        ORIGINAL_POST = "original_post", _("原单位")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        SOLVED = "solved", _("已解决")

    TRANSITIONS = {Status.OPEN: (Status.SOLVED,), Status.SOLVED: ()}

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="problems")
    category = models.CharField(_("类别"), max_length=15, choices=Category.choices)
    raised_on = models.DateField(_("提出日期"))
    description = models.TextField(_("问题"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    solution = models.TextField(_("解决情况"), blank=True)
    solved_on = models.DateField(_("解决日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    solved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("解决记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("反映问题")
        verbose_name_plural = _("反映问题")
        ordering = ["status", "-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="solved") | (Q(solved_on__isnull=False) & ~Q(solution="")), name="problem_solved_has_solution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.cadre.name} {self.get_category_display()}：{self.description[:20]}"
