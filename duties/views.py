"""The portal side of duties (R9, R10, R14): a 履职 page per placement, the reports list of feedback
cards and early warnings, and the cadre's integrity undertaking.

A view fetches through the scoped selectors (out of scope is 404), checks the role with the
services' own predicates (403), calls one service and redirects with a message; a business
refusal is shown on the page it came from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import AccessDenied, ApplicationError
from programs.models import Placement
from programs.roles import user_scope
from programs.selectors import (
    mentors_visible_to,
    placements_visible_to,
    target_letters_visible_to,
)

from . import selectors, services
from .filters import EarlyWarningFilter, FeedbackCardFilter
from .forms import (
    AcknowledgeForm,
    CaseCloseForm,
    CaseOpenForm,
    CaseProgressForm,
    DutiesForm,
    EarlyWarningForm,
    FeedbackCardForm,
    UndertakingConfirmForm,
)
from .models import BranchActivity, CaseProgress, EarlyWarning, OwnedCase

REPORT_ROWS = 200


def _placement_for(user, pk) -> Placement:
    return get_object_or_404(
        placements_visible_to(user).select_related(
            "cadre__sending_unit", "cadre__managing_department", "program__policy", "program__organising_department",
            "host_post__host_unit__parent",
        ),
        pk=pk,
    )


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _can(user, placement) -> dict:
    """What the user may do on this placement's page: the services' own predicates, so the page
    offers exactly what the services accept."""
    policy = placement.program.policy
    host = services.is_host_unit_of(user, placement)
    cadre = services.is_cadre_of(user, placement)
    staff = services.is_staff_over_placement(user, placement)
    is_open = placement.is_open
    village = placement.host_post.host_unit.supervising_township is not None
    return {
        "set_duties": is_open and (host or staff),
        "open_case": is_open and policy.owned_cases and (host or staff),
        "add_progress": policy.owned_cases and (host or cadre),
        "close_case": policy.owned_cases and (host or staff),
        "report_card": is_open and policy.feedback_cards and village and (host or cadre),
        "report_warning": is_open and policy.feedback_cards and (host or cadre),
        "confirm_undertaking": is_open and cadre,
    }


def _page_context(request, placement, **forms) -> dict:
    user = request.user
    policy = placement.program.policy
    can = _can(user, placement)
    context = {
        "placement": placement,
        "program": placement.program,
        "policy": policy,
        "can": can,
        "mentors": mentors_visible_to(user).filter(placement=placement),
        "target_letters": target_letters_visible_to(user).filter(placement=placement),
        "undertaking": selectors.integrity_undertakings_visible_to(user).filter(placement=placement).first(),
        "duties_form": forms.get("duties_form") or (
            DutiesForm(initial={"division_of_work": placement.division_of_work, "work_targets": placement.work_targets})
            if can["set_duties"] else None),
    }
    if policy.owned_cases:
        progress = CaseProgress.objects.order_by("date", "pk")
        context["cases"] = (
            selectors.owned_cases_visible_to(user).filter(placement=placement)
            .prefetch_related(Prefetch("progress", queryset=progress)).order_by("status", "-opened_on", "-pk")
        )
        context["case_open_form"] = forms.get("case_open_form") or (CaseOpenForm() if can["open_case"] else None)
        context["case_progress_form"] = CaseProgressForm() if can["add_progress"] else None
        context["case_close_form"] = CaseCloseForm() if can["close_case"] else None
        context["case_form_errors"] = forms.get("case_form_errors")
    if policy.pre_post_training:
        context["training"] = selectors.training_records_visible_to(user).filter(placement=placement)
    if policy.feedback_cards:
        cards = selectors.feedback_cards_visible_to(user).filter(placement=placement).select_related("township")
        warnings = selectors.early_warnings_visible_to(user).filter(placement=placement)
        context["cards"] = [(card, services.is_township_of(user, card.township_id) and not card.acknowledged_at)
                            for card in cards]
        context["warnings"] = [(warning, _warning_acknowledgeable(user, warning, placement)) for warning in warnings]
        context["card_form"] = forms.get("card_form") or (FeedbackCardForm() if can["report_card"] else None)
        context["warning_form"] = forms.get("warning_form") or (EarlyWarningForm() if can["report_warning"] else None)
        context["acknowledge_form"] = AcknowledgeForm()
    if policy.monthly_exchange_meeting:
        context["meetings"] = selectors.exchange_meetings_visible_to(user).filter(attendees=placement).order_by("-held_on")
    if policy.temporary_party_branch:
        activities = BranchActivity.objects.filter(attendees=placement).order_by("-held_on")
        context["branches"] = (
            selectors.party_branches_visible_to(user).filter(members=placement)
            .select_related("secretary__cadre", "host_unit")
            .prefetch_related(Prefetch("activities", queryset=activities, to_attr="attended"))
        )
    return context


def _warning_acknowledgeable(user, warning: EarlyWarning, placement) -> bool:
    township_due = services.is_township_of(user, warning.township_id) and warning.township_acknowledged_at is None
    staff_due = services.is_staff_over_placement(user, placement) and warning.staff_acknowledged_at is None
    return township_due or staff_due


def _render_page(request, placement, *, status=200, **forms):
    return render(request, "duties/placement.html", _page_context(request, placement, **forms), status=status)


def _refused(request, placement, exc: ApplicationError, **forms):
    if isinstance(exc, PermissionDenied):
        raise exc
    messages.error(request, exc.message)
    return _render_page(request, placement, status=400, **forms)


def _done(message: str, request, placement):
    messages.success(request, message)
    return redirect("duties:placement_duties", pk=placement.pk)


def _posted(request, placement, form, *, service, done: str, form_key: str, target: dict):
    """Validate the posted form, call ``service`` with ``target`` and the form's data, and answer:
    the page again with the form's errors or the service's refusal (400), or back to the page with
    ``done``. The case forms sit in a list on the page, so their errors show in one place
    (``case_form_errors``)."""
    shown = {"case_form_errors": form.errors} if form_key == "case_form_errors" else {form_key: form}
    if not form.is_valid():
        return _render_page(request, placement, status=400, **shown)
    try:
        service(acting_user=request.user, **target, **form.cleaned_data)
    except ApplicationError as exc:
        return _refused(request, placement, exc, **({} if form_key == "case_form_errors" else shown))
    return _done(done, request, placement)


@login_required
def placement_duties(request, pk):
    """The 履职 page: everything R9, R10 and R14 record for the placement, where the policy uses it."""
    placement = _placement_for(request.user, pk)
    return _render_page(request, placement)


@login_required
@require_POST
def duties_set(request, pk):
    """R10: the host unit sets the division of work and the targets."""
    placement = _placement_for(request.user, pk)
    _allow(_can(request.user, placement)["set_duties"], _("只有挂职单位可以确定工作分工和目标任务。"))
    return _posted(request, placement, DutiesForm(request.POST), service=services.placement_duties_set,
                   done=_("工作分工和目标任务已保存。"), form_key="duties_form", target={"placement": placement})


@login_required
@require_POST
def case_open(request, pk):
    placement = _placement_for(request.user, pk)
    _allow(_can(request.user, placement)["open_case"], _("只有挂职单位可以交办包案。"))
    return _posted(request, placement, CaseOpenForm(request.POST), service=services.owned_case_open,
                   done=_("包案已交办。"), form_key="case_open_form", target={"placement": placement})


def _case_for(user, pk) -> OwnedCase:
    return get_object_or_404(selectors.owned_cases_visible_to(user).select_related("placement"), pk=pk)


@login_required
@require_POST
def case_progress(request, pk):
    case = _case_for(request.user, pk)
    placement = _placement_for(request.user, case.placement_id)
    _allow(_can(request.user, placement)["add_progress"], _("只有挂职单位或包案干部本人可以记录办理进展。"))
    return _posted(request, placement, CaseProgressForm(request.POST), service=services.case_progress_add,
                   done=_("办理进展已记录。"), form_key="case_form_errors", target={"case": case})


@login_required
@require_POST
def case_close(request, pk):
    case = _case_for(request.user, pk)
    placement = _placement_for(request.user, case.placement_id)
    _allow(_can(request.user, placement)["close_case"], _("只有挂职单位可以确认包案办结。"))
    return _posted(request, placement, CaseCloseForm(request.POST), service=services.owned_case_close,
                   done=_("包案已办结。"), form_key="case_form_errors", target={"case": case})


@login_required
@require_POST
def card_report(request, pk):
    """R14 (淮上): a feedback card to the supervising township."""
    placement = _placement_for(request.user, pk)
    _allow(services.is_host_unit_of(request.user, placement) or services.is_cadre_of(request.user, placement),
           _("只有挂职单位或干部本人可以报送信息反馈卡。"))
    return _posted(request, placement, FeedbackCardForm(request.POST), service=services.feedback_card_report,
                   done=_("信息反馈卡已报送乡镇党委。"), form_key="card_form", target={"placement": placement})


@login_required
@require_POST
def warning_report(request, pk):
    """R14 (淮上): an early warning, reported at once."""
    placement = _placement_for(request.user, pk)
    _allow(services.is_host_unit_of(request.user, placement) or services.is_cadre_of(request.user, placement),
           _("只有挂职单位或干部本人可以报告苗头性事件。"))
    return _posted(request, placement, EarlyWarningForm(request.POST), service=services.early_warning_report,
                   done=_("苗头性事件已报告，乡镇党委和组织部已同时收到。"), form_key="warning_form", target={"placement": placement})


def _back(request, placement_id):
    if request.POST.get("back") == "reports":
        return redirect("duties:reports")
    return redirect("duties:placement_duties", pk=placement_id)


def _acknowledge(request, record, service, keyword, done_message):
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(acting_user=request.user, **{keyword: record}, note=note)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message)
    return _back(request, record.placement_id)


@login_required
@require_POST
def card_acknowledge(request, pk):
    """The supervising township signs for a feedback card (R2)."""
    card = get_object_or_404(selectors.feedback_cards_visible_to(request.user), pk=pk)
    _allow(services.is_township_of(request.user, card.township_id), _("只有该村所属乡镇（街道）党委可以签收信息反馈卡。"))
    return _acknowledge(request, card, services.feedback_card_acknowledge, "card", _("信息反馈卡已签收。"))


@login_required
@require_POST
def warning_acknowledge(request, pk):
    """The supervising township or the staff sign for an early warning."""
    warning = get_object_or_404(
        selectors.early_warnings_visible_to(request.user).select_related(
            "placement__program__organising_department", "placement__cadre__managing_department"),
        pk=pk,
    )
    _allow(services.is_township_of(request.user, warning.township_id)
           or services.is_staff_over_placement(request.user, warning.placement),
           _("只有乡镇（街道）党委或组织部可以签收苗头性事件报告。"))
    return _acknowledge(request, warning, services.early_warning_acknowledge, "warning", _("苗头性事件报告已签收。"))


@login_required
def undertaking(request, pk):
    """The cadre reads and confirms the integrity undertaking (勤政廉政) of their own placement."""
    placement = _placement_for(request.user, pk)
    _allow(services.is_cadre_of(request.user, placement), _("勤政廉政承诺只能由干部本人确认。"))
    existing = selectors.integrity_undertakings_visible_to(request.user).filter(placement=placement).first()
    form = UndertakingConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.integrity_undertaking_confirm(acting_user=request.user, placement=placement)
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                messages.error(request, exc.message)
            else:
                return _done(_("已确认勤政廉政承诺。"), request, placement)
        status = 400
    return render(request, "duties/undertaking.html", {
        "placement": placement, "undertaking": existing, "text": services.UNDERTAKING_TEXT, "form": form,
    }, status=status)


@login_required
def report_list(request):
    """Feedback cards and early warnings for supervising townships, host units and staff."""
    scope = user_scope(request.user)
    _allow(bool(scope.township_unit_ids or scope.host_unit_ids or scope.is_org_staff or scope.is_superuser),
           _("信息反馈卡和苗头性事件报告只对乡镇（街道）党委、挂职单位和组织部开放。"))
    related = ("placement__cadre", "placement__host_post__host_unit", "township")
    cards = FeedbackCardFilter(
        request.GET or None, queryset=selectors.feedback_cards_visible_to(request.user).select_related(*related),
        user=request.user,
    )
    warnings = EarlyWarningFilter(
        request.GET or None, queryset=selectors.early_warnings_visible_to(request.user).select_related(
            *related, "placement__program__organising_department", "placement__cadre__managing_department"),
        user=request.user,
    )
    kind = request.GET.get("kind", "")
    card_rows = list(cards.qs[:REPORT_ROWS]) if kind in ("", "card") else None
    warning_rows = list(warnings.qs[:REPORT_ROWS]) if kind in ("", "warning") else None
    return render(request, "duties/reports.html", {
        "filter": cards,
        "cards": [(c, services.is_township_of(request.user, c.township_id) and not c.acknowledged_at) for c in card_rows]
        if card_rows is not None else None,
        "warnings": [(w, _warning_acknowledgeable(request.user, w, w.placement)) for w in warning_rows]
        if warning_rows is not None else None,
        "acknowledge_form": AcknowledgeForm(),
    })

