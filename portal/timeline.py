"""The per-cadre timeline of the portal: each area registers a function that returns the
events of one placement the user may see (placement moves, leave, checks, duties …), and the
portal merges them by date.

A provider takes ``(user, placement)`` and returns ``TimelineEvent`` rows; it reads through the
area's ``*_visible_to(user)`` selectors, so the timeline never shows more than the user's scope.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    category: str  # e.g. "请销假", "查岗", "包案"
    title: str
    detail: str = ""
    url: str = ""
    # "ok" / "warning" / "danger" / "" — how the portal colours the event.
    tone: str = ""


_PROVIDERS: list[Callable[[object, object], list[TimelineEvent]]] = []


def timeline_register(provider: Callable[[object, object], list[TimelineEvent]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def timeline_for(user, placement) -> list[TimelineEvent]:
    """Every registered event of the placement, newest first."""
    events = []
    for provider in _PROVIDERS:
        events.extend(provider(user, placement))
    return sorted(events, key=lambda event: event.date, reverse=True)
