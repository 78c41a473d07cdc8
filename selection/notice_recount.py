"""The public notice when a year's holiday schedule arrives (R7, D3).

A notice whose period reached a year without a schedule had its end counted with the days off
by law and is marked provisional. When the year is entered the mark is settled; a notice already
published is not moved (its end was announced), but when the period now has fewer working days
than the policy asks, the organising department's staff are told, with the day it should reach.
"""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import notify
from programs.calendar import add_working_days, years_without_schedule
from programs.selectors import department_staff_users

from .models import Selection


def selections_recheck_for_year(*, acting_user, year: int) -> list[str]:
    """Listener of ``programs.holiday_schedule``: runs in the transaction that saves the year."""
    short = []
    touching = (
        Selection.objects.select_for_update(of=("self",)).select_related("program__policy")
        .filter(notice_end_provisional=True, notice_start__lte=dt.date(year, 12, 31), notice_end__gte=dt.date(year, 1, 1))
        .order_by("pk")
    )
    for selection in touching:
        working_days = selection.program.policy.notice_working_days
        shortest = add_working_days(selection.notice_start, working_days)
        selection.notice_end_provisional = bool(years_without_schedule(selection.notice_start, selection.notice_end))
        selection.save(update_fields=["notice_end_provisional"])
        too_short = selection.stage == Selection.Stage.NOTICE and selection.notice_end < shortest
        audit_record(
            actor=acting_user, action="selection_notice_recheck", target=selection,
            data={"year": year, "provisional": selection.notice_end_provisional,
                  "shortest_end": shortest.isoformat(), "too_short": too_short},
        )
        if too_short:
            short.append(selection)
            notify(
                recipients=department_staff_users([selection.program.organising_department_id]),
                title=_("请核对公示期：%(program)s") % {"program": selection.program.name},
                body=_("按公布的%(year)s年节假日安排，自 %(start)s 起的 %(days)d 个工作日应到 %(shortest)s，"
                       "公示现定于 %(end)s 结束。请核对是否需要延长公示。")
                % {"year": year, "start": selection.notice_start.isoformat(), "days": working_days,
                   "shortest": shortest.isoformat(), "end": selection.notice_end.isoformat()},
                url=reverse("admin:selection_selection_change", args=[selection.pk]),
            )
    if short:
        return [_("%(count)d 个选派工作的公示期按新安排不足规定的工作日，已通知组织部核对。") % {"count": len(short)}]
    return []
