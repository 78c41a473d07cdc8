"""The one checked-upload path (issue 10, part 6): every document and image field takes PDF, Word
and JPEG/PNG by content, with the size limit and a Chinese message naming the file; script-
carrying files (HTML, SVG) and programs never get in, whatever they are called."""

import io
import struct
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from core import uploads
from programs.models import TargetLetter

PDF = b"%PDF-1.7\n%test\n1 0 obj <<>> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32
GIF = b"GIF89a" + b"\0" * 32
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 32


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip with fixed member times: the bytes are test parameters, and pytest-xdist needs every
    process to collect the same ones."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})
DOCM = zip_bytes({
    "[Content_Types].xml": CONTENT_TYPES.replace(b"/>", b"><Default ContentType='application/vnd.ms-word.document.macroEnabled.main+xml'/></Types>"),
    "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\0" * 64,
})

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(stream: str, size: int = 4096) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors) holding one stream, as Word 97–2003
    (``WordDocument``) or Excel (``Workbook``) write them."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    sectors = size // 512
    fat = [FATSECT, END] + [3 + index for index in range(sectors - 1)] + [END]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", FREE) * (128 - len(fat))

    def entry(name, kind, child, start, length):
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1 if name else 0)
                + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\0" * 36 + struct.pack("<IQ", start, length))

    directory = entry("Root Entry", 5, 1, END, 0) + entry(stream, 2, NOSTREAM, 2, size) + entry("", 0, NOSTREAM, 0, 0) * 2
    return header + fat_sector + directory + b"\x01" * size


DOC = ole_file("WordDocument")
XLS = ole_file("Workbook")


def check(name: str, content: bytes, kinds=uploads.DOCUMENT_KINDS):
    return uploads.upload_check(SimpleUploadedFile(name, content, content_type="application/pdf"), kinds)


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("责任书.pdf", PDF, uploads.PDF), ("责任书.PDF", PDF, uploads.PDF), ("总结.doc", DOC, uploads.DOC),
    ("总结.docx", DOCX, uploads.DOCX), ("扫描件.jpg", JPEG, uploads.JPEG), ("扫描件.jpeg", JPEG, uploads.JPEG),
    ("扫描件.png", PNG, uploads.PNG),
])
def test_documents_and_images_are_accepted_by_content(name, content, kind):
    assert check(name, content) is kind


@pytest.mark.parametrize(("name", "content", "message"), [
    ("letter.html", HTML, "文件“letter.html”的类型不受支持：只能上传 PDF、Word（.doc/.docx）或图片（.jpg/.png）。"),
    ("letter.svg", SVG, "文件“letter.svg”的类型不受支持"),
    ("letter.htm", HTML, "类型不受支持"),
    ("letter.gif", GIF, "类型不受支持"),
    ("letter.exe", EXE, "类型不受支持"),
    ("letter", PDF, "文件“letter”的类型不受支持"),
    ("letter.pdf", HTML, "文件“letter.pdf”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。"),
    ("letter.png", SVG, "文件“letter.png”的内容与扩展名不符"),
    ("letter.pdf", EXE, "文件“letter.pdf”的内容与扩展名不符"),
    ("letter.jpg", PNG, "文件“letter.jpg”的内容与扩展名不符"),
    ("letter.png", PDF, "文件“letter.png”的内容与扩展名不符"),
    # Word is a container: any zip or OLE file is not enough.
    ("letter.docx", XLSX, "文件“letter.docx”的内容与扩展名不符"),
    ("letter.docx", zip_bytes({"index.html": HTML}), "文件“letter.docx”的内容与扩展名不符"),
    ("letter.docx", b"PK\x03\x04" + b"\0" * 64, "文件“letter.docx”的内容与扩展名不符"),
    ("letter.docx", DOCM, "文件“letter.docx”含有宏，不予接受，请另存为不含宏的 .docx 后上传。"),
    ("letter.doc", XLS, "文件“letter.doc”的内容与扩展名不符"),
    ("letter.doc", DOC[:600], "文件“letter.doc”的内容与扩展名不符"),
    ("letter.pdf", b"", "文件“letter.pdf”是空的，请重新选择。"),
])
def test_anything_else_is_refused_naming_the_file_and_the_reason(name, content, message):
    with pytest.raises(ValidationError) as refused:
        check(name, content)
    assert message in refused.value.messages[0]


def test_the_size_limit_names_both_sizes(settings):
    settings.UPLOAD_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        check("大文件.pdf", PDF + b"\0" * 2048)
    assert refused.value.messages == ["文件“大文件.pdf”大小为 2.0\xa0KB，超过 1.0\xa0KB 的上限。"]


def test_photos_are_jpeg_or_png_only():
    assert check("照片.png", PNG, uploads.IMAGE_KINDS) is uploads.PNG
    with pytest.raises(ValidationError) as refused:
        check("照片.pdf", PDF, uploads.IMAGE_KINDS)
    assert refused.value.messages == ["文件“照片.pdf”的类型不受支持：只能上传 JPG 或 PNG 图片。"]


def test_the_check_leaves_the_upload_readable_from_the_start():
    upload = SimpleUploadedFile("总结.docx", DOCX)
    uploads.upload_check(upload)
    assert upload.read() == DOCX


# --- wired into every file field --------------------------------------------------------------

# Spreadsheet imports keep their own checks (core.spreadsheets): the background import's file.
SPREADSHEET_FIELDS = {("core", "importjob", "file")}
EXPECTED = {
    ("programs", "cadre", "photo"): uploads.validate_image_upload,
    ("archives", "archiveversion", "pdf"): uploads.validate_pdf_upload,
}


def test_every_file_field_of_the_project_runs_the_checked_upload_path():
    fields = [
        (model._meta.app_label, model._meta.model_name, field)
        for model in apps.get_models() for field in model._meta.fields if isinstance(field, models.FileField)
    ]
    assert len(fields) >= 9
    for app_label, model_name, field in fields:
        key = (app_label, model_name, field.name)
        if key in SPREADSHEET_FIELDS:
            continue
        expected = EXPECTED.get(key, uploads.validate_document_upload)
        assert expected in field.validators, key


def test_the_model_check_refuses_a_new_upload_and_leaves_a_stored_file_alone(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = TargetLetter(placement=world.placement, year=2026, term_targets="任期目标", annual_targets="年度目标",
                          signed_on="2026-03-05", document=SimpleUploadedFile("letter.pdf", HTML))
    with pytest.raises(ValidationError) as refused:
        letter.full_clean()
    assert refused.value.message_dict["document"] == ["文件“letter.pdf”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。"]
    # A file stored before the check (legacy) does not make the record uneditable.
    letter.document.save("legacy.html", ContentFile(HTML), save=False)
    letter.full_clean()


def test_a_cadre_photo_is_a_jpeg_or_png_through_the_service(world, settings, tmp_path):
    from programs import services
    from programs.exceptions import ProgramsError

    settings.MEDIA_ROOT = tmp_path
    cadre = world.cadres["cadre"]
    for name, content in (("照片.gif", GIF), ("照片.svg", SVG), ("照片.png", SVG), ("照片.pdf", PDF)):
        with pytest.raises(ProgramsError, match=f"文件“{name}”"):
            services.cadre_update(acting_user=world.admin, cadre=cadre, photo=SimpleUploadedFile(name, content))
    assert not any(tmp_path.rglob("*.*"))
    cadre = services.cadre_update(acting_user=world.admin, cadre=cadre, photo=SimpleUploadedFile("照片.png", PNG))
    assert cadre.photo.name == "cadres/photos/照片.png"
