"""Leave in the portal (R11): the cadre requests, cancels and reports back; the host unit's
approver decides or gives its opinion; the department's staff may decide here too (they
normally work in the admin). A view fetches through the scoped selectors (out of scope → 404),
calls one service and shows its refusal on the page; acting without the right role → 403.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import AccessDenied, ApplicationError
from programs.calendar import years_without_schedule
from programs.models import Placement
from programs.roles import user_scope

from . import selectors
from .filters import LeaveRequestFilter
from .forms import LeaveDecisionForm, LeaveOpinionForm, LeaveRequestForm, LeaveReturnForm
from .models import LeaveRequest
from .services import leave as leave_services

PAGE_SIZE = 30


def _ensure_portal_user(user):
    scope = user_scope(user)
    if not scope.role_labels:
        raise AccessDenied(_("您的账号尚未分配角色，请联系组织部开通。"))
    return scope


@login_required
def leave_list(request):
    """Every request the user reaches, with filters; “待我审批” for approvers, “请假” for cadres."""
    scope = _ensure_portal_user(request.user)
    queryset = (
        selectors.leave_requests_visible_to(request.user)
        .select_related("placement__cadre", "placement__host_post__host_unit", "department")
        .order_by("-start_date", "-pk")
    )
    leave_filter = LeaveRequestFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(leave_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(leave, leave_services.leave_return_overdue(leave, today=today)) for leave in page]
    return render(request, "daily/leave_list.html", {
        "scope": scope,
        "filter": leave_filter,
        "page": page,
        "rows": rows,
        "awaiting_count": selectors.leave_requests_awaiting(request.user).count(),
        "can_request": bool(scope.cadre_id),
    })


def _active_placement_of(scope) -> Placement | None:
    return (
        Placement.objects.filter(cadre_id=scope.cadre_id, status=Placement.Status.ACTIVE)
        .select_related("program__policy", "host_post__host_unit", "cadre__managing_department")
        .first()
    )


@login_required
def leave_create(request):
    scope = user_scope(request.user)
    if not scope.cadre_id:
        raise AccessDenied(_("只有挂职干部本人可以请假。"))
    placement = _active_placement_of(scope)
    form = LeaveRequestForm(request.POST or None)
    chain_notice = ""
    if placement is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "acting_user": request.user, "placement": placement, "kind": data["kind"], "start_date": data["start_date"],
            "start_afternoon": data["start_afternoon"], "end_date": data["end_date"], "end_noon": data["end_noon"],
            "reason": data["reason"], "late_reason": data["late_reason"],
        }
        period_key = form.period_key()
        try:
            if data["confirmed"] != period_key:
                route = leave_services.leave_request_preview(**values)
                if route.joined:
                    # D3: say before submitting that the request counts with the ones next to it.
                    chain_notice = leave_services.leave_chain_text(route)
                    form = LeaveRequestForm({**request.POST.dict(), "confirmed": period_key})
            if not chain_notice:
                leave = leave_services.leave_request_create(**values)
        except AccessDenied:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if not chain_notice:
                messages.success(
                    request, leave_services.leave_submitted_text(leave, threshold=placement.program.policy.leave_threshold_days)
                )
                if leave.days_provisional:
                    messages.warning(request, leave_services.days_provisional_note(leave))
                return redirect("daily:leave_detail", pk=leave.pk)
    return render(request, "daily/leave_form.html", {
        "form": form, "placement": placement, "policy": placement.program.policy if placement else None,
        "rule_text": leave_services.leave_rule_text(
            policy=placement.program.policy, department=placement.cadre.managing_department
        ) if placement else "",
        "chain_notice": chain_notice,
        # D3: years of the placement whose holiday schedule is not entered: counts there are provisional.
        "unscheduled_years": years_without_schedule(timezone.localdate(), leave_services._placement_end(placement))
        if placement else [],
    })


def _leave_for(user, pk) -> LeaveRequest:
    return get_object_or_404(
        selectors.leave_requests_visible_to(user).select_related(
            "placement__cadre__user", "placement__host_post__host_unit", "placement__program__policy", "department",
            "requested_by",
        ),
        pk=pk,
    )


def _apply(request, leave: LeaveRequest, action: str):
    """Run one action posted from the detail page; returns a form with errors, or None when done."""
    user = request.user
    if action == "host_decide":
        form = LeaveDecisionForm(request.POST)
        if not form.is_valid():
            return form
        leave_services.leave_host_decide(
            acting_user=user, leave=leave, approve=form.cleaned_data["decision"] == "approve",
            opinion=form.cleaned_data["opinion"],
        )
    elif action == "department_decide":
        form = LeaveDecisionForm(request.POST)
        if not form.is_valid():
            return form
        leave_services.leave_department_decide(
            acting_user=user, leave=leave, approve=form.cleaned_data["decision"] == "approve",
            opinion=form.cleaned_data["opinion"],
        )
    elif action == "filing_acknowledge":
        form = LeaveOpinionForm(request.POST)
        if not form.is_valid():
            return form
        leave_services.leave_filing_acknowledge(acting_user=user, leave=leave, opinion=form.cleaned_data["opinion"])
    elif action == "cancel":
        form = LeaveOpinionForm(request.POST)
        if not form.is_valid():
            return form
        leave_services.leave_cancel(acting_user=user, leave=leave, reason=form.cleaned_data["opinion"])
    elif action == "return":
        form = LeaveReturnForm(request.POST)
        if not form.is_valid():
            return form
        leave_services.leave_return_report(
            acting_user=user, leave=leave, actual_return_date=form.cleaned_data["actual_return_date"],
            actual_return_afternoon=form.cleaned_data["actual_return_afternoon"],
        )
    else:
        raise AccessDenied(_("未知的操作。"))
    return None


DONE_MESSAGES = {
    "host_decide": _("已提交审批意见。"),
    "department_decide": _("已提交审批意见。"),
    "filing_acknowledge": _("已备案。"),
    "cancel": _("请假已撤销。"),
    "return": _("已销假。"),
}


@login_required
def leave_detail(request, pk):
    leave = _leave_for(request.user, pk)
    today = timezone.localdate()
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            failed = _apply(request, leave, action)
        except AccessDenied:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("daily:leave_detail", pk=leave.pk)
        if failed is None:
            messages.success(request, DONE_MESSAGES[action])
            return redirect("daily:leave_detail", pk=leave.pk)
        forms[action] = failed
        leave = _leave_for(request.user, pk)
    actions = leave_services.leave_actions_for(request.user, leave, today=today)
    if "host_decide" in actions:
        forms.setdefault("host_decide", LeaveDecisionForm())
    if "department_decide" in actions:
        forms.setdefault("department_decide", LeaveDecisionForm())
    if "filing_acknowledge" in actions:
        forms.setdefault("filing_acknowledge", LeaveOpinionForm())
    if "return" in actions:
        forms.setdefault("return", LeaveReturnForm(initial={"actual_return_date": min(today, leave.end_date + dt.timedelta(days=1))}))
    return render(request, "daily/leave_detail.html", {
        "leave": leave,
        "steps": leave.steps.select_related("actor").order_by("acted_at", "pk"),
        "actions": actions,
        "forms": forms,
        "overdue": leave_services.leave_return_overdue(leave, today=today),
        "joined_text": leave_services.leave_joined_text(leave),
        "policy": leave.placement.program.policy,
    })
