"""Every admin page on the demo data (D9): each registered model's list opens for the superuser
and for a county's staff (or is refused, 403), its add page and the change page of one of its
rows open for the superuser, and a change form sent back unchanged saves, or is refused with a
message on the page — never a server error.

This is the net under the hand-written admin tests: it caught a change page that could not lock
its row on PostgreSQL (``FOR UPDATE`` over an outer join). Every page it opens is also read as staff
read it (tests.visible_text): no rule or decision codes, no login names where a person is meant, no
"21.0 天".
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from tests.visible_text import text_problems

# The accounts page lists login names on purpose: it is where staff manage them.
ACCOUNT_PAGES = {"auth.User"}


class ChangeForm(HTMLParser):
    """The fields of the admin's change form as a browser would send them back, unchanged."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.can_save = False
        self.data: list[tuple[str, str]] = []
        self._select = None  # (name, multiple, chosen, first)
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                self.can_save = self.can_save or name == "_save"
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind != "file":
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[3].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple, chosen, options = self._select
            if not chosen and not multiple and options:
                chosen = options[:1]
            self.data += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.data.append((name, text.removeprefix("\n")))
            self._textarea = None


def as_post(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
def test_D9_every_admin_page_opens_and_change_forms_round_trip(demo, client):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "countystaff"])}
    assert set(users) == {"admin", "countystaff"}
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    failures, saved, refused, read_only, unreadable = [], [], [], [], []

    def read(label, page, response):
        if response.status_code == 200:
            names = () if label in ACCOUNT_PAGES else usernames
            unreadable.extend(f"{label} {page}: {problem}" for problem in text_problems(response.content.decode(), names))

    for model, model_admin in registered():
        label = model._meta.label
        for username in ("admin", "countystaff"):
            client.force_login(users[username])
            response = client.get(admin_url(model, "changelist"))
            if response.status_code not in (200, 403):
                failures.append(f"{username} {label} list: {response.status_code}")
            read(label, f"list ({username})", response)
        client.force_login(users["admin"])
        if model_admin.has_add_permission(_request(users["admin"])):
            response = client.get(admin_url(model, "add"))
            if response.status_code != 200:
                failures.append(f"admin {label} add page: {response.status_code}")
            read(label, "add page", response)
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        address = admin_url(model, "change", obj.pk)
        response = client.get(address)
        if response.status_code != 200:
            failures.append(f"admin {label} change page: {response.status_code}")
            continue
        read(label, "change page", response)
        form = ChangeForm(f"{model._meta.model_name}_form")
        form.feed(response.content.decode())
        if not (form.found and form.can_save):
            read_only.append(label)
            continue
        response = client.post(address, {**as_post(form.data), "_save": "保存"})
        if response.status_code == 302:
            saved.append(label)
        elif response.status_code == 200 and ("errornote" in response.content.decode()
                                               or "errorlist" in response.content.decode()):
            refused.append(label)
        else:
            failures.append(f"admin {label} save: {response.status_code}")
    print(f"saved {len(saved)}, refused with a message {len(refused)} {refused}, read only {len(read_only)}")
    assert not failures, "\n".join(failures)
    assert not unreadable, "\n".join(unreadable)
    assert len(saved) >= 10  # the net really sends forms back
