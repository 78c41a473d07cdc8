"""The one check every uploaded document and image passes (applications, reports, letters,
photos, minutes): the type is read from the content — never from the name or the browser's
content type alone — only PDF, Word and raster images are taken, and the size is limited.
Messages name the file and say what is wrong, in Chinese.

- PDF: starts with ``%PDF-``.
- Word: ``.doc`` is an OLE compound file holding a ``WordDocument`` stream (an Excel or
  PowerPoint file renamed is not); ``.docx`` is a zip holding ``word/document.xml`` and
  ``[Content_Types].xml`` (not any zip), without macros.
- Images: JPEG and PNG only — what phones, cameras and scanners produce. GIF, WebP, BMP and
  SVG are refused: SVG is a script-carrying document, the others add nothing a letter or a
  photo needs.
- The extension must be one of the type's own, so a PDF named ``.png`` is refused too.

Model fields name the check as a validator (``validate_document_upload``, ``validate_image_upload``,
``validate_pdf_upload``), so admin forms, portal forms and services calling ``full_clean`` all
run it; it looks at new uploads only, not at a file already stored. Spreadsheet imports have
their own checks (``core.spreadsheets``). ``file_kind_sniff`` tells ``/files/`` what it serves.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    signature: bytes
    content_type: str
    # Shown in the browser: PDF and raster images. Anything else is sent as a download.
    inline: bool


PDF = FileKind((".pdf",), b"%PDF-", "application/pdf", inline=True)
DOC = FileKind((".doc",), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", inline=False)
DOCX = FileKind(
    (".docx",), b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", inline=False
)
JPEG = FileKind((".jpg", ".jpeg"), b"\xff\xd8\xff", "image/jpeg", inline=True)
PNG = FileKind((".png",), b"\x89PNG\r\n\x1a\n", "image/png", inline=True)

KINDS = (PDF, DOC, DOCX, JPEG, PNG)
DOCUMENT_KINDS = KINDS
IMAGE_KINDS = (JPEG, PNG)
SNIFF_BYTES = 16

ALLOWED_TEXT = {
    DOCUMENT_KINDS: gettext_lazy("PDF、Word（.doc/.docx）或图片（.jpg/.png）"),
    IMAGE_KINDS: gettext_lazy("JPG 或 PNG 图片"),
    (PDF,): gettext_lazy("PDF 文件"),
}


def file_kind_sniff(head: bytes, name: str = "") -> FileKind | None:
    """The kind of a stored file by its first bytes. PDF and images are told by content alone;
    an OLE file or a zip counts as Word only under its Word extension (anything else in such a
    container is no document of ours)."""
    extension = PurePath(name).suffix.lower()
    for kind in KINDS:
        if head.startswith(kind.signature):
            if kind.inline or extension in kind.extensions:
                return kind
            return None
    return None


def _word_structure_error(kind: FileKind, data: bytes, name: str) -> str | None:
    """Why a file with Word's signature is not a Word document, or None."""
    mismatch = _("文件“%(name)s”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。") % {"name": name}
    if kind is DOC:
        try:
            # A stream, always: olefile would take short bytes for a path to open.
            with olefile.OleFileIO(io.BytesIO(data)) as container:
                if container.exists("WordDocument"):
                    return None
        except Exception:  # noqa: BLE001 — whatever a hostile container breaks, it is no Word file
            pass
        return mismatch
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {member.filename.lower() for member in archive.infolist()}
            if not {"[content_types].xml", "word/document.xml"} <= names:
                return mismatch
            with archive.open("[Content_Types].xml") as stream:
                content_types = stream.read(64 * 1024)
    except Exception:  # noqa: BLE001 — as above: unreadable is refused, never a server error
        return mismatch
    if b"macroEnabled" in content_types or any(item.endswith("vbaproject.bin") for item in names):
        return _("文件“%(name)s”含有宏，不予接受，请另存为不含宏的 .docx 后上传。") % {"name": name}
    return None


def upload_check(upload, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS) -> FileKind:
    """Check one uploaded file (anything with ``name``, ``size``, ``read`` and ``seek``) against
    ``kinds``; returns its kind or raises ``ValidationError`` naming the file."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    kind = next((kind for kind in kinds if extension in kind.extensions), None)
    if kind is None:
        raise ValidationError(
            _("文件“%(name)s”的类型不受支持：只能上传 %(allowed)s。") % {"name": name, "allowed": ALLOWED_TEXT[kinds]}
        )
    limit = settings.UPLOAD_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if not upload.size:
        raise ValidationError(_("文件“%(name)s”是空的，请重新选择。") % {"name": name})
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    # Word needs the whole file (the zip directory is at its end); the size is already bounded.
    data = upload.read() if not kind.inline else upload.read(SNIFF_BYTES)
    upload.seek(position)
    if not data.startswith(kind.signature):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。") % {"name": name}
        )
    if not kind.inline:
        error = _word_structure_error(kind, data, name)
        if error:
            raise ValidationError(error)
    return kind


def _new_upload(value):
    """The file just uploaded in ``value``, or None for one already stored: that was checked when
    it came in, and a record holding an older file must stay editable."""
    if isinstance(value, FieldFile):
        # An assigned upload stays uncommitted until the model saves it (FileField.pre_save).
        return None if value._committed or not value else value.file
    return value or None


def validate_document_upload(value) -> None:
    """PDF, Word or an image (JPEG, PNG), at most ``UPLOAD_DOCUMENT_MAX_BYTES``."""
    upload = _new_upload(value)
    if upload is not None:
        upload_check(upload, DOCUMENT_KINDS)


def validate_image_upload(value) -> None:
    """A JPEG or PNG image (photos)."""
    upload = _new_upload(value)
    if upload is not None:
        upload_check(upload, IMAGE_KINDS)


def validate_pdf_upload(value) -> None:
    """A PDF (archive versions)."""
    upload = _new_upload(value)
    if upload is not None:
        upload_check(upload, (PDF,))
