"""Admin of daily management: leave (``admin_leave``) and supervision (``admin_supervision``)."""

from . import admin_leave, admin_supervision  # noqa: F401  (registers the model admins)
