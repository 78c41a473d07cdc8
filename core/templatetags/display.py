"""``{% load display %}``: ``{{ user|person }}`` and ``{{ value|days }}`` (core.display)."""

from django import template

from core.display import days_text, person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """The person's name, never the login name (core.display.person_name)."""
    return person_name(user)


@register.filter
def days(value) -> str:
    """A number of days without a trailing ".0": 3, 3.5, 21."""
    return days_text(value)
