"""The top navigation of the portal (D6): each user sees the entries their roles use."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from programs.roles import user_scope

from .selectors import notifications_unread_count


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    count: int = 0
    current: bool = False


@dataclass(frozen=True)
class Navigation:
    items: list = field(default_factory=list)
    unread: int = 0
    show_admin: bool = False


def navigation_for(user, path: str) -> Navigation | None:
    if user is None or not user.is_authenticated:
        return None
    scope = user_scope(user)
    home = reverse("portal:home")
    reaches_others = bool(scope.host_unit_ids or scope.township_unit_ids or scope.sending_unit_ids
                          or scope.is_mentor or scope.is_org_staff or scope.is_superuser)
    entries = [("home", _("首页"), home)]
    if reaches_others:
        entries.append(("placements", _("挂职干部"), reverse("portal:placement_list")))
    elif scope.cadre_id:
        entries.append(("placements", _("我的挂职"), reverse("portal:placement_list")))
    if scope.role_labels and (scope.cadre_id or scope.host_unit_ids or scope.township_unit_ids
                              or scope.sending_unit_ids or scope.is_mentor):
        entries.append(("leave", _("请销假"), reverse("daily:leave_list")))
    # R12: the cadre writes their reports; the host unit, the township and the mentor comment.
    if scope.host_unit_ids or scope.township_unit_ids or scope.is_mentor:
        entries.append(("reports", _("书面报告"), reverse("reports:list")))
    elif scope.cadre_id:
        entries.append(("reports", _("我的报告"), reverse("reports:list")))
    if scope.host_unit_ids:
        entries.append(("supervision", _("考勤查岗"), reverse("daily:attendance_list")))
    if scope.host_unit_ids or scope.township_unit_ids:
        # R14: village decision feedback cards and early warnings reach the supervising township.
        entries.append(("duties", _("反馈预警"), reverse("duties:reports")))
    # Cadres and sending units take part in selections; host units answer the demand survey.
    if scope.cadre_id or scope.sending_unit_ids:
        entries.append(("selection", _("选派"), reverse("selection:list")))
    elif scope.host_unit_ids:
        entries.append(("selection", _("选派"), reverse("selection:surveys")))
    unread = notifications_unread_count(user)
    entries.append(("notifications", _("通知"), reverse("portal:notifications")))

    items = []
    for key, label, url in entries:
        current = path == url if url == home else path.startswith(url)
        items.append(NavItem(key=key, label=label, url=url, count=unread if key == "notifications" else 0, current=current))
    return Navigation(items=items, unread=unread, show_admin=user.is_staff)
