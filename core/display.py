"""How people and numbers of days are written wherever users read them: pages, the admin,
exports, notifications and messages."""

from decimal import Decimal


def person_name(user) -> str:
    """The person behind an account, never the login name while there is a name to show.

    A Chinese name is surname then given name with no space (``last_name`` + ``first_name``; the
    demo keeps the whole name in ``first_name``). Only an account nobody named (the admin's users
    page) shows its login name. No query: this is ``str(user)`` in every admin list.
    """
    if user is None or user.is_anonymous:
        return ""
    return f"{user.last_name or ''}{user.first_name or ''}".strip() or user.get_username()


def days_text(value) -> str:
    """A number of days as people write it: 3 → "3", 3.0 → "3", 3.5 → "3.5", 21.0 → "21"."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f")
