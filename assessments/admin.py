"""Assessment results in the admin: read-only, scoped like the placements they grade (D1).

Grades are written by the grading workflow of a later issue, whose service holds the 30 % cap
(R16) under concurrent grading; a raw admin form would bypass it, so none is offered here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ScopedAdmin, ScopedRelatedFilter

from .models import Assessment
from .selectors import assessments_visible_to


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(assessments_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["cadre", "host_unit", "tier", "year", "grade", "score", "assessed_on"]
    list_filter = ["tier", "grade", "year", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name", "=placement__cadre__id_number", "placement__host_post__host_unit__name"]
    list_select_related = ["placement__cadre", "placement__host_post__host_unit"]
    fields = ["placement", "tier", "year", "grade", "score", "assessed_on", "remarks", "created_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("挂职干部"), ordering="placement__cadre__name")
    def cadre(self, obj):
        return obj.placement.cadre

    @admin.display(description=_("挂职单位"), ordering="placement__host_post__host_unit__name")
    def host_unit(self, obj):
        return obj.placement.host_post.host_unit

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
