"""The performance archive (实绩档案, R20, D8). PDF generation comes in a later issue; each
generated version is kept here, identified by the SHA-256 of its canonical source data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_pdf_upload


class ArchiveVersion(models.Model):
    """One generated version of a placement's performance archive."""

    placement = models.ForeignKey(
        "programs.Placement", verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="archive_versions"
    )
    version = models.PositiveIntegerField(_("版本"))
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64)
    pdf = models.FileField(_("PDF 文件"), upload_to="archives/", blank=True, validators=[validate_pdf_upload])
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实绩档案版本")
        verbose_name_plural = _("实绩档案版本")
        ordering = ["placement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "version"], name="archive_version_unique"),
            # D8: the same data gives the same hash, and no new version.
            models.UniqueConstraint(fields=["placement", "content_hash"], name="archive_hash_unique"),
        ]
        permissions = [("download_archive", _("可下载实绩档案"))]

    def __str__(self) -> str:
        return f"{self.placement} v{self.version}"
