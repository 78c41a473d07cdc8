"""The registry of what the demo created (D9): ``seed_demo`` changes only the rows listed here.

Every demo step writes through the services and registers each row it creates; a step finds the
rows it builds on (its departments, units, accounts, programs, placements) through the registry
— by the plan's key, or among the registered rows of a model — never by a unit's or a
department's name. Records staff create beside the demo, at its units or with its accounts, are
therefore never selected, and a second run finds its own rows however staff renamed them.

The registry also keeps the demo's day (``DemoRecord.demo_day``): the demo is relative to the day
of its first run, and later runs plan for that same day, so they find every row and add nothing.
"""

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ..models import DemoRecord


class DemoRegistry:
    """The demo's rows, read once per run; new rows are buffered and written in bulk."""

    def __init__(self):
        self._keys: dict[str, tuple[int, int]] = {}
        self._ids: dict[int, set[int]] = defaultdict(set)
        self._pending: list[DemoRecord] = []
        first = None
        for ct_id, object_id, key, demo_day in DemoRecord.objects.values_list(
            "content_type_id", "object_id", "key", "demo_day"
        ):
            self._ids[ct_id].add(object_id)
            if key:
                self._keys[key] = (ct_id, object_id)
            first = demo_day if first is None else min(first, demo_day)
        self.recorded_day: dt.date | None = first
        # The day every step plans for: the first run's, or today for a new demo.
        self.day: dt.date = first or timezone.localdate()

    @staticmethod
    def _ct(model) -> int:
        return ContentType.objects.get_for_model(model, for_concrete_model=False).pk

    # --- reading ---

    def owns(self, obj: models.Model) -> bool:
        return obj.pk in self._ids.get(self._ct(type(obj)), ())

    def ids(self, model) -> set[int]:
        return set(self._ids.get(self._ct(model), ()))

    def objects(self, model_or_queryset) -> models.QuerySet:
        """The demo's rows of a model (or of a queryset of it)."""
        queryset = (
            model_or_queryset if isinstance(model_or_queryset, models.QuerySet) else model_or_queryset._default_manager.all()
        )
        return queryset.filter(pk__in=self.ids(queryset.model))

    def get(self, model, key: str):
        """The demo's row named ``key``, or None when it was never made or has been deleted."""
        found = self._keys.get(key)
        if found is None or found[0] != self._ct(model):
            return None
        return model._default_manager.filter(pk=found[1]).first()

    def by_key(self, model, prefix: str) -> dict:
        """The demo's rows of ``model`` whose key starts with ``prefix``, by key (one query)."""
        ct = self._ct(model)
        wanted = {key: object_id for key, (ct_id, object_id) in self._keys.items()
                  if ct_id == ct and key.startswith(prefix)}
        rows = model._default_manager.in_bulk(list(wanted.values()))
        return {key: rows[object_id] for key, object_id in wanted.items() if object_id in rows}

    def foreign_users(self) -> models.QuerySet:
        """Accounts the demo did not create: a database holding any is not (only) a demo."""
        return get_user_model().objects.exclude(pk__in=self.ids(get_user_model()))

    # --- writing ---

    def add(self, obj: models.Model, key: str = ""):
        """Register a row the demo has just created; returns it, so a call can wrap the creation."""
        ct = self._ct(type(obj))
        if obj.pk in self._ids[ct]:
            return obj
        self._ids[ct].add(obj.pk)
        if key:
            self._keys[key] = (ct, obj.pk)
        self._pending.append(DemoRecord(content_type_id=ct, object_id=obj.pk, key=key, demo_day=self.day))
        return obj

    def add_all(self, objs) -> None:
        for obj in objs:
            self.add(obj)

    def flush(self) -> None:
        """Write the registered rows. A key whose row was deleted is given to its new row."""
        if not self._pending:
            return
        keys = [record.key for record in self._pending if record.key]
        if keys:
            DemoRecord.objects.filter(key__in=keys).delete()
        DemoRecord.objects.bulk_create(self._pending, batch_size=500)
        self._pending = []
