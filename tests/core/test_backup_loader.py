"""The restore's row loader against Django's own deserializer, in process on the test database.

The whole-company round trips (tests/core/test_backup.py) prove that the loader restores the
demo company object for object; these tests cover what the demo company does not hold: the
shortcut conversions against Django's full ones on every field that takes them, natural keys
that name a row further down the file, fields a backup lacks, and what the loader refuses.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from steward.core import backup, backup_loader
from steward.core.models import InstanceSetting
from steward.org.models import Person

SAMPLES: dict[type, list[Any]] = {
    str: ["", "x", "Zoë – 東京", " padded ", "0", "123", "True"],
    int: [0, 1, -1, 7, 2**31, -(2**40)],
    bool: [True, False],
}
OTHERS: list[Any] = [None, "7", 7, True, 1.5, Decimal("2"), [], {}]


def _full(field: Any, value: Any) -> tuple[str, Any]:
    """Django's conversion on the deserialize-then-insert path, or the error it raises."""
    try:
        return "ok", field.get_db_prep_save(field.to_python(value), connection)
    except Exception as exc:  # the loader must fail where Django fails
        return "error", type(exc).__name__


def _ours(convert: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", convert(value)
    except Exception as exc:
        return "error", type(exc).__name__


def _psycopg_int(got: Any, expected: Any) -> bool:
    """On PostgreSQL Django wraps an integer in psycopg's `Int2`/`Int4`/`Int8` (int subclasses
    that name the wire type for server-side binding); with Django's default client-side binding
    the plain int is sent as the same literal (the PostgreSQL round trips of test_backup.py
    restore through it)."""
    return (
        type(got) is int
        and isinstance(expected, int)
        and type(expected).__module__.startswith("psycopg")
    )


@pytest.mark.django_db
def test_the_shortcut_conversions_equal_djangos_on_every_field() -> None:
    """On every concrete field of every backed-up model whose class takes the shortcut, each
    sample value (of the shortcut's JSON types and of others) converts to what Django's full
    conversion gives, of the same type, or fails where Django's fails."""
    fast = backup_loader._fast_types()
    checked = 0
    for model in backup.backup_models():
        for field in model._meta.concrete_fields:
            if type(field) not in fast:
                continue
            convert = backup_loader.value_converter(field, "default")
            values = [v for kind in fast[type(field)] for v in SAMPLES[kind]] + OTHERS
            for value in values:
                expected, got = _full(field, value), _ours(convert, value)
                assert got == expected, (model._meta.label, field.name, value)
                assert type(got[1]) is type(expected[1]) or _psycopg_int(got[1], expected[1]), (
                    field.name,
                    value,
                )
                checked += 1
    assert checked > 5000  # hundreds of fields of the shortcut classes, each value above


def _serialized(objs: list[Any]) -> list[dict[str, Any]]:
    """Objects as a backup file holds them (natural foreign keys, JSON values)."""
    items = backup._Serializer().serialize(objs, use_natural_foreign_keys=True)
    return [json.loads(backup._dumps(item)) for item in items]


@pytest.mark.django_db
def test_natural_keys_that_name_later_rows_and_missing_fields_load() -> None:
    """A person whose user comes later in the file, a user whose group comes later, and a
    setting whose backup lacks a field (a newer migration added it) load as Django's
    deserializer loads them: references resolved once every row is in, the default for the
    missing field."""
    group = Group.objects.create(name="later-group")
    user = User.objects.create_user(username="later", password="a long and proper passphrase")
    user.groups.add(group)
    setting = InstanceSetting.objects.create(key="later-setting", value={"a": 1})
    person = Person.objects.order_by("pk").first()
    assert person is not None
    (person_item,) = _serialized([person])
    person_item["pk"] = Person.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    person_item["fields"]["employee_id"] = "LATER-1"
    person_item["fields"]["user"] = ["later"]
    user_item, group_item, setting_item = _serialized([user, group, setting])
    assert user_item["fields"]["groups"] == [["later-group"]]
    del setting_item["fields"]["value"]
    expected_user = _serialized([user])
    InstanceSetting.objects.filter(pk=setting.pk).delete()
    user.delete()
    group.delete()

    backup_loader.RowLoader("default").load([person_item, user_item, group_item, setting_item])

    restored = Person.objects.get(pk=person_item["pk"])
    assert restored.user is not None and restored.user.username == "later"
    assert _serialized([User.objects.get(username="later")]) == expected_user
    assert list(User.objects.get(username="later").groups.values_list("name", flat=True)) == [
        "later-group"
    ]
    assert InstanceSetting.objects.get(key="later-setting").value == {}  # the field's default


@pytest.mark.django_db
def test_a_natural_key_naming_no_row_at_all_is_refused() -> None:
    person = Person.objects.order_by("pk").first()
    (item,) = _serialized([person])
    item["pk"] = Person.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    item["fields"]["employee_id"] = "NOBODY-1"
    item["fields"]["user"] = ["nobody-at-all"]
    with pytest.raises(backup_loader.LoadError, match="nobody-at-all"):
        backup_loader.RowLoader("default").load([item])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda item: item.update(model="org.nosuchmodel"), "Invalid model identifier"),
        (lambda item: item["fields"].update(no_such_field=1), "no field named 'no_such_field'"),
        (lambda item: item["fields"].update(start_date="not a date"), "not a date"),
        (lambda item: item["fields"].update(memberships=[1]), "memberships is not a column"),
    ],
)
def test_objects_that_do_not_fit_the_schema_are_refused(change: Any, message: str) -> None:
    (item,) = _serialized([Person.objects.order_by("pk").first()])
    item["pk"] = Person.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    item["fields"]["employee_id"] = "UNFIT-1"
    change(item)
    with pytest.raises(backup_loader.LoadError, match=message):
        backup_loader.RowLoader("default").load([item])
