from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("书面报告")

    def ready(self):
        from core.files import protected_folder_register
        from portal.timeline import timeline_register
        from portal.waiting import waiting_register

        from . import portal_hooks, selectors

        # Attachments are downloaded only through /files/, by those who may read the report.
        protected_folder_register("reports/attachments", selectors.report_attachments_visible_to, "file")
        # The badge (reports to write, comment on, accept) and the per-cadre timeline (R12).
        waiting_register(portal_hooks.waiting_items)
        timeline_register(portal_hooks.timeline_events)
