"""The domain of cadre secondment (干部挂职锻炼): who is sent, from where, to which post.

Rules are cited by their IDs in ``shared/DOMAIN.md`` (R1–R25, D1–D9). Business rules live in
``services.py``; the database holds the invariants it can (constraints below).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_document_upload, validate_image_upload

from .idnumber import id_number_mask, validate_id_number


class OrgDepartment(models.Model):
    """An organisation department (组织部). They form a tree: city → county/district (R1).

    ``path`` is a materialised path (``/1/4/``) so a department's subtree is one indexed
    prefix query: staff see only their department's subtree (D1).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    region = models.CharField(_("地区"), max_length=100, help_text=_("如：山西省晋城市泽州县"))
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织部"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("层级路径"), max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("组织部")
        verbose_name_plural = _("组织部")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is structure, not business: it follows the parent on every save.
        old_path = self.path
        if old_path and self.parent_id and self.parent.path.startswith(old_path):
            raise ValueError("a department cannot be moved beneath its own subtree")
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            OrgDepartment.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                for child in OrgDepartment.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path):]
                    OrgDepartment.objects.filter(pk=child.pk).update(path=child.path)

    def city_department(self) -> "OrgDepartment":
        """The nearest department at city level or above: it manages 县处级 cadres (D1)."""
        department = self
        while department.level == self.Level.COUNTY and department.parent_id:
            department = department.parent
        return department


class Unit(models.Model):
    """A unit (单位): sends cadres or hosts them (R2)."""

    class Level(models.IntegerChoices):
        # Ordered from the top; a larger number is a lower level.
        CENTRAL = 1, _("中央")
        PROVINCE = 2, _("省")
        CITY = 3, _("市")
        COUNTY = 4, _("县")
        TOWNSHIP = 5, _("乡镇/街道")
        VILLAGE = 6, _("村/社区")

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        PETITION = "petition", _("信访部门")
        KEY_PROJECT = "key_project", _("重点工程项目")
        TOWNSHIP = "township", _("乡镇/街道")
        VILLAGE = "village", _("村/社区")
        INSTITUTION = "institution", _("事业单位")
        ENTERPRISE = "enterprise", _("企业")
        OVERSEAS = "overseas", _("境外机构")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    region = models.CharField(_("地区"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text=_("村/社区的上级为所在乡镇（街道），由其党委评定和接收报告。"),
    )
    department = models.ForeignKey(
        OrgDepartment, verbose_name=_("所属组织部"), on_delete=models.PROTECT, related_name="units",
        help_text=_("管辖该单位干部的组织部；外地单位填登记它的组织部。"),
    )
    is_external = models.BooleanField(
        _("外地单位"), default=False, help_text=_("沿海发达地区、周边先进地市或境外的单位（外挂的接收单位）。")
    )
    # R4: 外挂 sends cadres of the city's comprehensive departments (and county/township leaders).
    is_comprehensive_department = models.BooleanField(
        _("市直综合部门"), default=False,
        help_text=_("市委、市政府的综合部门（如办公室、组织、宣传、发展改革、财政）；其干部可以外挂锻炼。仅适用于市级单位。"),
    )
    # The facts R6 ranks sending units by.
    tied_to_economy = models.BooleanField(_("与经济工作、民生问题密切相关"), default=False)
    project_count = models.PositiveIntegerField(_("工程项目数"), default=0)
    petition_volume = models.PositiveIntegerField(_("年信访量"), default=0)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["level", "region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=6), name="unit_level_valid"),
            models.CheckConstraint(
                condition=Q(is_comprehensive_department=False) | Q(level=3), name="unit_comprehensive_department_is_city",
                violation_error_message=_("只有市级单位可以标为市直综合部门。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def supervising_township(self) -> "Unit | None":
        """A village's township rates its cadres and receives their reports (R2, R14, R17)."""
        if self.level == self.Level.VILLAGE and self.parent_id and self.parent.level == self.Level.TOWNSHIP:
            return self.parent
        return None


class Cadre(models.Model):
    """A cadre (干部): every field the registration form (登记表) prints (R3)."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Education(models.IntegerChoices):
        HIGH_SCHOOL = 1, _("高中及以下")
        SECONDARY = 2, _("中专")
        JUNIOR_COLLEGE = 3, _("大专")
        BACHELOR = 4, _("本科")
        MASTER = 5, _("硕士")
        DOCTOR = 6, _("博士")

    class Rank(models.TextChoices):
        BUREAU_FULL = "bureau_full", _("正厅局级")
        BUREAU_DEPUTY = "bureau_deputy", _("副厅局级")
        COUNTY_FULL = "county_full", _("正县处级")
        COUNTY_DEPUTY = "county_deputy", _("副县处级")
        TOWNSHIP_FULL = "township_full", _("正乡科级")
        TOWNSHIP_DEPUTY = "township_deputy", _("副乡科级")
        GENERAL = "general", _("一般干部")

    class RankTier(models.TextChoices):
        BUREAU = "bureau", _("厅局级")
        COUNTY = "county", _("县处级")
        TOWNSHIP = "township", _("乡科级")
        GENERAL = "general", _("一般干部")

    class PoliticalStatus(models.TextChoices):
        PARTY_MEMBER = "party_member", _("中共党员")
        PROBATIONARY = "probationary", _("中共预备党员")
        LEAGUE = "league", _("共青团员")
        DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
        NON_PARTY = "non_party", _("无党派人士")
        MASSES = "masses", _("群众")

    class Reserve(models.TextChoices):
        NONE = "none", _("否")
        CITY = "city", _("市管后备干部")
        COUNTY = "county", _("县管后备干部")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("健康")
        FAIR = "fair", _("一般")
        POOR = "poor", _("较差")

    RANK_TIERS = {
        Rank.BUREAU_FULL: RankTier.BUREAU,
        Rank.BUREAU_DEPUTY: RankTier.BUREAU,
        Rank.COUNTY_FULL: RankTier.COUNTY,
        Rank.COUNTY_DEPUTY: RankTier.COUNTY,
        Rank.TOWNSHIP_FULL: RankTier.TOWNSHIP,
        Rank.TOWNSHIP_DEPUTY: RankTier.TOWNSHIP,
        Rank.GENERAL: RankTier.GENERAL,
    }

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, validators=[validate_id_number],
        help_text=_("18位居民身份证号码，最后一位可为X。"),
    )
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    party_joined_on = models.DateField(_("入党时间"), null=True, blank=True)
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    education = models.PositiveSmallIntegerField(_("学历"), choices=Education.choices)
    full_time_education = models.BooleanField(_("全日制"), default=True)
    degree = models.CharField(_("学位"), max_length=20, blank=True, help_text=_("如：学士、硕士、博士"))
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices)
    is_leadership = models.BooleanField(_("领导职务"), default=False)
    current_post = models.CharField(_("现任职务"), max_length=100)
    political_status = models.CharField(_("政治面貌"), max_length=20, choices=PoliticalStatus.choices)
    reserve_status = models.CharField(_("后备干部"), max_length=10, choices=Reserve.choices, default=Reserve.NONE)
    has_grassroots_experience = models.BooleanField(_("有基层工作经历"), default=False)
    health = models.CharField(_("健康状况"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    conduct_record = models.TextField(_("违纪违法记录"), blank=True, help_text=_("无则留空。"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    photo = models.ImageField(_("照片"), upload_to="cadres/photos/", blank=True, validators=[validate_image_upload])
    sending_unit = models.ForeignKey(Unit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="cadres")
    managing_department = models.ForeignKey(
        OrgDepartment, verbose_name=_("管理组织部"), on_delete=models.PROTECT, related_name="managed_cadres",
        help_text=_("按干部管理权限确定；变更记录在“管理权限变更”中。"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cadre",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="cadre_id_number_format"),
        ]
        permissions = [("view_full_id_number", _("可查看完整身份证号"))]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return id_number_mask(self.id_number)

    @property
    def rank_tier(self) -> str:
        return self.RANK_TIERS[self.rank]

    @property
    def has_conduct_record(self) -> bool:
        return bool(self.conduct_record.strip())

    def age_on(self, day) -> int:
        """Full years of age on ``day`` (周岁)."""
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class ResumeEntry(models.Model):
    """One line of a cadre's résumé (简历), as the registration form prints it."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="resume_entries")
    start = models.DateField(_("起始时间"))
    end = models.DateField(_("截止时间"), null=True, blank=True, help_text=_("至今则留空。"))
    description = models.CharField(_("经历"), max_length=200)

    class Meta:
        verbose_name = _("简历")
        verbose_name_plural = _("简历")
        ordering = ["cadre", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="resume_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.description


class ManagingDepartmentChange(models.Model):
    """The history of a cadre's managing department (D1): each change with its date."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="managing_history")
    department = models.ForeignKey(OrgDepartment, verbose_name=_("管理组织部"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("生效日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("管理权限变更")
        verbose_name_plural = _("管理权限变更")
        ordering = ["cadre", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.department}（{self.valid_from}）"


class SecondmentType(models.TextChoices):
    """The four ways of secondment (挂职方式, R4)."""

    UP = "up", _("上挂")
    DOWN = "down", _("下挂")
    LATERAL = "lateral", _("平挂")
    EXTERNAL = "external", _("外挂")


# D2: the allowed range of each numeric policy setting, (lowest, highest) with None for no bound.
# Read by the fields' validators, by the database checks (``_policy_constraints``) and by the
# migration that brought older rows into range; the readings are in docs/DOMAIN-NOTES.md.
POLICY_RANGES = {
    "term_months": (1, 120),  # R8: up to ten years (淮上 "several years")
    "min_education": (1, 6),  # Cadre.Education
    "max_age_county_level": (18, 65),
    "max_age_township_level": (18, 65),
    "max_age_general": (18, 65),
    "shortlist_ratio": (1, 10),  # D7: 1:N is a minimum, N ≥ 1
    "notice_working_days": (1, 30),
    "batch_size": (1, None),
    "leave_threshold_days": (Decimal("0.5"), Decimal("30")),  # D3: half days; over it goes to the department
    "half_year_due_days": (0, 90),
    "annual_due_month": (1, 12),
    "annual_due_day": (1, 31),  # and a day the month has: PolicyFields.clean_fields
    "quarterly_due_days": (0, 60),
    "term_end_replaces_within_days": (0, 90),
    "mentors_per_cadre": (0, 5),
    "excellent_cap_percent": (0, 100),
    "admonition_below_percent": (0, 100),
    "recall_below_percent": (0, 100),  # and not above the admonition line
    "investment_excellent_yuan": (1, None),
}
# The longest day of each month; 29 February is allowed and falls on the 28th in a common year
# (reports.services.schedule._day_of).
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def _in_range(name: str) -> list:
    """The validators of a setting's range, with messages that say what is wrong in Chinese."""
    low, high = POLICY_RANGES[name]
    validators = [MinValueValidator(low, message=_("不能小于 %(limit_value)s。"))]
    if high is not None:
        validators.append(MaxValueValidator(high, message=_("不能大于 %(limit_value)s。")))
    return validators


def _whole_or_half_days(value) -> None:
    """D3: leave is counted in half days, so a threshold between them means nothing."""
    if value is not None and (Decimal(value) * 2) % 1:
        raise ValidationError(_("应以半天（0.5 天）为单位。"), code="half_days")


class PolicyFields(models.Model):
    """Per-program settings (D2). Defaults are 晋城's values; the other localities are presets."""

    class SelectionMode(models.TextChoices):
        PERSONAL = "personal", _("个人申请")
        UNIT = "unit", _("单位推荐")
        BOTH = "both", _("个人申请与单位推荐相结合（双向选择）")

    class RatioScope(models.TextChoices):
        PER_POST = "post", _("按岗位")
        PER_PROGRAM = "program", _("按项目")

    class EscalationMode(models.TextChoices):
        APPROVAL = "approval", _("报组织部审批")
        FILING = "filing", _("报组织部备案")

    class DayCounting(models.TextChoices):
        WORKING = "working", _("按工作日")
        CALENDAR = "calendar", _("按自然日")

    class Rounding(models.TextChoices):
        DOWN = "down", _("向下取整")
        HALF_UP = "half_up", _("四舍五入")
        UP = "up", _("向上取整")

    # Term (R8)
    term_months = models.PositiveSmallIntegerField(_("挂职期限（月）"), default=12, validators=_in_range("term_months"))
    # Eligibility (R5)
    min_education = models.PositiveSmallIntegerField(
        _("最低学历"), choices=Cadre.Education.choices, default=Cadre.Education.JUNIOR_COLLEGE
    )
    require_full_time_education = models.BooleanField(_("要求全日制学历"), default=False)
    max_age_county_level = models.PositiveSmallIntegerField(
        _("县处级年龄上限（周岁）"), null=True, blank=True, default=45, validators=_in_range("max_age_county_level")
    )
    max_age_township_level = models.PositiveSmallIntegerField(
        _("乡科级年龄上限（周岁）"), null=True, blank=True, default=40, validators=_in_range("max_age_township_level")
    )
    max_age_general = models.PositiveSmallIntegerField(
        _("一般干部年龄上限（周岁）"), null=True, blank=True, default=35, validators=_in_range("max_age_general")
    )
    require_deputy_section_leader = models.BooleanField(_("要求在职在编副科级领导职务"), default=False)
    require_no_conduct_record = models.BooleanField(_("要求无违纪违法记录"), default=False)
    require_healthy = models.BooleanField(_("要求身体健康"), default=False)
    require_lacks_grassroots = models.BooleanField(_("要求缺乏基层工作经历"), default=False)
    require_personal_application = models.BooleanField(_("要求本人提出申请"), default=False)
    reserve_cadres_only = models.BooleanField(_("仅从后备干部中选派"), default=False)
    # Selection procedure (R7, D7)
    selection_mode = models.CharField(
        _("报名方式"), max_length=10, choices=SelectionMode.choices, default=SelectionMode.BOTH
    )
    demand_survey = models.BooleanField(_("先开展岗位需求调研"), default=False)
    shortlist_ratio = models.PositiveSmallIntegerField(
        _("初步人选差额比例（1:N）"), default=2, validators=_in_range("shortlist_ratio")
    )
    shortlist_ratio_scope = models.CharField(
        _("差额比例计算范围"), max_length=10, choices=RatioScope.choices, default=RatioScope.PER_PROGRAM
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"), default=5, validators=_in_range("notice_working_days")
    )
    batch_size = models.PositiveSmallIntegerField(
        _("每批人数"), null=True, blank=True, validators=_in_range("batch_size")
    )
    # Leave (R11, D3)
    leave_threshold_days = models.DecimalField(
        _("挂职单位审批请假天数上限"), max_digits=4, decimal_places=1, default=3,
        validators=[*_in_range("leave_threshold_days"), _whole_or_half_days],
    )
    leave_escalation_mode = models.CharField(
        _("超过上限的请假"), max_length=10, choices=EscalationMode.choices, default=EscalationMode.APPROVAL
    )
    leave_day_counting = models.CharField(
        _("请假天数计算"), max_length=10, choices=DayCounting.choices, default=DayCounting.WORKING
    )
    # Reports (R12, D5)
    half_year_reports = models.BooleanField(_("半年书面汇报"), default=True)
    half_year_due_days = models.PositiveSmallIntegerField(
        _("半年汇报截止（半年结束后天数）"), default=15, validators=_in_range("half_year_due_days")
    )
    annual_summary = models.BooleanField(_("年度书面总结"), default=True)
    annual_due_month = models.PositiveSmallIntegerField(
        _("年度总结截止月"), default=1, validators=_in_range("annual_due_month")
    )
    annual_due_day = models.PositiveSmallIntegerField(
        _("年度总结截止日"), default=15, validators=_in_range("annual_due_day"),
        help_text=_("可填2月29日：平年为2月28日。"),
    )
    quarterly_reports = models.BooleanField(_("季度工作报告"), default=True)
    quarterly_due_days = models.PositiveSmallIntegerField(
        _("季度报告截止（季度结束后天数）"), default=10, validators=_in_range("quarterly_due_days")
    )
    term_end_report = models.BooleanField(_("期满工作报告或调研报告"), default=True)
    term_end_replaces_within_days = models.PositiveSmallIntegerField(
        _("期满报告替代相邻半年汇报的天数"), default=31, validators=_in_range("term_end_replaces_within_days"),
    )
    # Inspection and daily management (R13, R14)
    quarterly_inspection = models.BooleanField(_("每季度跟踪考察"), default=False)
    attendance_required = models.BooleanField(_("挂职单位考勤"), default=True)
    contact_tracking = models.BooleanField(_("“三联一解决”跟踪联系"), default=False)
    return_visits = models.BooleanField(_("回访走访"), default=False)
    mentors_per_cadre = models.PositiveSmallIntegerField(
        _("每人帮带责任人数"), default=1, validators=_in_range("mentors_per_cadre")
    )
    yearly_target_letter = models.BooleanField(_("每年签订目标管理责任书"), default=False)
    monthly_exchange_meeting = models.BooleanField(_("每月经验交流会"), default=False)
    owned_cases = models.BooleanField(_("包案制度"), default=False)
    feedback_cards = models.BooleanField(_("村级决策信息反馈卡"), default=False)
    pre_post_training = models.BooleanField(_("岗前培训"), default=False)
    temporary_party_branch = models.BooleanField(_("临时党支部"), default=False)
    party_relation_moves = models.BooleanField(_("组织关系随转"), default=False)
    # Assessment (R15–R18, D4)
    excellent_cap_percent = models.PositiveSmallIntegerField(
        _("优秀比例上限（%）"), default=30, validators=_in_range("excellent_cap_percent")
    )
    excellent_rounding = models.CharField(
        _("优秀名额取整方式"), max_length=10, choices=Rounding.choices, default=Rounding.DOWN
    )
    pool_split_by_rank_tier = models.BooleanField(_("按职级分别确定优秀比例"), default=False)
    quantitative_scoring = models.BooleanField(_("百分制量化考核"), default=False)
    satisfaction_survey = models.BooleanField(_("年终满意度测评"), default=False)
    admonition_below_percent = models.PositiveSmallIntegerField(
        _("诫勉谈话满意率线（%）"), default=60, validators=_in_range("admonition_below_percent")
    )
    recall_below_percent = models.PositiveSmallIntegerField(
        _("召回满意率线（%）"), default=50, validators=_in_range("recall_below_percent")
    )
    investment_excellent_yuan = models.PositiveIntegerField(
        _("引进项目投资达此额年终定为优秀（元）"), null=True, blank=True, validators=_in_range("investment_excellent_yuan"),
    )
    # Incentives (R24)
    incentives = models.BooleanField(_("激励保障（绩效工资、奖励、补助）"), default=False)

    class Meta:
        abstract = True
        constraints = []

    @classmethod
    def policy_field_names(cls) -> list[str]:
        return [field.name for field in PolicyFields._meta.get_fields()]

    def policy_values(self) -> dict:
        return {name: getattr(self, name) for name in self.policy_field_names()}

    def clean_fields(self, exclude=None):
        """Each field's range (validators), then the rules between fields. The latter are here,
        not in ``clean()``, because each names the field it is about, and a model form may be told
        only about the fields it shows: ``exclude`` lists the others."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        skip = set(exclude or ()) | set(errors)
        for names, message in self._rules_between_fields():
            if set(names) & set(errors):
                continue  # one of them is already wrong on its own
            shown = [name for name in names if name not in skip]
            if shown and message:
                errors.setdefault(shown[0], []).append(message[shown[0]] if isinstance(message, dict) else message)
        if errors:
            raise ValidationError(errors)

    def _rules_between_fields(self):
        """(fields, message or None) for each rule between settings; a dict gives the message by the
        field it is shown on."""
        month, day = self.annual_due_month, self.annual_due_day
        exists = month not in MONTH_DAYS or day is None or day <= MONTH_DAYS[month]
        yield ("annual_due_day", "annual_due_month"), None if exists else _("%(month)s月没有%(day)s日。") % {
            "month": month, "day": day}
        recall, admonition = self.recall_below_percent, self.admonition_below_percent
        yield ("recall_below_percent", "admonition_below_percent"), None if recall <= admonition else {
            "recall_below_percent": _("不能高于诫勉谈话满意率线（%(line)s%%）。") % {"line": admonition},
            "admonition_below_percent": _("不能低于召回满意率线（%(line)s%%）。") % {"line": recall},
        }


def _range_message(name: str):
    """What a range check of the database says if a write ever reaches it past the validators."""
    field = PolicyFields._meta.get_field(name)
    low, high = POLICY_RANGES[name]

    def message() -> str:
        if high is None:
            text = _("%(field)s不能小于 %(low)s。") % {"field": field.verbose_name, "low": low}
        else:
            text = _("%(field)s应在 %(low)s 到 %(high)s 之间。") % {"field": field.verbose_name, "low": low, "high": high}
        return text.replace("%", "%%")  # Django formats the message with the constraint's name

    return lazy(message, str)()


def _policy_constraints(prefix: str) -> list:
    """D2: the plain ranges (POLICY_RANGES), the choices and the rules between fields that a row
    must satisfy, whoever writes it."""
    constraints = []
    for name, (low, high) in POLICY_RANGES.items():
        condition = Q(**{f"{name}__gte": low}) if high is None else Q(**{f"{name}__gte": low, f"{name}__lte": high})
        if PolicyFields._meta.get_field(name).null:
            condition |= Q(**{f"{name}__isnull": True})
        constraints.append(models.CheckConstraint(
            condition=condition, name=f"{prefix}_{name}_range", violation_error_message=_range_message(name)))
    for field in PolicyFields._meta.fields:  # forward fields only: the model registry is still loading
        if field.choices and field.name not in POLICY_RANGES:
            constraints.append(models.CheckConstraint(
                condition=Q(**{f"{field.name}__in": [value for value, _label in field.choices]}),
                name=f"{prefix}_{field.name}_choice", violation_error_message=_("政策设置中有无效的选项。"),
            ))
    short_months = [month for month, days in MONTH_DAYS.items() if days < 31]
    constraints += [
        models.CheckConstraint(
            condition=~Q(annual_due_month__in=short_months)
            | Q(annual_due_month=2, annual_due_day__lte=MONTH_DAYS[2])
            | Q(annual_due_month__in=[m for m in short_months if m != 2], annual_due_day__lte=30),
            name=f"{prefix}_annual_due_day_exists",
            violation_error_message=_("年度总结截止日在该月不存在。"),
        ),
        models.CheckConstraint(
            condition=Q(recall_below_percent__lte=models.F("admonition_below_percent")),
            name=f"{prefix}_recall_below_admonition",
            violation_error_message=_("召回满意率线不能高于诫勉谈话满意率线。"),
        ),
    ]
    return constraints


class PolicyPreset(PolicyFields):
    """A locality's ready-made policy (晋城 default, 安丘, 杭州, 江东, 淮上). A template only (D2)."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_default = models.BooleanField(_("默认"), default=False)

    class Meta:
        verbose_name = _("政策模板")
        verbose_name_plural = _("政策模板")
        ordering = ["-is_default", "code"]
        constraints = _policy_constraints("preset") + [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_preset"),
        ]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A secondment program (挂职锻炼项目): one batch of one type, run by one department."""

    name = models.CharField(_("项目名称"), max_length=100)
    secondment_type = models.CharField(_("挂职方式"), max_length=10, choices=SecondmentType.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    organising_department = models.ForeignKey(
        OrgDepartment, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="programs"
    )
    reference_date = models.DateField(_("资格审查基准日"), help_text=_("计算年龄等资格条件的日期。"))
    planned_start = models.DateField(_("计划开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("挂职项目")
        verbose_name_plural = _("挂职项目")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organising_department", "year", "name"], name="program_unique_name"),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("planned_start")), name="program_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"


class ProgramPolicy(PolicyFields):
    """The program's own copy of its policy (D2): editing a preset never changes it."""

    program = models.OneToOneField(Program, verbose_name=_("挂职项目"), on_delete=models.CASCADE, related_name="policy")
    preset = models.ForeignKey(
        PolicyPreset, verbose_name=_("来源模板"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("项目政策")
        verbose_name_plural = _("项目政策")
        constraints = _policy_constraints("program_policy")

    def __str__(self) -> str:
        return str(_("%(program)s 的政策") % {"program": self.program})


class HostPost(models.Model):
    """A post (岗位) at a host unit in a program, e.g. 党委委员、副镇长, with its places."""

    program = models.ForeignKey(Program, verbose_name=_("挂职项目"), on_delete=models.CASCADE, related_name="posts")
    host_unit = models.ForeignKey(Unit, verbose_name=_("挂职单位"), on_delete=models.PROTECT, related_name="host_posts")
    title = models.CharField(_("挂任职务"), max_length=100)
    places = models.PositiveSmallIntegerField(_("名额"), default=1)
    duties = models.TextField(_("岗位职责"), blank=True)

    class Meta:
        verbose_name = _("挂职岗位")
        verbose_name_plural = _("挂职岗位")
        ordering = ["program", "host_unit", "title"]
        constraints = [
            models.UniqueConstraint(fields=["program", "host_unit", "title"], name="host_post_unique"),
            models.CheckConstraint(condition=Q(places__gte=1), name="host_post_places_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.host_unit} {self.title}"


class Placement(models.Model):
    """A cadre's secondment to a host post (挂职安排, R9, R10).

    Status moves only through ``programs.services.placement_transition`` along ``TRANSITIONS``.
    A cadre holds at most one active (拟任 or 在岗) placement: a database constraint.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("拟任")
        ACTIVE = "active", _("在岗")
        COMPLETED = "completed", _("期满")
        ENDED_EARLY = "ended_early", _("提前结束")
        RECALLED = "recalled", _("召回")

    OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE)
    TRANSITIONS = {
        Status.PROPOSED: (Status.ACTIVE,),
        Status.ACTIVE: (Status.COMPLETED, Status.ENDED_EARLY, Status.RECALLED),
        Status.COMPLETED: (),
        Status.ENDED_EARLY: (),
        Status.RECALLED: (),
    }

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="placements")
    program = models.ForeignKey(Program, verbose_name=_("挂职项目"), on_delete=models.PROTECT, related_name="placements")
    host_post = models.ForeignKey(HostPost, verbose_name=_("挂职岗位"), on_delete=models.PROTECT, related_name="placements")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    planned_start = models.DateField(_("计划开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    actual_start = models.DateField(_("实际到岗日期"), null=True, blank=True)
    actual_end = models.DateField(_("实际结束日期"), null=True, blank=True)
    division_of_work = models.TextField(_("工作分工"), blank=True)
    work_targets = models.TextField(_("工作目标任务"), blank=True)
    party_relation_moved = models.BooleanField(_("组织关系已转至挂职单位"), default=False)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("挂职安排")
        verbose_name_plural = _("挂职安排")
        ordering = ["-planned_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(status__in=["proposed", "active"]), name="one_active_placement_per_cadre"
            ),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("planned_start")), name="placement_planned_end_after_start"),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False, actual_end__gte=models.F("actual_start")),
                name="placement_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(actual_start__isnull=False), name="placement_active_has_start"
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.host_post}"

    @property
    def host_unit(self) -> Unit:
        return self.host_post.host_unit

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PlacementStatusChange(models.Model):
    """One row per status move of a placement: who, when, from, to, why."""

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=12, choices=Placement.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Placement.Status.choices)
    effective_date = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["placement", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Mentor(models.Model):
    """A mentor (帮带责任人) named for a placement (R10; 江东: a deputy director and an expert)."""

    class Kind(models.TextChoices):
        LEADER = "leader", _("领导帮带")
        EXPERT = "expert", _("业务骨干帮带")

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.CASCADE, related_name="mentors")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.LEADER)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentorships",
    )

    class Meta:
        verbose_name = _("帮带责任人")
        verbose_name_plural = _("帮带责任人")
        ordering = ["placement", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


class TargetLetter(models.Model):
    """A target responsibility letter (目标管理责任书, R10; 淮上: signed yearly)."""

    placement = models.ForeignKey(Placement, verbose_name=_("挂职安排"), on_delete=models.CASCADE, related_name="target_letters")
    year = models.PositiveSmallIntegerField(_("年度"))
    term_targets = models.TextField(_("任期目标"))
    annual_targets = models.TextField(_("年度目标"))
    signed_on = models.DateField(_("签订日期"))
    document = models.FileField(
        _("责任书扫描件"), upload_to="placements/target_letters/", blank=True, validators=[validate_document_upload]
    )

    class Meta:
        verbose_name = _("目标管理责任书")
        verbose_name_plural = _("目标管理责任书")
        ordering = ["placement", "year"]
        constraints = [models.UniqueConstraint(fields=["placement", "year"], name="one_target_letter_per_year")]

    def __str__(self) -> str:
        return str(_("%(year)s年目标管理责任书") % {"year": self.year})


class HolidaySource(models.TextChoices):
    """Where a holiday row, or a year's schedule, came from (D3)."""

    LIBRARY = "library", _("节假日数据库")
    NOTICE = "notice", _("国务院通知")
    STAFF = "staff", _("工作人员录入")


class Holiday(models.Model):
    """The holiday table (D3): statutory days off and make-up working days (调休上班).

    The table is the authority every working-day count reads; staff holding the permission
    ``manage_holidays`` correct it. ``source`` says where a row came from, so a later fill from
    the library never overwrites what staff entered.
    """

    Source = HolidaySource

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20)
    source = models.CharField(_("来源"), max_length=10, choices=HolidaySource.choices, default=HolidaySource.STAFF)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]
        permissions = [("manage_holidays", _("可维护全国节假日表"))]

    def __str__(self) -> str:
        return f"{self.date} {self.name}（{self.get_kind_display()}）"


class HolidayYear(models.Model):
    """A year whose schedule is entered (D3): where it came from, by whom and when.

    A year without this row has no schedule: counts that reach it use the days off fixed by law
    and are marked provisional.
    """

    Source = HolidaySource

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=HolidaySource.choices)
    reference = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("通知文号或数据库版本。"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)s年节假日安排") % {"year": self.year}


class RoleAssignment(models.Model):
    """A role a user holds (D6). A user may hold several.

    Organisation-department staff belong to one department; unit roles name their unit.
    Mentors and cadres are roles by their links (``Mentor.user``, ``Cadre.user``).
    """

    class Role(models.TextChoices):
        ORG_STAFF = "org_staff", _("组织部工作人员")
        HOST_APPROVER = "host_approver", _("挂职单位审批人")
        HOST_CLERK = "host_clerk", _("挂职单位经办人")
        SUPERVISING_TOWNSHIP = "township", _("乡镇（街道）党委")
        SENDING_CONTACT = "sending_contact", _("派出单位联系人")

    UNIT_ROLES = (Role.HOST_APPROVER, Role.HOST_CLERK, Role.SUPERVISING_TOWNSHIP, Role.SENDING_CONTACT)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        OrgDepartment, verbose_name=_("组织部"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="user_roles")

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="org_staff", department__isnull=False, unit__isnull=True)
                           | (~Q(role="org_staff") & Q(department__isnull=True, unit__isnull=False))),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(role="org_staff"), name="staff_in_one_department"),
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.department or self.unit}"


class DemoRecord(models.Model):
    """A row ``seed_demo`` wrote (D9). The demo reads and changes only the rows listed here, so
    records staff create beside it — even at its units, by its accounts — are never touched.

    ``key`` names the row in the demo's plan (``department:泽州县委组织部``, ``program:zezhou_down``)
    where a later step or run looks it up: by the key, not by a name staff may have changed.
    ``demo_day`` is the day the demo is relative to: the day of its first run.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("类型"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    key = models.CharField(_("演示数据中的名称"), max_length=200, blank=True)
    demo_day = models.DateField(_("演示基准日"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据记录")
        verbose_name_plural = _("演示数据记录")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="demo_record_unique_object"),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="demo_record_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key or f"{self.content_type_id}:{self.object_id}"
