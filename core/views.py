"""The health check operators and load balancers poll, protected file downloads, the admin's
"view on site" redirect, and the error pages (400, 403, 404, 500, failed CSRF check)."""

import logging

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .exceptions import ApplicationError
from .files import protected_file_response

request_logger = logging.getLogger("django.request")


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


# --- error pages ----------------------------------------------------------------------------------
# Staff read them in the admin's look, everyone else in the portal's (base.html), each with a link
# back to their own home.


def _user(request):
    # A request refused before the authentication middleware ran (a bad Host header) has no user.
    return getattr(request, "user", None)


def _in_admin(request) -> bool:
    return request.path.startswith(reverse("admin:index"))


def _home(request) -> tuple[str, str]:
    user = _user(request)
    if user is None or not user.is_authenticated:
        return reverse("login"), _("前往登录页面")
    if user.is_staff:
        return reverse("admin:index"), _("返回管理后台首页")
    return reverse("portal:home"), _("返回首页")


def _admin_context(request) -> dict:
    if request is not None and _user(request) is not None:
        return admin.site.each_context(request)
    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


def _error_page(request, *, status: int, title: str, text: str, reason: str = "", hint: str = ""):
    user = _user(request)
    staff = user is not None and user.is_staff
    template = "errors/admin.html" if staff or _in_admin(request) else "errors/portal.html"
    home_url, home_label = _home(request)
    context = {"title": title, "text": text, "reason": reason, "hint": hint, "home_url": home_url, "home_label": home_label}
    if template == "errors/admin.html":
        context = {**_admin_context(request), **context}
    return HttpResponse(loader.get_template(template).render(context, request), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, status=400, title=_("请求有误"), text=_("无法处理此请求，请检查网址后重试。"))


@requires_csrf_token
def permission_denied(request, exception=None):
    # Only an application error's message is written for users; Django's and the libraries'
    # PermissionDenied texts are internal.
    reason = str(exception.message) if isinstance(exception, ApplicationError) else ""
    response = _error_page(
        request, status=403, title=_("无权访问"), text="" if reason else _("您没有权限访问此页面或执行此操作。"), reason=reason,
    )
    # A refusal is expected: one line instead of Django's warning with the traceback. The log may
    # keep an internal message the page does not show.
    user = _user(request)
    request_logger.warning(
        "Forbidden: %s (user %s): %s", request.path.encode("unicode_escape").decode("ascii"),
        getattr(user, "pk", None), " ".join(str(exception or "").split()) or "-",
        extra={"status_code": 403, "request": request},
    )
    response._has_been_logged = True
    return response


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(request, status=404, title=_("页面不存在"), text=_("您访问的页面不存在或已被删除，请检查网址是否正确。"))


def csrf_failure(request, reason=""):
    """A form sent back without a valid CSRF token: mostly a page left open until the token
    expired. Django's ``reason`` goes to the log (CsrfViewMiddleware), not to the user."""
    return _error_page(
        request, status=403, title=_("页面已过期"),
        text=_("页面已过期或安全校验未通过，您提交的内容没有保存。请返回上一页，刷新页面后重新提交。"),
        hint=_("如果仍然出现此提示，请确认浏览器允许本网站使用 Cookie。"),
    )


def server_error(request):
    """A 500 may come from the database itself: the page reads neither it nor the user, and
    renders without context processors."""
    admin_page = _in_admin(request)
    home_url = reverse("admin:index") if admin_page else reverse("portal:home")
    context = {
        "title": _("服务器出错"), "text": _("系统暂时无法完成您的请求，请稍后重试。如果问题持续出现，请联系系统管理员。"),
        "home_url": home_url, "home_label": _("返回管理后台首页") if admin_page else _("返回首页"),
    }
    if admin_page:
        context = {**_admin_context(None), **context}
    return HttpResponseServerError(loader.get_template("errors/admin.html" if admin_page else "errors/portal.html").render(context))
