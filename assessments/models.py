"""Assessment of seconded cadres (考核, R15–R19). The grading workflows come in a later issue;
this is the record they write: one grade per placement, tier and period."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    """A grade given to a seconded cadre (R15): daily, annual (by calendar year) or end of term."""

    class Tier(models.TextChoices):
        DAILY = "daily", _("日常考核")
        ANNUAL = "annual", _("年度考核")
        TERM_END = "term_end", _("期满考核")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        BASICALLY_COMPETENT = "basic", _("基本称职")
        INCOMPETENT = "incompetent", _("不称职")

    placement = models.ForeignKey(
        "programs.Placement", verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="assessments"
    )
    tier = models.CharField(_("考核类别"), max_length=10, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    score = models.DecimalField(_("量化得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)
    remarks = models.TextField(_("考核意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-year", "placement"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "tier", "year"], condition=~Q(tier="daily"), name="one_annual_or_term_grade"
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.placement.cadre} {self.year} {self.get_tier_display()} {self.get_grade_display()}"
