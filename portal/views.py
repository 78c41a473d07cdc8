"""The portal for host units, sending units, mentors and cadres (staff work in the admin)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from programs.models import Mentor, Unit
from programs.roles import user_scope
from programs.selectors import placements_visible_to

PLACEMENT_ROWS = 200


@login_required
def home(request):
    """A role-aware home page: each role sees the placements it reaches, and what it may do."""
    scope = user_scope(request.user)
    if not scope.role_labels:
        raise PermissionDenied(_("您的账号尚未分配角色,请联系组织部开通。"))
    placements = (
        placements_visible_to(request.user)
        .select_related("cadre", "cadre__sending_unit", "host_post__host_unit", "program")
        .order_by("status", "-planned_start", "pk")
    )
    sections = []
    if scope.host_unit_ids:
        sections.append((_("本单位挂职干部"), placements.filter(host_post__host_unit_id__in=scope.host_unit_ids)))
    if scope.township_unit_ids:
        sections.append((_("本乡镇所辖村挂职干部"), placements.filter(
            host_post__host_unit__parent_id__in=scope.township_unit_ids, host_post__host_unit__level=Unit.Level.VILLAGE
        )))
    if scope.sending_unit_ids:
        sections.append((_("本单位派出的挂职干部"), placements.filter(cadre__sending_unit_id__in=scope.sending_unit_ids)))
    if scope.is_mentor:
        sections.append((_("我帮带的挂职干部"), placements.filter(pk__in=Mentor.objects.filter(user=request.user).values("placement_id"))))
    if scope.cadre_id:
        sections.append((_("我的挂职"), placements.filter(cadre_id=scope.cadre_id)))
    context = {
        "scope": scope,
        "sections": [(title, list(rows[:PLACEMENT_ROWS])) for title, rows in sections],
        "show_admin_link": request.user.is_staff,
    }
    return render(request, "portal/home.html", context)
