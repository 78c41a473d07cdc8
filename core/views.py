"""The health check operators and load balancers poll, protected file downloads, and the admin's
"view on site" redirect."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .files import protected_file_response


def _database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker_state() -> dict:
    from secondment.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer, 503 otherwise."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(part["ok"] for part in state.values())
    state["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(state, status=200 if healthy else 503)


@login_required
@require_GET
def protected_file(request, name: str):
    """An uploaded file, for users who may see the record holding it (core.files)."""
    return protected_file_response(request.user, name)


def admin_view_on_site(request, content_type_id, object_id):
    """Django's ``/admin/r/<type>/<id>/`` (``contenttypes.views.shortcut``), with an id the key
    field cannot read — not a UUID for a UUID-keyed model — answering 404 like a missing row
    instead of a server error. Mounted through ``admin.site.admin_view``: staff only."""
    try:
        return shortcut(request, content_type_id, object_id)
    except ValidationError:
        raise Http404 from None
