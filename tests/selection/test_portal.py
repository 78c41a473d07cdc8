"""The portal side of selection (R7 steps 1–3): who may open, apply, nominate and recommend.

Every URL is tried by the roles that must be refused (D6: out of scope 404, not allowed 403)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from selection import services
from selection.exceptions import SelectionError
from selection.models import Application

PDF = b"%PDF-1.7\n%test application\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.fixture
def open_scene(scene):
    """The scene's selection announced with a window around today."""
    today = timezone.localdate()
    services.selection_announce(
        acting_user=scene.staff, selection=scene.selection, apply_from=today - dt.timedelta(days=1),
        apply_until=today + dt.timedelta(days=10), announced_on=today - dt.timedelta(days=1),
        announcement_number="泽组通〔2026〕60号", scope_text="泽州县直机关在职在编干部", standards="大专以上学历",
    )
    scene.selection.refresh_from_db()
    return scene


def url(name, pk):
    return reverse(f"selection:{name}", args=[pk])


def test_R7_cadre_sees_the_announcement_and_applies_in_person(client, open_scene):
    s = open_scene
    client.force_login(s.users["zhou"])
    listing = client.get(reverse("selection:list"))
    assert listing.status_code == 200 and s.program.name in listing.content.decode()
    detail = client.get(url("detail", s.selection.pk))
    assert detail.status_code == 200
    assert "提交报名" in detail.content.decode() and "泽州县直机关在职在编干部" in detail.content.decode()
    response = client.post(url("apply", s.selection.pk), {
        "statement": "本人自愿到乡镇挂职锻炼。", "preferred_post": s.posts["township"].pk,
        "attachment": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302
    application = Application.objects.get(selection=s.selection, cadre=s.cadres["周杰"])
    assert application.source == Application.Source.PERSONAL and application.status == Application.Status.APPLIED
    assert application.preferred_post == s.posts["township"] and application.attachment.name.endswith(".pdf")
    assert AuditLog.objects.filter(action="application_create", actor=s.users["zhou"]).exists()
    page = client.get(url("detail", s.selection.pk)).content.decode()
    assert "我的报名" in page and "提交报名" not in page
    # The attachment is served to its owner through the checked file view.
    assert client.get(application.attachment.url).status_code == 200


def test_R7_a_second_application_is_refused_with_a_message(client, open_scene):
    s = open_scene
    client.force_login(s.users["zhou"])
    client.post(url("apply", s.selection.pk), {"statement": "申请"})
    response = client.post(url("apply", s.selection.pk), {"statement": "再次申请"})
    assert response.status_code == 400
    assert Application.objects.filter(cadre=s.cadres["周杰"]).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("申请书.exe", b"MZ\x90\x00", "类型不受支持"),
        ("申请书.pdf", b"\x89PNG\r\n\x1a\n0000", "内容与扩展名不符"),
        # Script-carrying pages under a document's or an image's name (stored XSS, issue 10).
        ("申请书.html", HTML, "类型不受支持"),
        ("申请书.svg", SVG, "类型不受支持"),
        ("申请书.pdf", HTML, "内容与扩展名不符"),
        ("申请书.png", SVG, "内容与扩展名不符"),
        ("申请书.pdf", b"MZ\x90\x00", "内容与扩展名不符"),
    ],
)
def test_attachments_must_be_documents_of_the_type_they_claim(client, open_scene, name, content, message):
    s = open_scene
    client.force_login(s.users["zhou"])
    response = client.post(url("apply", s.selection.pk), {
        "statement": "申请", "attachment": SimpleUploadedFile(name, content),
    })
    assert response.status_code == 400 and message in response.content.decode()
    assert not Application.objects.filter(cadre=s.cadres["周杰"]).exists()


def test_attachments_over_the_size_limit_are_refused(client, open_scene, settings):
    settings.UPLOAD_DOCUMENT_MAX_BYTES = 1024
    s = open_scene
    client.force_login(s.users["zhou"])
    response = client.post(url("apply", s.selection.pk), {
        "statement": "申请", "attachment": SimpleUploadedFile("a.pdf", PDF + b"0" * 2048),
    })
    assert response.status_code == 400 and "超过 1.0\xa0KB 的上限" in response.content.decode()
    assert not Application.objects.exists()


def test_an_empty_application_is_refused(client, open_scene):
    client.force_login(open_scene.users["zhou"])
    response = client.post(url("apply", open_scene.selection.pk), {"statement": "  "})
    assert response.status_code == 400 and "请填写申请书或上传书面申请" in response.content.decode()


def test_D6_a_cadre_outside_the_organising_subtree_gets_404(client, open_scene):
    s = open_scene
    client.force_login(s.world.users["othercadre"])  # a 高平 cadre: 泽州's selection does not reach them
    assert client.get(url("detail", s.selection.pk)).status_code == 404
    assert client.post(url("apply", s.selection.pk), {"statement": "申请"}).status_code == 404
    assert not Application.objects.exists()


@pytest.mark.parametrize("username", ["hostunit", "township", "mentor", "nobody", "countystaff", "orgstaff"])
def test_D6_roles_without_a_part_in_selection_are_refused(client, open_scene, username):
    s = open_scene
    client.force_login(s.world.users[username])
    assert client.get(reverse("selection:list")).status_code == 403
    assert client.get(url("detail", s.selection.pk)).status_code == 403
    assert client.post(url("apply", s.selection.pk), {"statement": "x"}).status_code == 403
    assert client.post(url("nominate", s.selection.pk), {}).status_code == 403
    assert client.post(url("recommend", s.selection.pk), {}).status_code == 403


def test_anonymous_users_are_sent_to_login(client, open_scene):
    response = client.get(url("detail", open_scene.selection.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_D6_a_sending_unit_cannot_apply_in_person(client, open_scene):
    client.force_login(open_scene.world.users["sendunit"])
    assert client.post(url("apply", open_scene.selection.pk), {"statement": "x"}).status_code == 403


def test_R7_sending_unit_nominates_its_own_cadre_and_records_the_meeting(client, open_scene):
    s = open_scene
    sendunit = s.world.users["sendunit"]  # contact of 泽州县发展和改革局
    client.force_login(sendunit)
    response = client.post(url("nominate", s.selection.pk), {"cadre": s.cadres["吴敏"].pk})
    assert response.status_code == 302
    nominated = Application.objects.get(cadre=s.cadres["吴敏"])
    assert nominated.source == Application.Source.UNIT
    # 周杰 applies himself; the unit's meeting then recommends both.
    services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    zhou = Application.objects.get(cadre=s.cadres["周杰"])
    response = client.post(url("recommend", s.selection.pk), {
        "meeting_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "report_text": "经局党组会议研究,同意推荐。", "recommended": [nominated.pk, zhou.pk],
    })
    assert response.status_code == 302
    assert set(Application.objects.filter(status=Application.Status.RECOMMENDED).values_list("pk", flat=True)) == {
        nominated.pk, zhou.pk,
    }
    assert AuditLog.objects.filter(action="unit_recommendation_record", actor=sendunit).exists()


def test_D6_a_sending_unit_cannot_nominate_or_recommend_another_units_cadre(client, open_scene):
    s = open_scene
    client.force_login(s.users["petitionunit"])  # contact of 泽州县信访局
    response = client.post(url("nominate", s.selection.pk), {"cadre": s.cadres["吴敏"].pk})  # a 发改局 cadre
    assert response.status_code == 400
    assert not Application.objects.filter(cadre=s.cadres["吴敏"]).exists()
    services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    zhou = Application.objects.get(cadre=s.cadres["周杰"])
    response = client.post(url("recommend", s.selection.pk), {
        "meeting_on": timezone.localdate().isoformat(), "report_text": "推荐", "recommended": [zhou.pk],
    })
    assert response.status_code == 400
    zhou.refresh_from_db()
    assert zhou.status == Application.Status.APPLIED
    # Nor do they see 发改局's applicants at all.
    assert "周杰" not in client.get(url("detail", s.selection.pk)).content.decode()


def test_recommendation_needs_a_report(client, open_scene):
    s = open_scene
    services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    client.force_login(s.world.users["sendunit"])
    response = client.post(url("recommend", s.selection.pk), {
        "meeting_on": timezone.localdate().isoformat(), "recommended": [Application.objects.get().pk],
    })
    assert response.status_code == 400 and "请填写推荐报告或上传推荐报告文件" in response.content.decode()


@pytest.mark.parametrize(("name", "content"), [("推荐报告.pdf", HTML), ("推荐报告.png", SVG), ("推荐报告.svg", SVG)])
def test_a_recommendation_report_file_must_be_a_document(client, open_scene, name, content):
    s = open_scene
    services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    client.force_login(s.world.users["sendunit"])
    response = client.post(url("recommend", s.selection.pk), {
        "meeting_on": timezone.localdate().isoformat(), "recommended": [Application.objects.get().pk],
        "report_file": SimpleUploadedFile(name, content),
    })
    assert response.status_code == 400 and f"文件“{name}”" in response.content.decode()
    assert Application.objects.get().status == Application.Status.APPLIED


def test_the_services_check_files_handed_to_them_directly(open_scene):
    """Not only the forms: a service given a file checks it too (the one checked-upload path)."""
    s = open_scene
    with pytest.raises(SelectionError, match="文件“申请书.pdf”的内容与扩展名不符"):
        services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请",
                                   attachment=SimpleUploadedFile("申请书.pdf", HTML))
    assert not Application.objects.exists()
    services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    with pytest.raises(SelectionError, match="文件“推荐报告.png”的内容与扩展名不符"):
        services.unit_recommendation_record(
            acting_user=s.world.users["sendunit"], selection=s.selection, sending_unit=s.world.units["zz_drc"],
            meeting_on=timezone.localdate(), report_file=SimpleUploadedFile("推荐报告.png", SVG),
            recommended=[Application.objects.get()],
        )
    assert Application.objects.get().status == Application.Status.APPLIED


def test_cadre_withdraws_own_application_but_never_anothers(client, open_scene):
    s = open_scene
    mine = services.application_apply(acting_user=s.users["zhou"], selection=s.selection, statement="申请")
    other = services.application_create(
        acting_user=s.world.users["sendunit"], selection=s.selection, cadre=s.cadres["吴敏"], source=Application.Source.UNIT,
    )
    client.force_login(s.users["zhou"])
    assert client.post(url("withdraw", other.pk)).status_code == 404
    assert client.post(url("withdraw", mine.pk)).status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == Application.Status.WITHDRAWN and other.status == Application.Status.APPLIED


def test_R7_unit_only_policy_offers_no_personal_application(client, world, open_scene):
    from programs import services as program_services

    s = open_scene
    program_services.program_policy_update(acting_user=world.admin, program=s.program, selection_mode="unit")
    client.force_login(s.users["zhou"])
    assert "提交报名" not in client.get(url("detail", s.selection.pk)).content.decode()
    response = client.post(url("apply", s.selection.pk), {"statement": "申请"})
    assert response.status_code == 400 and "不接受" in response.content.decode()
    assert not Application.objects.exists()


def test_portal_home_links_to_selection_for_cadres_and_sending_units(client, world):
    client.force_login(world.users["cadre"])
    assert reverse("selection:list") in client.get("/portal/").content.decode()
    client.force_login(world.users["hostunit"])
    assert f'href="{reverse("selection:list")}"' not in client.get("/portal/").content.decode()
