"""Checks for documents users upload (applications, reports): type by content, not by name alone,
and size. Messages say what is wrong in Chinese."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension → the file signatures (magic numbers) that type starts with
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def validate_document_upload(upload) -> None:
    """PDF, Word or an image, at most ``UPLOAD_DOCUMENT_MAX_BYTES``; the content must match the name."""
    name = upload.name or ""
    extension = name[name.rfind("."):].lower() if "." in name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(
            _("文件“%(name)s”的类型不受支持：只能上传 PDF、Word（.doc/.docx）或图片（.jpg/.png）。") % {"name": name}
        )
    limit = settings.UPLOAD_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in DOCUMENT_SIGNATURES[extension]):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，可能已损坏或被改名，请重新导出后上传。") % {"name": name}
        )
