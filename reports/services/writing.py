"""The cadre writing their reports (R12, D5, D6).

- ``report_draft_save`` keeps the draft (sections as the report's kind defines them, the title,
  the term-end form) while the report is 未提交 or 已退回. The autosave calls it too; an autosave
  leaves no audit row (it would drown the trail), but ``draft_saved_at`` always moves.
- ``report_attachment_add`` / ``report_attachment_remove``: PDF, Word or images, size-limited,
  stored under a server-made name (``models.attachment_path``) and downloaded only through
  ``/files/`` (``core.files``). An attachment is bound to the version it is submitted with and
  can no longer be removed after that.
- ``report_submit`` freezes the draft into version n+1 along ``Report.TRANSITIONS`` and tells the
  host unit, the mentors and the organising department's staff.

Only the report's cadre writes (D6: anyone else in scope gets 403). Everything stays plain text:
control characters go, nothing is interpreted as markup — the templates escape on output.
"""

import datetime as dt
import unicodedata
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import notify
from core.uploads import validate_document_upload
from programs.models import RoleAssignment, Unit
from programs.selectors import department_staff_users, unit_role_users

from ..exceptions import ReportAccessDenied, ReportError
from ..models import Report, ReportAttachment, ReportVersion
from .common import report_locked, report_page_url, report_topic, report_transition_check

S = Report.Status
# A section is a few pages of text; longer material belongs in an attachment.
SECTION_MAX_LENGTH = 20_000
TITLE_MAX_LENGTH = 200
ATTACHMENTS_MAX = 10
ORIGINAL_NAME_MAX_LENGTH = 200
# Newlines and tabs are text; every other control character (NUL, escape sequences, C1) is not.
_KEPT_CONTROLS = {"\n", "\t"}


# --- Text ----------------------------------------------------------------------------------------


def plain_text(value, *, single_line: bool = False) -> str:
    """The value as plain text: newlines normalised, control characters and lone surrogates
    removed (PostgreSQL refuses NUL; terminals and exports misread the rest)."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    if single_line:
        text = " ".join(text.split("\n"))
    return "".join(
        char for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in ("Cc", "Cs")
    )


def safe_original_name(name: str) -> str:
    """The uploaded file's own name, kept only for display: no folders, no control characters,
    at most ``ORIGINAL_NAME_MAX_LENGTH`` characters with the extension kept."""
    base = plain_text(name, single_line=True).replace("\\", "/").split("/")[-1].strip().strip(".") or ""
    if not base:
        return _("附件")
    if len(base) > ORIGINAL_NAME_MAX_LENGTH:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: ORIGINAL_NAME_MAX_LENGTH - len(suffix)] + suffix
    return base


# --- Guards --------------------------------------------------------------------------------------


def is_report_cadre(user, report: Report) -> bool:
    return user is not None and user.pk is not None and user.pk == report.placement.cadre.user_id


def _ensure_cadre(user, report: Report) -> None:
    if not is_report_cadre(user, report):
        raise ReportAccessDenied(_("只有挂职干部本人可以撰写和提交该报告。"))


def _ensure_writable(report: Report) -> None:
    if report.status not in Report.WRITABLE_STATUSES:
        raise ReportError(
            _("报告当前状态为“%(status)s”，不能修改。") % {"status": report.get_status_display()}
        )


# --- Drafts --------------------------------------------------------------------------------------


def _clean_sections(report: Report, sections: dict) -> dict:
    if not isinstance(sections, dict):
        raise ReportError(_("报告内容格式不正确，请刷新页面后重试。"))
    headings = dict(report.sections)
    if set(sections) - set(headings):
        # The unknown keys are not named: they come from the request and are echoed nowhere.
        raise ReportError(_("报告内容包含本类报告没有的部分，请刷新页面后重试。"))
    cleaned = {}
    for key, value in sections.items():
        if value is not None and not isinstance(value, str):
            raise ReportError(_("“%(heading)s”的内容格式不正确。") % {"heading": headings[key]})
        text = plain_text(value)
        if len(text) > SECTION_MAX_LENGTH:
            raise ReportError(
                _("“%(heading)s”不能超过 %(limit)d 字（现为 %(length)d 字）。")
                % {"heading": headings[key], "limit": SECTION_MAX_LENGTH, "length": len(text)}
            )
        cleaned[key] = text
    return cleaned


@transaction.atomic
def report_draft_save(*, acting_user, report: Report, sections: dict, title: str | None = None,
                      term_end_form: str | None = None, autosave: bool = False) -> Report:
    """Keep the cadre's draft. Only the sections given change; ``title`` and ``term_end_form``
    change when given (``None`` leaves them). An explicit save leaves an audit row, an autosave
    does not."""
    report = report_locked(report)
    _ensure_cadre(acting_user, report)
    _ensure_writable(report)
    cleaned = _clean_sections(report, sections)
    fields = ["draft", "draft_saved_at", "updated_at"]
    if title is not None:
        if not isinstance(title, str):
            raise ReportError(_("标题格式不正确。"))
        title = plain_text(title, single_line=True).strip()
        if len(title) > TITLE_MAX_LENGTH:
            raise ReportError(_("标题不能超过 %(limit)d 字。") % {"limit": TITLE_MAX_LENGTH})
        report.title = title
        fields.append("title")
    if term_end_form is not None:
        if report.kind != Report.Kind.TERM_END:
            if term_end_form:
                raise ReportError(_("只有期满报告需要选择报告形式。"))
        elif term_end_form not in ("", *Report.TermEndForm.values):
            raise ReportError(_("期满报告的形式只能是工作报告或调研报告。"))
        else:
            report.term_end_form = term_end_form
            fields.append("term_end_form")
    report.draft = {**(report.draft or {}), **cleaned}
    report.draft_saved_at = timezone.now()
    report.save(update_fields=fields)
    if not autosave:
        audit_record(
            actor=acting_user, action="report_draft_save", target=report,
            data={"sections": sorted(cleaned), "lengths": {key: len(text) for key, text in cleaned.items()}},
        )
    return report


# --- Attachments ---------------------------------------------------------------------------------


@transaction.atomic
def report_attachment_add(*, acting_user, report: Report, upload) -> ReportAttachment:
    """Add a file to the draft: PDF, Word or an image by content (``validate_document_upload``),
    at most ``ATTACHMENTS_MAX`` per report. The file is stored under a server-made name."""
    report = report_locked(report)
    _ensure_cadre(acting_user, report)
    _ensure_writable(report)
    if upload is None:
        raise ReportError(_("请选择要上传的文件。"))
    original_name = safe_original_name(upload.name)
    # The checks read the upload's own name for its extension; messages show the cleaned name.
    upload.name = original_name
    try:
        validate_document_upload(upload)
    except ValidationError as exc:
        raise ReportError(exc.messages[0]) from exc
    if report.attachments.count() >= ATTACHMENTS_MAX:
        raise ReportError(_("每份报告最多 %(limit)d 个附件。") % {"limit": ATTACHMENTS_MAX})
    attachment = ReportAttachment(report=report, original_name=original_name, size=upload.size, uploaded_by=acting_user)
    attachment.file.save(original_name, upload, save=False)  # attachment_path makes the stored name
    # The file is on disk before the row: should writing the row fail, do not leave it there.
    stored_name, storage = attachment.file.name, attachment.file.storage
    try:
        attachment.save()
        audit_record(
            actor=acting_user, action="report_attachment_add", target=report,
            data={"attachment": attachment.pk, "name": original_name, "size": attachment.size, "stored": stored_name},
        )
    except Exception:
        storage.delete(stored_name)
        raise
    return attachment


@transaction.atomic
def report_attachment_remove(*, acting_user, attachment: ReportAttachment) -> None:
    """Remove an attachment not yet submitted; one bound to a version stays with it."""
    report = report_locked(attachment.report)
    _ensure_cadre(acting_user, report)
    _ensure_writable(report)
    attachment = ReportAttachment.objects.select_related("version").get(pk=attachment.pk, report=report)
    if attachment.version_id is not None:
        raise ReportError(
            _("附件“%(name)s”已随第%(number)s版提交，不能删除。")
            % {"name": attachment.original_name, "number": attachment.version.number}
        )
    stored_name, storage = attachment.file.name, attachment.file.storage
    audit_record(
        actor=acting_user, action="report_attachment_remove", target=report,
        data={"attachment": attachment.pk, "name": attachment.original_name, "stored": stored_name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored_name))


# --- Submitting ----------------------------------------------------------------------------------


def missing_sections(report: Report) -> list[str]:
    """Headings of the sections the draft leaves empty."""
    draft = report.draft or {}
    return [heading for key, heading in report.sections if not str(draft.get(key) or "").strip()]


def submission_recipients(report: Report) -> list:
    """Who hears of a submission (D6): the host unit's approvers and clerks, the supervising
    township of a village, the placement's mentors and the organising department's staff."""
    placement = report.placement
    host_unit = placement.host_post.host_unit
    R = RoleAssignment.Role
    recipients = list(unit_role_users(R.HOST_APPROVER, [host_unit.pk]))
    recipients += list(unit_role_users(R.HOST_CLERK, [host_unit.pk]))
    if host_unit.level == Unit.Level.VILLAGE and host_unit.parent_id:
        recipients += list(unit_role_users(R.SUPERVISING_TOWNSHIP, [host_unit.parent_id]))
    recipients += [mentor.user for mentor in placement.mentors.select_related("user") if mentor.user_id]
    recipients += list(department_staff_users([placement.program.organising_department_id]))
    cadre_user_id = placement.cadre.user_id
    return [user for user in recipients if user.pk != cadre_user_id]


@transaction.atomic
def report_submit(*, acting_user, report: Report, today: dt.date | None = None) -> ReportVersion:
    """Freeze the draft as version n+1 (未提交/已退回 → 已提交). Every section must be filled; a
    term-end report needs its form; nothing is submitted before its period has begun."""
    report = report_locked(report)
    _ensure_cadre(acting_user, report)
    report_transition_check(report, S.SUBMITTED)
    today = today or timezone.localdate()
    if today < report.period_start:
        raise ReportError(
            _("%(report)s所属期间自 %(start)s 开始，开始前不能提交。")
            % {"report": report.label, "start": report.period_start.isoformat()}
        )
    missing = missing_sections(report)
    if missing:
        raise ReportError(_("以下部分尚未填写，不能提交：%(headings)s。") % {"headings": "、".join(missing)})
    if report.kind == Report.Kind.TERM_END and not report.term_end_form:
        raise ReportError(_("请选择期满报告的形式（工作报告或调研报告）后再提交。"))
    now = timezone.now()
    previous = report.status
    number = (report.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    draft = report.draft or {}
    version = ReportVersion.objects.create(
        report=report, number=number, title=report.title, term_end_form=report.term_end_form,
        sections={key: draft[key] for key, _heading in report.sections},
        submitted_by=acting_user, submitted_at=now,
    )
    bound = report.attachments.filter(version__isnull=True).update(version=version)
    report.status = S.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.return_reason = ""  # the reason belongs to the returned state; the reviews keep it
    report.save(update_fields=["status", "submitted_at", "first_submitted_at", "return_reason", "updated_at"])
    state = report.deadline_state(today)
    audit_record(
        actor=acting_user, action="report_submit", target=report,
        data={"from": previous, "to": S.SUBMITTED, "version": number, "attachments": bound, "deadline_state": state},
    )
    cadre = report.placement.cadre.name
    if number == 1:
        title = _("%(cadre)s提交了%(report)s") % {"cadre": cadre, "report": report.label}
    else:
        title = _("%(cadre)s提交了修改后的%(report)s（第%(number)s版）") % {
            "cadre": cadre, "report": report.label, "number": number}
    notify(
        recipients=submission_recipients(report), title=title,
        body=_("截止日期 %(due)s，请查阅。") % {"due": report.due_date.isoformat()},
        url=report_page_url(report), topic=report_topic(report),
    )
    return version
