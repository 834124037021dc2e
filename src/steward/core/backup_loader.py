"""Insert a backup's objects into the database straight from their field values.

Django's deserializer builds a model instance per object, looks every natural foreign key up
with a query, and its SQL compiler prepares each value again on insert: more than half of a
restore's time went there (docs/backup.md). Here each object's values go to `executemany` as
they are converted, once, by the functions Django itself applies on that path: `to_python` of
the field (the deserializer), then `get_db_prep_save` (the insert compiler). The converters and
the INSERT statement are built once per model; natural keys resolve through a map per related
model, built once from the database (a key the map lacks is looked up with Django's own
`get_by_natural_key`, so the map only makes the common case cheap). Fields a backup lacks
(added by a newer migration) get the field's default, as `Model(**data)` gives them.

Rows that this path does not handle as Django would go through Django's deserializer as
before: content types and permissions (matched to the target's own by natural key), models
with a parent table, symmetrical many-to-many fields, fields with their own SQL placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connections
from django.db.models import Field, Model

from steward.core.errors import StewardError

BATCH = 5000  # rows per executemany
Convert = Callable[[Any], Any]


class LoadError(StewardError):
    """An object of the backup does not fit this schema (an unknown model or field, a bad value)."""


_IDENTITY: dict[type, tuple[type, ...]] = {}


def _fast_types() -> dict[type, tuple[type, ...]]:
    """Field classes whose `to_python` then `get_db_prep_save` return a JSON value of the given
    types unchanged (checked in the tests against the full conversion, on every such field)."""
    if not _IDENTITY:
        from django.db import models

        text: list[type] = [
            models.CharField,
            models.TextField,
            models.SlugField,
            models.EmailField,
            models.URLField,
        ]
        numbers: list[type] = [
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
            models.AutoField,
            models.BigAutoField,
        ]
        _IDENTITY.update(dict.fromkeys(text, (str,)))
        _IDENTITY.update(dict.fromkeys(numbers, (int,)))
        _IDENTITY[models.BooleanField] = (bool,)
    return _IDENTITY


def value_converter(field: Field[Any, Any], alias: str) -> Convert:
    """What a JSON value of `field` becomes as an INSERT parameter: `get_db_prep_save(
    to_python(value))`, skipped for values that both would return unchanged."""
    connection = connections[alias]
    to_python, prep = field.to_python, field.get_db_prep_save
    fast = _fast_types().get(type(field))
    if fast is None:
        return lambda value: prep(to_python(value), connection)
    kinds = (*fast, type(None)) if _keeps_none(field, alias) else fast

    def convert(value: Any) -> Any:
        if type(value) in kinds:
            return value
        return prep(to_python(value), connection)

    return convert


def _keeps_none(field: Field[Any, Any], alias: str) -> bool:
    """Whether None converts to None (a BooleanField without null=True refuses it)."""
    try:
        return field.get_db_prep_save(field.to_python(None), connections[alias]) is None
    except Exception:
        return False


@dataclass
class _Plan:
    """How the objects of one model (with one set of field names) become rows."""

    model: type[Model]
    sql: str
    pk: Convert
    # (field name in the backup, converter) for each column after the pk, in column order.
    columns: list[tuple[str, Convert]]
    # Whether a column is a natural foreign key (which may name a row not loaded yet).
    natural: bool
    # Columns the backup lacks: their fields, whose defaults each row gets.
    defaults: list[Field[Any, Any]]
    m2m: list[Field[Any, Any]] = field(default_factory=list)


def _django_path(model: type[Model], alias: str) -> bool:
    """Models whose objects are saved by Django's deserializer, as before."""
    from steward.core.backup import NATURAL_PK

    meta = model._meta
    if meta.label_lower in NATURAL_PK or meta.parents:
        return True
    if any(f.remote_field.symmetrical for f in meta.many_to_many):  # type: ignore[union-attr]
        return True
    connection = connections[alias]
    for f in meta.concrete_fields:
        placeholder = getattr(f, "get_placeholder", None)
        if placeholder is not None and placeholder(None, None, connection) != "%s":
            return True
    return False


class RowLoader:
    """Inserts the objects of a backup, in file order, inside the caller's transaction."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.connection = connections[alias]
        self.plans: dict[tuple[str, tuple[str, ...], bool], _Plan | None] = {}
        # (related model, to_field) -> {natural key: value the foreign key holds}
        self.keys: dict[tuple[type[Model], str], dict[tuple[Any, ...], Any]] = {}
        self.plan: _Plan | None = None
        self.rows: list[list[Any]] = []
        self.links: list[tuple[Field[Any, Any], Any, list[Any]]] = []
        self.later_fk: list[tuple[type[Model], Any, Field[Any, Any], Any]] = []
        self.later_m2m: list[tuple[type[Model], Any, Field[Any, Any], Any]] = []
        self.deserialized: list[Any] = []  # Django's objects with forward references

    # -- plans -------------------------------------------------------------------------------

    def _plan(self, item: dict[str, Any]) -> _Plan | None:
        names = tuple(item["fields"])
        key = (item["model"], names, "pk" in item)
        if key not in self.plans:
            self.plans[key] = self._build(item["model"], names, "pk" in item)
        return self.plans[key]

    def _build(self, label: str, names: tuple[str, ...], has_pk: bool) -> _Plan | None:
        try:
            model = apps.get_model(label)
        except (LookupError, TypeError) as exc:
            raise LoadError(f"Invalid model identifier: {label}") from exc
        if _django_path(model, self.alias) or not has_pk:
            return None
        meta = model._meta
        columns: list[tuple[str, Convert]] = []
        m2m = []
        present = set()
        for name in names:
            try:
                f = meta.get_field(name)
            except FieldDoesNotExist as exc:
                raise LoadError(f"{label} has no field named {name!r}") from exc
            if f.many_to_many:
                m2m.append(f)
            elif f.concrete and not f.generated:  # type: ignore[union-attr]
                present.add(f.attname)  # type: ignore[union-attr]
                columns.append((name, self._converter(f)))  # type: ignore[arg-type]
            elif not f.concrete:  # a reverse relation: Django's deserializer fails on it too
                raise LoadError(f"{label}.{name} is not a column and cannot be loaded")
        pk = meta.pk
        assert pk is not None
        defaults = [
            f
            for f in meta.concrete_fields
            if not f.generated and f.attname not in present and f is not pk
        ]
        fields = [meta.get_field(name) for name, _ in columns]
        quote = self.connection.ops.quote_name
        cols = [pk.column, *(f.column for f in fields), *(f.column for f in defaults)]  # type: ignore[union-attr]
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join(['%s'] * len(cols))})"
        )
        natural = any(
            f.is_relation and hasattr(f.remote_field.model._default_manager, "get_by_natural_key")  # type: ignore[union-attr]
            for f in fields
        )
        pk_convert = value_converter(pk, self.alias)
        return _Plan(model, sql, pk_convert, columns, natural, defaults, m2m)

    def _converter(self, f: Any) -> Convert:
        if not f.is_relation:
            return value_converter(f, self.alias)
        related = f.remote_field.model
        target = related._meta.get_field(f.remote_field.field_name)
        to_python, prep, connection = target.to_python, f.get_db_prep_save, self.connection
        natural = hasattr(related._default_manager, "get_by_natural_key")
        # A foreign key saves what its target field saves (ForeignKey.get_db_prep_save).
        fast = _fast_types().get(type(target), ())

        def convert(value: Any) -> Any:
            if value is None or type(value) in fast:
                return value
            if natural and isinstance(value, list):
                value = self._natural(f, value)
                if value is _MISSING:
                    return value
                return prep(value, connection)
            return prep(to_python(value), connection)

        return convert

    # -- natural keys ------------------------------------------------------------------------

    def _natural(self, f: Any, value: list[Any]) -> Any:
        """The value a foreign key holds for the natural key `value` (Django's
        `deserialize_fk_value`); _MISSING when no such row exists yet."""
        related = f.remote_field.model
        to_field = f.remote_field.field_name
        keys = self.keys.get((related, to_field))
        if keys is None:
            keys = self.keys[(related, to_field)] = self._key_map(related, to_field)
        found = keys.get(tuple(value), _MISSING)
        if found is _MISSING:
            self.flush()  # the row may be among the pending ones
            manager = related._default_manager.db_manager(self.alias)
            try:
                obj = manager.get_by_natural_key(*value)
            except ObjectDoesNotExist:
                return _MISSING
            found = self._held(obj, to_field)
            keys[tuple(value)] = found
        return found

    def _key_map(self, related: Any, to_field: str) -> dict[tuple[Any, ...], Any]:
        rows = related._default_manager.db_manager(self.alias).select_related()
        return {tuple(obj.natural_key()): self._held(obj, to_field) for obj in rows}

    @staticmethod
    def _held(obj: Model, to_field: str) -> Any:
        value = getattr(obj, to_field)
        if type(obj)._meta.pk.remote_field:  # type: ignore[union-attr]
            value = value.pk
        return value

    # -- loading -----------------------------------------------------------------------------

    def load(self, objects: Iterable[dict[str, Any]]) -> None:
        """Insert `objects` (a backup's, in file order); forward references are resolved at
        the end, when every row is in."""
        for item in objects:
            plan = self._plan(item)
            if plan is not self.plan or len(self.rows) >= BATCH:
                self.flush()
                self.plan = plan
            if plan is None:
                self._deserialize(item)
            else:
                self._row(plan, item)
        self.flush()
        self._resolve_later()

    def _row(self, plan: _Plan, item: dict[str, Any]) -> None:
        values = item["fields"]
        try:
            pk = plan.pk(item["pk"])
            row = [pk, *[convert(values[name]) for name, convert in plan.columns]]
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(f"{item['model']} {item.get('pk')}: {exc}") from exc
        if plan.natural and any(v is _MISSING for v in row):
            for i, (name, _convert) in enumerate(plan.columns, start=1):
                if row[i] is _MISSING:  # a forward reference: the default now, the row later
                    f = plan.model._meta.get_field(name)
                    self.later_fk.append((plan.model, pk, f, values[name]))  # type: ignore[arg-type]
                    row[i] = f.get_db_prep_save(f.get_default(), self.connection)  # type: ignore[union-attr]
        for f in plan.defaults:
            row.append(f.get_db_prep_save(f.get_default(), self.connection))
        self.rows.append(row)
        for f in plan.m2m:
            self.links.append((f, pk, values[f.name]))

    def _deserialize(self, item: dict[str, Any]) -> None:
        """Django's deserializer and save, as a restore did before (see the module docstring)."""
        try:
            (obj,) = serializers.deserialize(
                "python", [item], handle_forward_references=True, ignorenonexistent=False
            )
        except serializers.base.DeserializationError as exc:
            raise LoadError(str(exc)) from exc
        model = type(obj.object)
        from steward.core.backup import NATURAL_PK

        if model._meta.label_lower in NATURAL_PK:
            obj.save()  # migrate made it (updated in place) or it is an old one
        else:
            obj.save(force_insert=True)
        if obj.deferred_fields:
            self.deserialized.append(obj)
        self._forget(model)

    def _forget(self, model: type[Model]) -> None:
        """Natural-key maps of `model` are out of date once it has new rows."""
        for key in [k for k in self.keys if k[0] is model]:
            del self.keys[key]

    def flush(self) -> None:
        """Insert the pending rows, then the many-to-many links of their objects."""
        plan, rows = self.plan, self.rows
        if plan is not None and rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(plan.sql, rows)
            self.rows = []
            self._forget(plan.model)
        if self.links:
            links, self.links = self.links, []
            self._link(plan.model if plan else None, links)

    def _link(self, model: Any, links: list[tuple[Field[Any, Any], Any, list[Any]]]) -> None:
        """Many-to-many rows as `.set(values)` on a new object writes them (duplicates once)."""
        statements: dict[str, list[list[Any]]] = {}
        for f, pk, values in links:
            through = f.remote_field.through  # type: ignore[union-attr]
            source = through._meta.get_field(f.m2m_field_name())  # type: ignore[attr-defined]
            target = through._meta.get_field(f.m2m_reverse_field_name())  # type: ignore[attr-defined]
            targets = self._m2m_targets(f, values)
            if targets is _MISSING:
                self.later_m2m.append((model, pk, f, values))
                continue
            quote = self.connection.ops.quote_name
            sql = (
                f"INSERT INTO {quote(through._meta.db_table)} "
                f"({quote(source.column)}, {quote(target.column)}) VALUES (%s, %s)"
            )
            rows = statements.setdefault(sql, [])
            for value in dict.fromkeys(targets):
                rows.append([pk, target.get_db_prep_save(value, self.connection)])
        with self.connection.cursor() as cursor:
            for sql, rows in statements.items():
                cursor.executemany(sql, rows)

    def _m2m_targets(self, f: Any, values: list[Any]) -> Any:
        """Django's `deserialize_m2m_values`: pks, or natural keys looked up."""
        related = f.remote_field.model
        natural = hasattr(related._default_manager, "get_by_natural_key")
        pk_field = related._meta.pk
        out = []
        for value in values:
            if natural and hasattr(value, "__iter__") and not isinstance(value, str):
                found = self._natural_pk(related, value)
                if found is _MISSING:
                    return _MISSING
                out.append(pk_field.to_python(found))
            else:
                out.append(pk_field.to_python(value))
        return out

    def _natural_pk(self, related: Any, value: list[Any]) -> Any:
        keys = self.keys.get((related, "pk"))
        if keys is None:
            rows = related._default_manager.db_manager(self.alias).select_related()
            keys = self.keys[(related, "pk")] = {tuple(o.natural_key()): o.pk for o in rows}
        found = keys.get(tuple(value), _MISSING)
        if found is _MISSING:
            manager = related._default_manager.db_manager(self.alias)
            try:
                found = manager.get_by_natural_key(*value).pk
            except ObjectDoesNotExist:
                return _MISSING
            keys[tuple(value)] = found
        return found

    def _resolve_later(self) -> None:
        """Forward references, once every row is in (Django's `save_deferred_fields`)."""
        for model, pk, f, value in self.later_fk:
            found = self._natural(f, value)
            if found is _MISSING:
                raise LoadError(f"{model._meta.label_lower} {pk}: no {f.name} {value!r}")
            model._base_manager.using(self.alias).filter(pk=pk).update(**{f.attname: found})
        for model, pk, f, values in self.later_m2m:
            targets = self._m2m_targets(f, values)
            if targets is _MISSING:
                raise LoadError(f"{model._meta.label_lower} {pk}: no {f.name} among {values!r}")
            self.links.append((f, pk, values))
        self.later_fk, self.later_m2m = [], []
        if self.links:
            links, self.links = self.links, []
            self._link(None, links)
        for obj in self.deserialized:
            obj.save_deferred_fields(using=self.alias)


_MISSING: Any = object()
