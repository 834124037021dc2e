"""Audit for bulk writes: auditlog's signals only fire on save() and delete(), so an importer that
writes with `bulk_create`, `bulk_update`, `QuerySet.update` or `insert_rows` writes the entries
with these functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model
from django.utils import timezone

from steward.core.importing.bulk import insert_rows

AuditRow = tuple[Any, str, dict[str, list[str]]]  # (primary key, object repr, changes)


def audit_names(model: type[Model]) -> dict[str, str]:
    """attname -> the field name auditlog uses in `changes` (`team_id` -> `team`)."""
    return {f.attname: f.name for f in model._meta.concrete_fields}


def audit_value(value: Any) -> str:
    """A value as auditlog stores it in `changes` (str(); "None" for null; a model's pk)."""
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


def audit_rows(
    model: type[Model], action: int, rows: Iterable[AuditRow], *, actor: Any = None
) -> int:
    """One audit entry per (pk, repr, changes) of `model`; action 0 create, 1 update, 2 delete."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model).pk
    actor_id = getattr(actor, "pk", None)
    cid = get_cid()
    now = timezone.now()
    fields = (
        "content_type_id",
        "object_pk",
        "object_id",
        "object_repr",
        "action",
        "changes",
        "changes_text",
        "actor_id",
        "cid",
        "timestamp",
    )
    entries = [
        (
            content_type,
            str(pk),
            pk if isinstance(pk, int) else None,
            repr_,
            action,
            changes,
            "",
            actor_id,
            cid,
            now,
        )
        for pk, repr_, changes in rows
    ]
    insert_rows(LogEntry, fields, entries, returning=False)
    return len(entries)


def audit_created(
    objs: Sequence[Model], *, actor: Any = None, fields: Sequence[str] | None = None
) -> int:
    """Write one 'create' audit entry per saved object (after a bulk_create); returns count."""
    if not objs:
        return 0
    model = type(objs[0])
    names = fields or [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    label = audit_names(model)
    return audit_rows(
        model,
        0,
        (
            (obj.pk, str(obj), {label[n]: ["None", audit_value(getattr(obj, n))] for n in names})
            for obj in objs
        ),
        actor=actor,
    )


def audit_updated(
    changes: Iterable[tuple[Model, Mapping[str, tuple[Any, Any]]]], *, actor: Any = None
) -> int:
    """Write one 'update' audit entry per (object, {field: (old, new)}); returns count."""
    by_model: dict[type[Model], list[AuditRow]] = {}
    for obj, fields in changes:
        if fields:
            by_model.setdefault(type(obj), []).append(
                (
                    obj.pk,
                    str(obj),
                    {n: [audit_value(old), audit_value(new)] for n, (old, new) in fields.items()},
                )
            )
    return sum(audit_rows(m, 1, rows, actor=actor) for m, rows in by_model.items())


def audit_deleted(objs: Iterable[Model], *, actor: Any = None) -> int:
    """Write one 'delete' audit entry per object about to be deleted in bulk; returns count."""
    by_model: dict[type[Model], list[AuditRow]] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append((obj.pk, str(obj), {}))
    return sum(audit_rows(m, 2, rows, actor=actor) for m, rows in by_model.items())
