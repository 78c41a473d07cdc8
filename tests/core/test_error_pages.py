"""Error pages (D6): 400, 403, 404, 500 and a failed CSRF check answer in Chinese, in the admin's look
for staff and in the portal's for everyone else, with a way back to the user's home. A 403 shows the
reason the application gave, never a message of Django's or a library's; an expected refusal logs
one line, an unexpected error its traceback. DEBUG is off, as in production."""

import logging
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.log import configure_logging

from core import views as core_views
from daily.models import LeaveRequest
from tests.daily.conftest import MON, request_leave

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.core.error_urls"
# A staff user, a portal user and nobody logged in.
READERS = ["countystaff", "hostunit", None]


def expected(username) -> tuple[str, str]:
    """The look of the page the user is shown, and the home it sends them back to."""
    if username is None:
        return "portal", "/accounts/login/"
    return ("admin", "/admin/") if username.endswith("staff") else ("portal", "/portal/")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def login(client, world, username):
    if username:
        client.force_login(world.users[username])
    return client


def look(html: str) -> str:
    admin = 'id="site-name"' in html
    portal = '<header class="topbar">' in html
    assert admin != portal, "the page has neither or both looks"
    return "admin" if admin else "portal"


def home_link(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" data-testid="error-home"', html)
    assert match, "no way back on the error page"
    return match.group(1)


def assert_error_page(response, status: int, heading: str, username):
    assert response.status_code == status
    html = response.content.decode()
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", html), html[:2000]
    expected_look, home = expected(username)
    assert look(html) == expected_look
    assert home_link(html) == home
    assert "Forbidden" not in html and "Not Found" not in html and "Server Error" not in html
    return html


# --- 404 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_D6_404_says_the_page_does_not_exist(client, world, username):
    response = login(client, world, username).get("/portal/no-such-page/")
    html = assert_error_page(response, 404, "页面不存在", username)
    if username == "hostunit":
        assert 'class="sitenav' in html  # the portal user keeps the navigation
    if username == "countystaff":
        assert 'id="user-tools"' in html  # and staff the admin's tools


def test_D6_404_of_an_object_out_of_scope_looks_the_same(client, world):
    leave = request_leave(world, MON)
    response = login(client, world, "gphost").get(reverse("daily:leave_detail", args=[leave.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "LeaveRequest" not in response.content.decode()


# --- 403 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hostclerk", "countystaff"])
def test_R11_403_shows_why_a_clerk_or_staff_may_not_approve_a_leave(client, world, username):
    leave = request_leave(world, MON)
    response = login(client, world, username).post(
        reverse("daily:leave_detail", args=[leave.pk]), {"action": "host_decide", "decision": "approve"}
    )
    html = assert_error_page(response, 403, "无权访问", username)
    assert "只有挂职单位“泽州县巴公镇”的审批人可以审批该请假。" in html
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.PENDING_HOST


def test_D6_403_of_a_portal_user_without_a_role_says_so(client, world):
    response = login(client, world, "nobody").get(reverse("daily:leave_list"))
    html = assert_error_page(response, 403, "无权访问", "nobody")
    assert "您的账号尚未分配角色" in html


@pytest.mark.parametrize("username", READERS)
def test_D6_403_never_shows_a_message_the_application_did_not_write(client, world, settings, username):
    settings.ROOT_URLCONF = ERROR_URLS
    html = assert_error_page(login(client, world, username).get("/portal/test-403/"), 403, "无权访问", username)
    assert "internal detail" not in html
    assert "您没有权限" in html


def test_D6_staff_refused_in_the_admin_see_the_admin_look(client, world):
    response = login(client, world, "countystaff").get(reverse("admin:auth_user_changelist"))
    assert_error_page(response, 403, "无权访问", "countystaff")


# --- 400 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_D6_400_says_the_request_is_wrong(client, world, settings, username):
    settings.ROOT_URLCONF = ERROR_URLS
    html = assert_error_page(login(client, world, username).get("/portal/test-400/"), 400, "请求有误", username)
    assert "parser detail" not in html


def test_D6_400_before_the_user_is_known_still_renders(client, world):
    # A host the site does not serve is refused before the authentication middleware has run.
    response = client.get("/portal/", HTTP_HOST="evil.example.com")
    assert_error_page(response, 400, "请求有误", None)


# --- CSRF -----------------------------------------------------------------------------------------


def test_D6_csrf_failure_on_the_login_form_explains_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "hostunit", "password": "x"})
    html = assert_error_page(response, 403, "页面已过期", None)
    assert "刷新" in html


def test_D6_csrf_failure_of_a_portal_user(world):
    leave = request_leave(world, MON)
    client = login(Client(enforce_csrf_checks=True), world, "hostunit")
    response = client.post(reverse("daily:leave_detail", args=[leave.pk]), {"action": "host_decide", "decision": "approve"})
    assert_error_page(response, 403, "页面已过期", "hostunit")
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.PENDING_HOST


def test_D6_csrf_failure_of_staff_in_the_admin(world):
    client = login(Client(enforce_csrf_checks=True), world, "countystaff")
    response = client.post(reverse("admin:daily_leaverequest_changelist"), {"action": "action_filing_acknowledge"})
    assert_error_page(response, 403, "页面已过期", "countystaff")


# --- 500 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path,expected_look,home", [
    ("/portal/test-500/", "portal", "/portal/"), ("/admin/test-500/", "admin", "/admin/"),
])
def test_D6_500_in_chinese_in_the_look_of_the_part_of_the_site(client, world, settings, caplog, path, expected_look, home):
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    login(client, world, "countystaff" if expected_look == "admin" else "hostunit")
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert re.search(r"<h1>\s*服务器出错\s*</h1>", html)
    assert look(html) == expected_look and home_link(html) == home
    assert "server closed the connection" not in html
    # An unexpected error keeps its traceback in the log.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info and "DatabaseError" in repr(errors[0].exc_info[1].__class__)


def test_D6_500_page_renders_without_the_database_or_the_user(world):
    """A 500 may come from the database itself: the page reads neither it nor the user."""

    class Unreachable:
        def __getattr__(self, name):
            raise AssertionError(f"the 500 page read request.user.{name}")

    for path in ("/portal/placements/", "/admin/programs/cadre/"):
        request = RequestFactory().get(path)
        request.user = Unreachable()
        with CaptureQueriesContext(connection) as queries:
            response = core_views.server_error(request)
        assert response.status_code == 500 and not queries.captured_queries
        assert "服务器出错" in response.content.decode()


# --- logging --------------------------------------------------------------------------------------


def test_D6_an_expected_403_logs_one_line_without_a_traceback(client, world, caplog):
    leave = request_leave(world, MON)
    user = world.users["hostclerk"]
    url = reverse("daily:leave_detail", args=[leave.pk])
    with caplog.at_level(logging.INFO):
        login(client, world, "hostclerk").post(url, {"action": "host_decide", "decision": "approve"})
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelno == logging.WARNING and not record.exc_info
    line = record.getMessage()
    assert "\n" not in line
    assert url in line and f"user {user.pk}" in line and "只有挂职单位“泽州县巴公镇”的审批人可以审批该请假。" in line


def test_D6_django_logs_through_the_root_handler_once_in_debug_too(settings):
    """With DEBUG on, Django's own console handler printed every request warning a second time."""
    settings.DEBUG = True
    try:
        configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
        assert logging.getLogger("django").handlers == []
        assert logging.getLogger("django").propagate
        assert logging.getLogger().handlers
    finally:
        settings.DEBUG = False
        configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)


def test_D6_a_refusal_by_django_logs_its_text_for_operators_in_one_line(client, world, settings, caplog):
    settings.ROOT_URLCONF = ERROR_URLS
    with caplog.at_level(logging.INFO):
        response = login(client, world, "hostunit").get("/portal/test-403/")
    assert "internal detail" not in response.content.decode()
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1 and not records[0].exc_info
    assert records[0].getMessage() == f"Forbidden: /portal/test-403/ (user {world.users['hostunit'].pk}): internal detail not meant for users"
