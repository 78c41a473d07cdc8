from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统基础")

    def ready(self):
        from django.contrib.auth import get_user_model

        from .display import person_name

        # The project keeps Django's User. Wherever an account is printed — admin columns and
        # read-only fields, choices, filters, the audit log, notifications — users read the
        # person's name, not the login name.
        get_user_model().__str__ = person_name
