"""The comment of the host unit or the mentor on a report, in the portal (D6, R15).

The form sits on the report's page (``reports.views``): ``review_form_context`` gives what that
page needs to include ``reports/portal/_review_form.html``. Out of scope is 404; in scope without
the host-unit or mentor role (or on one's own report) is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import AccessDenied, ApplicationError

from .forms_review import ReviewCommentForm
from .models import Report
from .selectors import review_role_of
from .services import review as review_services
from .views import report_for

REVIEW_FORM_TEMPLATE = "reports/portal/_review_form.html"


def review_form_context(request, report: Report, form: ReviewCommentForm | None = None) -> dict:
    """The comment form for the report's page, when the user may comment now; else nothing."""
    if not review_services.can_comment(request.user, report):
        return {}
    return {
        "review_form_template": REVIEW_FORM_TEMPLATE,
        "review_form": form or ReviewCommentForm(),
        "review_url": reverse("reports:review_comment", args=[report.pk]),
    }


@login_required
@require_POST
def review_comment(request, pk):
    report = report_for(request.user, pk)
    if review_role_of(request.user, report) is None:
        raise AccessDenied(_("只有挂职单位或帮带责任人可以评阅该报告。"))
    form = ReviewCommentForm(request.POST)
    if form.is_valid():
        try:
            review_services.report_comment(acting_user=request.user, report=report, text=form.cleaned_data["text"])
        except AccessDenied:
            raise  # 403 (D6)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("评阅意见已保存，已通知报告人。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("reports:detail", args=[report.pk]))
