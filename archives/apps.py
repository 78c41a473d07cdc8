from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("实绩档案")

    def ready(self):
        from core.files import protected_folder_register

        from .selectors import archive_versions_downloadable_by

        protected_folder_register("archives", archive_versions_downloadable_by, "pdf")
