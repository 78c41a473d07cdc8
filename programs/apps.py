from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("挂职项目管理")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import role_groups_sync

        # After every app's migrations: the groups also hold other apps' permissions.
        post_migrate.connect(role_groups_sync, dispatch_uid="programs.role_groups_sync")
