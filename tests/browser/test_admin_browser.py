"""One browser test: Chromium, driven headless by Playwright, logs in as a city organisation
department's staff user and sees the placement list in Chinese, scoped to its subtree (D1)."""

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_orgstaff_logs_in_and_sees_the_placement_list_in_chinese(live_server, transactional_world, page, tmp_path):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "orgstaff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    response = page.goto(f"{live_server.url}/admin/programs/placement/")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "挂职安排" in page.locator("#content h1").inner_text()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1  # 泽州 is under 晋城; 杭州's placement is out of scope
    row = rows.first.inner_text()
    assert "李明" in row
    assert "在岗" in row
    assert "陈静" not in page.content()
    # The admin's stylesheet is served, so the page looks like the admin.
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") != "inline"

    screenshot = tmp_path / "placements.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("CI"):
        keep = Path(os.environ.get("TEST_RESULTS_DIR", "test-results"))
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "admin-placements.png").write_bytes(screenshot.read_bytes())
