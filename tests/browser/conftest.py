"""Headless Chromium driven by Playwright (Debian's /usr/bin/chromium; never a downloaded browser)."""

from pathlib import Path

import pytest
from django.db import connections

from tests.factories import PASSWORD
from tests.selection.steps import transactional_scene  # noqa: F401  (the selection browser test's fixture)

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which a
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the live server's
    # fixtures make here are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            # ORM calls made inside Playwright's sync loop run in its greenlet, whose context gets
            # connections of its own; close them here, or the test database cannot be dropped.
            connections.close_all()
            context.close()
            browser.close()


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def switch_user(page, base_url: str, username: str) -> None:
    """Log out (drop the cookies) and log in as ``username`` with the test password."""
    page.context.clear_cookies()
    login(page, base_url, username, PASSWORD)
