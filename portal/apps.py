from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from .selectors import placement_status_events
        from .timeline import timeline_register

        # The placement's own moves (拟任 → 在岗 → 期满 …) open every per-cadre timeline.
        timeline_register(placement_status_events)
