"""Rows the demo writes in bulk, audited exactly as their `save()` would have audited them.

The demo generator is the only writer of its database while it builds, so for the many rows it
makes one by one (levels, 1:1s, budgets: thousands of service calls, each a savepoint, its
checks, an insert and an audit insert) it can collect them and write them at once:

    batch = Batch()
    level = batch.add(PersonLevel(person=p, level=l, start=s))
    batch.change(level, end=promoted)
    batch.flush()  # one bulk insert per model, then every audit entry in one bulk insert

`add` and `change` clean the values as the services' `full_clean()` does (each field's `clean`:
conversion, choices, lengths; the model's `clean()`), without the queries of the foreign-key
and uniqueness checks: the demo makes its keys itself and the identity of the built database
with the per-row services' (bench/demo_dump.py) is checked by tests/demo/test_demo_build.py.
`flush` inserts each model's rows in the order they were added (the models in the order they
first appear, so a parent comes before its children) and then writes the audit entries in the
order of the calls, computed by django-auditlog's own receivers from a copy of the row as it was
at that call: the same entries, in the same order, as one `save()` per call.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, Model

M = TypeVar("M", bound=Model)


def _clean(obj: Model) -> None:
    """The values as `full_clean()` leaves them (foreign keys and uniqueness not queried)."""
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        raw = getattr(obj, field.attname)
        if field.blank and raw in field.empty_values:
            continue
        setattr(obj, field.attname, field.clean(raw, obj))
    obj.clean()


def _as_stored(obj: M) -> M:
    """`obj` with its values as the database gives them back (decimals at their places)."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(field, DecimalField) and value is not None:
            places = Decimal(1).scaleb(-field.decimal_places)
            setattr(obj, field.attname, Decimal(value).quantize(places))
    return obj


@contextmanager
def _collected_entries(entries: list[Any]) -> Iterator[None]:
    """auditlog's `LogEntry.objects.log_create` builds its entry unsaved into `entries`."""
    from auditlog import get_logentry_model

    log_entry = get_logentry_model()
    manager = log_entry.objects

    def build(**kwargs: Any) -> Any:
        entries.append(log_entry(**kwargs))
        return entries[-1]

    outer = manager.__dict__.get("create")  # (blocks are not nested: see deferred_audit)
    manager.create = build
    try:
        yield
    finally:
        if outer is None:
            del manager.create
        else:
            manager.create = outer


@contextmanager
def deferred_audit() -> Iterator[None]:
    """The audit entries that `save()` writes inside the block, inserted at its end at once.

    The same entries in the same order (auditlog builds each as the row is saved; only the
    insert waits). For blocks whose every audited write is a `save()` or `delete()` (not the
    importers' `audit_rows`, which would then come first) and that never read the audit log;
    not around a `Batch.flush` or another such block (their entries would come first).
    """
    from auditlog import get_logentry_model

    entries: list[Any] = []
    with _collected_entries(entries):
        yield
    get_logentry_model().objects.bulk_create(entries)


@contextmanager
def without_savepoints(using: str | None = None) -> Iterator[None]:
    """Inside the demo's one transaction, the services' nested atomic blocks make no savepoints.

    A savepoint lets a caller catch an error and go on with the transaction; the demo catches
    none (any error ends the build, and the outer block rolls everything back), so the two
    queries each service call spends on `SAVEPOINT` and `RELEASE SAVEPOINT` buy nothing. An
    error inside a nested block then marks the whole transaction for rollback (Django's
    `needs_rollback`), and any further query fails loudly.
    """
    connection = transaction.get_connection(using)
    # This connection's `_savepoint_allowed` (SQLite's ignores `features.uses_savepoints`).
    connection._savepoint_allowed = lambda: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        del connection._savepoint_allowed


class Batch:
    """Rows to create (and change) in bulk; see the module's docstring."""

    def __init__(self) -> None:
        self._rows: dict[type[Model], list[Model]] = {}
        self._events: list[tuple[Model, Model | None, Model]] = []  # (row, before, after)

    def add(self, obj: M, *, clean: bool = True) -> M:
        """A new row (written at `flush`); `clean=False`: as given, like `create()` writes it."""
        if clean:
            _clean(obj)
        self._rows.setdefault(type(obj), []).append(obj)
        created = copy.copy(obj)
        # When `save()` audits a new row, no row points at it yet: its reverse one-to-ones are
        # empty (auditlog reads them; without this they would be queried after the flush).
        for rel in obj._meta.related_objects:
            if rel.one_to_one and not rel.is_cached(created):
                rel.set_cached_value(created, None)
        self._events.append((obj, None, created))
        return obj

    def change(self, obj: M, *, stored: bool = False, **values: Any) -> M:
        """Change a row added to this batch, as a second `save()` would (audited as a change).

        `stored`: the service read the row back from the database before changing it, so the
        audit entry compares with the values as stored (decimals at their decimal places).
        """
        before = _as_stored(copy.copy(obj)) if stored else copy.copy(obj)
        for name, value in values.items():
            setattr(obj, name, value)
        _clean(obj)
        self._events.append((obj, before, copy.copy(obj)))
        return obj

    def flush(self) -> None:
        """Insert the rows, then their audit entries; the batch is empty afterwards."""
        from auditlog import get_logentry_model
        from auditlog.context import auditlog_disabled
        from auditlog.receivers import _create_log_entry
        from auditlog.registry import auditlog

        for model, rows in self._rows.items():
            model._base_manager.bulk_create(rows)
        entries: list[Any] = []
        action = get_logentry_model().Action
        json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
        audited = not auditlog_disabled.get(False)
        with _collected_entries(entries):
            for obj, before, after in self._events:
                if not (audited and auditlog.contains(type(obj))):
                    continue
                for state in (before, after):
                    if state is not None:
                        state.pk = obj.pk
                        state._state.adding = False
                        state._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
                _create_log_entry(
                    action=action.CREATE if before is None else action.UPDATE,
                    instance=after,
                    sender=type(obj),
                    diff_old=before,
                    diff_new=after,
                    use_json_for_changes=json_changes,
                )
        get_logentry_model().objects.bulk_create(entries)
        self._rows.clear()
        self._events.clear()
