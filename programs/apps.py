from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("挂职项目管理")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import role_groups_sync

        post_migrate.connect(role_groups_sync, sender=self)
