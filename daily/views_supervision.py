"""The host unit's supervision pages (D6: its approver and clerk): monthly attendance of its
seconded cadres and their confirmation (R13), unauthorised absence (R11) and the results of the
organisation department's on-post checks.

A view fetches through the scoped selectors (another unit's cadre is 404), checks the role
(403), calls one service and renders; a refusal from the service shows on the page.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import AccessDenied, ApplicationError
from programs.models import Cadre
from programs.roles import user_scope

from . import selectors
from .filters_supervision import AttendanceMonthFilter
from .forms_supervision import AttendanceConfirmForm, ViolationForm
from .models import AttendanceMonth, Inspection
from .selectors_supervision import attendance_months_missing, host_placements
from .services import supervision as services

ROWS = 300


def _host_scope(user):
    """D6: these pages are the host unit's (approver or clerk); anyone else is refused."""
    scope = user_scope(user)
    if not scope.host_unit_ids:
        raise AccessDenied(_("此页面只对挂职单位的审批人和经办人开放。"))
    return scope


@login_required
def attendance_list(request):
    """Months to confirm, and the attendance rows of the unit's cadres (filter: month, cadre, confirmed)."""
    _host_scope(request.user)
    placements = host_placements(request.user)
    rows = (
        selectors.attendance_months_visible_to(request.user)
        .filter(placement__in=placements)
        .select_related("placement__cadre", "placement__host_post__host_unit", "confirmed_by")
        .order_by("-month", "placement__cadre__name")
    )
    cadres = placements.values("cadre_id")
    filterset = AttendanceMonthFilter(
        request.GET or None, queryset=rows, cadres=Cadre.objects.filter(pk__in=cadres).order_by("name"),
    )
    missing = attendance_months_missing(placements)
    if filterset.is_bound and filterset.is_valid():
        data = filterset.form.cleaned_data
        month = AttendanceMonthFilter.parse_month(data.get("month"))
        if data.get("month"):
            missing = [(p, m) for p, m in missing if m == month]
        if data.get("cadre"):
            missing = [(p, m) for p, m in missing if p.cadre_id == data["cadre"].pk]
        if data.get("confirmed") is True:
            missing = []
    return render(request, "daily/supervision/attendance_list.html", {
        "filter": filterset, "rows": filterset.qs[:ROWS], "missing": missing[:ROWS], "missing_count": len(missing),
    })


def _month_of(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise Http404(_("月份不正确。")) from None


@login_required
def attendance_confirm(request, placement_id: int, year: int, month: int):
    """Show the month's computed figures; on POST confirm them with business trips and a note."""
    _host_scope(request.user)
    placement = get_object_or_404(
        host_placements(request.user).select_related("cadre", "host_post__host_unit", "program__policy"), pk=placement_id
    )
    first = _month_of(year, month)
    row = AttendanceMonth.objects.filter(placement=placement, month=first).select_related("confirmed_by").first()
    form = AttendanceConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_month_confirm(
                acting_user=request.user, placement=placement, month=first,
                business_trip_days=form.cleaned_data["business_trip_days"], note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已确认 %(cadre)s %(month)s 的考勤。") % {
                "cadre": placement.cadre.name, "month": f"{first:%Y-%m}"})
            return redirect("daily:attendance_list")
    figures = services.attendance_month_figures(placement=placement, month=first)
    status = 400 if request.method == "POST" else 200
    return render(request, "daily/supervision/attendance_confirm.html", {
        "placement": placement, "month": first, "figures": figures, "row": row, "form": form,
        "confirmable": row is None or row.confirmed_at is None,
        "month_over": timezone.localdate() >= services.month_last(first),
    }, status=status)


@login_required
def violation_list(request):
    """Violations of the unit's cadres."""
    _host_scope(request.user)
    violations = (
        selectors.violations_visible_to(request.user)
        .filter(placement__in=host_placements(request.user))
        .select_related("placement__cadre", "placement__host_post__host_unit", "recorded_by")
        .order_by("-start_date", "-pk")
    )
    return render(request, "daily/supervision/violation_list.html", {"violations": violations[:ROWS]})


@login_required
def violation_create(request):
    """Record unauthorised absence (擅自离岗, R11) of one of the unit's cadres."""
    _host_scope(request.user)
    placements = host_placements(request.user).exclude(actual_start__isnull=True).order_by("cadre__name")
    form = ViolationForm(request.POST or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.violation_record(
                acting_user=request.user, placement=data["placement"], kind=data["kind"],
                start_date=data["start_date"], end_date=data["end_date"], description=data["description"],
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录 %(cadre)s 的违规情况，并告知组织部。") % {"cadre": data["placement"].cadre.name})
            return redirect("daily:violation_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "daily/supervision/violation_form.html", {"form": form}, status=status)


@login_required
def check_list(request):
    """Results of the organisation department's inspections and on-post checks of the unit's cadres."""
    _host_scope(request.user)
    checks = (
        selectors.inspection_checks_visible_to(request.user)
        .filter(placement__in=host_placements(request.user))
        .exclude(inspection__status=Inspection.Status.CANCELLED)
        .select_related("inspection__department", "placement__cadre", "placement__host_post__host_unit", "leave")
        .order_by("-inspection__date", "placement__cadre__name")
    )
    return render(request, "daily/supervision/check_list.html", {"checks": checks[:ROWS]})
