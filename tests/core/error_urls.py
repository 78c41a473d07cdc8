"""The site's URLs plus views that fail on purpose, for the error-page tests: a handler is looked
up on the root URLconf, so this module carries the site's handlers too."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import DatabaseError
from django.urls import path

from secondment import urls as site


def bad_request(request):
    raise BadRequest("parser detail not meant for users")


def bare_refusal(request):
    # Django and libraries raise PermissionDenied with text of their own: not the application's reason.
    raise PermissionDenied("internal detail not meant for users")


def broken(request):
    raise DatabaseError("server closed the connection unexpectedly")


handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500

urlpatterns = [
    path("portal/test-400/", bad_request),
    path("portal/test-403/", bare_refusal),
    path("portal/test-500/", broken),
    path("admin/test-500/", broken),
    *site.urlpatterns,
]
