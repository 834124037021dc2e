"""Delete every row of some models, and what the ORM's delete would take with them, in SQL.

Tests that start from an empty organization or no finance data remove the demo company's rows
inside their transaction. `QuerySet.delete()` does that through Django's deletion collector:
it reads every related row into Python, and with the audit log on it writes one audit entry per
row deleted. Over the suite that was about a minute of CPU (docs/testing.md, seventh round).

`delete_all(*models)` leaves the same rows as `model.objects.all().delete()` for each model
(with the audit log off), found with SQL instead of model objects:

- every row of `models` goes;
- a row whose foreign key points at a deleted row goes too (`CASCADE`), or has that key set
  to NULL (`SET_NULL`), as the field says;
- a model whose foreign key `PROTECT`s (or `RESTRICT`s) a deleted model loses all its rows
  first, as the wipes did by hand before (a requisition protects its team, an application its
  requisition);
- `DO_NOTHING` keys are left as they are (the end-of-test foreign-key check finds what breaks).

Foreign keys are deferred (Django creates them `DEFERRABLE INITIALLY DEFERRED` on SQLite and
PostgreSQL), so the statements' order does not matter within the test's transaction; the rows
to go are found before any is deleted. `tests/test_wipe.py` compares the result, table by table,
with the ORM's deletes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection, models

CHUNK = 500  # primary keys per IN (...) list


def delete_all(*targets: type[models.Model]) -> None:
    """Delete every row of `targets` and what their deletion takes with it (see the module)."""
    full, partial_edges, null_edges = _plan(tuple(targets))
    doomed: dict[type[models.Model], set[object]] = {}
    _find_partial_rows(full, partial_edges, doomed)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, field, parent in null_edges:
            table, column = quote(model._meta.db_table), quote(field.column)
            update = f"UPDATE {table} SET {column} = NULL WHERE {column}"
            if parent in full:
                cursor.execute(f"{update} IS NOT NULL")
            else:
                _execute_in(cursor, f"{update} IN", doomed.get(parent, ()))
        for model in full:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        for model, pks in doomed.items():
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            _execute_in(cursor, f"DELETE FROM {table} WHERE {pk} IN", pks)


Edge = tuple[type[models.Model], models.ForeignKey, type[models.Model]]


@cache
def _plan(
    targets: tuple[type[models.Model], ...],
) -> tuple[list[type[models.Model]], list[Edge], list[Edge]]:
    """The models that lose every row, the CASCADE edges into models that lose some, and the
    SET_NULL edges, for deleting every row of `targets`."""
    every = apps.get_models(include_auto_created=True)
    referring: dict[type[models.Model], list[tuple[type[models.Model], models.ForeignKey]]] = (
        defaultdict(list)
    )
    for model in every:
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey):
                remote = field.remote_field.model._meta.concrete_model
                referring[remote].append((model, field))
    full: list[type[models.Model]] = [t._meta.concrete_model for t in targets]
    partial: set[type[models.Model]] = set()
    cascade: list[Edge] = []
    set_null: list[Edge] = []
    changed = True
    while changed:
        changed = False
        cascade, set_null = [], []
        for parent in [*full, *partial]:
            for model, field in referring[parent]:
                rule = field.remote_field.on_delete
                if rule in (models.PROTECT, models.RESTRICT):
                    if model not in full:
                        full.append(model)
                        partial.discard(model)
                        changed = True
                elif parent not in full and field.target_field != parent._meta.pk:
                    raise NotImplementedError(f"{field} refers to {field.target_field}")
                elif rule is models.CASCADE:
                    cascade.append((model, field, parent))
                    if model not in full and model not in partial:
                        partial.add(model)
                        changed = True
                elif rule is models.SET_NULL:
                    set_null.append((model, field, parent))
                elif rule is not models.DO_NOTHING:
                    raise NotImplementedError(f"{field} deletes with {rule.__name__}")
    cascade = [edge for edge in cascade if edge[0] not in full]
    set_null = [edge for edge in set_null if edge[0] not in full]
    return full, cascade, set_null


def _find_partial_rows(
    full: list[type[models.Model]],
    cascade: list[Edge],
    doomed: dict[type[models.Model], set[object]],
) -> None:
    """The primary keys of the rows a CASCADE takes from models that keep other rows, to a
    fixed point (a cascade may run through several such models, or round a cycle)."""
    following: list[tuple[Edge, set[object]]] = []  # edge, the parent keys it has followed
    for edge in cascade:
        model, field, parent = edge
        found = doomed.setdefault(model, set())
        if parent in full:  # every row that refers to the parent at all
            rows = model._base_manager.filter(**{f"{field.name}__isnull": False})
            found.update(rows.values_list("pk", flat=True))
        else:
            following.append((edge, set()))
    changed = True
    while changed:
        changed = False
        for (model, field, parent), followed in following:
            fresh = doomed.get(parent, set()) - followed
            followed |= fresh
            found = doomed[model]
            before = len(found)
            for part in _chunks(fresh):
                rows = model._base_manager.filter(**{f"{field.name}__in": part})
                found.update(rows.values_list("pk", flat=True))
            changed |= len(found) != before
    for model in [m for m, pks in doomed.items() if not pks]:
        del doomed[model]


def _execute_in(cursor: Any, statement: str, values: Iterable[object]) -> None:
    """Run `statement`, which ends in `IN`, once per chunk of `values` (none if empty)."""
    for part in _chunks(values):
        cursor.execute(f"{statement} ({', '.join(['%s'] * len(part))})", part)


def _chunks(values: Iterable[object]) -> list[list[object]]:
    items = list(values)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
