"""`tests/wipe.py` leaves the database exactly as the ORM's deletes do, on the demo company."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from auditlog.context import disable_auditlog
from django.db import connection, models, transaction

from tests.conftest import org_models
from tests.finance.conftest import finance_models
from tests.wipe import delete_all

Snapshot = dict[str, tuple[int, str]]


def _snapshot(tables: list[str]) -> Snapshot:
    """Each table's row count and a digest of its rows (in a fixed order)."""
    found: Snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def _reachable_tables(targets: tuple[type[models.Model], ...]) -> list[str]:
    """The tables of `targets` and of every model with a foreign key, direct or through other
    such models, to one of them: no delete of `targets` (the ORM's or ours, with the audit log
    off) can change any other table. Found here without tests/wipe.py's plan."""
    from django.apps import apps

    reached = {model._meta.concrete_model for model in targets}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in reached:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in reached:
                    reached.add(model)
                    changed = True
                    break
    return sorted(model._meta.db_table for model in reached)


def _orm_delete_org() -> None:
    """The wipe as `tests/conftest.py` did it with the ORM before `tests/wipe.py`."""
    from steward.org.models import Department, Person, RoleDescription, Team

    targets = org_models()
    _orm_delete_protecting(Team, Person, RoleDescription, Department)
    Team.objects.update(lead=None)
    Person.objects.update(manager=None)
    Department.objects.update(parent=None)
    for model in targets:
        model.objects.all().delete()


def _orm_delete_protecting(*targets: type[models.Model]) -> None:
    """Delete every row of the models that PROTECT a row of `targets`, directly or through
    another such model (the ORM refuses to delete a protected row)."""
    from django.apps import apps

    protected, protectors = set(targets), []
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in protected or model in protectors:
                continue
            for field in model._meta.concrete_fields:
                remote = getattr(field, "remote_field", None)
                if (
                    remote is not None
                    and remote.model in protected | set(protectors)
                    and remote.on_delete is models.PROTECT
                ):
                    protectors.append(model)
                    changed = True
                    break
    for model in reversed(protectors):
        model._default_manager.all().delete()


def _orm_delete_finance() -> None:
    for model in finance_models():
        model.objects.all().delete()


def _changed(before: Snapshot, after: Snapshot) -> set[str]:
    return {table for table in before if before[table] != after[table]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("targets", "orm_delete", "beyond"),
    [(org_models, _orm_delete_org, True), (finance_models, _orm_delete_finance, False)],
    ids=["org", "finance"],
)
def test_delete_all_leaves_what_the_orm_leaves(
    targets: Callable[[], tuple[type[models.Model], ...]],
    orm_delete: Callable[[], None],
    beyond: bool,
) -> None:
    tables = _reachable_tables(targets())
    assert len(tables) > len(targets()) or not beyond
    before = _snapshot(tables)
    with transaction.atomic():
        point = transaction.savepoint()
        with disable_auditlog():
            orm_delete()
        expected = _snapshot(tables)
        transaction.savepoint_rollback(point)
        assert _snapshot(tables) == before
        delete_all(*targets())
        found = _snapshot(tables)
        transaction.set_rollback(True)
    assert _changed(before, found) == _changed(before, expected)
    assert found == expected
    # The organization's deletes reach beyond the models named: rows that depended on them
    # went, or had their key set to NULL, as the ORM does. Finance's stay within finance.
    named = {model._meta.db_table for model in targets()}
    assert bool(_changed(before, expected) - named) is beyond
    for model in targets():
        assert found[model._meta.db_table][0] == 0, model
