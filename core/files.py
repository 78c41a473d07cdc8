"""Uploaded files are personal data (cadre photos, signed letters, archives): nobody downloads
one without passing the same scope check as the record that holds it.

Every upload folder is registered with a function that returns the records the user may
see; ``/files/<name>`` answers a file only when such a record holds it, and 404 otherwise —
the same answer as for a file that does not exist (D6). ``ProtectedFileStorage.url`` points
every file field at that view, so the admin's "当前" links go through it too. Behind nginx, set
``MEDIA_X_ACCEL_PREFIX`` and nginx sends the bytes after the check.

What the browser is told comes from the file's content (``core.uploads.file_kind_sniff``), never
from its name: PDF and JPEG/PNG images are shown inline with their own type; everything else —
Word, and any file stored before uploads were checked (an HTML or SVG page) — is a download
(``attachment``) typed as Word or ``application/octet-stream``, never ``text/html`` or
``image/svg+xml``. Every answer carries ``Content-Security-Policy: sandbox`` (nothing in the file
runs with the site's origin, even if a browser renders it) and ``X-Content-Type-Options: nosniff``.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePosixPath
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

from .uploads import SNIFF_BYTES, file_kind_sniff

# upload folder → (function(user) → queryset of the records visible to the user, file field name)
_REGISTRY: dict[str, tuple[Callable[[object], QuerySet], str]] = {}


def protected_folder_register(folder: str, visible: Callable[[object], QuerySet], field: str) -> None:
    _REGISTRY[folder.strip("/") + "/"] = (visible, field)


logger = logging.getLogger(__name__)

# The files saved inside ``unheld_files_removed`` (storage, name), or None outside it.
_saved: ContextVar[list | None] = ContextVar("core_files_saved", default=None)


class ProtectedFileStorage(FileSystemStorage):
    """The project's default storage: files live under MEDIA_ROOT, URLs go through the check."""

    def url(self, name):
        return reverse("protected_file", kwargs={"name": name})

    def _save(self, name, content):
        name = super()._save(name, content)
        saved = _saved.get()
        if saved is not None:
            saved.append((self, name))
        return name


def file_held(name: str) -> bool:
    """Whether any row of any model holds the stored file ``name``."""
    return any(
        model._base_manager.filter(**{field.name: name}).exists()
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FileField)
    )


@contextmanager
def unheld_files_removed():
    """Delete the files saved inside the block that no row holds when it ends.

    A file field writes its file before the row (``FileField.pre_save``): when the transaction
    then rolls back — a refusal after the save, a failing inline on the same admin page — the
    file would stay on disk with nothing pointing at it. Wrap the whole unit of work, outside
    its transactions (``core.middleware.UnheldUploadsMiddleware`` wraps every request); a nested
    block leaves the decision to the outermost one. Replaced and deleted files are removed after
    commit by django-cleanup.
    """
    outer = _saved.get()
    saved: list = []
    token = _saved.set(saved)
    try:
        yield
    finally:
        _saved.reset(token)
        if outer is not None:
            outer.extend(saved)
        else:
            for storage, name in saved:
                try:
                    if not file_held(name):
                        storage.delete(name)
                except Exception:  # a cleanup never turns the answer into an error
                    logger.exception("could not remove the unheld upload %s", name)


def protected_file_owner_exists(user, name: str) -> bool:
    for folder, (visible, field) in _REGISTRY.items():
        if name.startswith(folder):
            return visible(user).filter(**{field: name}).exists()
    return False


def protected_file_response(user, name: str) -> HttpResponse:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not protected_file_owner_exists(user, name):
        raise Http404
    storage = ProtectedFileStorage()
    if not storage.exists(name):
        raise Http404
    # Behind nginx the bytes go out through X-Accel-Redirect, but the type is still read here:
    # nginx keeps the Content-Type and Content-Disposition it is given.
    with storage.open(name, "rb") as stream:
        kind = file_kind_sniff(stream.read(SNIFF_BYTES), path.name)
    content_type = kind.content_type if kind else "application/octet-stream"
    as_attachment = not (kind and kind.inline)
    if settings.MEDIA_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, path.name)
    response["Cache-Control"] = "private, no-store"
    # nginx drops these two on X-Accel-Redirect; its /protected/ location adds them again
    # (deploy/nginx/secondment.conf).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
