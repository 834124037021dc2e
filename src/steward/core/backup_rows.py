"""A backup's objects written straight from the rows, without a model instance per row.

Django's "python" serializer builds a model instance for every row and asks each field for its
value through the instance: two thirds of a backup's time. Here a model's rows are read with
`values_list` (the same conversions from the database as an instance gets) and each value goes
through what the serializer does with it: a value of a protected type (None, numbers, dates,
decimals) as it is, any other through the field's `value_to_string`, given an object that holds
only that value; a foreign key to a model with a natural key as that key (looked up once per
related row, as `backup._Serializer` does). The objects are the serializer's, key for key:
`tests/core/test_backup.py` compares them on the first rows of every model.

Models this path does not write as the serializer would go through `backup._Serializer` as
before: many-to-many fields, multi-table inheritance, natural primary keys, composite keys,
foreign keys to a field other than the primary key, fields that read their value their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import CompositePrimaryKey, Field, Model, QuerySet
from django.utils.encoding import is_protected_type

NaturalKeys = dict[tuple[type[Model], Any], Any]
Convert = Callable[[Any], Any]


class _Holder:
    """An object holding one field's value, for the field's `value_to_string`."""


def _plain(field: Field[Any, Any]) -> Convert:
    """The serializer's value of `field` for a value read from the database."""
    attname = field.attname
    base_to_string = type(field).value_to_string is Field.value_to_string

    def convert(value: Any) -> Any:
        if is_protected_type(value):
            return value
        if base_to_string:
            return str(value)  # Field.value_to_string: str(value_from_object(obj))
        holder = _Holder()
        holder.__dict__[attname] = value
        return field.value_to_string(holder)  # type: ignore[arg-type]

    return convert


def _natural(field: Field[Any, Any], keys: NaturalKeys) -> Convert:
    """The natural key of the related row (None for no row), each looked up once."""
    related: type[Model] = field.remote_field.model  # type: ignore[union-attr,assignment]

    def convert(value: Any) -> Any:
        if value is None:
            return None
        key = keys.get((related, value))
        if key is None:
            key = related._base_manager.get(pk=value).natural_key()  # type: ignore[attr-defined]
            keys[(related, value)] = key
        return key

    return convert


def writable(model: type[Model], natural_pk: bool) -> bool:
    """Whether this path writes `model` as Django's serializer does."""
    meta = model._meta
    if natural_pk or meta.local_many_to_many or meta.parents:
        return False
    if isinstance(meta.pk, CompositePrimaryKey) or meta.concrete_model is not model:
        return False
    for field in meta.local_fields:
        if type(field).value_from_object is not Field.value_from_object:
            return False
        remote = field.remote_field
        if remote is not None and remote.field_name != remote.model._meta.pk.name:  # type: ignore[union-attr]
            return False
    return True


def objects(queryset: QuerySet[Any], keys: NaturalKeys, chunk: int) -> Iterator[dict[str, Any]]:
    """The serializer's objects for the rows of `queryset` (a model `writable` accepts), with
    natural foreign keys."""
    model = queryset.model
    meta = model._meta
    label = str(meta)
    fields = [f for f in meta.local_fields if f.serialize]
    names = [f.name for f in fields]
    converts = [
        _natural(f, keys)
        if f.remote_field is not None and hasattr(f.remote_field.model, "natural_key")
        else _plain(f)
        for f in fields
    ]
    pk = _plain(meta.pk)  # type: ignore[arg-type]
    columns = list(zip(names, converts, strict=True))
    rows = queryset.values_list(*(f.attname for f in fields), meta.pk.attname)  # type: ignore[union-attr]
    for row in rows.iterator(chunk_size=chunk):
        # The row ends with the id, which `columns` does not name.
        values = {n: convert(v) for (n, convert), v in zip(columns, row, strict=False)}
        yield {"model": label, "pk": pk(row[-1]), "fields": values}
