"""The holiday table in the admin (D3): every signed-in staff user reads it; only holders of
the permission ``programs.manage_holidays`` (and the superuser) add, change or delete a day,
confirm a year, or enter a year from the State Council's notice ("按国务院通知录入": paste →
check what was read against the table → save)."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ScopedAdmin, object_adopt
from core.exceptions import ApplicationError

from . import selectors, services
from .exceptions import HolidayNoticeError
from .holiday_notice import notice_parse
from .holiday_schedule import holiday_notice_enter, holiday_year_confirm, schedule_diff
from .models import Holiday, HolidayYear
from .roles import can_manage_holidays

WEEKDAYS = "一二三四五六日"


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


class HolidayManagersOnly:
    """Writes are for holders of the dedicated permission (D3), whatever model permissions say."""

    def has_add_permission(self, request, *args):
        return can_manage_holidays(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_holidays(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage_holidays(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_manage_holidays(request.user)


class HolidayNoticeForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("通知全文"), widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
        help_text=gettext_lazy("粘贴国务院办公厅关于××××年部分节假日安排的通知，从标题到落款日期。"),
    )
    digest = forms.CharField(widget=forms.HiddenInput, required=False)


def _digest(notice, diff) -> str:
    """What the confirmation page showed: saving checks the table has not moved since."""
    shown = repr((notice.year, notice.days, diff.added, diff.changed, [row.pk for row in diff.table_only]))
    return hashlib.sha256(shown.encode()).hexdigest()


@admin.register(Holiday)
class HolidayAdmin(HolidayManagersOnly, ScopedAdmin, admin.ModelAdmin):
    """The holiday table every working-day count reads (D3)."""

    scope_selector = staticmethod(selectors.holidays_visible_to)
    list_display = ["date", "weekday", "name", "kind", "source"]
    list_filter = ["kind", "source", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]
    change_list_template = "admin/change_list_tools.html"

    @admin.display(description=gettext_lazy("星期"))
    def weekday(self, obj):
        return _("星期%(day)s") % {"day": WEEKDAYS[obj.date.weekday()]}

    def save_model(self, request, obj, form, change):
        services.holiday_save(acting_user=request.user, holiday=obj)

    def delete_model(self, request, obj):
        services.holiday_delete(acting_user=request.user, holiday=obj)

    def get_urls(self):
        return [
            path("notice/", self.admin_site.admin_view(self.notice_view), name="programs_holiday_notice"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        tools = [(reverse("admin:programs_holidayyear_changelist"), _("年度节假日安排"))]
        if can_manage_holidays(request.user):
            tools.insert(0, (reverse("admin:programs_holiday_notice"), _("按国务院通知录入")))
        return super().changelist_view(request, {**(extra_context or {}), "extra_tools": tools})

    def notice_view(self, request):
        """Paste → the days read, against the table → save (one transaction, audited)."""
        if not can_manage_holidays(request.user):
            raise PermissionDenied(_("只有负责维护全国节假日表的工作人员可以录入节假日安排。"))
        form = HolidayNoticeForm(request.POST or None)
        notice = diff = None
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                notice = notice_parse(form.cleaned_data["text"])
            except HolidayNoticeError as exc:
                form.add_error("text", exc.message)
            else:
                diff = schedule_diff(notice)
                digest = _digest(notice, diff)
                if "confirm" in request.POST and form.cleaned_data["digest"] == digest:
                    try:
                        entered = holiday_notice_enter(acting_user=request.user, notice=notice)
                    except ApplicationError as exc:
                        if isinstance(exc, PermissionDenied):
                            raise
                        errors.append(exc.message)
                    else:
                        self.message_user(request, " ".join([
                            _("已按通知录入%(year)s年节假日安排：新增 %(added)d 天，修改 %(changed)d 天。")
                            % {"year": notice.year, "added": entered.added, "changed": entered.changed},
                            *entered.follow_up,
                        ]), messages.SUCCESS)
                        url = reverse("admin:programs_holiday_changelist")
                        return HttpResponseRedirect(f"{url}?date__year={notice.year}")
                elif "confirm" in request.POST:
                    errors.append(_("节假日表在此期间有变化，请重新核对下面的比较结果后再保存。"))
                form = HolidayNoticeForm(initial={"text": form.cleaned_data["text"], "digest": digest})
        rows = []
        if diff is not None:
            changed = {change.date: change for change in diff.changed}
            added = {day.date for day in diff.added}
            for day in notice.days:
                if day.date in added:
                    compare = _("新增")
                elif day.date in changed:
                    change = changed[day.date]
                    compare = _("将修改（表中原为：%(kind)s，%(name)s）") % {"kind": change.old_kind_label, "name": change.old_name}
                else:
                    compare = _("相同")
                rows.append({"day": day, "kind": Holiday.Kind(day.kind).label, "weekday": WEEKDAYS[day.date.weekday()],
                             "compare": compare, "changes": day.date in added or day.date in changed})
        context = {
            **self.admin_site.each_context(request),
            "title": _("按国务院通知录入节假日安排"),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "notice": notice,
            "diff": diff,
            "rows": rows,
            "entered_by": person(diff.entered.entered_by) if diff and diff.entered else "",
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/programs/holiday/notice.html", context)


class HolidayYearForm(forms.ModelForm):
    class Meta:
        model = HolidayYear
        fields = ["year", "reference"]
        help_texts = {"reference": gettext_lazy("已在节假日表中逐日录入该年全部放假和调休上班日期后，在此确认该年安排已录入。")}


@admin.register(HolidayYear)
class HolidayYearAdmin(HolidayManagersOnly, ScopedAdmin, admin.ModelAdmin):
    """Which years have a schedule, from where, by whom and when (D3). A year without a row is
    counted provisionally. Staff who typed a year's rows confirm it here; nothing is edited."""

    scope_selector = staticmethod(selectors.holiday_years_visible_to)
    list_display = ["year", "source", "reference", "entered_by_name", "entered_at"]
    form = HolidayYearForm

    @admin.display(description=gettext_lazy("录入人"))
    def entered_by_name(self, obj):
        return person(obj.entered_by) if obj.entered_by_id else _("系统")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entered = holiday_year_confirm(
            acting_user=request.user, year=form.cleaned_data["year"], reference=form.cleaned_data["reference"]
        )
        object_adopt(obj, entered.record)
        for line in entered.follow_up:
            self.message_user(request, line, messages.INFO)
