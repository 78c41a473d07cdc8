"""What the report services share: the locked re-read of a report, the transition guard along
``Report.TRANSITIONS``, and the topic and page of the messages about a report."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ..exceptions import ReportError
from ..models import Report


def report_locked(report: Report) -> Report:
    """The report re-read under a row lock (its own row only), with what the guards read."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "placement__cadre__user", "placement__cadre__managing_department",
            "placement__program__organising_department", "placement__host_post__host_unit",
        )
        .get(pk=report.pk)
    )


def report_transition_check(report: Report, target: str) -> None:
    """Refuse a move ``Report.TRANSITIONS`` does not allow, naming both states."""
    current, target = Report.Status(report.status), Report.Status(target)
    if target not in Report.TRANSITIONS[current]:
        raise ReportError(
            _("报告不能从“%(current)s”变为“%(target)s”。") % {"current": current.label, "target": target.label}
        )


def report_topic(report: Report) -> str:
    """The topic of the messages about a report; staff's are closed once one of them decides."""
    return f"reports.report:{report.pk}"


def report_page_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])
