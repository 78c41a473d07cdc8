from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = _("选派工作")

    def ready(self):
        from core.files import protected_folder_register
        from programs.holiday_schedule import schedule_listener_register

        from . import notice_recount, selectors

        # Written applications and recommendation reports are personal data: downloaded only by
        # those who see the record holding them (D6).
        protected_folder_register("selection/applications", selectors.applications_visible_to, "attachment")
        protected_folder_register("selection/recommendations", selectors.recommendations_visible_to, "report_file")
        protected_folder_register("selection/announcements", selectors.selections_visible_to, "announcement_document")
        schedule_listener_register(notice_recount.selections_recheck_for_year)
