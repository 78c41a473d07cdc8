"""Target responsibility letters (目标管理责任书, R10) and their scans in the admin (issue 10,
part 6): only a real PDF, Word file or image is taken, on the letter's own page and inline on the
placement; a scan can be attached to a letter already recorded; a replaced scan is deleted once
the change is committed, and a write that fails leaves no file behind."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from programs import services
from programs.exceptions import ProgramsError
from programs.models import TargetLetter

from .test_admin import changeform_data

PDF = b"%PDF-1.7\n%letter\n"
PDF_2 = b"%PDF-1.7\n%letter, signed again\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 32

HOSTILE = [
    ("letter.html", HTML, "类型不受支持"),
    ("letter.svg", SVG, "类型不受支持"),
    ("letter.exe", EXE, "类型不受支持"),
    ("letter.pdf", HTML, "内容与扩展名不符"),
    ("letter.pdf", SVG, "内容与扩展名不符"),
    ("letter.png", SVG, "内容与扩展名不符"),
    ("letter.pdf", EXE, "内容与扩展名不符"),
    ("letter.png", HTML, "内容与扩展名不符"),
]


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["countystaff"])
    return world.users["countystaff"]


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def letter_url(view="changelist", *args):
    return reverse(f"admin:programs_targetletter_{view}", args=args)


def letter_form(world, **extra) -> dict:
    return {"placement": world.placement.pk, "year": "2026", "signed_on": "2026-03-05", "term_targets": "任期目标",
            "annual_targets": "年度目标", **extra}


def recorded_letter(world) -> TargetLetter:
    return services.target_letter_save(acting_user=world.admin, target_letter=TargetLetter(
        placement=world.placement, year=2026, signed_on=dt.date(2026, 3, 5), term_targets="任期目标",
        annual_targets="年度目标"))


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE)
def test_R10_the_letter_page_refuses_script_and_programs_whatever_their_name(client, world, media, staff, name,
                                                                              content, message):
    response = client.post(letter_url("add"), letter_form(world, document=SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["document"]
    assert message in errors[0] and f"“{name}”" in errors[0]
    assert not TargetLetter.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE)
def test_R10_the_placement_page_refuses_them_inline_too(client, world, media, staff, name, content, message):
    data = changeform_data(client.get(reverse("admin:programs_placement_change", args=[world.placement.pk])))
    data.update({
        "target_letters-TOTAL_FORMS": "1", "target_letters-0-year": "2026", "target_letters-0-signed_on": "2026-03-05",
        "target_letters-0-term_targets": "任期目标", "target_letters-0-annual_targets": "年度目标",
        "target_letters-0-document": SimpleUploadedFile(name, content),
    })
    response = client.post(reverse("admin:programs_placement_change", args=[world.placement.pk]), data)
    assert response.status_code == 200
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "target_letters")
    assert message in formset.forms[0].errors["document"][0]
    assert not TargetLetter.objects.exists()
    assert stored_files(media) == []


def test_R10_a_letter_with_its_scan_is_recorded_through_the_service(client, world, media, staff):
    response = client.post(letter_url("add"), letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF)))
    assert response.status_code == 302
    letter = TargetLetter.objects.get()
    assert letter.document.name.startswith("placements/target_letters/")
    assert stored_files(media) == [letter.document.name]
    assert AuditLog.objects.filter(action="target_letter_create", actor=staff).count() == 1


def test_R10_a_scan_is_attached_to_a_letter_already_recorded(client, world, media, staff,
                                                            django_capture_on_commit_callbacks):
    letter = recorded_letter(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(letter_url("change", letter.pk),
                               letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF)))
    assert response.status_code == 302
    letter.refresh_from_db()
    name = letter.document.name
    assert name.startswith("placements/target_letters/") and default_storage.open(name).read() == PDF
    log = AuditLog.objects.get(action="target_letter_update", actor=staff)
    assert log.data == {"document": ["", name]}
    assert stored_files(media) == [name]
    # The host unit downloads the scan through the checked view.
    client.force_login(world.users["hostunit"])
    assert client.get(letter.document.url).status_code == 200


def test_R10_a_replaced_scan_is_deleted_once_the_change_is_committed(client, world, media, staff,
                                                                     django_capture_on_commit_callbacks):
    letter = recorded_letter(world)
    client.post(letter_url("change", letter.pk), letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF)))
    letter.refresh_from_db()
    first = letter.document.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(letter_url("change", letter.pk),
                               letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF_2)))
    assert response.status_code == 302
    letter.refresh_from_db()
    second = letter.document.name
    assert second != first
    # Until the transaction commits, the old scan is still there (a rollback would need it).
    assert sorted([first, second]) == stored_files(media)
    for callback in callbacks:
        callback()
    assert stored_files(media) == [second]
    assert AuditLog.objects.filter(action="target_letter_update").order_by("id").last().data == {"document": [first, second]}


def test_R10_a_deleted_letter_takes_its_scan_with_it(client, world, media, staff, django_capture_on_commit_callbacks):
    letter = recorded_letter(world)
    client.post(letter_url("change", letter.pk), letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(letter_url("delete", letter.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not TargetLetter.objects.exists()
    assert stored_files(media) == []


def test_R10_a_save_that_fails_after_the_file_was_written_leaves_no_file(client, world, media, staff, monkeypatch):
    letter = recorded_letter(world)

    def refuse(**kwargs):
        raise ProgramsError("审计记录写入失败。")

    # The service writes the file with the row, then fails: the transaction rolls back.
    monkeypatch.setattr(services, "audit_record", refuse)
    response = client.post(letter_url("change", letter.pk),
                           letter_form(world, document=SimpleUploadedFile("责任书.pdf", PDF)))
    assert response.status_code == 200
    assert "审计记录写入失败。" in response.content.decode()
    letter.refresh_from_db()
    assert letter.document.name == ""
    assert stored_files(media) == []


def test_R10_a_failed_placement_page_leaves_no_letter_file(client, world, media, staff, monkeypatch):
    data = changeform_data(client.get(reverse("admin:programs_placement_change", args=[world.placement.pk])))
    data.update({
        "target_letters-TOTAL_FORMS": "1", "target_letters-0-year": "2026", "target_letters-0-signed_on": "2026-03-05",
        "target_letters-0-term_targets": "任期目标", "target_letters-0-annual_targets": "年度目标",
        "target_letters-0-document": SimpleUploadedFile("责任书.pdf", PDF),
    })
    real_save = services.target_letter_save

    def save_then_refuse(**kwargs):
        real_save(**kwargs)
        raise ProgramsError("写入失败。")

    monkeypatch.setattr(services, "target_letter_save", save_then_refuse)
    monkeypatch.setattr("programs.admin.TargetLetterInline.save_service", staticmethod(save_then_refuse))
    response = client.post(reverse("admin:programs_placement_change", args=[world.placement.pk]), data)
    assert response.status_code == 200 and "写入失败。" in response.content.decode()
    assert not TargetLetter.objects.exists()
    assert stored_files(media) == []
