from django.utils.functional import SimpleLazyObject

from .waiting import waiting_for


def waiting(request):
    """``waiting_items`` and ``waiting_total`` for the navigation badge, computed only when a
    template uses them (the admin's pages don't)."""
    user = getattr(request, "user", None)
    items = SimpleLazyObject(lambda: waiting_for(user))
    return {
        "waiting_items": items,
        "waiting_total": SimpleLazyObject(lambda: sum(item.count for item in items)),
    }
