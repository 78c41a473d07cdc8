"""Middleware of the project's own."""

import ipaddress

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


class LoopbackOnlyMiddleware:
    """Demo mode (``DJANGO_DEMO``, `make run`): answer requests from this machine only.

    The demo's accounts share a published password. Whatever address the server was bound to
    and whatever Host header a client sends, a request from another machine is refused (403)
    before it reaches a view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_loopback(request.META.get("REMOTE_ADDR", "")):
            raise PermissionDenied(_("演示系统只接受本机访问。"))
        return self.get_response(request)
