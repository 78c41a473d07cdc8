"""The cadre's reports in the portal (R12, D6): the list of the reports a user reaches, a report's
page with its versions, attachments and reviews, and the cadre's writing pages (draft, autosave,
attachments, submit).

A view fetches through ``reports_visible_to`` (out of scope → 404), checks that the user is the
report's cadre for anything that writes (in scope but not the cadre → 403), calls the writing
service and shows its refusal on the page. What the cadre wrote is rendered escaped, with
``linebreaksbr`` only; JSON answers carry no submitted text.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import AccessDenied, ApplicationError
from programs.roles import user_scope

from .filters import ReportFilter
from .forms import ReportAttachmentForm, ReportDraftForm
from .models import DeadlineState, Report
from .selectors import reports_visible_to
from .services import writing

PAGE_SIZE = 30
# Autosave bodies are a report's sections: a little over the sum of the section limits.
AUTOSAVE_MAX_BODY = 5 * writing.SECTION_MAX_LENGTH * 4 + 10_000


def deadline_display(report: Report, today) -> dict:
    """The deadline state of a report for a template: value, label and tone ({} when cancelled)."""
    state = report.deadline_state(today)
    if not state:
        return {}
    state = DeadlineState(state)
    return {"value": state, "label": state.label, "tone": state.tone}


def report_for(user, pk) -> Report:
    """A report the user reaches (else 404; D6), with what its pages show."""
    return get_object_or_404(
        reports_visible_to(user).select_related(
            "placement__cadre__user", "placement__host_post__host_unit", "placement__program",
        ),
        pk=pk,
    )


def _writable_report_for(user, pk) -> Report:
    """A report the user reaches (else 404) and writes as its cadre (else 403)."""
    report = report_for(user, pk)
    if not writing.is_report_cadre(user, report):
        raise AccessDenied(_("只有挂职干部本人可以撰写和提交该报告。"))
    return report


# --- The list ------------------------------------------------------------------------------------


@login_required
def report_list(request):
    """The reports the user reaches (the cadre: their own), with filters, due dates and how each
    stands against its due date."""
    scope = user_scope(request.user)
    if not scope.role_labels:
        raise AccessDenied(_("您的账号尚未分配角色，请联系组织部开通。"))
    queryset = (
        reports_visible_to(request.user)
        .select_related("placement__cadre", "placement__host_post__host_unit")
        .order_by("due_date", "placement__cadre__name", "pk")
    )
    report_filter = ReportFilter(request.GET or None, queryset=queryset)
    valid = not report_filter.is_bound or report_filter.form.is_valid()
    rows = report_filter.qs if valid else queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    only_own = bool(scope.cadre_id) and not (
        scope.host_unit_ids or scope.township_unit_ids or scope.is_mentor or scope.is_org_staff or scope.is_superuser
    )
    return render(request, "reports/portal/list.html", {
        "filter": report_filter,
        "page": page,
        "rows": [
            (report, deadline_display(report, today),
             report.placement.cadre_id == scope.cadre_id and report.status in Report.WRITABLE_STATUSES)
            for report in page
        ],
        "only_own": only_own,
        "cadre_id": scope.cadre_id,  # the draft title shows on the cadre's own rows only
    })


# --- A report's page -----------------------------------------------------------------------------


def _version_number(request) -> int | None:
    raw = request.GET.get("version")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def detail_context(request, report: Report) -> dict:
    """What ``reports/portal/detail.html`` needs, the comment form included when the user may
    comment (``views_review.review_form_context``).

    The cadre sees their draft while they may still write; everyone else sees only submitted
    versions (the latest, or ``?version=n``)."""
    today = timezone.localdate()
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    is_cadre = writing.is_report_cadre(request.user, report)
    can_write = is_cadre and report.status in Report.WRITABLE_STATUSES
    number = _version_number(request)
    shown = None
    if number is not None:
        shown = next((version for version in versions if version.number == number), None)
        if shown is None:
            raise Http404
    elif not can_write and versions:
        shown = versions[-1]
    show_draft = shown is None and can_write
    if shown is not None:
        content, title, term_end_form = shown.sections, shown.title, shown.term_end_form
    elif show_draft:
        content, title, term_end_form = report.draft or {}, report.title, report.term_end_form
    else:
        content, title, term_end_form = {}, "", ""
    attachments = list(report.attachments.select_related("version").order_by("uploaded_at", "pk"))
    if shown is not None:
        # A version carries what was submitted with it and with the versions before it.
        attachments = [a for a in attachments if a.version is not None and a.version.number <= shown.number]
    elif not show_draft:
        attachments = []
    context = {
        "report": report,
        "placement": report.placement,
        "deadline": deadline_display(report, today),
        "versions": versions,
        "shown": shown,
        "show_draft": show_draft,
        "title": title,
        "term_end_form_label": Report.TermEndForm(term_end_form).label if term_end_form else "",
        "sections": [(heading, str(content.get(key) or "")) for key, heading in report.sections],
        "attachments": attachments,
        "reviews": list(report.reviews.select_related("version", "author").order_by("created_at", "pk")),
        "is_cadre": is_cadre,
        "can_write": can_write,
    }
    from .views_review import review_form_context  # views_review builds on this module

    context.update(review_form_context(request, report))
    return context


@login_required
def report_detail(request, pk):
    report = report_for(request.user, pk)
    return render(request, "reports/portal/detail.html", detail_context(request, report))


# --- Writing (the cadre) -------------------------------------------------------------------------


def _edit_context(report: Report, form: ReportDraftForm, attachment_form: ReportAttachmentForm | None = None) -> dict:
    today = timezone.localdate()
    return {
        "report": report,
        "placement": report.placement,
        "deadline": deadline_display(report, today),
        "form": form,
        "attachment_form": attachment_form or ReportAttachmentForm(),
        "attachments": list(report.attachments.select_related("version").order_by("uploaded_at", "pk")),
        "attachments_max": writing.ATTACHMENTS_MAX,
        "upload_limit": settings.UPLOAD_DOCUMENT_MAX_BYTES,
        "latest_version": report.versions.order_by("-number").first(),
        "not_started": today < report.period_start,
    }


def _save_posted_draft(request, report: Report) -> tuple[ReportDraftForm, bool]:
    form = ReportDraftForm(request.POST, report=report)
    if not form.is_valid():
        return form, False
    try:
        writing.report_draft_save(acting_user=request.user, report=report, **form.service_kwargs())
    except AccessDenied:
        raise
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return form, False
    return form, True


@login_required
def report_edit(request, pk):
    """The cadre's draft: title, sections, attachments; saved by the button or the autosave."""
    report = _writable_report_for(request.user, pk)
    if report.status not in Report.WRITABLE_STATUSES:
        messages.info(request, _("报告当前状态为“%(status)s”，不能修改。") % {"status": report.get_status_display()})
        return redirect("reports:detail", pk=report.pk)
    if request.method == "POST":
        form, saved = _save_posted_draft(request, report)
        if saved:
            messages.success(request, _("草稿已保存。"))
            return redirect("reports:edit", pk=report.pk)
    else:
        form = ReportDraftForm(report=report, initial=ReportDraftForm.initial_for(report))
    return render(request, "reports/portal/edit.html", _edit_context(report, form))


def _json(data: dict, status: int = 200) -> HttpResponse:
    """JSON with <, > and & escaped, so no answer can be read as markup whatever it carries."""
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


@login_required
@require_POST
def report_autosave(request, pk):
    """The editor's autosave: a JSON body {"sections": {key: text}, "title", "term_end_form"};
    answers {"saved_at", "message"} or {"error"}. Refusals are 400, not the cadre 403."""
    report = report_for(request.user, pk)
    if not writing.is_report_cadre(request.user, report):
        return _json({"error": _("只有挂职干部本人可以撰写和提交该报告。")}, status=403)
    if len(request.body) > AUTOSAVE_MAX_BODY:
        return _json({"error": _("内容过长，未能自动保存。")}, status=400)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _json({"error": _("内容格式不正确，未能自动保存。")}, status=400)
    if not isinstance(payload, dict):
        return _json({"error": _("内容格式不正确，未能自动保存。")}, status=400)
    try:
        report = writing.report_draft_save(
            acting_user=request.user, report=report, sections=payload.get("sections") or {},
            title=payload.get("title"), term_end_form=payload.get("term_end_form"), autosave=True,
        )
    except AccessDenied as exc:
        return _json({"error": str(exc.message)}, status=403)
    except ApplicationError as exc:
        return _json({"error": str(exc.message)}, status=400)
    saved_at = timezone.localtime(report.draft_saved_at)
    return _json({
        "saved_at": saved_at.isoformat(),
        "message": _("已自动保存 %(time)s") % {"time": date_format(saved_at, "H:i")},
    })


@login_required
@require_POST
def report_attachment_add(request, pk):
    report = _writable_report_for(request.user, pk)
    form = ReportAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = writing.report_attachment_add(acting_user=request.user, report=report,
                                                       upload=form.cleaned_data["file"])
        except AccessDenied:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已上传附件“%(name)s”。") % {"name": attachment.original_name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("reports:edit", pk=report.pk)


@login_required
@require_POST
def report_attachment_remove(request, pk, attachment_pk):
    report = _writable_report_for(request.user, pk)
    attachment = get_object_or_404(report.attachments.all(), pk=attachment_pk)
    try:
        writing.report_attachment_remove(acting_user=request.user, attachment=attachment)
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("reports:edit", pk=report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    """Submit. Posted from the editor, the text on the page is saved first, so a refusal (an
    empty section) loses nothing."""
    report = _writable_report_for(request.user, pk)
    if report.status in Report.WRITABLE_STATUSES and any(name.startswith("section_") for name in request.POST):
        form, saved = _save_posted_draft(request, report)
        if not saved:
            messages.error(request, _("草稿未能保存，报告未提交。"))
            return render(request, "reports/portal/edit.html", _edit_context(report, form), status=400)
    try:
        version = writing.report_submit(acting_user=request.user, report=report)
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        if report.status in Report.WRITABLE_STATUSES:
            return redirect("reports:edit", pk=report.pk)
        return redirect("reports:detail", pk=report.pk)
    messages.success(request, _("报告已提交（第%(number)s版）。") % {"number": version.number})
    return redirect(reverse("reports:detail", args=[report.pk]))
