"""Supervision while a cadre serves (R11, R13): violations (擅自离岗), inspections and on-post
checks (巡查、查岗), monthly attendance (考勤), contacts (三联一解决、回访走访) and the cadre's
problems followed to a solution.

Who acts (D6): the host unit's approver or clerk records violations and confirms attendance
for placements of their unit; organisation-department staff plan and record inspections,
contacts and problems for the placements their subtree manages (D1). Every function is
keyword-only, atomic, writes an audit row and refuses with ``DailyError`` (a rule) or
``DailyAccessDenied`` (in scope but not allowed, 403).
"""

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.display import days_text
from core.notifications import notify
from programs.calendar import working_days_between
from programs.models import OrgDepartment, Placement, PolicyFields
from programs.roles import user_scope
from programs.selectors import department_staff_users

from ..exceptions import DailyAccessDenied, DailyError
from ..models import (
    AttendanceMonth,
    Contact,
    Inspection,
    InspectionCheck,
    LeaveRequest,
    Problem,
    Violation,
)
from ..selectors import leave_on
from .leave import LeavePeriod, leave_days_count, returned_period

WORKING = PolicyFields.DayCounting.WORKING


# --- Dates ---------------------------------------------------------------------------------------


def placement_end(placement: Placement) -> dt.date:
    return placement.actual_end or placement.planned_end


def placement_on_post(placement: Placement, day: dt.date) -> bool:
    """Whether the cadre was on this placement (在岗) on ``day``: started, not yet ended."""
    if placement.actual_start is None or placement.status == Placement.Status.PROPOSED:
        return False
    return placement.actual_start <= day <= placement_end(placement)


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_last(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise DailyError(_("未知的%(what)s“%(value)s”。") % {"what": what, "value": value})
    return value


def _placement_locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("cadre__managing_department", "program__organising_department", "program__policy",
                        "host_post__host_unit")
        .get(pk=placement.pk)
    )


# --- Who (D1, D6) --------------------------------------------------------------------------------


def staff_manages_placement(user, placement: Placement) -> bool:
    """Staff whose subtree holds the program's organising department or the cadre's managing
    department (D1)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return True
    return scope.is_org_staff and (
        placement.program.organising_department.path.startswith(scope.department_path)
        or placement.cadre.managing_department.path.startswith(scope.department_path)
    )


def host_keeps_placement(user, placement: Placement) -> bool:
    """The host unit's approver or clerk (D6) of the placement's host unit."""
    return placement.host_post.host_unit_id in user_scope(user).host_unit_ids


def staff_over_department(user, department: OrgDepartment) -> bool:
    scope = user_scope(user)
    return scope.is_superuser or (scope.is_org_staff and department.path.startswith(scope.department_path))


def _ensure_staff_manages(user, placement: Placement) -> None:
    if not staff_manages_placement(user, placement):
        raise DailyAccessDenied(
            _("只有管理干部“%(cadre)s”的组织部工作人员可以办理此事项。") % {"cadre": placement.cadre.name}
        )


def _ensure_staff_over(user, department: OrgDepartment) -> None:
    if not staff_over_department(user, department):
        raise DailyAccessDenied(_("您无权办理“%(department)s”的巡查事项。") % {"department": department.name})


def _ensure_host_keeper(user, placement: Placement) -> None:
    """D6: attendance is kept by the host unit's clerk or approver."""
    if not (user_scope(user).is_superuser or host_keeps_placement(user, placement)):
        raise DailyAccessDenied(
            _("只有挂职单位“%(unit)s”的审批人或经办人可以办理此事项。") % {"unit": placement.host_post.host_unit.name}
        )


def _transition_check(model, current: str, target: str, what: str) -> None:
    """Refuse a move outside the model's ``TRANSITIONS``, naming both states (oscar style)."""
    Status = model.Status
    if Status(target) not in model.TRANSITIONS[Status(current)]:
        raise DailyError(
            _("%(what)s不能从“%(current)s”变为“%(target)s”。")
            % {"what": what, "current": Status(current).label, "target": Status(target).label}
        )


# --- Violations (R11) ----------------------------------------------------------------------------


def _violation_notify(violation: Violation, placement: Placement, acting_user) -> None:
    """"Visible to the organisation department": staff of the cadre's managing department and of
    the program's organising department are told."""
    department_ids = {placement.cadre.managing_department_id, placement.program.organising_department_id}
    recipients = []
    for department_id in department_ids:
        recipients.extend(department_staff_users([department_id]).exclude(pk=getattr(acting_user, "pk", None)))
    summary = {
        "cadre": placement.cadre.name, "kind": violation.get_kind_display(), "unit": placement.host_post.host_unit.name,
        "start": violation.start_date.isoformat(), "end": violation.end_date.isoformat(), "days": days_text(violation.days),
    }
    notify(
        recipients=recipients,
        title=_("违规记录：%(cadre)s %(kind)s") % summary,
        body=_("%(cadre)s（挂职单位：%(unit)s）%(start)s 至 %(end)s %(kind)s，计 %(days)s 个工作日。") % summary,
        url=reverse("admin:daily_violation_change", args=[violation.pk]),
    )


def _violation_create(
    *, acting_user, placement: Placement, kind: str, start_date: dt.date, end_date: dt.date, description: str,
    source: str, inspection_check: InspectionCheck | None = None,
) -> Violation:
    days = leave_days_count(LeavePeriod(start_date, end_date), counting=WORKING)
    violation = Violation.objects.create(
        placement=placement, kind=kind, start_date=start_date, end_date=end_date, days=days, description=description,
        source=source, inspection_check=inspection_check, recorded_by=acting_user if acting_user.pk else None,
    )
    audit_record(
        actor=acting_user, action="violation_record", target=violation,
        data={"kind": kind, "start": start_date.isoformat(), "end": end_date.isoformat(), "days": str(days),
              "source": source, "inspection_check": inspection_check.pk if inspection_check else None},
    )
    _violation_notify(violation, placement, acting_user)
    return violation


@transaction.atomic
def violation_record(
    *, acting_user, placement: Placement, kind: str = Violation.Kind.UNAUTHORISED_ABSENCE, start_date: dt.date,
    end_date: dt.date, description: str, today: dt.date | None = None,
) -> Violation:
    """Record a breach such as unauthorised absence (擅自离岗, R11) by the host unit (its approver
    or clerk, D6) or by the staff who manage the placement (D1). Days are working days (D3)."""
    placement = _placement_locked(placement)
    if host_keeps_placement(acting_user, placement):
        source = Violation.Source.HOST_UNIT
    elif staff_manages_placement(acting_user, placement):
        source = Violation.Source.DEPARTMENT
    else:
        raise DailyAccessDenied(
            _("只有挂职单位“%(unit)s”或管理该干部的组织部可以记录违规。") % {"unit": placement.host_post.host_unit.name}
        )
    kind = _choice(kind, Violation.Kind, _("违规类别"))
    description = _text(description)
    if not description:
        raise DailyError(_("请填写违规情况说明。"))
    if end_date < start_date:
        raise DailyError(
            _("结束日期 %(end)s 早于开始日期 %(start)s。") % {"end": end_date.isoformat(), "start": start_date.isoformat()}
        )
    today = _today(today)
    if end_date > today:
        raise DailyError(_("结束日期 %(end)s 晚于今天，不能预先记录违规。") % {"end": end_date.isoformat()})
    if placement.actual_start is None:
        raise DailyError(_("该干部尚未到岗，不能记录违规。"))
    if start_date < placement.actual_start or end_date > placement_end(placement):
        raise DailyError(
            _("违规日期须在挂职期内（%(start)s 至 %(end)s）。")
            % {"start": placement.actual_start.isoformat(), "end": placement_end(placement).isoformat()}
        )
    return _violation_create(
        acting_user=acting_user, placement=placement, kind=kind, start_date=start_date, end_date=end_date,
        description=description, source=source,
    )


@transaction.atomic
def violation_update(*, acting_user, violation: Violation, description: str) -> Violation:
    """Correct the description of a violation; dates and kind stay as recorded (a wrong record
    is answered by a new one, not rewritten)."""
    violation = Violation.objects.select_for_update(of=("self",)).select_related(
        "placement__cadre__managing_department", "placement__program__organising_department", "placement__host_post"
    ).get(pk=violation.pk)
    placement = violation.placement
    if not (host_keeps_placement(acting_user, placement) or staff_manages_placement(acting_user, placement)):
        raise DailyAccessDenied(_("您无权修改该违规记录。"))
    description = _text(description)
    if not description:
        raise DailyError(_("请填写违规情况说明。"))
    before = violation.description
    violation.description = description
    violation.save(update_fields=["description"])
    audit_record(actor=acting_user, action="violation_update", target=violation,
                 data={"description": [before, description]})
    return violation


# --- Inspections and on-post checks (R13) --------------------------------------------------------


def _inspection_fields(kind: str, date: dt.date, inspectors: str) -> tuple[str, str]:
    kind = _choice(kind, Inspection.Kind, _("巡查类别"))
    inspectors = _text(inspectors)
    if not inspectors:
        raise DailyError(_("请填写巡查人员。"))
    if not isinstance(date, dt.date):
        raise DailyError(_("请填写巡查日期。"))
    return kind, inspectors


@transaction.atomic
def inspection_plan(
    *, acting_user, department: OrgDepartment, kind: str, date: dt.date, inspectors: str, notes: str = "",
    today: dt.date | None = None,
) -> Inspection:
    """Plan a visit (定期巡查, 季度跟踪考察): status 已计划 until it takes place."""
    _ensure_staff_over(acting_user, department)
    kind, inspectors = _inspection_fields(kind, date, inspectors)
    if date < _today(today):
        raise DailyError(_("计划巡查日期 %(date)s 已过，请直接记录已进行的巡查。") % {"date": date.isoformat()})
    inspection = Inspection.objects.create(
        department=department, kind=kind, status=Inspection.Status.PLANNED, date=date, inspectors=inspectors,
        notes=_text(notes), created_by=acting_user,
    )
    audit_record(actor=acting_user, action="inspection_plan", target=inspection,
                 data={"kind": kind, "date": date.isoformat(), "department": department.pk})
    return inspection


@transaction.atomic
def inspection_record(
    *, acting_user, department: OrgDepartment, kind: str, date: dt.date, inspectors: str, notes: str = "",
    today: dt.date | None = None,
) -> Inspection:
    """Record a visit that has taken place (不定期抽查, 查岗 on the day): status 已完成."""
    _ensure_staff_over(acting_user, department)
    kind, inspectors = _inspection_fields(kind, date, inspectors)
    if date > _today(today):
        raise DailyError(_("巡查日期 %(date)s 晚于今天：尚未进行的巡查请作为计划登记。") % {"date": date.isoformat()})
    inspection = Inspection.objects.create(
        department=department, kind=kind, status=Inspection.Status.DONE, date=date, inspectors=inspectors,
        notes=_text(notes), created_by=acting_user,
    )
    audit_record(actor=acting_user, action="inspection_record", target=inspection,
                 data={"kind": kind, "date": date.isoformat(), "department": department.pk})
    return inspection


def _inspection_locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("department").get(pk=inspection.pk)


def _inspection_move(*, acting_user, inspection: Inspection, to_status: str, note: str) -> Inspection:
    current = inspection.status
    _transition_check(Inspection, current, to_status, _("巡查"))
    inspection.status = to_status
    if note:
        inspection.notes = f"{inspection.notes}\n{note}".strip()
    inspection.save(update_fields=["status", "notes"])
    audit_record(actor=acting_user, action=f"inspection_{to_status}", target=inspection,
                 data={"from": current, "to": to_status, "note": note})
    return inspection


@transaction.atomic
def inspection_complete(*, acting_user, inspection: Inspection, notes: str = "", today: dt.date | None = None) -> Inspection:
    """A planned visit took place (已计划 → 已完成)."""
    inspection = _inspection_locked(inspection)
    _ensure_staff_over(acting_user, inspection.department)
    _transition_check(Inspection, inspection.status, Inspection.Status.DONE, _("巡查"))
    if inspection.date > _today(today):
        raise DailyError(_("巡查日期 %(date)s 还未到，不能登记为已完成。") % {"date": inspection.date.isoformat()})
    return _inspection_move(acting_user=acting_user, inspection=inspection, to_status=Inspection.Status.DONE,
                            note=_text(notes))


@transaction.atomic
def inspection_cancel(*, acting_user, inspection: Inspection, reason: str) -> Inspection:
    """A planned visit will not take place (已计划 → 已取消), with the reason."""
    inspection = _inspection_locked(inspection)
    _ensure_staff_over(acting_user, inspection.department)
    _transition_check(Inspection, inspection.status, Inspection.Status.CANCELLED, _("巡查"))
    reason = _text(reason)
    if not reason:
        raise DailyError(_("请填写取消巡查的原因。"))
    return _inspection_move(acting_user=acting_user, inspection=inspection, to_status=Inspection.Status.CANCELLED,
                            note=_("取消原因：%(reason)s") % {"reason": reason})


INSPECTION_EDITABLE = {"inspectors", "notes", "date", "kind"}


@transaction.atomic
def inspection_update(*, acting_user, inspection: Inspection, today: dt.date | None = None, **changes) -> Inspection:
    """Correct who inspected and the notes; the date and kind only while still planned."""
    inspection = _inspection_locked(inspection)
    _ensure_staff_over(acting_user, inspection.department)
    unknown = set(changes) - INSPECTION_EDITABLE
    if unknown:
        raise DailyError(_("不能修改巡查的这些项目：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    if inspection.status == Inspection.Status.CANCELLED:
        raise DailyError(_("巡查已取消，不能修改。"))
    if ({"date", "kind"} & set(changes)) and inspection.status != Inspection.Status.PLANNED:
        moved = any(getattr(inspection, name) != changes[name] for name in ({"date", "kind"} & set(changes)))
        if moved:
            raise DailyError(_("巡查已完成，日期和类别不能再修改。"))
    diff = {}
    for name, value in changes.items():
        if name in ("inspectors", "notes"):
            value = _text(value)
        if getattr(inspection, name) != value:
            diff[name] = [str(getattr(inspection, name)), str(value)]
            setattr(inspection, name, value)
    _inspection_fields(inspection.kind, inspection.date, inspection.inspectors)
    if "date" in diff and inspection.date < _today(today):
        raise DailyError(_("计划巡查日期 %(date)s 已过。") % {"date": inspection.date.isoformat()})
    if diff:
        inspection.save()
        audit_record(actor=acting_user, action="inspection_update", target=inspection, data=diff)
    return inspection


@transaction.atomic
def inspection_check_record(
    *, acting_user, inspection: Inspection, placement: Placement, result: str = "", absence_reason: str = "",
    notes: str = "", unauthorised: bool = False, today: dt.date | None = None,
) -> InspectionCheck:
    """Record one cadre's check during an inspection (R13).

    请假中 is derived, never typed: approved leave covering the inspection day makes the result
    请假中 whatever was entered, and links the leave. Otherwise 在岗 or 不在岗 (with a reason);
    不在岗 judged unauthorised creates a violation (擅自离岗, R11) linked to the check.
    Recording again for the same cadre corrects the earlier check, unless it already led to a
    violation.
    """
    inspection = _inspection_locked(inspection)
    _ensure_staff_over(acting_user, inspection.department)
    placement = _placement_locked(placement)
    _ensure_staff_manages(acting_user, placement)
    if inspection.status == Inspection.Status.CANCELLED:
        raise DailyError(_("巡查已取消，不能记录查岗结果。"))
    if inspection.date > _today(today):
        raise DailyError(_("巡查日期 %(date)s 还未到，不能记录查岗结果。") % {"date": inspection.date.isoformat()})
    if not placement_on_post(placement, inspection.date):
        raise DailyError(
            _("%(date)s %(cadre)s 不在挂职期内（未到岗或已结束），不能查岗。")
            % {"date": inspection.date.isoformat(), "cadre": placement.cadre.name}
        )
    R = InspectionCheck.Result
    leave = leave_on(placement.pk, inspection.date)
    absence_reason, notes = _text(absence_reason), _text(notes)
    if leave is not None:
        # R13: derived from the approved leave, whatever was typed.
        result, absence_reason, unauthorised = R.ON_LEAVE, "", False
    else:
        if result == R.ON_LEAVE:
            raise DailyError(
                _("%(cadre)s %(date)s 没有已批准的请假，不能记为“请假中”；请选择在岗或不在岗。")
                % {"cadre": placement.cadre.name, "date": inspection.date.isoformat()}
            )
        if result not in (R.ON_POST, R.ABSENT):
            raise DailyError(_("请选择查岗结果（在岗或不在岗）。"))
        if result == R.ABSENT and not absence_reason:
            raise DailyError(_("不在岗的，请填写不在岗原因。"))
        if result == R.ON_POST:
            absence_reason = ""
            if unauthorised:
                raise DailyError(_("在岗的干部不能认定为擅自离岗。"))
    check = InspectionCheck.objects.select_for_update().filter(inspection=inspection, placement=placement).first()
    created = check is None
    if not created:
        if Violation.objects.filter(inspection_check=check).exists():
            raise DailyError(
                _("%(cadre)s 的查岗结果已据此记为违规，不能再修改。") % {"cadre": placement.cadre.name}
            )
    else:
        check = InspectionCheck(inspection=inspection, placement=placement)
    before = None if created else {"result": check.result, "absence_reason": check.absence_reason}
    check.result, check.leave, check.absence_reason, check.notes = result, leave, absence_reason, notes
    check.save()
    audit_record(
        actor=acting_user, action="inspection_check_record" if created else "inspection_check_update", target=check,
        data={"inspection": inspection.pk, "result": result, "leave": leave.pk if leave else None,
              "unauthorised": bool(unauthorised), "before": before},
    )
    if result == R.ABSENT and unauthorised:
        description = _("%(kind)s（%(inspectors)s）发现不在岗：%(reason)s") % {
            "kind": inspection.get_kind_display(), "inspectors": inspection.inspectors, "reason": absence_reason,
        }
        if notes:
            description = f"{description}\n{notes}"
        _violation_create(
            acting_user=acting_user, placement=placement, kind=Violation.Kind.UNAUTHORISED_ABSENCE,
            start_date=inspection.date, end_date=inspection.date, description=description,
            source=Violation.Source.INSPECTION, inspection_check=check,
        )
    return check


@transaction.atomic
def inspection_check_delete(*, acting_user, check: InspectionCheck) -> None:
    check = InspectionCheck.objects.select_for_update(of=("self",)).select_related(
        "inspection__department", "placement__cadre__managing_department", "placement__program__organising_department"
    ).get(pk=check.pk)
    _ensure_staff_over(acting_user, check.inspection.department)
    _ensure_staff_manages(acting_user, check.placement)
    if Violation.objects.filter(inspection_check=check).exists():
        raise DailyError(_("%(cadre)s 的查岗结果已据此记为违规，不能删除。") % {"cadre": check.placement.cadre.name})
    audit_record(actor=acting_user, action="inspection_check_delete", target=check,
                 data={"inspection": check.inspection_id, "result": check.result})
    check.delete()


# --- Attendance (考勤, R13 杭州; D6) ----------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceFigures:
    month: dt.date
    working_days: Decimal
    leave_days: Decimal
    absence_days: Decimal

    @property
    def present_days(self) -> Decimal:
        return max(self.working_days - self.leave_days - self.absence_days, Decimal(0))


def _clip(period: LeavePeriod, start: dt.date, end: dt.date) -> LeavePeriod | None:
    """The part of ``period`` between ``start`` and ``end`` (a half day at a cut edge is whole)."""
    if period.end < start or period.start > end:
        return None
    if period.start < start:
        period = LeavePeriod(start, period.end, False, period.end_noon)
    if period.end > end:
        period = LeavePeriod(period.start, end, period.start_afternoon, False)
    return period


def attendance_window(placement: Placement, month: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of ``month`` the cadre was on the placement, or None."""
    if placement.actual_start is None:
        return None
    start = max(month, placement.actual_start)
    end = min(month_last(month), placement_end(placement))
    return (start, end) if start <= end else None


def attendance_month_figures(*, placement: Placement, month: dt.date) -> AttendanceFigures:
    """A month's attendance computed from the holiday table, approved leave and recorded absence.

    Attendance is kept in working days (D3) whatever the leave policy counts, so the three figures
    add up: working days within the placement, leave actually taken (a returned leave up to the
    return, ``returned_period``), and days of unauthorised absence (R11).
    """
    month = month_first(month)
    window = attendance_window(placement, month)
    if window is None:
        return AttendanceFigures(month, Decimal(0), Decimal(0), Decimal(0))
    start, end = window
    working = Decimal(working_days_between(start, end))
    S = LeaveRequest.Status
    leave_days = Decimal(0)
    for leave in LeaveRequest.objects.filter(
        placement=placement, status__in=(S.APPROVED, S.RETURNED), start_date__lte=end, end_date__gte=start
    ):
        period = returned_period(leave) if leave.status == S.RETURNED and leave.actual_return_date else LeavePeriod.of(leave)
        clipped = _clip(period, start, end)
        if clipped is not None:
            leave_days += leave_days_count(clipped, counting=WORKING)
    absence_days = Decimal(0)
    for violation in Violation.objects.filter(
        placement=placement, kind=Violation.Kind.UNAUTHORISED_ABSENCE, start_date__lte=end, end_date__gte=start
    ):
        clipped = _clip(LeavePeriod(violation.start_date, violation.end_date), start, end)
        absence_days += leave_days_count(clipped, counting=WORKING)
    # Absence recorded on a day of leave would count twice; the month never goes below zero.
    absence_days = min(absence_days, max(working - leave_days, Decimal(0)))
    return AttendanceFigures(month, working, min(leave_days, working), absence_days)


def _attendance_checks(placement: Placement, month: dt.date) -> None:
    if month.day != 1:
        raise DailyError(_("考勤月份须为该月第一天。"))
    if not placement.program.policy.attendance_required:
        raise DailyError(_("项目“%(program)s”未要求挂职单位考勤。") % {"program": placement.program})
    if attendance_window(placement, month) is None:
        raise DailyError(
            _("%(month)s 不在 %(cadre)s 的挂职期内。") % {"month": f"{month:%Y-%m}", "cadre": placement.cadre.name}
        )


@transaction.atomic
def attendance_month_fill(*, acting_user=None, placement: Placement, month: dt.date) -> AttendanceMonth:
    """Create or refresh the month's row from leave and violations, unconfirmed. A confirmed
    month is frozen and is not refilled. ``acting_user`` None is the system (a scheduled fill)."""
    placement = _placement_locked(placement)
    month = month_first(month)
    if acting_user is not None and not (
        host_keeps_placement(acting_user, placement) or staff_manages_placement(acting_user, placement)
    ):
        raise DailyAccessDenied(_("您无权填写该干部的考勤。"))
    _attendance_checks(placement, month)
    row = AttendanceMonth.objects.select_for_update().filter(placement=placement, month=month).first()
    if row is not None and row.confirmed_at is not None:
        raise DailyError(_("%(cadre)s %(month)s 的考勤已确认，不能重新计算。")
                         % {"cadre": placement.cadre.name, "month": f"{month:%Y-%m}"})
    figures = attendance_month_figures(placement=placement, month=month)
    row = row or AttendanceMonth(placement=placement, month=month)
    row.working_days, row.leave_days, row.absence_days = figures.working_days, figures.leave_days, figures.absence_days
    row.save()
    audit_record(
        actor=acting_user, action="attendance_month_fill", target=row,
        data={"working": str(row.working_days), "leave": str(row.leave_days), "absence": str(row.absence_days)},
    )
    return row


@transaction.atomic
def attendance_month_confirm(
    *, acting_user, placement: Placement, month: dt.date, business_trip_days: Decimal | int = 0, note: str = "",
    today: dt.date | None = None,
) -> AttendanceMonth:
    """The host unit's clerk or approver (D6) confirms a month: the figures are refilled and
    frozen with who and when. A month can be confirmed from its last day on, and once."""
    placement = _placement_locked(placement)
    _ensure_host_keeper(acting_user, placement)
    month = month_first(month)
    _attendance_checks(placement, month)
    today = _today(today)
    if today < month_last(month):
        raise DailyError(
            _("%(month)s 尚未结束，须从 %(last)s 起确认。") % {"month": f"{month:%Y-%m}", "last": month_last(month).isoformat()}
        )
    row = AttendanceMonth.objects.select_for_update().filter(placement=placement, month=month).first()
    if row is not None and row.confirmed_at is not None:
        raise DailyError(
            _("%(cadre)s %(month)s 的考勤已于 %(when)s 确认，不能重复确认。")
            % {"cadre": placement.cadre.name, "month": f"{month:%Y-%m}",
               "when": f"{timezone.localtime(row.confirmed_at):%Y-%m-%d %H:%M}"}
        )
    figures = attendance_month_figures(placement=placement, month=month)
    trip = Decimal(str(business_trip_days or 0))
    if trip < 0 or trip * 2 != (trip * 2).to_integral():
        raise DailyError(_("出差天数须为不小于 0 的整数或半天。"))
    available = figures.working_days - figures.leave_days - figures.absence_days
    if trip > available:
        raise DailyError(
            _("出差天数 %(trip)s 超过该月实际出勤天数 %(available)s。") % {"trip": trip, "available": available}
        )
    row = row or AttendanceMonth(placement=placement, month=month)
    row.working_days, row.leave_days, row.absence_days = figures.working_days, figures.leave_days, figures.absence_days
    row.business_trip_days = trip
    row.note = _text(note)
    row.confirmed_by = acting_user
    row.confirmed_at = timezone.now()
    row.save()
    audit_record(
        actor=acting_user, action="attendance_month_confirm", target=row,
        data={"working": str(row.working_days), "leave": str(row.leave_days), "absence": str(row.absence_days),
              "business_trip": str(trip), "note": row.note},
    )
    return row


# --- Contacts and problems (三联一解决 江东, 回访走访 杭州; R13) ---------------------------------------


CONTACT_FIELDS = {"kind", "party", "date", "with_whom", "content"}


def _contact_validate(contact: Contact, today: dt.date) -> None:
    _choice(contact.kind, Contact.Kind, _("联系方式"))
    _choice(contact.party, Contact.Party, _("联系对象"))
    contact.with_whom, contact.content = _text(contact.with_whom), _text(contact.content)
    if not contact.with_whom:
        raise DailyError(_("请填写联系人。"))
    if not contact.content:
        raise DailyError(_("请填写了解到的情况。"))
    if contact.date > today:
        raise DailyError(_("联系日期 %(date)s 晚于今天。") % {"date": contact.date.isoformat()})


@transaction.atomic
def contact_record(
    *, acting_user, placement: Placement, party: str, date: dt.date, with_whom: str, content: str,
    kind: str = Contact.Kind.CONTACT, today: dt.date | None = None,
) -> Contact:
    """The department's contact with the sending unit, host unit or cadre (staff only)."""
    placement = _placement_locked(placement)
    _ensure_staff_manages(acting_user, placement)
    contact = Contact(placement=placement, kind=kind, party=party, date=date, with_whom=with_whom, content=content,
                      recorded_by=acting_user)
    _contact_validate(contact, _today(today))
    contact.save()
    audit_record(actor=acting_user, action="contact_record", target=contact,
                 data={"kind": kind, "party": party, "date": date.isoformat()})
    return contact


@transaction.atomic
def contact_update(*, acting_user, contact: Contact, today: dt.date | None = None, **changes) -> Contact:
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise DailyError(_("不能修改联系记录的这些项目：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    contact = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    _ensure_staff_manages(acting_user, contact.placement)
    before = {name: str(getattr(contact, name)) for name in changes}
    for name, value in changes.items():
        setattr(contact, name, value)
    _contact_validate(contact, _today(today))
    contact.save()
    audit_record(actor=acting_user, action="contact_update", target=contact,
                 data={name: [before[name], str(getattr(contact, name))] for name in changes})
    return contact


@transaction.atomic
def contact_delete(*, acting_user, contact: Contact) -> None:
    contact = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    _ensure_staff_manages(acting_user, contact.placement)
    audit_record(actor=acting_user, action="contact_delete", target=contact,
                 data={"date": contact.date.isoformat(), "content": contact.content})
    contact.delete()


@transaction.atomic
def problem_record(
    *, acting_user, placement: Placement, category: str, raised_on: dt.date, description: str,
    today: dt.date | None = None,
) -> Problem:
    """A problem the cadre raised (work, family, original post), to be followed to a solution."""
    placement = _placement_locked(placement)
    _ensure_staff_manages(acting_user, placement)
    category = _choice(category, Problem.Category, _("问题类别"))
    description = _text(description)
    if not description:
        raise DailyError(_("请填写反映的问题。"))
    if raised_on > _today(today):
        raise DailyError(_("提出日期 %(date)s 晚于今天。") % {"date": raised_on.isoformat()})
    problem = Problem.objects.create(placement=placement, category=category, raised_on=raised_on,
                                     description=description, recorded_by=acting_user)
    audit_record(actor=acting_user, action="problem_record", target=problem,
                 data={"category": category, "raised_on": raised_on.isoformat()})
    return problem


@transaction.atomic
def problem_update(*, acting_user, problem: Problem, **changes) -> Problem:
    """Correct an open problem's category or wording; a solved one is closed."""
    unknown = set(changes) - {"category", "description", "raised_on"}
    if unknown:
        raise DailyError(_("不能修改问题的这些项目：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    problem = Problem.objects.select_for_update(of=("self",)).get(pk=problem.pk)
    _ensure_staff_manages(acting_user, problem.placement)
    if problem.status != Problem.Status.OPEN:
        raise DailyError(_("问题已解决，不能再修改。"))
    before = {name: str(getattr(problem, name)) for name in changes}
    for name, value in changes.items():
        setattr(problem, name, _text(value) if name == "description" else value)
    _choice(problem.category, Problem.Category, _("问题类别"))
    if not problem.description:
        raise DailyError(_("请填写反映的问题。"))
    problem.save()
    audit_record(actor=acting_user, action="problem_update", target=problem,
                 data={name: [before[name], str(getattr(problem, name))] for name in changes})
    return problem


@transaction.atomic
def problem_solve(
    *, acting_user, problem: Problem, solution: str, solved_on: dt.date | None, today: dt.date | None = None
) -> Problem:
    """一解决: record how and when the problem was solved (待解决 → 已解决)."""
    problem = Problem.objects.select_for_update(of=("self",)).get(pk=problem.pk)
    _ensure_staff_manages(acting_user, problem.placement)
    _transition_check(Problem, problem.status, Problem.Status.SOLVED, _("问题"))
    solution = _text(solution)
    if not solution:
        raise DailyError(_("请填写解决情况。"))
    if solved_on is None:
        raise DailyError(_("请填写解决日期。"))
    if solved_on < problem.raised_on:
        raise DailyError(
            _("解决日期 %(solved)s 早于提出日期 %(raised)s。")
            % {"solved": solved_on.isoformat(), "raised": problem.raised_on.isoformat()}
        )
    if solved_on > _today(today):
        raise DailyError(_("解决日期 %(date)s 晚于今天。") % {"date": solved_on.isoformat()})
    problem.status, problem.solution, problem.solved_on, problem.solved_by = (
        Problem.Status.SOLVED, solution, solved_on, acting_user,
    )
    problem.save()
    audit_record(actor=acting_user, action="problem_solve", target=problem,
                 data={"from": Problem.Status.OPEN, "to": Problem.Status.SOLVED, "solved_on": solved_on.isoformat()})
    return problem

