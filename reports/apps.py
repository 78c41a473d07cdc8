from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("书面报告")

    def ready(self):
        from core.files import protected_folder_register

        from . import selectors

        # Attachments are downloaded only through /files/, by those who may read the report.
        protected_folder_register("reports/attachments", selectors.report_attachments_visible_to, "file")
