"""The portal side of selection (R7 steps 1–3): cadres read announcements and apply; sending
units nominate their cadres and record their leadership meeting's recommendation.

A view fetches through the scoped selectors (out of scope is 404), checks the role (403),
calls one service and renders; refusals from the service are shown on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import AccessDenied, ApplicationError
from programs.models import Cadre, HostPost
from programs.roles import user_scope

from . import selectors, services
from .forms import ApplyForm, DemandRequestForm, NominateForm, RecommendationForm
from .models import Application, Selection

Stage = Selection.Stage


def _portal_roles(user):
    scope = user_scope(user)
    if not (scope.cadre_id or scope.sending_unit_ids):
        raise AccessDenied(_("选派报名只对挂职干部和派出单位开放。"))
    return scope


def _selection_for(user, pk) -> Selection:
    visible = selectors.selections_visible_to(user).filter(stage__in=Selection.PUBLIC_STAGES)
    posts = HostPost.objects.select_related("host_unit").order_by("host_unit__name", "title")
    return get_object_or_404(
        visible.select_related("program__policy", "program__organising_department").prefetch_related(
            Prefetch("program__posts", queryset=posts)
        ),
        pk=pk,
    )


@login_required
def selection_list(request):
    """Announced selections the user may take part in, and their applications."""
    scope = _portal_roles(request.user)
    selections = (
        selectors.selections_visible_to(request.user)
        .filter(stage__in=Selection.PUBLIC_STAGES)
        .select_related("program__organising_department")
        .order_by("-announced_on", "-pk")
    )
    applications = (
        selectors.applications_visible_to(request.user)
        .select_related("cadre__sending_unit", "selection__program", "preferred_post__host_unit", "chosen_post__host_unit")
        .order_by("-applied_on", "-pk")
    )
    return render(request, "selection/list.html", {
        "scope": scope,
        "open_selections": [s for s in selections if s.stage == Stage.ANNOUNCED],
        "other_selections": [s for s in selections if s.stage != Stage.ANNOUNCED],
        "applications": applications,
    })


def _detail_context(request, selection, **forms):
    scope = user_scope(request.user)
    applications = (
        selectors.applications_visible_to(request.user)
        .filter(selection=selection)
        .select_related("cadre__sending_unit", "preferred_post__host_unit", "chosen_post__host_unit")
        .order_by("cadre__name")
    )
    own = next((a for a in applications if a.cadre_id == scope.cadre_id), None) if scope.cadre_id else None
    unit_applications = [a for a in applications if a.cadre.sending_unit_id in scope.sending_unit_ids]
    is_open = selection.stage == Stage.ANNOUNCED
    personal_allowed = Application.Source.PERSONAL in services.allowed_sources(selection.program.policy.selection_mode)
    can_apply = bool(
        is_open and personal_allowed and scope.cadre_id and own is None
        and selectors.selections_open_to_cadre(
            Cadre.objects.select_related("managing_department", "sending_unit__department").get(pk=scope.cadre_id)
        ).filter(pk=selection.pk).exists()
    )
    unit_allowed = Application.Source.UNIT in services.allowed_sources(selection.program.policy.selection_mode)
    waiting = Application.objects.filter(pk__in=[a.pk for a in unit_applications], status=Application.Status.APPLIED)
    context = {
        "selection": selection,
        "program": selection.program,
        "policy": selection.program.policy,
        "posts": selection.program.posts.all(),
        "own_application": own,
        "unit_applications": unit_applications,
        "can_apply": can_apply,
        "can_nominate": bool(is_open and unit_allowed and scope.sending_unit_ids),
        "can_recommend": bool(is_open and scope.sending_unit_ids and waiting.exists()),
        "apply_form": forms.get("apply_form") or (ApplyForm(selection=selection) if can_apply else None),
        "nominate_form": forms.get("nominate_form")
        or (NominateForm(selection=selection, unit_ids=scope.sending_unit_ids) if is_open and unit_allowed else None),
        "recommend_form": forms.get("recommend_form")
        or (RecommendationForm(applications=waiting.select_related("cadre")) if is_open and scope.sending_unit_ids else None),
    }
    return context


@login_required
def selection_detail(request, pk):
    _portal_roles(request.user)
    selection = _selection_for(request.user, pk)
    return render(request, "selection/detail.html", _detail_context(request, selection))


def _refused(request, selection, exc, **forms):
    if isinstance(exc, PermissionDenied):
        raise exc
    messages.error(request, exc.message)
    return render(request, "selection/detail.html", _detail_context(request, selection, **forms), status=400)


@login_required
@require_POST
def selection_apply(request, pk):
    """The signed-in cadre applies in person (R7 step 2)."""
    scope = _portal_roles(request.user)
    if not scope.cadre_id:
        raise AccessDenied(_("只有干部本人可以在网上报名。"))
    selection = _selection_for(request.user, pk)
    form = ApplyForm(request.POST, request.FILES, selection=selection)
    if not form.is_valid():
        return render(request, "selection/detail.html", _detail_context(request, selection, apply_form=form), status=400)
    try:
        services.application_apply(
            acting_user=request.user, selection=selection, statement=form.cleaned_data["statement"],
            attachment=form.cleaned_data.get("attachment"), preferred_post=form.cleaned_data.get("preferred_post"),
        )
    except ApplicationError as exc:
        return _refused(request, selection, exc, apply_form=form)
    messages.success(request, _("报名已提交，请等待派出单位推荐和组织部审核。"))
    return redirect("selection:detail", pk=selection.pk)


@login_required
@require_POST
def application_withdraw(request, pk):
    """The cadre withdraws their own application."""
    scope = _portal_roles(request.user)
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).select_related("selection"), pk=pk
    )
    if application.cadre_id != scope.cadre_id:
        raise AccessDenied(_("只能撤回本人的报名。"))
    try:
        services.application_withdraw(
            acting_user=request.user, application=application, reason=request.POST.get("reason", "")[:200]
        )
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回报名。"))
    return redirect("selection:detail", pk=application.selection_id)


def _sending_unit_of(scope, cadre) -> int:
    if cadre.sending_unit_id not in scope.sending_unit_ids:
        raise AccessDenied(_("只能推荐本单位的干部。"))
    return cadre.sending_unit_id


@login_required
@require_POST
def selection_nominate(request, pk):
    """The sending unit puts one of its cadres forward (R7 step 2, unit recommendation)."""
    scope = _portal_roles(request.user)
    if not scope.sending_unit_ids:
        raise AccessDenied(_("只有派出单位可以推荐人选。"))
    selection = _selection_for(request.user, pk)
    form = NominateForm(request.POST, selection=selection, unit_ids=scope.sending_unit_ids)
    if not form.is_valid():
        return render(request, "selection/detail.html", _detail_context(request, selection, nominate_form=form), status=400)
    cadre = form.cleaned_data["cadre"]
    _sending_unit_of(scope, cadre)
    try:
        services.application_create(
            acting_user=request.user, selection=selection, cadre=cadre, source=Application.Source.UNIT,
            preferred_post=form.cleaned_data.get("preferred_post"),
        )
    except ApplicationError as exc:
        return _refused(request, selection, exc, nominate_form=form)
    messages.success(request, _("已推荐 %(cadre)s 报名。") % {"cadre": cadre.name})
    return redirect("selection:detail", pk=selection.pk)


@login_required
@require_POST
def selection_recommend(request, pk):
    """The sending unit records its leadership meeting's recommendation (R7 step 3)."""
    scope = _portal_roles(request.user)
    if not scope.sending_unit_ids:
        raise AccessDenied(_("只有派出单位可以录入推荐意见。"))
    selection = _selection_for(request.user, pk)
    waiting = (
        selectors.applications_visible_to(request.user)
        .filter(selection=selection, status=Application.Status.APPLIED, cadre__sending_unit_id__in=scope.sending_unit_ids)
        .select_related("cadre")
    )
    form = RecommendationForm(request.POST, request.FILES, applications=waiting)
    if not form.is_valid():
        return render(request, "selection/detail.html", _detail_context(request, selection, recommend_form=form), status=400)
    chosen = list(form.cleaned_data["recommended"]) + list(form.cleaned_data["not_recommended"])
    units = {application.cadre.sending_unit_id for application in chosen}
    if len(units) != 1:
        form.add_error(None, _("一次只能录入一个派出单位的推荐意见，请至少选择一人。"))
        return render(request, "selection/detail.html", _detail_context(request, selection, recommend_form=form), status=400)
    try:
        services.unit_recommendation_record(
            acting_user=request.user, selection=selection, sending_unit=chosen[0].cadre.sending_unit,
            meeting_on=form.cleaned_data["meeting_on"], report_text=form.cleaned_data["report_text"],
            report_file=form.cleaned_data.get("report_file"), recommended=form.cleaned_data["recommended"],
            not_recommended=form.cleaned_data["not_recommended"],
        )
    except ApplicationError as exc:
        return _refused(request, selection, exc, recommend_form=form)
    messages.success(request, _("推荐意见已录入。"))
    return redirect("selection:detail", pk=selection.pk)


# --- The demand survey (R7 step 0, 江东): host units state the posts they need -------------------


def _host_roles(user):
    scope = user_scope(user)
    if not scope.host_unit_ids:
        raise AccessDenied(_("岗位需求调研只对挂职单位开放。"))
    return scope


def _survey_for(user, pk) -> Selection:
    return get_object_or_404(
        selectors.selections_visible_to(user).filter(stage=Stage.SURVEY).select_related("program__organising_department"),
        pk=pk,
    )


@login_required
def survey_list(request):
    """Surveys that reach the user's host unit, and the requests the unit has made."""
    scope = _host_roles(request.user)
    surveys = (
        selectors.selections_visible_to(request.user).filter(stage=Stage.SURVEY)
        .select_related("program__organising_department").order_by("-pk")
    )
    requests = (
        selectors.demand_requests_visible_to(request.user).filter(host_unit_id__in=scope.host_unit_ids)
        .select_related("selection__program", "host_unit", "host_post").order_by("-submitted_at")
    )
    return render(request, "selection/surveys.html", {"surveys": surveys, "requests": requests})


@login_required
def survey_detail(request, pk):
    scope = _host_roles(request.user)
    selection = _survey_for(request.user, pk)
    form = DemandRequestForm(request.POST or None, unit_ids=scope.host_unit_ids)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.demand_request_submit(acting_user=request.user, selection=selection, **form.cleaned_data)
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("岗位需求已提交，由组织部汇总。"))
                return redirect("selection:survey", pk=selection.pk)
    requests = (
        selectors.demand_requests_visible_to(request.user)
        .filter(selection=selection, host_unit_id__in=scope.host_unit_ids).select_related("host_unit").order_by("pk")
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "selection/survey.html", {"selection": selection, "form": form, "requests": requests},
                  status=status)
