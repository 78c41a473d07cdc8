"""Template helpers of the portal shell: links to pages other apps may not have yet, and the
role-aware navigation of ``base.html``."""

from django import template
from django.urls import NoReverseMatch, reverse

from portal.navigation import navigation_for

register = template.Library()


@register.simple_tag
def url_or_none(name, *args, **kwargs) -> str:
    """``{% url_or_none 'duties:placement_duties' pk as u %}``: the url, or "" while the page
    does not exist yet, so templates render while other apps are being built."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """``{% portal_nav as nav %}``: the navigation entries for the current user and page."""
    request = context.get("request")
    if request is None:
        return None
    return navigation_for(request.user, request.path)
