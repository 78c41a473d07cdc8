"""Uploaded files go out only through the access check of the record that holds them (D6, D8)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from archives.models import ArchiveVersion
from programs.models import TargetLetter

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def photo(world, media):
    cadre = world.cadres["cadre"]
    cadre.photo.save("liming.png", ContentFile(PNG), save=True)
    return cadre


def test_file_urls_point_at_the_checked_view(photo):
    assert photo.photo.url == f"/files/{photo.photo.name}"
    assert photo.photo.name.startswith("cadres/photos/")


@pytest.mark.parametrize("username", ["countystaff", "orgstaff", "hostunit", "sendunit", "cadre", "mentor"])
def test_D6_users_who_see_the_cadre_get_the_photo(client, world, photo, username):
    client.force_login(world.users[username])
    response = client.get(photo.photo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("username", ["gaopingstaff", "hzstaff", "gphost", "othercadre", "nobody"])
def test_D6_other_users_get_404_like_a_missing_file(client, world, photo, username):
    client.force_login(world.users[username])
    assert client.get(photo.photo.url).status_code == 404
    assert client.get("/files/cadres/photos/missing.png").status_code == 404


def test_anonymous_users_are_sent_to_login(client, photo):
    response = client.get(photo.photo.url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["../secondment/settings.py", "cadres/photos/../../db.sqlite3", "unregistered/x.txt"])
def test_paths_outside_registered_folders_are_404(client, world, media, name):
    client.force_login(world.admin)
    assert client.get(f"/files/{name}").status_code == 404


def test_target_letters_follow_the_placement_scope(client, world, media):
    letter = TargetLetter(placement=world.placement, year=2026, term_targets="任期目标", annual_targets="年度目标",
                          signed_on=dt.date(2026, 3, 5))
    letter.document.save("letter.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    letter.save()
    client.force_login(world.users["hostunit"])
    assert client.get(letter.document.url).status_code == 200
    client.force_login(world.users["hzstaff"])
    assert client.get(letter.document.url).status_code == 404


def test_D8_archives_need_the_download_permission_besides_the_scope(client, world, media):
    version = ArchiveVersion(placement=world.placement, version=1, content_hash="a" * 64)
    version.pdf.save("archive.pdf", ContentFile(b"%PDF-1.7 archive"), save=False)
    version.save()
    staff = world.users["countystaff"]
    client.force_login(staff)
    assert client.get(version.pdf.url).status_code == 404
    staff.user_permissions.add(Permission.objects.get(codename="download_archive"))
    client.force_login(staff)
    assert client.get(version.pdf.url).status_code == 200
    # The cadre never reads the dossier material (D8), whatever their permissions.
    world.users["cadre"].user_permissions.add(Permission.objects.get(codename="download_archive"))
    client.force_login(world.users["cadre"])
    assert client.get(version.pdf.url).status_code == 404


def test_behind_nginx_the_bytes_are_handed_over_after_the_check(client, world, photo, settings):
    settings.MEDIA_X_ACCEL_PREFIX = "/protected/"
    client.force_login(world.users["hostunit"])
    response = client.get(photo.photo.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{photo.photo.name}"
    assert response.content == b""


# --- what a file response tells the browser (issue 10, part 6: stored XSS) --------------------

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def stored_letter(world, name: str, content: bytes) -> TargetLetter:
    """A target letter holding a file stored before uploads were checked (the file goes straight
    to storage, as the old admin did)."""
    letter = TargetLetter(placement=world.placement, year=2026, term_targets="任期目标", annual_targets="年度目标",
                          signed_on=dt.date(2026, 3, 5))
    letter.document.save(name, ContentFile(content), save=False)
    letter.save()
    return letter


def assert_sandboxed(response):
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("accel", [False, True])
@pytest.mark.parametrize(("name", "content"), [
    ("letter.html", HTML), ("letter.svg", SVG), ("letter.htm", HTML), ("letter.xhtml", HTML), ("letter.txt", HTML),
    ("letter.pdf", HTML), ("letter.png", SVG),
])
def test_legacy_script_files_are_downloaded_never_rendered(client, world, media, settings, name, content, accel):
    letter = stored_letter(world, name, content)
    settings.MEDIA_X_ACCEL_PREFIX = "/protected/" if accel else ""
    # The cadre, the host unit, staff and the superuser: nobody's browser runs the script.
    for user in (world.users["cadre"], world.users["hostunit"], world.users["countystaff"], world.admin):
        client.force_login(user)
        response = client.get(letter.document.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert_sandboxed(response)


@pytest.mark.parametrize("accel", [False, True])
@pytest.mark.parametrize(("name", "content", "content_type", "disposition"), [
    ("letter.pdf", b"%PDF-1.7 letter", "application/pdf", "inline"),
    ("letter.png", PNG, "image/png", "inline"),
    ("letter.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 16, "image/jpeg", "inline"),
    ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16, "application/msword", "attachment"),
    ("letter.docx", b"PK\x03\x04" + b"\0" * 16,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    # A zip or OLE file under another name is nothing we show or name.
    ("letter.zip", b"PK\x03\x04" + b"\0" * 16, "application/octet-stream", "attachment"),
])
def test_pdf_and_images_show_in_the_browser_word_is_downloaded(client, world, media, settings, name, content,
                                                                content_type, disposition, accel):
    letter = stored_letter(world, name, content)
    settings.MEDIA_X_ACCEL_PREFIX = "/protected/" if accel else ""
    client.force_login(world.users["hostunit"])
    response = client.get(letter.document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f"{disposition}; filename=\"{letter.document.name.rsplit('/', 1)[1]}\""
    assert_sandboxed(response)
    if accel:
        assert response["X-Accel-Redirect"] == f"/protected/{letter.document.name}" and response.content == b""
    else:
        assert b"".join(response.streaming_content) == content


def test_a_chinese_file_name_is_kept_in_the_download(client, world, media):
    letter = stored_letter(world, "目标责任书.html", HTML)
    client.force_login(world.users["hostunit"])
    response = client.get(letter.document.url)
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E7%9B%AE%E6%A0%87" in response["Content-Disposition"]
