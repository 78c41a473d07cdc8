"""The selection procedure (选派, R5–R7, D7): from the demand survey and the announcement to the
public notice, after which the decision becomes placements.

Every move of a selection and of an application goes through ``selection.services`` along the
``TRANSITIONS`` mappings below and leaves a history row (who, when, the document) and an audit
row. The database holds the invariants it can (constraints below).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_document_upload


class Selection(models.Model):
    """The selection of one program (R7): one per program, moving through its stages.

    The 江东 variant starts with a demand survey of host posts (``policy.demand_survey``); every
    other program starts in preparation.
    """

    class Stage(models.TextChoices):
        SURVEY = "survey", _("需求调研")
        PREPARING = "preparing", _("准备")
        ANNOUNCED = "announced", _("已发布预告")
        SHORTLISTED = "shortlisted", _("已确定初步人选")
        DECIDED = "decided", _("常委会已决定")
        NOTICE = "notice", _("公示中")
        CONCLUDED = "concluded", _("已完成")

    TRANSITIONS = {
        Stage.SURVEY: (Stage.PREPARING,),
        Stage.PREPARING: (Stage.ANNOUNCED,),
        Stage.ANNOUNCED: (Stage.SHORTLISTED,),
        Stage.SHORTLISTED: (Stage.DECIDED,),
        Stage.DECIDED: (Stage.NOTICE,),
        Stage.NOTICE: (Stage.CONCLUDED,),
        Stage.CONCLUDED: (),
    }
    # Stages in which cadres and sending units see the selection (it has been announced).
    PUBLIC_STAGES = (Stage.ANNOUNCED, Stage.SHORTLISTED, Stage.DECIDED, Stage.NOTICE, Stage.CONCLUDED)

    program = models.OneToOneField(
        "programs.Program", verbose_name=_("挂职项目"), on_delete=models.PROTECT, related_name="selection"
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, db_index=True)
    # Announcement (预告, R7 step 1)
    scope_text = models.TextField(_("选派范围"), blank=True)
    standards = models.TextField(_("选派条件"), blank=True)
    apply_from = models.DateField(_("报名开始日期"), null=True, blank=True)
    apply_until = models.DateField(_("报名截止日期"), null=True, blank=True)
    announced_on = models.DateField(_("预告发布日期"), null=True, blank=True)
    announcement_number = models.CharField(_("预告文号"), max_length=100, blank=True)
    announcement_document = models.FileField(
        _("预告文件"), upload_to="selection/announcements/", blank=True, validators=[validate_document_upload]
    )
    # Shortlist (初步人选, R7 step 4, D7)
    shortlist_meeting_on = models.DateField(_("部务会日期"), null=True, blank=True)
    shortlist_document_number = models.CharField(_("初步人选文号"), max_length=100, blank=True)
    shortfall_reason = models.TextField(
        _("人选不足的原因"), blank=True, help_text=_("符合条件的报名人数不足差额比例时须说明。")
    )
    # Decision (常委会, R7 step 5)
    decision_meeting_on = models.DateField(_("常委会日期"), null=True, blank=True)
    decision_document_number = models.CharField(_("决定文号"), max_length=100, blank=True)
    # Public notice (公示, R7 step 6, D3)
    notice_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    # D3: the notice period reaches a year whose holiday schedule is not entered yet.
    notice_end_provisional = models.BooleanField(
        _("公示期暂按法定节假日计算"), default=False, help_text=_("待国务院公布节假日安排后核定。")
    )
    concluded_on = models.DateField(_("完成日期"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("阶段变更时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选派工作")
        verbose_name_plural = _("选派工作")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(apply_from__isnull=True) | Q(apply_until__isnull=True) | Q(apply_until__gte=models.F("apply_from")),
                name="selection_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(notice_start__isnull=True) | Q(notice_end__isnull=True) | Q(notice_end__gte=models.F("notice_start")),
                name="selection_notice_ordered",
            ),
            # Each stage carries the record of the step that reached it.
            models.CheckConstraint(
                condition=Q(stage__in=["survey", "preparing"])
                | Q(apply_from__isnull=False, apply_until__isnull=False, announced_on__isnull=False),
                name="selection_announced_has_window",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["survey", "preparing", "announced"]) | Q(shortlist_meeting_on__isnull=False),
                name="selection_shortlisted_has_meeting",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["survey", "preparing", "announced", "shortlisted"])
                | Q(decision_meeting_on__isnull=False),
                name="selection_decided_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["notice", "concluded"]) | Q(notice_start__isnull=False, notice_end__isnull=False),
                name="selection_notice_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(stage="concluded") | Q(concluded_on__isnull=False), name="selection_concluded_has_date"
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(program)s 选派") % {"program": self.program})


class SelectionStep(models.Model):
    """One row per stage move of a selection: who, when, the meeting or document, why."""

    selection = models.ForeignKey(Selection, verbose_name=_("选派工作"), on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(_("原阶段"), max_length=12, choices=Selection.Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=12, choices=Selection.Stage.choices)
    effective_date = models.DateField(_("日期"), help_text=_("会议、发布或公示的日期。"))
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选派步骤")
        verbose_name_plural = _("选派步骤")
        ordering = ["selection", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"


class DemandRequest(models.Model):
    """A host unit's request for a post in the demand survey (需求调研, R7 step 0, 江东)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    selection = models.ForeignKey(
        Selection, verbose_name=_("选派工作"), on_delete=models.CASCADE, related_name="demand_requests"
    )
    host_unit = models.ForeignKey(
        "programs.Unit", verbose_name=_("需求单位"), on_delete=models.PROTECT, related_name="demand_requests"
    )
    post_title = models.CharField(_("岗位名称"), max_length=100)
    duties = models.TextField(_("岗位职责"), blank=True)
    wanted_background = models.TextField(_("人选专业背景要求"), blank=True)
    places = models.PositiveSmallIntegerField(_("需求人数"), default=1)
    term_months = models.PositiveSmallIntegerField(_("挂职期限（月）"), default=6)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)
    host_post = models.ForeignKey(
        "programs.HostPost", verbose_name=_("汇总后的岗位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="demand_requests",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位需求")
        verbose_name_plural = _("岗位需求")
        ordering = ["selection", "host_unit", "post_title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="demand_places_positive"),
            models.CheckConstraint(condition=Q(term_months__gte=1), name="demand_term_positive"),
            models.CheckConstraint(
                condition=Q(host_post__isnull=True) | Q(status="accepted"), name="demand_consolidated_only_if_accepted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_unit} {self.post_title}"


class UnitRecommendation(models.Model):
    """The sending unit's leadership meeting recommending its applicants (R7 step 3), with the
    meeting's date and its written report."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选派工作"), on_delete=models.CASCADE, related_name="recommendations"
    )
    sending_unit = models.ForeignKey(
        "programs.Unit", verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="selection_recommendations"
    )
    meeting_on = models.DateField(_("党委（党组）会议日期"))
    report_text = models.TextField(_("推荐报告"), blank=True)
    report_file = models.FileField(
        _("推荐报告文件"), upload_to="selection/recommendations/", blank=True, validators=[validate_document_upload]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位推荐")
        verbose_name_plural = _("单位推荐")
        ordering = ["selection", "sending_unit", "-meeting_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(report_text="") | ~Q(report_file=""), name="recommendation_has_report"),
        ]

    def __str__(self) -> str:
        return str(_("%(unit)s %(date)s 推荐") % {"unit": self.sending_unit, "date": self.meeting_on})


class Application(models.Model):
    """A cadre's candidacy in a selection (R7 step 2): applied in person, recommended by the
    sending unit, or registered by staff from a written application handed in on paper."""

    class Source(models.TextChoices):
        PERSONAL = "personal", _("本人网上申请")
        UNIT = "unit", _("单位推荐")
        STAFF = "staff", _("组织部代为登记本人申请")

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        RECOMMENDED = "recommended", _("单位推荐")
        NOT_RECOMMENDED = "not_recommended", _("未推荐")
        SHORTLISTED = "shortlisted", _("初步人选")
        CHOSEN = "chosen", _("拟选派")
        PLACED = "placed", _("已任职")
        NOT_SELECTED = "not_selected", _("未入选")
        WITHDRAWN = "withdrawn", _("撤回")
        OBJECTION_UPHELD = "objection_upheld", _("公示异议成立")

    TRANSITIONS = {
        Status.APPLIED: (Status.RECOMMENDED, Status.NOT_RECOMMENDED, Status.SHORTLISTED, Status.NOT_SELECTED, Status.WITHDRAWN),
        Status.RECOMMENDED: (Status.SHORTLISTED, Status.NOT_SELECTED, Status.WITHDRAWN),
        Status.NOT_RECOMMENDED: (),
        Status.SHORTLISTED: (Status.CHOSEN, Status.NOT_SELECTED, Status.WITHDRAWN),
        Status.CHOSEN: (Status.PLACED, Status.OBJECTION_UPHELD, Status.WITHDRAWN),
        Status.PLACED: (),
        Status.NOT_SELECTED: (),
        Status.WITHDRAWN: (),
        Status.OBJECTION_UPHELD: (),
    }
    # A written application by the cadre themself (R5 "本人申请").
    IN_PERSON_SOURCES = (Source.PERSONAL, Source.STAFF)

    selection = models.ForeignKey(Selection, verbose_name=_("选派工作"), on_delete=models.PROTECT, related_name="applications")
    cadre = models.ForeignKey("programs.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="applications")
    source = models.CharField(_("报名方式"), max_length=10, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True)
    preferred_post = models.ForeignKey(
        "programs.HostPost", verbose_name=_("志愿岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("申请书"), blank=True)
    attachment = models.FileField(
        _("附件"), upload_to="selection/applications/", blank=True, validators=[validate_document_upload]
    )
    applied_on = models.DateField(_("报名日期"))
    recommendation = models.ForeignKey(
        UnitRecommendation, verbose_name=_("单位推荐"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="applications",
    )
    eligibility_override_reason = models.TextField(
        _("不符合资格条件仍列为初步人选的理由"), blank=True, help_text=_("由组织部记录，写入操作记录。")
    )
    eligibility_failures = models.JSONField(
        _("列为初步人选时未满足的条件"), default=list, blank=True, help_text=_("确定初步人选时的资格审查结果。")
    )
    chosen_post = models.ForeignKey(
        "programs.HostPost", verbose_name=_("拟任岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placement = models.OneToOneField(
        "programs.Placement", verbose_name=_("挂职安排"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="application",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名人选")
        verbose_name_plural = _("报名人选")
        ordering = ["selection", "cadre__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "cadre"], name="one_application_per_cadre_per_selection"),
            models.CheckConstraint(
                condition=~Q(status__in=["chosen", "placed"]) | Q(chosen_post__isnull=False), name="application_chosen_has_post"
            ),
            models.CheckConstraint(
                condition=Q(status="placed", placement__isnull=False) | (~Q(status="placed") & Q(placement__isnull=True)),
                name="application_placed_has_placement",
            ),
            models.CheckConstraint(
                condition=~Q(status="recommended") | Q(recommendation__isnull=False),
                name="application_recommended_has_recommendation",
            ),
            models.CheckConstraint(
                condition=Q(eligibility_failures=[]) | ~Q(eligibility_override_reason=""),
                name="application_ineligible_has_override_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(cadre)s（%(selection)s）") % {"cadre": self.cadre, "selection": self.selection.program})

    @property
    def applied_in_person(self) -> bool:
        return self.source in self.IN_PERSON_SOURCES


class ApplicationStatusChange(models.Model):
    """One row per status move of an application: who, when, from, to, why."""

    application = models.ForeignKey(
        Application, verbose_name=_("报名人选"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Application.Status.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名状态变更")
        verbose_name_plural = _("报名状态变更")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Objection(models.Model):
    """An objection received during the public notice (公示, R7 step 6), and its resolution.
    An upheld objection removes the candidate it is against."""

    selection = models.ForeignKey(Selection, verbose_name=_("选派工作"), on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(
        Application, verbose_name=_("被反映人选"), on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("反映内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    resolution = models.TextField(_("核查处理结果"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["selection", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, upheld__isnull=True, resolution="")
                | (Q(resolved_at__isnull=False, upheld__isnull=False) & ~Q(resolution="")),
                name="objection_resolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return str(_("对%(cadre)s的异议（%(date)s）") % {"cadre": self.application.cadre, "date": self.received_on})

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
