"""Writes of the selection procedure (R7, D7): each step a service that takes ``acting_user``,
checks scope and the stage pipeline, records who, when and the document, and leaves an audit row.

Out of scope answers like not found (``SelectionNotFound``, D6); in scope but not allowed is
``AccessDenied``. Functions that depend on the day take ``today`` (default: the local date) so
the window and the notice period can be tested.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import ApplicationError
from core.jobs import job_enqueue
from core.uploads import validate_document_upload
from programs import services as program_services
from programs.calendar import add_working_days, years_without_schedule
from programs.models import Cadre, HostPost, Placement, PolicyFields, Unit
from programs.roles import user_scope

from . import selectors
from .exceptions import (
    ApplicationRefused,
    InvalidStageTransition,
    NoticeNotFinished,
    SelectionAccessDenied,
    SelectionError,
    SelectionNotFound,
    ShortlistRefused,
)
from .models import (
    Application,
    ApplicationStatusChange,
    DemandRequest,
    Objection,
    Selection,
    SelectionStep,
    UnitRecommendation,
)

Stage = Selection.Stage
Status = Application.Status
Mode = PolicyFields.SelectionMode


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _upload_checked(upload):
    """The one checked-upload path (PDF, Word or an image by content, size limit): these
    writes save without ``full_clean``, so the check is asked here."""
    if upload:
        try:
            validate_document_upload(upload)
        except ValidationError as exc:
            raise SelectionError(exc.messages[0]) from None
    return upload


# --- Reading the rows a service acts on: out of scope is not found (D6) -------------------------


def _selection_locked(user, selection: Selection) -> Selection:
    if not selectors.selections_visible_to(user).filter(pk=selection.pk).exists():
        raise SelectionNotFound(_("未找到该选派工作。"))
    return (
        Selection.objects.select_for_update(of=("self",))
        .select_related("program__organising_department", "program__policy")
        .get(pk=selection.pk)
    )


def _ensure_manager(user, selection: Selection) -> None:
    """Only staff of the organising department's subtree run the procedure (D1)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return
    if scope.is_org_staff and selection.program.organising_department.path.startswith(scope.department_path):
        return
    raise SelectionAccessDenied(_("您无权办理该选派工作。"))


def _managed_selection(user, selection: Selection) -> Selection:
    selection = _selection_locked(user, selection)
    _ensure_manager(user, selection)
    return selection


def _application_locked(user, application: Application) -> Application:
    if not selectors.applications_visible_to(user).filter(pk=application.pk).exists():
        raise SelectionNotFound(_("未找到该报名人选。"))
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(*selectors.APPLICATION_RELATED, "cadre__managing_department", "cadre__sending_unit__department")
        .get(pk=application.pk)
    )


# --- The pipelines -------------------------------------------------------------------------------


def _stage_move(
    *, acting_user, selection: Selection, to_stage: str, effective_date: dt.date, document_number: str = "",
    note: str = "", **fields,
) -> Selection:
    """Move a locked selection one stage on; refuse a move not in ``Selection.TRANSITIONS``
    naming both stages. Writes the step row and the audit row; asks for notifications."""
    current, target = Stage(selection.stage), Stage(to_stage)
    if target not in Selection.TRANSITIONS[current]:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。") % {"current": current.label, "target": target.label}
        )
    for name, value in fields.items():
        setattr(selection, name, value)
    selection.stage = target
    selection.stage_changed_at = timezone.now()
    selection.save()
    SelectionStep.objects.create(
        selection=selection, from_stage=current, to_stage=target, effective_date=effective_date,
        document_number=document_number, note=note, actor=acting_user,
    )
    audit_record(
        actor=acting_user, action="selection_transition", target=selection,
        data={"from": current.value, "to": target.value, "effective_date": effective_date.isoformat(),
              "document_number": document_number, "note": note},
    )
    job_enqueue("selection.stage_changed", kwargs={"selection_id": selection.pk, "stage": target.value})
    return selection


def _application_move(*, acting_user, application: Application, to_status: str, note: str = "", **fields) -> Application:
    current, target = Status(application.status), Status(to_status)
    if target not in Application.TRANSITIONS[current]:
        raise InvalidStageTransition(
            _("报名人选“%(cadre)s”不能从“%(current)s”变为“%(target)s”。")
            % {"cadre": application.cadre.name, "current": current.label, "target": target.label}
        )
    for name, value in fields.items():
        setattr(application, name, value)
    application.status = target
    application.status_changed_at = timezone.now()
    application.save()
    ApplicationStatusChange.objects.create(
        application=application, from_status=current, to_status=target, note=note, actor=acting_user
    )
    audit_record(
        actor=acting_user, action="application_transition", target=application,
        data={"from": current.value, "to": target.value, "note": note},
    )
    return application


# --- Step 0: the demand survey (江东) --------------------------------------------------------------


@transaction.atomic
def selection_create(*, acting_user, program, effective_date: dt.date | None = None) -> Selection:
    """Open the selection of a program: in the demand survey when its policy asks for one
    (江东), otherwise in preparation."""
    program_services._ensure_staff_over(acting_user, program.organising_department)
    if Selection.objects.filter(program=program).exists():
        raise SelectionError(_("项目“%(program)s”已有选派工作。") % {"program": program})
    stage = Stage.SURVEY if program.policy.demand_survey else Stage.PREPARING
    selection = Selection.objects.create(
        program=program, stage=stage, stage_changed_at=timezone.now(), created_by=acting_user
    )
    SelectionStep.objects.create(
        selection=selection, from_stage="", to_stage=stage, effective_date=effective_date or timezone.localdate(),
        actor=acting_user,
    )
    audit_record(actor=acting_user, action="selection_create", target=selection, data={"stage": stage.value})
    return selection


@transaction.atomic
def demand_request_submit(
    *, acting_user, selection: Selection, host_unit: Unit, post_title: str, duties: str = "",
    wanted_background: str = "", places: int = 1, term_months: int | None = None,
) -> DemandRequest:
    """A host unit states a post it needs (R7 step 0): its own approver or clerk, or staff."""
    selection = _selection_locked(acting_user, selection)
    scope = user_scope(acting_user)
    if host_unit.pk not in scope.host_unit_ids:
        _ensure_manager(acting_user, selection)
    if selection.stage != Stage.SURVEY:
        raise SelectionError(
            _("选派工作处于“%(stage)s”阶段，不再收集岗位需求。") % {"stage": Stage(selection.stage).label}
        )
    if not post_title.strip():
        raise SelectionError(_("请填写岗位名称。"))
    if places < 1:
        raise SelectionError(_("需求人数至少为 1 人。"))
    request = DemandRequest.objects.create(
        selection=selection, host_unit=host_unit, post_title=post_title.strip(), duties=duties,
        wanted_background=wanted_background, places=places,
        term_months=term_months or selection.program.policy.term_months, submitted_by=acting_user,
    )
    audit_record(
        actor=acting_user, action="demand_request_submit", target=request,
        data={"selection": selection.pk, "places": places},
    )
    return request


@transaction.atomic
def demand_request_decide(*, acting_user, demand_request: DemandRequest, accept: bool, note: str = "") -> DemandRequest:
    """Staff accept or reject a request; a decision can change until it is consolidated."""
    selection = _managed_selection(acting_user, demand_request.selection)
    request = DemandRequest.objects.select_for_update().select_related("host_unit").get(pk=demand_request.pk)
    if selection.stage != Stage.SURVEY or request.host_post_id:
        raise SelectionError(_("岗位需求“%(request)s”已汇总，不能再改变处理意见。") % {"request": request})
    before = request.status
    request.status = DemandRequest.Status.ACCEPTED if accept else DemandRequest.Status.REJECTED
    request.decision_note = note
    request.decided_by = acting_user
    request.decided_at = timezone.now()
    request.save()
    audit_record(
        actor=acting_user, action="demand_request_decide", target=request,
        data={"from": before, "to": request.status, "note": note},
    )
    return request


@transaction.atomic
def demand_consolidate(
    *, acting_user, selection: Selection, effective_date: dt.date | None = None, note: str = ""
) -> list[HostPost]:
    """Turn the accepted requests into the program's host posts and close the survey (R7 step 0).

    Requests for the same post title at the same unit become one post with their places added;
    a post the program already has gains the places. All or nothing."""
    selection = _managed_selection(acting_user, selection)
    if selection.stage != Stage.SURVEY:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。")
            % {"current": Stage(selection.stage).label, "target": Stage.PREPARING.label}
        )
    requests = list(
        DemandRequest.objects.select_for_update(of=("self",)).select_related("host_unit").filter(selection=selection)
    )
    pending = [r for r in requests if r.status == DemandRequest.Status.SUBMITTED]
    if pending:
        raise SelectionError(
            _("还有 %(count)d 条岗位需求未处理（采纳或不采纳），处理后才能汇总。") % {"count": len(pending)}
        )
    groups: dict[tuple, list[DemandRequest]] = defaultdict(list)
    for request in requests:
        if request.status == DemandRequest.Status.ACCEPTED and not request.host_post_id:
            groups[(request.host_unit_id, request.post_title)].append(request)
    if not groups:
        raise SelectionError(_("没有已采纳的岗位需求，不能汇总为挂职岗位。"))
    program = selection.program
    posts = []
    for (_unit_id, title), group in groups.items():
        places = sum(r.places for r in group)
        duties = "\n".join(_demand_duties(r) for r in group if _demand_duties(r))
        existing = HostPost.objects.filter(program=program, host_unit=group[0].host_unit, title=title).first()
        if existing:
            post = program_services.host_post_update(
                acting_user=acting_user, host_post=existing, places=existing.places + places
            )
        else:
            post = program_services.host_post_create(
                acting_user=acting_user, program=program, host_unit=group[0].host_unit, title=title, places=places,
                duties=duties,
            )
        DemandRequest.objects.filter(pk__in=[r.pk for r in group]).update(host_post=post)
        posts.append(post)
    audit_record(
        actor=acting_user, action="demand_consolidate", target=selection,
        data={"posts": [post.pk for post in posts], "requests": sum(len(g) for g in groups.values())},
    )
    _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.PREPARING,
        effective_date=effective_date or timezone.localdate(), note=note or _("岗位需求汇总完成"),
    )
    return posts


def _demand_duties(request: DemandRequest) -> str:
    if request.wanted_background:
        return _("%(duties)s（人选要求：%(background)s）") % {"duties": request.duties, "background": request.wanted_background}
    return request.duties


# --- Step 1: the announcement (预告) ----------------------------------------------------------------


@transaction.atomic
def selection_announce(
    *, acting_user, selection: Selection, apply_from: dt.date, apply_until: dt.date,
    announced_on: dt.date | None = None, announcement_number: str = "", scope_text: str = "", standards: str = "",
    announcement_document=None,
) -> Selection:
    """Publish the announcement: scope, standards, places (the program's posts) and the window."""
    selection = _managed_selection(acting_user, selection)
    announced_on = announced_on or timezone.localdate()
    if apply_until < apply_from:
        raise SelectionError(_("报名截止日期不能早于报名开始日期。"))
    if not HostPost.objects.filter(program=selection.program).exists():
        raise SelectionError(_("项目“%(program)s”还没有挂职岗位，不能发布预告。") % {"program": selection.program})
    if not (scope_text.strip() and standards.strip()):
        raise SelectionError(_("预告须写明选派范围和选派条件。"))
    fields = {
        "apply_from": apply_from, "apply_until": apply_until, "announced_on": announced_on,
        "announcement_number": announcement_number, "scope_text": scope_text, "standards": standards,
    }
    if announcement_document:
        fields["announcement_document"] = _upload_checked(announcement_document)
    return _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.ANNOUNCED, effective_date=announced_on,
        document_number=announcement_number, note=_("名额 %(places)d 个，报名时间 %(start)s 至 %(end)s") % {
            "places": selection_places(selection), "start": _day(apply_from), "end": _day(apply_until)}, **fields,
    )


def selection_places(selection: Selection) -> int:
    return HostPost.objects.filter(program=selection.program_id).aggregate(total=Sum("places"))["total"] or 0


# --- Step 2: applications ---------------------------------------------------------------------------


def allowed_sources(mode: str) -> tuple:
    """The policy's mode decides who may put a cadre forward (R7; 淮上 双向选择 = both)."""
    if mode == Mode.PERSONAL:
        return (Application.Source.PERSONAL, Application.Source.STAFF)
    if mode == Mode.UNIT:
        return (Application.Source.UNIT,)
    return tuple(Application.Source.values)


def _requires_recommendation(policy) -> bool:
    """A unit recommendation precedes the shortlist unless candidates apply in person only (安丘)."""
    return policy.selection_mode in (Mode.UNIT, Mode.BOTH)


def application_refusals(
    *, acting_user, selection: Selection, cadre: Cadre, source: str, statement: str = "", has_attachment: bool = False,
    preferred_post: HostPost | None = None, applied_on: dt.date | None = None, today: dt.date,
) -> tuple[dt.date, list[tuple[str, ApplicationError]]]:
    """The rules of R7 step 2 for one application, without writing: who may put the cadre
    forward by ``source``, the cadre within the announcement's reach, the stage, the window,
    the policy's mode, the post and the written application.

    Returns the date the application counts as made (today unless staff register a paper
    application with its date) and every refusal as ``(field, error)`` in the order
    ``application_create`` checks them: it raises the first; the spreadsheet import reports
    each against its column. ``selection`` and ``cadre`` must be read with the program's
    policy and the cadre's departments (no query is made here, except for a personal
    application, whose openness to the cadre is a query).
    """
    refusals: list[tuple[str, ApplicationError]] = []
    scope = user_scope(acting_user)
    source = Application.Source(source)
    is_manager = scope.is_superuser or (
        scope.is_org_staff and selection.program.organising_department.path.startswith(scope.department_path)
    )
    if source == Application.Source.PERSONAL:
        if scope.cadre_id != cadre.pk:
            refusals.append(("source", SelectionAccessDenied(_("只能由干部本人提出申请。"))))
        applied_on = today
    elif source == Application.Source.UNIT:
        if not (is_manager or cadre.sending_unit_id in scope.sending_unit_ids):
            refusals.append(("source", SelectionAccessDenied(_("只能由干部所在派出单位或组织部推荐。"))))
        applied_on = today
    else:
        if not is_manager:
            refusals.append(("source", SelectionAccessDenied(_("只有组织部工作人员可以代为登记申请。"))))
        applied_on = applied_on or today
        if applied_on > today:
            refusals.append(("applied_on", ApplicationRefused(_("报名日期不能晚于今天。"))))
    # The announcement reaches the cadres of the organising department's subtree (D1).
    reach = selectors.departments_above([cadre.managing_department.path, cadre.sending_unit.department.path])
    if selection.program.organising_department_id not in reach:
        if is_manager:
            refusals.append(
                ("cadre", ApplicationRefused(_("干部“%(cadre)s”不在本项目的选派范围内。") % {"cadre": cadre.name}))
            )
        else:
            refusals.append(("cadre", SelectionNotFound(_("未找到该选派工作。"))))
    if source == Application.Source.PERSONAL and not selectors.selections_open_to_cadre(cadre).filter(pk=selection.pk).exists():
        refusals.append(("cadre", SelectionNotFound(_("未找到该选派工作。"))))
    if selection.stage != Stage.ANNOUNCED:
        refusals.append(("selection", ApplicationRefused(
            _("选派工作处于“%(stage)s”阶段，不接受报名。") % {"stage": Stage(selection.stage).label}
        )))
    elif not (selection.apply_from <= applied_on <= selection.apply_until):
        refusals.append(("applied_on", ApplicationRefused(
            _("报名时间为 %(start)s 至 %(end)s，%(day)s 不在报名时间内。")
            % {"start": _day(selection.apply_from), "end": _day(selection.apply_until), "day": _day(applied_on)}
        )))
    policy = selection.program.policy
    if source not in allowed_sources(policy.selection_mode):
        refusals.append(("source", ApplicationRefused(
            _("本项目的报名方式为“%(mode)s”，不接受“%(source)s”。")
            % {"mode": Mode(policy.selection_mode).label, "source": source.label}
        )))
    if preferred_post is not None and preferred_post.program_id != selection.program_id:
        refusals.append(
            ("preferred_post", ApplicationRefused(_("志愿岗位“%(post)s”不属于本项目。") % {"post": preferred_post}))
        )
    if source != Application.Source.UNIT and not (statement.strip() or has_attachment):
        refusals.append(("statement", ApplicationRefused(_("请填写申请书或上传书面申请。"))))
    return applied_on, refusals


@transaction.atomic
def application_create(
    *, acting_user, selection: Selection, cadre: Cadre, source: str, statement: str = "", attachment=None,
    preferred_post: HostPost | None = None, applied_on: dt.date | None = None, today: dt.date | None = None,
) -> Application:
    """Put a cadre forward (R7 step 2).

    ``personal``: the cadre applies in the portal, for themself only. ``unit``: the sending
    unit's contact (or staff) nominates one of the unit's cadres. ``staff``: staff register a
    written application the cadre handed in, dated the day it was received. The policy's mode
    decides which are accepted; only while announced and inside the window.
    """
    today = today or timezone.localdate()
    selection = _selection_locked(acting_user, selection)
    cadre = Cadre.objects.select_related("managing_department", "sending_unit__department").get(pk=cadre.pk)
    source = Application.Source(source)
    applied_on, refusals = application_refusals(
        acting_user=acting_user, selection=selection, cadre=cadre, source=source, statement=statement,
        has_attachment=bool(attachment), preferred_post=preferred_post, applied_on=applied_on, today=today,
    )
    if refusals:
        raise refusals[0][1]
    application = Application(
        selection=selection, cadre=cadre, source=source, statement=statement, preferred_post=preferred_post,
        applied_on=applied_on, registered_by=acting_user, status_changed_at=timezone.now(),
    )
    if attachment:
        application.attachment = _upload_checked(attachment)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ApplicationRefused(_("干部“%(cadre)s”已报名本次选派。") % {"cadre": cadre.name}) from None
    ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=application.status, note=source.label, actor=acting_user
    )
    audit_record(
        actor=acting_user, action="application_create", target=application,
        data={"source": source.value, "applied_on": applied_on.isoformat(),
              "preferred_post": preferred_post.pk if preferred_post else None},
    )
    return application


def application_apply(*, acting_user, selection: Selection, statement: str, attachment=None,
                      preferred_post: HostPost | None = None, today: dt.date | None = None) -> Application:
    """The portal's action: the signed-in cadre applies in person."""
    scope = user_scope(acting_user)
    if not scope.cadre_id:
        raise SelectionAccessDenied(_("只有干部本人可以在网上报名。"))
    return application_create(
        acting_user=acting_user, selection=selection, cadre=Cadre.objects.get(pk=scope.cadre_id),
        source=Application.Source.PERSONAL, statement=statement, attachment=attachment,
        preferred_post=preferred_post, today=today,
    )


@transaction.atomic
def application_withdraw(*, acting_user, application: Application, reason: str = "") -> Application:
    """The cadre (or staff on their word) withdraws before the selection is concluded."""
    if not selectors.applications_visible_to(acting_user).filter(pk=application.pk).exists():
        raise SelectionNotFound(_("未找到该报名人选。"))
    # Locks in the order every step takes them: the selection, then its applications.
    selection = Selection.objects.select_for_update().select_related("program__organising_department").get(
        pk=application.selection_id
    )
    application = _application_locked(acting_user, application)
    scope = user_scope(acting_user)
    if scope.cadre_id != application.cadre_id:
        _ensure_manager(acting_user, selection)
    if selection.stage == Stage.CONCLUDED:
        raise SelectionError(_("选派工作已完成，不能撤回报名。"))
    return _application_move(acting_user=acting_user, application=application, to_status=Status.WITHDRAWN, note=reason)


# --- Step 3: the sending unit's recommendation ---------------------------------------------------------


@transaction.atomic
def unit_recommendation_record(
    *, acting_user, selection: Selection, sending_unit: Unit, meeting_on: dt.date, report_text: str = "",
    report_file=None, recommended=(), not_recommended=(),
) -> UnitRecommendation:
    """Record the sending unit's leadership meeting (R7 step 3): its date, its written report, and
    which of the unit's applicants it recommends and which not. The unit's contact or staff."""
    selection = _selection_locked(acting_user, selection)
    scope = user_scope(acting_user)
    if sending_unit.pk not in scope.sending_unit_ids:
        _ensure_manager(acting_user, selection)
    if selection.stage != Stage.ANNOUNCED:
        raise SelectionError(
            _("选派工作处于“%(stage)s”阶段，不能再录入单位推荐。") % {"stage": Stage(selection.stage).label}
        )
    if not (report_text.strip() or report_file):
        raise SelectionError(_("请填写推荐报告或上传推荐报告文件。"))
    if not (recommended or not_recommended):
        raise SelectionError(_("请选择推荐或不推荐的人选。"))
    recommendation = UnitRecommendation(
        selection=selection, sending_unit=sending_unit, meeting_on=meeting_on, report_text=report_text,
        recorded_by=acting_user,
    )
    if report_file:
        recommendation.report_file = _upload_checked(report_file)
    recommendation.save()
    moves = [(a, Status.RECOMMENDED) for a in recommended] + [(a, Status.NOT_RECOMMENDED) for a in not_recommended]
    for given, target in moves:
        application = _application_locked(acting_user, given)
        if application.selection_id != selection.pk or application.cadre.sending_unit_id != sending_unit.pk:
            raise SelectionError(
                _("干部“%(cadre)s”不是“%(unit)s”在本次选派中的报名人选。")
                % {"cadre": application.cadre.name, "unit": sending_unit.name}
            )
        _application_move(
            acting_user=acting_user, application=application, to_status=target,
            note=_("%(date)s 党委（党组）会议") % {"date": _day(meeting_on)}, recommendation=recommendation,
        )
    audit_record(
        actor=acting_user, action="unit_recommendation_record", target=recommendation,
        data={"meeting_on": meeting_on.isoformat(), "recommended": [a.pk for a in recommended],
              "not_recommended": [a.pk for a in not_recommended]},
    )
    return recommendation


# --- Step 4: the shortlist (初步人选, D7) -------------------------------------------------------------


def _eligibility(application: Application) -> list:
    return selectors.application_eligibility(application)


def _shortlistable_statuses(policy) -> tuple:
    return (Status.RECOMMENDED,) if _requires_recommendation(policy) else (Status.APPLIED, Status.RECOMMENDED)


@transaction.atomic
def selection_shortlist(
    *, acting_user, selection: Selection, applications, meeting_on: dt.date, document_number: str,
    shortfall_reason: str = "", overrides: dict | None = None, today: dt.date | None = None,
) -> Selection:
    """The organisation department's meeting names the shortlist (R7 step 4).

    - The policy's ratio is a minimum (D7): shortlisted ≥ ratio × places, per post (by the
      candidates' preferred posts) or per program. A shortlist short of it is refused saying by
      how many; only when too few eligible candidates exist may staff go on, with a reason.
    - An ineligible candidate (R5) is shortlisted only with a reason in ``overrides``
      (application id → reason), stored on the application and audited.
    - Where the policy requires a unit recommendation, only recommended candidates qualify.
    Everyone else still in the running becomes 未入选.
    """
    today = today or timezone.localdate()
    overrides = {int(k): (v or "").strip() for k, v in (overrides or {}).items()}
    selection = _managed_selection(acting_user, selection)
    if selection.stage == Stage.ANNOUNCED and today <= selection.apply_until:
        raise ShortlistRefused(
            _("报名截止日期为 %(date)s，报名结束后才能确定初步人选。") % {"date": _day(selection.apply_until)}
        )
    if Stage.SHORTLISTED not in Selection.TRANSITIONS[Stage(selection.stage)]:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。")
            % {"current": Stage(selection.stage).label, "target": Stage.SHORTLISTED.label}
        )
    if not document_number.strip():
        raise ShortlistRefused(_("请填写确定初步人选的文号。"))
    policy = selection.program.policy
    qualifying = _shortlistable_statuses(policy)
    candidates = list(
        Application.objects.select_for_update(of=("self",))
        .select_related(*selectors.APPLICATION_RELATED)
        .filter(selection=selection)
    )
    by_pk = {a.pk: a for a in candidates}
    chosen_ids = [a.pk for a in applications]
    if len(set(chosen_ids)) != len(chosen_ids):
        raise ShortlistRefused(_("初步人选中有重复的人。"))
    if not chosen_ids:
        raise ShortlistRefused(_("请选择初步人选。"))
    problems = []
    failures_of = {a.pk: _eligibility(a) for a in candidates}
    for pk in chosen_ids:
        application = by_pk.get(pk)
        if application is None:
            raise SelectionNotFound(_("未找到该报名人选。"))
        if application.status not in qualifying:
            if application.status == Status.APPLIED:
                problems.append(_("干部“%(cadre)s”尚未经派出单位推荐，不能列为初步人选。") % {"cadre": application.cadre.name})
            else:
                problems.append(
                    _("干部“%(cadre)s”的报名状态为“%(status)s”，不能列为初步人选。")
                    % {"cadre": application.cadre.name, "status": application.get_status_display()}
                )
            continue
        failures = failures_of[pk]
        if failures and not overrides.get(pk):
            problems.append(
                _("干部“%(cadre)s”不符合资格条件：%(reasons)s。确需列为初步人选的，须逐人填写理由。")
                % {"cadre": application.cadre.name, "reasons": "；".join(f.message for f in failures)}
            )
    if problems:
        raise ShortlistRefused("".join(problems))

    # D7: the ratio as a minimum, per post or per program.
    # Who could make up the ratio: eligible candidates, and those shortlisted with an override.
    eligible_pool = {
        a.pk for a in candidates
        if a.status in qualifying and (not failures_of[a.pk] or (a.pk in chosen_ids and overrides.get(a.pk)))
    }
    shortfalls, short_without_choice = [], []
    posts = list(HostPost.objects.filter(program=selection.program).select_related("host_unit"))
    if policy.shortlist_ratio_scope == PolicyFields.RatioScope.PER_POST:
        missing_post = [by_pk[pk].cadre.name for pk in chosen_ids if by_pk[pk].preferred_post_id is None]
        if missing_post:
            raise ShortlistRefused(
                _("差额比例按岗位计算，初步人选须填报志愿岗位：%(names)s。") % {"names": "、".join(missing_post)}
            )
        groups = [
            (post, post.places, [pk for pk in chosen_ids if by_pk[pk].preferred_post_id == post.pk],
             [pk for pk in eligible_pool if by_pk[pk].preferred_post_id == post.pk])
            for post in posts
        ]
    else:
        groups = [(None, sum(p.places for p in posts), chosen_ids, list(eligible_pool))]
    for post, places, have, pool in groups:
        required = places * policy.shortlist_ratio
        if len(have) >= required:
            continue
        values = {"places": places, "ratio": policy.shortlist_ratio, "required": required, "have": len(have),
                  "missing": required - len(have), "post": post}
        if post is not None:
            message = _("岗位“%(post)s”有 %(places)d 个名额，按 1:%(ratio)d 至少需要 %(required)d 名初步人选，"
                        "现有 %(have)d 名，还差 %(missing)d 名。") % values
        else:
            message = _("本项目有 %(places)d 个名额，按 1:%(ratio)d 至少需要 %(required)d 名初步人选，"
                        "现有 %(have)d 名，还差 %(missing)d 名。") % values
        if len(pool) >= required:
            short_without_choice.append(message)
        else:
            shortfalls.append(
                message + _("符合条件的人选只有 %(pool)d 名。") % {"pool": len(pool)}
            )
    if short_without_choice:
        raise ShortlistRefused("".join(short_without_choice))
    shortfall_reason = shortfall_reason.strip()
    if shortfalls and not shortfall_reason:
        raise ShortlistRefused("".join(shortfalls) + _("人选不足时须填写原因方可继续。"))

    for pk in chosen_ids:
        application = by_pk[pk]
        failures = failures_of[pk]
        extra = {}
        if failures:
            extra = {"eligibility_failures": [f.message for f in failures], "eligibility_override_reason": overrides[pk]}
            audit_record(
                actor=acting_user, action="application_eligibility_override", target=application,
                data={"failures": [{"rule": f.rule, "message": f.message} for f in failures], "reason": overrides[pk]},
            )
        _application_move(
            acting_user=acting_user, application=application, to_status=Status.SHORTLISTED,
            note=document_number, **extra,
        )
    for application in candidates:
        if application.pk not in chosen_ids and application.status in (Status.APPLIED, Status.RECOMMENDED):
            _application_move(
                acting_user=acting_user, application=application, to_status=Status.NOT_SELECTED,
                note=_("未列为初步人选（%(number)s）") % {"number": document_number},
            )
    note = _("差额比例不足，原因：%(reason)s") % {"reason": shortfall_reason} if shortfalls else ""
    return _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.SHORTLISTED, effective_date=meeting_on,
        document_number=document_number, note=note, shortlist_meeting_on=meeting_on,
        shortlist_document_number=document_number, shortfall_reason=shortfall_reason if shortfalls else "",
    )


# --- Step 5: the standing committee's decision ----------------------------------------------------------


@transaction.atomic
def selection_decide(
    *, acting_user, selection: Selection, choices, meeting_on: dt.date, document_number: str
) -> Selection:
    """The standing committee (常委会) decides (R7 step 5): ``choices`` pairs shortlisted
    applications with posts of the program, no more per post than its free places. The other
    shortlisted candidates become 未入选."""
    selection = _managed_selection(acting_user, selection)
    if Stage.DECIDED not in Selection.TRANSITIONS[Stage(selection.stage)]:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。")
            % {"current": Stage(selection.stage).label, "target": Stage.DECIDED.label}
        )
    if not document_number.strip():
        raise SelectionError(_("请填写常委会决定的文号。"))
    choices = list(choices)
    if not choices:
        raise SelectionError(_("请确定拟选派人选及其岗位。"))
    if meeting_on < selection.shortlist_meeting_on:
        raise SelectionError(_("常委会日期不能早于确定初步人选的日期。"))
    candidates = {
        a.pk: a for a in Application.objects.select_for_update(of=("self",))
        .select_related(*selectors.APPLICATION_RELATED).filter(selection=selection)
    }
    per_post: dict[int, list] = defaultdict(list)
    problems = []
    for given, post in choices:
        application = candidates.get(given.pk)
        if application is None:
            raise SelectionNotFound(_("未找到该报名人选。"))
        if application.status != Status.SHORTLISTED:
            problems.append(
                _("干部“%(cadre)s”不是初步人选（状态为“%(status)s”）。")
                % {"cadre": application.cadre.name, "status": application.get_status_display()}
            )
            continue
        if post.program_id != selection.program_id:
            problems.append(_("岗位“%(post)s”不属于本项目。") % {"post": post})
            continue
        if Placement.objects.filter(cadre_id=application.cadre_id, status__in=Placement.OPEN_STATUSES).exists():
            problems.append(_("干部“%(cadre)s”已有拟任或在岗的挂职安排。") % {"cadre": application.cadre.name})
        try:
            program_services.placement_check_direction(program=selection.program, cadre=application.cadre, host_post=post)
        except ApplicationError as exc:
            problems.append(_("干部“%(cadre)s”：%(error)s") % {"cadre": application.cadre.name, "error": exc.message})
        per_post[post.pk].append((application, post))
    if len({a.pk for a, _p in choices}) != len(choices):
        problems.append(_("同一人选只能确定一个岗位。"))
    batch_size = selection.program.policy.batch_size
    if batch_size and len(choices) > batch_size:
        # 江东: cadres go in batches (每批3人); the next batch is another program.
        problems.append(
            _("本项目每批选派 %(size)d 人，拟选派 %(count)d 人，超出 %(over)d 人。")
            % {"size": batch_size, "count": len(choices), "over": len(choices) - batch_size}
        )
    for pairs in per_post.values():
        post = HostPost.objects.select_for_update().get(pk=pairs[0][1].pk)
        free = post.places - post.placements.filter(status__in=Placement.OPEN_STATUSES).count()
        if len(pairs) > free:
            problems.append(
                _("岗位“%(post)s”尚有 %(free)d 个名额，拟选派 %(count)d 人，超出 %(over)d 人。")
                % {"post": post, "free": free, "count": len(pairs), "over": len(pairs) - free}
            )
    if problems:
        raise SelectionError("".join(problems))
    chosen = set()
    for pairs in per_post.values():
        for application, post in pairs:
            _application_move(
                acting_user=acting_user, application=application, to_status=Status.CHOSEN, note=document_number,
                chosen_post=post,
            )
            chosen.add(application.pk)
    for application in candidates.values():
        if application.status == Status.SHORTLISTED and application.pk not in chosen:
            _application_move(
                acting_user=acting_user, application=application, to_status=Status.NOT_SELECTED,
                note=_("常委会未确定为拟选派人选（%(number)s）") % {"number": document_number},
            )
    return _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.DECIDED, effective_date=meeting_on,
        document_number=document_number, decision_meeting_on=meeting_on, decision_document_number=document_number,
    )


# --- Step 6: the public notice (公示) and the placements ----------------------------------------------------


def notice_default_end(*, selection: Selection, start: dt.date) -> dt.date:
    """D3: the policy's working days counted with the holiday table, ``start`` included."""
    return add_working_days(start, selection.program.policy.notice_working_days)


@transaction.atomic
def selection_notice_start(
    *, acting_user, selection: Selection, start: dt.date, end: dt.date | None = None
) -> Selection:
    """Make the decision public. The end defaults to the policy's working days (default 5, D3);
    a shorter notice is refused."""
    selection = _managed_selection(acting_user, selection)
    if Stage.NOTICE not in Selection.TRANSITIONS[Stage(selection.stage)]:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。")
            % {"current": Stage(selection.stage).label, "target": Stage.NOTICE.label}
        )
    if start < selection.decision_meeting_on:
        raise SelectionError(_("公示开始日期不能早于常委会日期。"))
    shortest = notice_default_end(selection=selection, start=start)
    end = end or shortest
    if end < shortest:
        raise SelectionError(
            _("公示期不少于 %(days)d 个工作日：自 %(start)s 起应至少到 %(end)s。")
            % {"days": selection.program.policy.notice_working_days, "start": _day(start), "end": _day(shortest)}
        )
    return _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.NOTICE, effective_date=start,
        note=_("公示期 %(start)s 至 %(end)s") % {"start": _day(start), "end": _day(end)},
        notice_start=start, notice_end=end, notice_end_provisional=bool(years_without_schedule(start, end)),
    )


@transaction.atomic
def objection_record(
    *, acting_user, application: Application, received_on: dt.date, content: str, today: dt.date | None = None
) -> Objection:
    """Record an objection received during the notice against a chosen candidate: received
    from the notice's first to its last working day (both included, D3) and not after today."""
    today = today or timezone.localdate()
    if not selectors.applications_visible_to(acting_user).filter(pk=application.pk).exists():
        raise SelectionNotFound(_("未找到该报名人选。"))
    selection = _managed_selection(acting_user, application.selection)
    application = _application_locked(acting_user, application)
    if selection.stage != Stage.NOTICE:
        raise SelectionError(
            _("选派工作处于“%(stage)s”阶段，不在公示期内。") % {"stage": Stage(selection.stage).label}
        )
    if application.status != Status.CHOSEN:
        raise SelectionError(
            _("干部“%(cadre)s”不是公示中的拟选派人选。") % {"cadre": application.cadre.name}
        )
    if not selection.notice_start <= received_on <= selection.notice_end:
        raise SelectionError(
            _("收到日期 %(day)s 不在公示期（%(start)s 至 %(end)s）内。")
            % {"day": _day(received_on), "start": _day(selection.notice_start), "end": _day(selection.notice_end)}
        )
    if received_on > today:
        raise SelectionError(_("收到日期 %(day)s 晚于今天（%(today)s）。") % {"day": _day(received_on), "today": _day(today)})
    if not content.strip():
        raise SelectionError(_("请填写反映内容。"))
    objection = Objection.objects.create(
        selection=selection, application=application, received_on=received_on, content=content,
        recorded_by=acting_user,
    )
    audit_record(
        actor=acting_user, action="objection_record", target=objection,
        data={"application": application.pk, "received_on": received_on.isoformat()},
    )
    return objection


@transaction.atomic
def objection_resolve(*, acting_user, objection: Objection, upheld: bool | None, resolution: str) -> Objection:
    """Record the finding on an objection. Upheld: the candidate is removed (公示异议成立)."""
    if not selectors.objections_visible_to(acting_user).filter(pk=objection.pk).exists():
        raise SelectionNotFound(_("未找到该公示异议。"))
    selection = _managed_selection(acting_user, Objection.objects.get(pk=objection.pk).selection)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.is_resolved:
        raise SelectionError(_("该异议已处理。"))
    if selection.stage != Stage.NOTICE:
        raise SelectionError(
            _("选派工作处于“%(stage)s”阶段，不能再处理公示异议。") % {"stage": Stage(selection.stage).label}
        )
    if upheld is None:
        raise SelectionError(_("请选择异议是否成立。"))
    if not resolution.strip():
        raise SelectionError(_("请填写核查处理结果。"))
    objection.upheld = bool(upheld)
    objection.resolution = resolution
    objection.resolved_by = acting_user
    objection.resolved_at = timezone.now()
    objection.save()
    audit_record(
        actor=acting_user, action="objection_resolve", target=objection,
        data={"upheld": objection.upheld, "resolution": resolution},
    )
    if objection.upheld:
        application = _application_locked(acting_user, objection.application)
        if application.status == Status.CHOSEN:
            _application_move(
                acting_user=acting_user, application=application, to_status=Status.OBJECTION_UPHELD, note=resolution,
            )
    return objection


@transaction.atomic
def selection_conclude(*, acting_user, selection: Selection, today: dt.date | None = None) -> list[Placement]:
    """After a clean notice the decision becomes placements (拟任) and the selection concludes —
    one atomic step: if any placement is refused (R4, a place gone, another active placement),
    nothing is written.

    Refused while the notice runs (until its last day, inclusive) or an objection is open."""
    today = today or timezone.localdate()
    selection = _managed_selection(acting_user, selection)
    if Stage.CONCLUDED not in Selection.TRANSITIONS[Stage(selection.stage)]:
        raise InvalidStageTransition(
            _("选派工作不能从“%(current)s”变为“%(target)s”。")
            % {"current": Stage(selection.stage).label, "target": Stage.CONCLUDED.label}
        )
    if today <= selection.notice_end:
        raise NoticeNotFinished(
            _("公示期到 %(end)s 结束，尚未期满，不能完成选派。") % {"end": _day(selection.notice_end)}
        )
    open_objections = Objection.objects.filter(selection=selection, resolved_at__isnull=True).count()
    if open_objections:
        raise NoticeNotFinished(
            _("尚有 %(count)d 条公示异议未处理完毕，不能完成选派。") % {"count": open_objections}
        )
    chosen = list(
        Application.objects.select_for_update(of=("self",))
        .select_related(*selectors.APPLICATION_RELATED)
        .filter(selection=selection, status=Status.CHOSEN)
        .order_by("id")
    )
    placements = []
    for application in chosen:
        try:
            placement = program_services.placement_create(
                acting_user=acting_user, cadre=application.cadre, host_post=application.chosen_post,
                proposed_on=selection.decision_meeting_on,
            )
        except ApplicationError as exc:
            # Raising rolls back every placement already written in this step.
            raise SelectionError(
                _("干部“%(cadre)s”不能拟任“%(post)s”：%(error)s 选派未完成，未生成任何挂职安排。")
                % {"cadre": application.cadre.name, "post": application.chosen_post, "error": exc.message}
            ) from exc
        _application_move(
            acting_user=acting_user, application=application, to_status=Status.PLACED,
            note=selection.decision_document_number, placement=placement,
        )
        placements.append(placement)
    _stage_move(
        acting_user=acting_user, selection=selection, to_stage=Stage.CONCLUDED, effective_date=today,
        document_number=selection.decision_document_number,
        note=_("公示无异议，生成 %(count)d 个拟任挂职安排") % {"count": len(placements)}, concluded_on=today,
    )
    return placements


# --- Spreadsheet import of candidates (paper applications registered by staff) -----------------


def application_import_sources() -> tuple:
    """What staff may register from a spreadsheet: paper applications and unit recommendations."""
    return (Application.Source.STAFF, Application.Source.UNIT)


@transaction.atomic
def applications_import(
    *, acting_user, selection: Selection, applications: list[Application], file_name: str = "",
    today: dt.date | None = None,
) -> dict:
    """Register the candidates of a checked spreadsheet (R7 step 2) in one transaction.

    ``applications`` are unsaved, each with ``cadre``, ``source``, ``preferred_post``,
    ``statement`` and ``applied_on`` read from a row. Every row is checked again by
    ``application_refusals`` under the selection's lock, so a stage move or a closed window
    since the preview refuses the whole file. Writes the applications, their first status
    row and an audit row each, and one summary audit row for the file.
    """
    today = today or timezone.localdate()
    selection = _managed_selection(acting_user, selection)
    if not applications:
        return {"created": 0, "updated": 0}
    cadres = Cadre.objects.select_related("managing_department", "sending_unit__department").in_bulk(
        [application.cadre_id for application in applications]
    )
    now = timezone.now()
    for application in applications:
        source = Application.Source(application.source)
        if source not in application_import_sources():
            raise ApplicationRefused(
                _("导入只能登记“%(sources)s”。") % {"sources": "、".join(str(s.label) for s in application_import_sources())}
            )
        cadre = cadres[application.cadre_id]
        applied_on, refusals = application_refusals(
            acting_user=acting_user, selection=selection, cadre=cadre, source=source,
            statement=application.statement or "", preferred_post=application.preferred_post,
            applied_on=application.applied_on, today=today,
        )
        if refusals:
            raise ApplicationRefused(
                _("干部“%(cadre)s”：%(reason)s") % {"cadre": cadre.name, "reason": refusals[0][1].message}
            )
        application.selection, application.cadre, application.applied_on = selection, cadre, applied_on
        application.status = Status.APPLIED
        application.registered_by = acting_user
        application.status_changed_at = now
    try:
        with transaction.atomic():
            Application.objects.bulk_create(applications)
    except IntegrityError:
        raise ApplicationRefused(
            _("文件中有干部已报名本次选派（可能有人同时登记了报名），没有写入任何数据，请重新导入。")
        ) from None
    ApplicationStatusChange.objects.bulk_create(
        ApplicationStatusChange(
            application=application, from_status="", to_status=application.status,
            note=_("批量导入：%(source)s") % {"source": Application.Source(application.source).label}, actor=acting_user,
        )
        for application in applications
    )
    from core.models import AuditLog

    actor = acting_user if getattr(acting_user, "pk", None) else None
    AuditLog.objects.bulk_create(
        AuditLog(
            actor=actor, action="application_create", target_type=Application._meta.label_lower,
            target_id=str(application.pk), target_repr=str(application)[:200],
            data={"source": application.source, "applied_on": application.applied_on.isoformat(),
                  "preferred_post": application.preferred_post_id, "import_file": file_name},
        )
        for application in applications
    )
    audit_record(
        actor=acting_user, action="applications_import", target=selection,
        data={"file": file_name, "created": len(applications), "created_ids": [a.pk for a in applications]},
    )
    return {"created": len(applications), "updated": 0}
