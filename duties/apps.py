from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = _("履职管理")

    def ready(self):
        from core.files import protected_folder_register
        from portal.timeline import timeline_register
        from portal.waiting import waiting_register

        from . import selectors

        waiting_register(selectors.waiting_items)
        timeline_register(selectors.timeline_events)
        # Meeting minutes are downloaded only by those who see the meeting (D6).
        protected_folder_register("duties/meetings", selectors.exchange_meetings_visible_to, "minutes")
