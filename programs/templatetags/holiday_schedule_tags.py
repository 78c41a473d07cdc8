"""The admin's warning that a year's holiday schedule is not entered (D3), as a tag any page can
include: ``{% load holiday_schedule_tags %}{% holiday_schedule_warning %}``."""

from django import template
from django.urls import reverse

from programs.holiday_schedule import holiday_years_missing
from programs.roles import can_manage_holidays

register = template.Library()


@register.inclusion_tag("admin/programs/holiday/schedule_warning.html", takes_context=True)
def holiday_schedule_warning(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"years": []}
    return {
        "years": holiday_years_missing(),
        "notice_url": reverse("admin:programs_holiday_notice") if can_manage_holidays(user) else "",
    }
