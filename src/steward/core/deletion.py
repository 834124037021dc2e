"""What else goes when a row is deleted: the confirmation page lists it before anything happens.

Django's own deletion collector works it out (cascades, links set to empty, protected rows), so
the list is exactly what `delete()` would do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import router
from django.db.models import Model
from django.db.models.deletion import Collector, ProtectedError, RestrictedError


@dataclass
class DeletionSummary:
    """Counts by kind of row: deleted with the object, unlinked from it, or blocking it."""

    deleted: dict[str, int] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)
    blocking: dict[str, int] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        """False when protected rows refer to the object (it cannot be deleted as it is)."""
        return not self.blocking


def _label(model: type[Model], count: int, names: Mapping[str, str]) -> str:
    meta = model._meta
    if meta.label_lower in names:
        return names[meta.label_lower]
    if meta.auto_created:  # a many-to-many link table
        return "links between " + str(meta.verbose_name_plural or meta.model_name)
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


def _count(objs: object) -> int:
    count = getattr(objs, "count", None)
    if callable(count) and not isinstance(objs, list | set | tuple):
        return int(count())
    return len(objs)  # type: ignore[arg-type]


def deletion_summary(obj: Model, names: Mapping[str, str] | None = None) -> DeletionSummary:
    """What deleting `obj` would delete, unlink (set to empty) or be blocked by.

    `names` gives plain names for kinds of row, by model label (e.g. a link table's "links from
    initiatives"); other kinds are named by their model's verbose name.
    """
    names = names or {}
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    summary = DeletionSummary()
    blocking: dict[type[Model], int] = defaultdict(int)
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as exc:
        for row in exc.args[1]:
            blocking[type(row)] += 1
    deleted: dict[type[Model], int] = defaultdict(int)
    for model, rows in collector.data.items():
        deleted[model] += len([r for r in rows if not (model is type(obj) and r.pk == obj.pk)])
    for qs in collector.fast_deletes:
        deleted[qs.model] += _count(qs)
    unlinked: dict[type[Model], int] = defaultdict(int)
    for (fk, _value), groups in collector.field_updates.items():
        for group in groups:
            unlinked[fk.model] += _count(group)
    summary.deleted = {_label(m, n, names): n for m, n in deleted.items() if n}
    summary.unlinked = {_label(m, n, names): n for m, n in unlinked.items() if n}
    summary.blocking = {_label(m, n, names): n for m, n in blocking.items() if n}
    return summary
