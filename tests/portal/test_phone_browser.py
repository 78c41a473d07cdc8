"""The portal on a phone screen, in headless Chromium: the menu collapses behind a button that
opens it, and lists become cards whose cells carry their labels."""

import pytest

from tests.browser.conftest import login, page  # noqa: F401  (the browser fixture)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_phone_menu_opens_and_lists_become_cards(live_server, transactional_world, page, tmp_path):  # noqa: F811
    w = transactional_world
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server.url, "hostunit", PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    nav = page.locator("#site-nav")
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible() and not nav.is_visible()
    assert page.locator(".waiting-link").is_visible()  # the to-do badge stays in view
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert nav.get_by_text("请销假").is_visible()
    page.keyboard.press("Escape")
    assert not nav.is_visible()

    page.goto(f"{live_server.url}/portal/placements/")
    assert not page.locator("table.list thead").is_visible()  # rows are cards: labels come from data-label
    cell = page.locator("table.list td[data-label='挂职单位']").first
    assert "泽州县巴公镇" in cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # nothing wider than the screen
    page.screenshot(path=str(tmp_path / "phone-list.png"), full_page=True)

    page.goto(f"{live_server.url}/portal/placements/{w.placement.pk}/")
    assert page.locator("ol.timeline li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.screenshot(path=str(tmp_path / "phone-detail.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/portal/")
    assert page.locator("#site-nav").is_visible() and not page.locator("[data-nav-toggle]").is_visible()


@pytest.mark.parametrize("username", ["hostunit", "hostclerk", "township", "mentor", "cadre", "sendunit"])
def test_every_portal_page_in_the_menu_fits_a_phone(live_server, transactional_world, page, username):  # noqa: F811
    """Each page a role reaches from its menu, and the cadre's own pages, fit a 375 px screen."""
    from reports.services.schedule import reports_schedule

    w = transactional_world
    reports_schedule(placement=w.placement)
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server.url, username, PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    paths = page.eval_on_selector_all("#site-nav a[href^='/portal/']", "links => links.map(a => a.getAttribute('href'))")
    assert len(paths) >= 3, paths
    if username == "cadre":
        report = w.placement.reports.order_by("due_date").first()
        paths += [f"/portal/placements/{w.placement.pk}/", f"/portal/duties/placement/{w.placement.pk}/",
                  "/portal/daily/leave/new/", f"/portal/reports/{report.pk}/", f"/portal/reports/{report.pk}/edit/"]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (username, path, response.status)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{username}: {path} scrolls sideways by {overflow}px"
