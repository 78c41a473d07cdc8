"""The portal for host units, sending units, townships, mentors and cadres (staff work in the
admin). A view fetches through the scoped selectors (out of scope is 404), checks the role
(403), calls one service and renders."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import AccessDenied
from core.notifications import notifications_mark_read
from programs.models import Placement
from programs.roles import user_scope
from programs.selectors import mentors_visible_to

from . import selectors
from .filters import PlacementFilter
from .timeline import timeline_for

HOME_ROWS = 20
LIST_PAGE_SIZE = 25
NOTIFICATION_PAGE_SIZE = 20
RECENT_LEAVE = 5


def _require_role(user):
    scope = user_scope(user)
    if not scope.role_labels:
        raise AccessDenied(_("您的账号尚未分配角色，请联系组织部开通。"))
    return scope


@login_required
def home(request):
    """A role-aware home page: what waits for the user, the host unit's figures, the cadre's own
    placement and leave, and the placements each role reaches."""
    scope = _require_role(request.user)
    today = timezone.localdate()
    placements = selectors.portal_placements(request.user)
    sections, mine, shown_ids = [], [], []
    for relation in selectors.placement_relations(request.user):
        rows = placements.filter(relation.condition)
        if relation.key == "mine":
            mine = list(rows[:HOME_ROWS])
            shown_ids.extend(p.pk for p in mine)
            continue
        listed = list(rows[:HOME_ROWS])
        shown_ids.extend(p.pk for p in listed)
        sections.append({"key": relation.key, "title": relation.title, "rows": listed, "total": rows.count()})
    flags = selectors.placement_flags(request.user, shown_ids, today=today)
    for section in sections:
        section["rows"] = [(placement, flags.get(placement.pk, [])) for placement in section["rows"]]
    context = {
        "scope": scope,
        "sections": sections,
        "mine": [(placement, flags.get(placement.pk, [])) for placement in mine],
        "is_cadre": bool(scope.cadre_id),
        "kpis": selectors.host_unit_kpis(request.user, today=today) if scope.host_unit_ids else [],
        "show_admin_link": request.user.is_staff,
    }
    if scope.cadre_id:
        from daily.selectors import leave_requests_visible_to

        context["my_leave"] = list(
            leave_requests_visible_to(request.user).filter(placement__cadre_id=scope.cadre_id)
            .select_related("placement").order_by("-start_date", "-pk")[:RECENT_LEAVE]
        )
        context["can_request_leave"] = any(p.status == Placement.Status.ACTIVE for p in mine)
        context["my_reports"] = selectors.cadre_home_reports(request.user, today=today)
    return render(request, "portal/home.html", context)


@login_required
def placement_list(request):
    """The cadres the user reaches, filtered (status, program, name) and paginated."""
    scope = _require_role(request.user)
    placement_filter = PlacementFilter(request.GET or None, queryset=selectors.portal_placements(request.user), user=request.user)
    # An invalid choice (e.g. another unit's program) lists nothing rather than everything.
    valid = not placement_filter.is_bound or placement_filter.form.is_valid()
    rows = placement_filter.qs if valid else placement_filter.queryset.none()
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    flags = selectors.placement_flags(request.user, [p.pk for p in page.object_list], today=timezone.localdate())
    return render(request, "portal/placement_list.html", {
        "scope": scope,
        "filter": placement_filter,
        "page": page,
        "rows": [(placement, flags.get(placement.pk, [])) for placement in page.object_list],
    })


@login_required
def placement_detail(request, pk):
    """One seconded cadre: the placement's facts, mentors and the timeline of everything the
    user may see about it (placement moves, leave, checks, duties). Out of scope is 404."""
    placement = get_object_or_404(
        selectors.portal_placements(request.user).select_related(
            "program__organising_department", "cadre__managing_department",
        ),
        pk=pk,
    )
    scope = user_scope(request.user)
    events = timeline_for(request.user, placement)
    categories = sorted({event.category for event in events})
    category = request.GET.get("category", "")
    if category in categories:
        events = [event for event in events if event.category == category]
    else:
        category = ""
    return render(request, "portal/placement_detail.html", {
        "placement": placement,
        "mentors": list(mentors_visible_to(request.user).filter(placement=placement).order_by("kind", "name")),
        "months": selectors.timeline_by_month(events),
        "categories": categories,
        "category": category,
        "is_own": scope.cadre_id is not None and placement.cadre_id == scope.cadre_id,
        "flags": selectors.placement_flags(request.user, [placement.pk], today=timezone.localdate()).get(placement.pk, []),
    })


# --- Notifications --------------------------------------------------------------------------------


def _own_notification(user, pk):
    """The user's own notification; anyone else's looks exactly like a missing one (404)."""
    return get_object_or_404(selectors.notifications_of(user), pk=pk)


def _safe_local_url(request, url: str) -> str:
    """``url`` only if it is a path on this site; never an open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    if any(ord(char) < 32 or char.isspace() for char in url):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return url


@login_required
def notification_list(request):
    notifications = selectors.notifications_of(request.user)
    page = Paginator(notifications, NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {
        "page": page,
        "unread": selectors.notifications_unread_count(request.user),
    })


@login_required
def notification_open(request, pk):
    """Opening a notification marks it read and goes to what it is about (a local page only);
    one without a safe link is shown here."""
    notification = _own_notification(request.user, pk)
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
    target = _safe_local_url(request, notification.url)
    if target:
        return redirect(target)
    return render(request, "portal/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def notification_read(request, pk):
    notification = _own_notification(request.user, pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_read(user=request.user)
    return _back_to_list(request)


def _back_to_list(request):
    url = reverse("portal:notifications")
    page = request.POST.get("page", "")
    if page.isdigit():
        url = f"{url}?page={page}"
    return redirect(url)
