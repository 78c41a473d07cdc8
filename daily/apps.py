from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyConfig(AppConfig):
    name = "daily"
    verbose_name = _("日常管理")

    def ready(self):
        from portal.timeline import timeline_register
        from portal.waiting import waiting_register
        from programs.holiday_schedule import schedule_listener_register

        from . import selectors, selectors_supervision
        from .services import leave_recount

        waiting_register(selectors.waiting_items)
        waiting_register(selectors_supervision.waiting_items)
        timeline_register(selectors.timeline_events)
        timeline_register(selectors_supervision.timeline_events)
        schedule_listener_register(leave_recount.leaves_recount_for_year)
