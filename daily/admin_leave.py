from django.contrib import admin

from core.admin_mixins import ScopedAdmin

from . import selectors
from .models import LeaveRequest


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.leave_requests_visible_to)
