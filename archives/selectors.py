"""Reads of performance archives (D8).

The archive feeds the personnel dossier, which a cadre may not read: only organisation-department
staff reach archives, within their subtree (D1); no unit role or cadre does, whatever else
they may see of the placement.
"""

from django.db.models import QuerySet

from programs.roles import UserScope, user_scope
from programs.selectors import placement_filter

from .models import ArchiveVersion

def _staff_only(scope: UserScope) -> UserScope:
    return UserScope(
        user_id=scope.user_id,
        is_superuser=scope.is_superuser,
        department_id=scope.department_id,
        department_path=scope.department_path,
    )

def archive_versions_visible_to(user) -> QuerySet[ArchiveVersion]:
    scope = _staff_only(user_scope(user))
    if not (scope.is_superuser or scope.is_org_staff):
        return ArchiveVersion.objects.none()
    return ArchiveVersion.objects.filter(placement_filter(scope, "placement__"))


def archive_versions_downloadable_by(user) -> QuerySet[ArchiveVersion]:
    """D8: downloading needs the permission besides the scope."""
    if not user.has_perm("archives.download_archive"):
        return ArchiveVersion.objects.none()
    return archive_versions_visible_to(user)
