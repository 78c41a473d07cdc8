"""The portal shell (base.html): role-aware Chinese navigation, the to-do badge, unread
notifications, and a layout that works on a phone (D6, R11)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.notifications import notify

from .conftest import login, nav_html, request_leave, waiting_total

HOME = "/portal/"


def test_base_is_made_for_phones_and_keyboards(client, world):
    html = login(client, world, "hostunit").get(HOME).content.decode()
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', html)
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert 'aria-controls="site-nav"' in html and 'id="site-nav"' in html  # the phone menu button
    assert 'lang="zh-Hans"' in html


def test_assets_are_local_files_never_a_cdn(client, world):
    html = login(client, world, "cadre").get(HOME).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith(settings.STATIC_URL) for source in sources), sources
    static_root = Path(settings.BASE_DIR) / "static"
    for source in sources:
        assert (static_root / source.removeprefix(settings.STATIC_URL)).is_file(), source


def test_anonymous_pages_have_no_navigation(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'id="site-nav"' not in html and "待办" not in html


# username: (hrefs the navigation shows, hrefs it must not show)
NAV = {
    "hostunit": (["portal:home", "portal:placement_list", "daily:leave_list", "reports:list", "daily:attendance_list",
                  "duties:reports", "selection:surveys", "portal:notifications"], ["selection:list", "admin:index"]),
    "township": (["portal:placement_list", "daily:leave_list", "reports:list", "duties:reports"], ["daily:attendance_list", "admin:index"]),
    "cadre": (["portal:home", "daily:leave_list", "reports:list", "selection:list", "portal:notifications"],
              ["selection:surveys", "admin:index", "daily:attendance_list", "duties:reports"]),
    # R12: sending units see their cadres' status, not what the cadre wrote.
    "sendunit": (["portal:placement_list", "daily:leave_list", "selection:list"],
                 ["selection:surveys", "admin:index", "reports:list"]),
    "mentor": (["portal:placement_list", "daily:leave_list", "reports:list"],
               ["selection:list", "selection:surveys", "admin:index"]),
    "orgstaff": (["portal:home", "admin:index", "portal:notifications"], ["daily:leave_list", "selection:list", "reports:list"]),
}


@pytest.mark.parametrize("username", NAV)
def test_D6_navigation_follows_the_users_roles(client, world, username):
    shown, hidden = NAV[username]
    nav = nav_html(login(client, world, username).get(HOME).content.decode())
    for name in shown:
        assert f'href="{reverse(name)}"' in nav, f"{username} misses {name}"
    for name in hidden:
        assert f'href="{reverse(name)}"' not in nav, f"{username} has {name}"
    assert "首页" in nav and "通知" in nav and "退出" in nav


def test_navigation_marks_the_current_page(client, world):
    nav = nav_html(login(client, world, "hostunit").get(reverse("portal:placement_list")).content.decode())
    assert re.search(rf'href="{reverse("portal:placement_list")}" aria-current="page"', nav)
    assert f'href="{HOME}" aria-current' not in nav


def test_R11_badge_counts_the_leave_waiting_for_the_host_approver(client, world):
    login(client, world, "hostunit")
    before = waiting_total(client.get(HOME).content.decode())  # other areas may wait too (attendance …)
    request_leave(world)
    html = client.get(HOME).content.decode()
    assert waiting_total(html) == before + 1
    waiting = html.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert "待审批的请假" in waiting and f'href="{reverse("daily:leave_list")}?waiting=1"' in waiting
    # The badge is on every page, not only the home page.
    assert waiting_total(client.get(reverse("portal:notifications")).content.decode()) == before + 1


@pytest.mark.parametrize("username", ["hostclerk", "gphost", "sendunit", "mentor"])
def test_R11_badge_does_not_count_leave_others_decide(client, world, username):
    login(client, world, username)
    before = waiting_total(client.get(HOME).content.decode())
    request_leave(world)
    html = client.get(HOME).content.decode()
    assert waiting_total(html) == before
    assert "待审批的请假" not in html.split('id="waiting"', 1)[1].split("</section>", 1)[0]


def test_navigation_counts_unread_notifications(client, world):
    request_leave(world)  # tells the host approver to decide
    nav = nav_html(login(client, world, "hostunit").get(HOME).content.decode())
    link = re.search(rf'<a href="{reverse("portal:notifications")}"[^>]*>(.*?)</a>', nav, re.DOTALL).group(1)
    assert "通知" in link and re.search(r'class="nav-count"[^>]*>1<', link)
    nav = nav_html(login(client, world, "sendunit").get(HOME).content.decode())
    link = re.search(rf'<a href="{reverse("portal:notifications")}"[^>]*>(.*?)</a>', nav, re.DOTALL).group(1)
    assert "nav-count" not in link


def test_notifications_sent_to_a_user_show_in_their_count_only(client, world):
    notify(recipients=[world.users["mentor"]], title="请查阅帮带记录", url="/portal/")
    assert 'class="nav-count"' in nav_html(login(client, world, "mentor").get(HOME).content.decode())
    assert 'class="nav-count"' not in nav_html(login(client, world, "cadre").get(HOME).content.decode())
