"""Nothing the cadre writes runs in anyone's browser (R12, issue 5): an XSS corpus saved into the
sections, the title and the attachments' names, rendered on every page that shows them — the
list, the report's page (draft, versions), the editor, the cadre's home — and the autosave's
JSON. The pages are parsed: no element or attribute the payloads carry may appear."""

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Report
from reports.services import writing

from .test_writing import PDF, at, fresh, scheduled, write_and_submit


pytestmark = pytest.mark.django_db
K = Report.Kind

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '" onfocus="alert(1)" autofocus="',
    "<a href=\"javascript:alert(1)\">点我</a>",
    "javascript:alert(1)",
    "<iframe src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></iframe>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext></mtext><mglyph><style><img src=x onerror=alert(1)></style></math>",
    "<style>*{background:url('javascript:alert(1)')}</style>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "＜script＞alert(1)＜/script＞",
    "{{ 7*7 }}{% debug %}",
    "<!--<script>alert(1)//-->",
    "<input onfocus=alert(1) autofocus>",
    "<object data=javascript:alert(1)>",
]
FORBIDDEN_TAGS = {"img", "svg", "iframe", "object", "embed", "math", "style", "details", "body", "a-evil", "base"}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str, stored: list[str], where: str) -> None:
    """No payload left unescaped, and no element or attribute a payload could have made."""
    for text in stored:
        if any(char in text for char in "<>\"'"):
            assert text not in html, f"{where}: raw payload {text!r}"
    parser = TagCollector()
    parser.feed(html)
    bodies = 0
    for tag, attrs in parser.tags:
        names = {name.lower() for name, _value in attrs}
        assert not any(name.startswith("on") for name in names), f"{where}: handler on <{tag}> {attrs}"
        assert "autofocus" not in names, f"{where}: autofocus on <{tag}>"
        if tag == "script":
            assert dict(attrs).get("src", "").startswith("/static/"), f"{where}: inline or foreign script {attrs}"
        assert tag not in FORBIDDEN_TAGS - {"body"}, f"{where}: <{tag}> {attrs}"
        bodies += tag == "body"
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "data") and value:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), f"{where}: {name}={value}"
    assert bodies <= 1, f"{where}: a second <body>"


@pytest.fixture
def hostile(world, media):
    """Q1 written with the corpus: each payload in a section, the title, an attachment's name.
    Q2 left as a draft with the same; Q1 submitted (version 1)."""
    cadre = world.users["cadre"]
    reports = scheduled(world)
    q1, q2 = reports[(K.QUARTERLY, 1)], reports[(K.QUARTERLY, 2)]
    corpus = "\n".join(PAYLOADS)
    names = []
    with time_machine.travel(at(dt.date(2026, 4, 8)), tick=False):
        for index, payload in enumerate(PAYLOADS[:writing.ATTACHMENTS_MAX]):
            attachment = writing.report_attachment_add(
                acting_user=cadre, report=q1, upload=SimpleUploadedFile(f"{payload}{index}.pdf", PDF))
            names.append(attachment.original_name)
        writing.report_draft_save(acting_user=cadre, report=q2, sections={"done": corpus, "next": PAYLOADS[5]},
                                  title=PAYLOADS[7])
    write_and_submit(world, q1, sections={"done": corpus, "next": PAYLOADS[0]}, title=PAYLOADS[9],
                     when=at(dt.date(2026, 4, 8)))
    q1.refresh_from_db()
    q2.refresh_from_db()
    stored = [*PAYLOADS, *names, q1.title, q2.title, *q1.draft.values(), *q2.draft.values()]
    return q1, q2, stored


def test_R12_xss_corpus_is_stored_as_text(world, hostile):
    q1, q2, _stored = hostile
    version = q1.versions.get()
    assert version.sections["next"] == "<script>alert(1)</script>"  # kept as typed, escaped on output
    assert "<script>alert(1)</scr" in q1.draft["done"] and "\x00" not in q1.draft["done"]
    assert all("/" not in a.original_name and "\\" not in a.original_name for a in q1.attachments.all())


@pytest.mark.parametrize("username", ["cadre", "hostunit", "mentor", "countystaff"])
def test_R12_xss_corpus_never_runs_on_the_report_pages(client, world, hostile, username):
    q1, q2, stored = hostile
    client.force_login(fresh(world.users[username]))
    pages = {
        "list": reverse("reports:list"),
        "detail": reverse("reports:detail", args=[q1.pk]),
        "version": reverse("reports:detail", args=[q1.pk]) + "?version=1",
        "draft": reverse("reports:detail", args=[q2.pk]),
        "home": reverse("portal:home"),
    }
    if username == "cadre":
        pages["edit"] = reverse("reports:edit", args=[q2.pk])
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), stored, f"{username} {where}")
    detail = client.get(pages["detail"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail


def test_R12_the_editor_keeps_payloads_inside_the_textarea(client, world, hostile):
    _q1, q2, _stored = hostile
    client.force_login(fresh(world.users["cadre"]))
    html = client.get(reverse("reports:edit", args=[q2.pk])).content.decode()
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("</textarea>") == 2  # one per section: no payload closed one early
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html  # the title attribute


def test_R12_the_cadres_home_shows_titles_escaped(client, world, hostile):
    _q1, q2, stored = hostile
    client.force_login(fresh(world.users["cadre"]))
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="my-reports"' in html and "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html, stored, "home")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_R12_autosave_json_never_echoes_markup(client, world, payload):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    client.force_login(fresh(world.users["cadre"]))
    for body in ({"sections": {"done": payload}, "title": payload}, {"sections": {payload: "x"}},
                 {"sections": {"done": "x"}, "term_end_form": payload}):
        response = client.post(reverse("reports:autosave", args=[q1.pk]), json.dumps(body), content_type="application/json")
        assert response["Content-Type"].startswith("application/json")
        assert b"<" not in response.content and b">" not in response.content
        assert payload.encode() not in response.content or not any(c in payload for c in "<>\"'")
        json.loads(response.content)
    q1.refresh_from_db()
    assert q1.draft["done"] == writing.plain_text(payload)
