"""Every link the portal shows leads somewhere (D6, D9): on the demo data, each demo account
follows the links of its portal pages from its home, and every page it is shown a link to opens
(200, or a redirect) — a link to a page the user may not open (403/404) is a scoping bug, a
server error is a bug. Each page it opens is also read as the user reads it (tests.visible_text):
no rule or decision codes, no login names where a person is meant, no "21.0 天".

Pages are grouped by their shape (ids and query values aside) and each shape is visited a few
times, so the crawl covers every kind of page without walking every row.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests.visible_text import text_problems

ACCOUNTS = ["hostunit", "hostclerk", "sendunit", "cadre", "mentor", "township", "jdpetition", "hzclerk",
            "orgstaff", "countystaff"]
PER_SHAPE = 2
# Links the crawl does not follow: leaving, downloads of uploaded files (their bytes are not in
# the test's storage) and spreadsheet exports (tested on their own).
SKIP = re.compile(r"^/(accounts/logout|files/)|/export")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True) if key != "page"})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_D6_every_portal_link_shown_to_a_user_opens(demo, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    queue, seen, shapes, broken, unreadable = ["/portal/"], set(), Counter(), [], []
    while queue:
        url = queue.pop(0)
        if url in seen or shapes[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        if response.status_code not in (200, 302):
            broken.append(f"{url} → {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        unreadable += [f"{url} {problem}" for problem in text_problems(response.content.decode(), usernames)]
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/portal/") or SKIP.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert not broken, f"{username}: " + "; ".join(broken)
    assert not unreadable, f"{username}:\n" + "\n".join(unreadable)
    assert len(seen) >= 3, seen
