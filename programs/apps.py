from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("挂职项目管理")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.admin_mixins import admin_field_restrict
        from core.files import protected_folder_register

        from . import selectors
        from .models import Cadre
        from .roles import role_groups_sync

        protected_folder_register("cadres/photos", selectors.cadres_visible_to, "photo")
        protected_folder_register("placements/target_letters", selectors.target_letters_visible_to, "document")
        # R3: who sees the ID number masked may not filter, export or search by it either.
        admin_field_restrict(Cadre, "id_number", readable_by=selectors.can_see_full_id_number)

        # After every app's migrations: the groups also hold other apps' permissions.
        post_migrate.connect(role_groups_sync, dispatch_uid="programs.role_groups_sync")
