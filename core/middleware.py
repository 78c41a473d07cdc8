"""Request-wide guards that belong to no single view."""

from .files import unheld_files_removed


class UnheldUploadsMiddleware:
    """Files a request saved but left to no row (its write rolled back) are deleted when it ends
    (``core.files.unheld_files_removed``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with unheld_files_removed():
            return self.get_response(request)
