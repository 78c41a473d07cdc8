"""Duties of a seconded cadre beyond daily management (R9, R10, R14).

The division of work, targets and the party relation live on ``programs.Placement``; mentors and
target letters in ``programs``. Here: the records a program keeps *where its policy uses them*
(R14) — monthly experience-exchange meetings and owned cases (江东), village decision feedback
cards and early warnings (淮上), pre-post training, the temporary party branch (杭州) — and the
integrity undertaking (勤政廉政) every cadre confirms at the start of the placement.

Every row is written by ``duties.services`` (keyword-only, ``acting_user``, audited).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_document_upload
from programs.models import Placement, Program, Unit

USER = settings.AUTH_USER_MODEL


class ExchangeMeeting(models.Model):
    """A monthly experience-exchange meeting (挂职锻炼经验交流会, R14, 江东): the seconded cadres
    report what they did, sum up experience, analyse problems and set out their next steps."""

    program = models.ForeignKey(Program, verbose_name=_("挂职项目"), on_delete=models.PROTECT, related_name="exchange_meetings")
    held_on = models.DateField(_("召开日期"))
    topic = models.CharField(_("主题"), max_length=200)
    summary = models.TextField(_("会议纪要"), blank=True)
    minutes = models.FileField(
        _("会议记录扫描件"), upload_to="duties/meetings/", blank=True, validators=[validate_document_upload]
    )
    attendees = models.ManyToManyField(Placement, verbose_name=_("参会挂职干部"), blank=True, related_name="exchange_meetings")
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经验交流会")
        verbose_name_plural = _("经验交流会")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "held_on"], name="one_exchange_meeting_per_program_day"),
            models.CheckConstraint(condition=~Q(topic=""), name="exchange_meeting_has_topic"),
        ]

    def __str__(self) -> str:
        return _("%(day)s 经验交流会：%(topic)s") % {"day": self.held_on.isoformat(), "topic": self.topic}


class OwnedCase(models.Model):
    """A case owned to the end by a cadre (包案, R14, 江东): an important petition case the cadre
    investigates and handles personally until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        CLOSED = "closed", _("已办结")

    TRANSITIONS = {
        Status.OPEN: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="owned_cases")
    title = models.CharField(_("案件名称"), max_length=200)
    description = models.TextField(_("案情"), blank=True)
    opened_on = models.DateField(_("包案日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    opened_by = models.ForeignKey(USER, verbose_name=_("交办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey(USER, verbose_name=_("办结确认人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("包案")
        verbose_name_plural = _("包案")
        ordering = ["status", "-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="owned_case_status_valid"),
            # Closed exactly when it has a closing date and an outcome.
            models.CheckConstraint(
                condition=(Q(status="open", closed_on__isnull=True)
                           | (Q(status="closed", closed_on__isnull=False) & ~Q(outcome=""))),
                name="owned_case_closed_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="owned_case_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseProgress(models.Model):
    """One step of an owned case: what was done on a day, by the cadre or the host unit."""

    case = models.ForeignKey(OwnedCase, verbose_name=_("包案"), on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("日期"))
    note = models.TextField(_("办理进展"))
    closes_case = models.BooleanField(_("办结"), default=False)
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("包案进展")
        verbose_name_plural = _("包案进展")
        ordering = ["case", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="case_progress_has_note"),
            models.UniqueConstraint(fields=["case"], condition=Q(closes_case=True), name="case_closed_once"),
        ]

    def __str__(self) -> str:
        return _("%(case)s %(day)s") % {"case": self.case, "day": self.date.isoformat()}


class FeedbackCard(models.Model):
    """An information feedback card (信息反馈卡, R14, 淮上): a major village decision, minuted at
    the meeting, reported by the cadre to the supervising township's party committee (R2)."""

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="feedback_cards")
    township = models.ForeignKey(
        Unit, verbose_name=_("乡镇（街道）党委"), on_delete=models.PROTECT, related_name="+",
        help_text=_("报送时村的上级乡镇。"),
    )
    matter = models.CharField(_("决策事项"), max_length=200)
    decided_on = models.DateField(_("决策会议日期"))
    content = models.TextField(_("会议记录及决策内容"))
    reported_by = models.ForeignKey(USER, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        USER, verbose_name=_("乡镇签收人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("乡镇签收时间"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("乡镇意见"), blank=True)

    class Meta:
        verbose_name = _("信息反馈卡")
        verbose_name_plural = _("信息反馈卡")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(matter="") & ~Q(content=""), name="feedback_card_has_content"),
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True) | Q(acknowledged_at__isnull=False),
                name="feedback_card_ack_has_time",
            ),
        ]
        indexes = [models.Index(fields=["township", "acknowledged_at"])]

    def __str__(self) -> str:
        return _("信息反馈卡：%(matter)s") % {"matter": self.matter}

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class EarlyWarning(models.Model):
    """An early warning sign (苗头性事件, R14, 淮上) reported at once: it reaches the supervising
    township (R2) and the organisation departments' staff in the same moment."""

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="early_warnings")
    township = models.ForeignKey(
        Unit, verbose_name=_("乡镇（街道）党委"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("村级挂职时报送时的上级乡镇。"),
    )
    occurred_on = models.DateField(_("发现日期"))
    content = models.TextField(_("事件情况"))
    reported_by = models.ForeignKey(USER, verbose_name=_("报告人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)
    township_acknowledged_by = models.ForeignKey(
        USER, verbose_name=_("乡镇签收人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    township_acknowledged_at = models.DateTimeField(_("乡镇签收时间"), null=True, blank=True)
    township_note = models.TextField(_("乡镇处置意见"), blank=True)
    staff_acknowledged_by = models.ForeignKey(
        USER, verbose_name=_("组织部签收人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_acknowledged_at = models.DateTimeField(_("组织部签收时间"), null=True, blank=True)
    staff_note = models.TextField(_("组织部意见"), blank=True)

    class Meta:
        verbose_name = _("苗头性事件报告")
        verbose_name_plural = _("苗头性事件报告")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="early_warning_has_content"),
            models.CheckConstraint(
                condition=Q(township_acknowledged_by__isnull=True) | Q(township_acknowledged_at__isnull=False),
                name="early_warning_township_ack_has_time",
            ),
            # Only a warning with a supervising township can be acknowledged by one.
            models.CheckConstraint(
                condition=Q(township_acknowledged_at__isnull=True) | Q(township__isnull=False),
                name="early_warning_township_ack_needs_township",
            ),
            models.CheckConstraint(
                condition=Q(staff_acknowledged_by__isnull=True) | Q(staff_acknowledged_at__isnull=False),
                name="early_warning_staff_ack_has_time",
            ),
        ]
        indexes = [models.Index(fields=["township", "township_acknowledged_at"])]

    def __str__(self) -> str:
        return _("%(cadre)s %(day)s 苗头性事件") % {"cadre": self.placement.cadre.name, "day": self.occurred_on.isoformat()}


class TrainingRecord(models.Model):
    """A pre-post training course (岗前培训, R14) a cadre attended, with its score."""

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="training_records")
    course = models.CharField(_("培训内容"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True, help_text=_("百分制；不考试则留空。"))
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗前培训记录")
        verbose_name_plural = _("岗前培训记录")
        ordering = ["placement", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "course", "held_on"], name="training_once_per_course_day"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="training_score_0_to_100"
            ),
            models.CheckConstraint(condition=~Q(course=""), name="training_has_course"),
        ]

    def __str__(self) -> str:
        return _("%(cadre)s %(course)s") % {"cadre": self.placement.cadre.name, "course": self.course}


class PartyBranch(models.Model):
    """A temporary party branch (挂职干部临时党支部, R14, 杭州) set up for the seconded party members,
    so that they keep taking part in party life during the placement."""

    program = models.ForeignKey(Program, verbose_name=_("挂职项目"), on_delete=models.PROTECT, related_name="party_branches")
    host_unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("杭州：各接收单位成立临时党支部；跨单位的支部留空。"),
    )
    name = models.CharField(_("支部名称"), max_length=100)
    established_on = models.DateField(_("成立日期"))
    secretary = models.ForeignKey(
        Placement, verbose_name=_("支部书记"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(Placement, verbose_name=_("党员"), blank=True, related_name="party_branches")
    created_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("临时党支部")
        verbose_name_plural = _("临时党支部")
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="party_branch_unique_name_in_program"),
            models.CheckConstraint(condition=~Q(name=""), name="party_branch_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BranchActivity(models.Model):
    """An activity of a temporary party branch (组织生活: meeting, study, party lesson)."""

    branch = models.ForeignKey(PartyBranch, verbose_name=_("临时党支部"), on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    attendees = models.ManyToManyField(Placement, verbose_name=_("参加党员"), blank=True, related_name="branch_activities")
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("支部活动")
        verbose_name_plural = _("支部活动")
        ordering = ["branch", "-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(topic=""), name="branch_activity_has_topic")]

    def __str__(self) -> str:
        return _("%(day)s %(topic)s") % {"day": self.held_on.isoformat(), "topic": self.topic}


class IntegrityUndertaking(models.Model):
    """The integrity undertaking (勤政廉政承诺, R14) a cadre confirms at the start of the placement:
    no personal demands on the host unit. The text confirmed is kept as it was shown."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="integrity_undertaking"
    )
    text = models.TextField(_("承诺内容"))
    confirmed_at = models.DateTimeField(_("确认时间"))
    confirmed_by = models.ForeignKey(USER, verbose_name=_("确认人"), null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("勤政廉政承诺")
        verbose_name_plural = _("勤政廉政承诺")
        ordering = ["-confirmed_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="undertaking_has_text")]

    def __str__(self) -> str:
        return _("%(cadre)s 勤政廉政承诺") % {"cadre": self.placement.cadre.name}
