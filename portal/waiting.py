"""What waits for a user: each area registers a function that lists the user's open tasks, and
the portal shows their sum as a badge in the navigation and the list on the home page.

A provider takes the user and returns ``WaitingItem`` rows with a count above zero; it must be
cheap (a few counting queries) because the badge is on every page.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitingItem:
    label: str
    count: int
    url: str


_PROVIDERS: list[Callable[[object], list[WaitingItem]]] = []


def waiting_register(provider: Callable[[object], list[WaitingItem]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def waiting_for(user) -> list[WaitingItem]:
    if user is None or not user.is_authenticated:
        return []
    items = []
    for provider in _PROVIDERS:
        items.extend(item for item in provider(user) if item.count > 0)
    return items
