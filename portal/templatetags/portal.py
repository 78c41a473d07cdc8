"""Template helpers of the portal shell: the role-aware navigation of ``base.html``."""

from django import template

from portal.navigation import navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """``{% portal_nav as nav %}``: the navigation entries for the current user and page."""
    request = context.get("request")
    if request is None:
        return None
    return navigation_for(request.user, request.path)
