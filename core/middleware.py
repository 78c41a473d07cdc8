"""Request-wide guards that belong to no single view."""

import ipaddress

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.utils.translation import gettext as _

from .files import unheld_files_removed


class NulCharacterInRequest(SuspiciousOperation):
    """A NUL character in the path or the query string."""


class NulRefusalMiddleware:
    """Refuse (400) a NUL character in the path or a query parameter, in one place for every
    search box, autocomplete, filter and file name: PostgreSQL cannot hold NUL in a text value
    and answers with an error, which would otherwise surface as a server error (500). Forms
    already refuse NUL in what they post (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise NulCharacterInRequest("NUL character in the request")
        return self.get_response(request)


class UnheldUploadsMiddleware:
    """Files a request saved but left to no row (its write rolled back) are deleted when it ends
    (``core.files.unheld_files_removed``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with unheld_files_removed():
            return self.get_response(request)


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
