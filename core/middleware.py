"""Request-wide guards that belong to no single view."""

from django.core.exceptions import SuspiciousOperation

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
