"""Reviewing the cadre's reports (R12, R15, D6).

- The host unit (its approver or clerk) and the placement's mentors comment on the latest
  submitted version (``report_comment``); a comment changes no state.
- Organisation-department staff whose subtree reaches the placement (D1) accept
  (``report_accept``) or return it with a reason (``report_return``), only from 已提交 along
  ``Report.TRANSITIONS``. A returned report goes back to the cadre, who revises and submits a
  new version.

Every review is a ``ReportReview`` row bound to the version it is about, so the daily assessment
(R15, ``selectors.report_review_summary``) reads what was said of which text. Nobody reviews a
report they wrote. The cadre is told of every review (in-app and by e-mail, ``notify``).
Review text is stored and shown as plain text.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import notifications_close_topic, notify
from programs.models import RoleAssignment
from programs.roles import user_scope

from ..exceptions import ReportAccessDenied, ReportError
from ..models import Report, ReportReview, ReportVersion
from ..selectors import review_role_of
from .common import report_locked, report_page_url, report_topic, report_transition_check

S = Report.Status
# A comment or a reason is a few paragraphs; anything longer belongs in a document.
REVIEW_TEXT_MAX_LENGTH = 5000
# Statuses in which a submitted text exists to comment on.
COMMENTABLE_STATUSES = (S.SUBMITTED, S.ACCEPTED)


# --- Who (D1, D6) --------------------------------------------------------------------------------


def is_report_author(user, report: Report) -> bool:
    """The cadre, or whoever submitted one of the report's versions."""
    if user is None or user.pk is None:
        return False
    if user.pk == report.placement.cadre.user_id:
        return True
    return report.versions.filter(submitted_by_id=user.pk).exists()


def staff_reaches_report(user, report: Report) -> bool:
    """Staff whose subtree holds the program's organising department or the cadre's managing
    department (D1); superusers."""
    scope = user_scope(user)
    if scope.is_superuser:
        return True
    placement = report.placement
    return scope.is_org_staff and (
        placement.program.organising_department.path.startswith(scope.department_path)
        or placement.cadre.managing_department.path.startswith(scope.department_path)
    )


def can_comment(user, report: Report) -> bool:
    """Whether the comment form belongs on the report's page for this user."""
    return (
        report.status in COMMENTABLE_STATUSES
        and review_role_of(user, report) is not None
        and not is_report_author(user, report)
    )


def _ensure_not_author(user, report: Report) -> None:
    if is_report_author(user, report):
        raise ReportAccessDenied(_("不能评阅或审核本人的书面报告。"))


def _ensure_staff(user, report: Report) -> None:
    _ensure_not_author(user, report)
    if not staff_reaches_report(user, report):
        raise ReportAccessDenied(
            _("只有管理干部“%(cadre)s”的组织部工作人员可以审核该报告。") % {"cadre": report.placement.cadre.name}
        )


# --- Links and messages --------------------------------------------------------------------------


def _tell_cadre(report: Report, *, title: str, body: str) -> None:
    notify(recipients=[report.placement.cadre.user], title=title, body=body, url=report_page_url(report))


# --- Moves ---------------------------------------------------------------------------------------


def _latest_version(report: Report) -> ReportVersion:
    version = report.versions.order_by("-number").first()
    if version is None:
        raise ReportError(_("该报告尚未提交，没有可评阅的内容。"))
    return version


def _text(value: str, *, missing: str | None) -> str:
    """The review text, trimmed and at most ``REVIEW_TEXT_MAX_LENGTH``; required unless
    ``missing`` (the message when it is empty) is None."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text and missing is not None:
        raise ReportError(missing)
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        raise ReportError(_("意见不能超过 %(limit)d 字。") % {"limit": REVIEW_TEXT_MAX_LENGTH})
    return text


@transaction.atomic
def report_comment(*, acting_user, report: Report, text: str) -> ReportReview:
    """The host unit or a mentor comments on the latest submitted version (D6, R15)."""
    report = report_locked(report)
    _ensure_not_author(acting_user, report)
    role = review_role_of(acting_user, report)
    if role is None:
        raise ReportAccessDenied(_("只有挂职单位或帮带责任人可以评阅该报告。"))
    if report.status not in COMMENTABLE_STATUSES:
        raise ReportError(
            _("报告当前状态为“%(status)s”，不能评阅。") % {"status": report.get_status_display()}
        )
    text = _text(text, missing=_("请填写评阅意见。"))
    version = _latest_version(report)
    review = ReportReview.objects.create(
        report=report, version=version, kind=ReportReview.Kind.COMMENT, role=role, text=text, author=acting_user
    )
    audit_record(
        actor=acting_user, action="report_comment", target=report,
        data={"review": review.pk, "version": version.number, "role": role},
    )
    # The commenter's own "please read" is done; the others' stay until they read them.
    notifications_close_topic(topic=report_topic(report), recipients=[acting_user])
    _tell_cadre(
        report,
        title=_("%(role)s对您的%(report)s提出了评阅意见") % {
            "role": ReportReview.Role(role).label, "report": report.label},
        body=text,
    )
    return review


def _decide(*, acting_user, report: Report, target: str, kind: str, text: str) -> tuple[Report, ReportReview]:
    current = report.status
    version = _latest_version(report)
    now = timezone.now()
    report.status = target
    report.decided_at = now
    report.decided_by = acting_user
    # The reason belongs to the returned state; the history keeps every reason as a review.
    report.return_reason = text if target == S.RETURNED else ""
    report.save(update_fields=["status", "decided_at", "decided_by", "return_reason", "updated_at"])
    review = ReportReview.objects.create(
        report=report, version=version, kind=kind, role=ReportReview.Role.STAFF, text=text, author=acting_user
    )
    audit_record(
        actor=acting_user, action=f"report_{kind}", target=report,
        data={"from": current, "to": target, "version": version.number, "review": review.pk, "text": text},
    )
    # One of the staff decided: the others' "please review" is done. The host unit's and the
    # mentors' stay: they may still comment on an accepted report.
    staff = get_user_model().objects.filter(role_assignments__role=RoleAssignment.Role.ORG_STAFF)
    notifications_close_topic(topic=report_topic(report), recipients=staff)
    return report, review


@transaction.atomic
def report_accept(*, acting_user, report: Report, note: str = "") -> Report:
    """Staff accept the submitted report (已提交 → 已通过)."""
    report = report_locked(report)
    _ensure_staff(acting_user, report)
    report_transition_check(report, S.ACCEPTED)
    note = _text(note, missing=None)
    report, _review = _decide(acting_user=acting_user, report=report, target=S.ACCEPTED,
                              kind=ReportReview.Kind.ACCEPT, text=note)
    _tell_cadre(
        report, title=_("您的%(report)s已审核通过") % {"report": report.label},
        body=note or _("组织部已审核通过您的%(report)s。") % {"report": report.label},
    )
    return report


@transaction.atomic
def report_return(*, acting_user, report: Report, reason: str) -> Report:
    """Staff return the submitted report for revision with a reason (已提交 → 已退回)."""
    report = report_locked(report)
    _ensure_staff(acting_user, report)
    report_transition_check(report, S.RETURNED)
    reason = _text(reason, missing=_("退回时请填写退回原因。"))
    report, _review = _decide(acting_user=acting_user, report=report, target=S.RETURNED,
                              kind=ReportReview.Kind.RETURN, text=reason)
    _tell_cadre(
        report, title=_("您的%(report)s被退回修改") % {"report": report.label},
        body=_("退回原因：%(reason)s") % {"reason": reason},
    )
    return report
