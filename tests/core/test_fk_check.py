"""The end-of-test foreign-key check on the written tables (tests/fk_check.py) catches what
Django's full check catches.

Each scenario runs as a real Django `TestCase` (set-up, transaction, end-of-test check,
rollback) on the demo database, inside this test; inside the scenario the full
`PRAGMA foreign_key_check` is run too, and the scenario must fail at its end exactly when the
full check finds a violation.
"""

from __future__ import annotations

import sqlite3
import unittest
from typing import Any, ClassVar

import pytest
from django.db import IntegrityError, connection
from django.test import TestCase

from tests import fk_check
from tests.fk_check import Write, classify

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the narrowed check is SQLite's (PostgreSQL defers)"
)


# --- reading statements -----------------------------------------------------------------------


def test_classify_reads_the_table_and_what_happened_to_it() -> None:
    insert = classify('INSERT INTO "org_team" ("slug", "name") VALUES (\'a\', \'b\')')
    assert isinstance(insert, Write)
    assert (insert.table, insert.deleted, insert.columns) == ("org_team", False, None)

    delete = classify('DELETE FROM "org_department" WHERE "org_department"."id" IN (1, 2)')
    assert isinstance(delete, Write)
    assert (delete.table, delete.deleted) == ("org_department", True)

    update = classify(
        'UPDATE "auth_user" SET "last_login" = \'2026-01-01 00:00:00\' WHERE "auth_user"."id" = 5'
    )
    assert isinstance(update, Write)
    assert (update.table, update.deleted, update.columns) == ("auth_user", False, {"last_login"})


def test_classify_reads_set_lists_past_literals_and_subqueries() -> None:
    # "WHERE" inside a literal and inside a subquery does not end the SET list early.
    sql = (
        'UPDATE "org_team" SET "mission" = \'a WHERE b\', '
        '"lead_id" = (SELECT "id" FROM "org_person" WHERE "id" = 3), "department_id" = 7 '
        'WHERE "org_team"."id" = 1'
    )
    update = classify(sql)
    assert isinstance(update, Write)
    assert update.columns is not None
    assert {"mission", "lead_id", "department_id"} <= update.columns
    unbalanced = classify('UPDATE "org_team" SET "name" = (1 WHERE "id" = 1')
    assert isinstance(unbalanced, Write)
    assert unbalanced.columns is None  # unreadable: any column may have changed


def test_classify_treats_replacing_writes_as_deletes() -> None:
    for sql in (
        'INSERT OR REPLACE INTO "t" ("id") VALUES (1)',
        'REPLACE INTO "t" ("id") VALUES (1)',
        'INSERT INTO "t" ("id") VALUES (1) ON CONFLICT("id") DO UPDATE SET "id" = 2',
        'UPDATE OR REPLACE "t" SET "x" = 1',
    ):
        write = classify(sql)
        assert isinstance(write, Write), sql
        assert write.table == "t" and write.deleted, sql


def test_classify_knows_reads_and_gives_up_on_the_rest() -> None:
    for sql in ("SELECT 1", "select * from t", "PRAGMA foreign_key_check", "PRAGMA table_info(t)"):
        assert classify(sql) is False, sql
    for sql in (
        "CREATE TABLE x (id integer)",
        "DROP TABLE t",
        "ALTER TABLE t ADD COLUMN y",
        "PRAGMA foreign_keys = OFF",
        "WITH x AS (SELECT 1) DELETE FROM t",
        "/* a comment */ DELETE FROM t",
    ):
        assert classify(sql) is None, sql


def test_the_tables_to_check_follow_the_schemas_foreign_keys() -> None:
    raw = sqlite3.connect(":memory:")
    raw.executescript(
        """
        CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT);
        CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id),
                            note TEXT);
        CREATE TABLE by_code (id INTEGER PRIMARY KEY, code TEXT REFERENCES parent (code));
        CREATE TABLE loner (id INTEGER PRIMARY KEY, name TEXT UNIQUE ON CONFLICT REPLACE);
        CREATE TABLE loner_child (id INTEGER PRIMARY KEY, loner_id INTEGER REFERENCES loner);
        CREATE TABLE logged (id INTEGER PRIMARY KEY);
        CREATE TRIGGER log_it AFTER INSERT ON logged BEGIN DELETE FROM parent; END;
        """
    )
    schema = fk_check.Schema(raw)

    def tables(*sql: str) -> set[str] | None:
        writes = [classify(statement) for statement in sql]
        assert all(isinstance(write, Write) for write in writes)
        return schema.tables_to_check(writes)  # type: ignore[arg-type]

    assert tables('INSERT INTO "parent" ("name") VALUES (\'a\')') == set()
    assert tables('INSERT INTO "child" ("parent_id") VALUES (7)') == {"child"}
    assert tables("UPDATE child SET note = 'x' WHERE id = 1") == set()
    assert tables("UPDATE child SET parent_id = 7 WHERE id = 1") == {"child"}
    assert tables("UPDATE parent SET name = 'x' WHERE id = 1") == set()
    assert tables("UPDATE parent SET code = 'x' WHERE id = 1") == {"by_code"}
    assert tables("UPDATE parent SET id = 9 WHERE id = 1") == {"child"}
    assert tables("UPDATE parent SET rowid = 9 WHERE id = 1") == {"child", "by_code"}
    assert tables("DELETE FROM parent WHERE id = 1") == {"child", "by_code"}
    assert tables("INSERT OR REPLACE INTO parent (id) VALUES (1)") == {"child", "by_code"}
    # A plain insert into a table declared ON CONFLICT REPLACE may delete a row.
    assert tables("INSERT INTO loner (name) VALUES ('a')") == {"loner_child"}
    # A write to a table with a trigger, or to a table the schema does not hold: everything.
    assert tables("INSERT INTO logged (id) VALUES (1)") is fk_check.FULL
    assert tables("INSERT INTO elsewhere (id) VALUES (1)") is fk_check.FULL


# --- the check in real Django test cases --------------------------------------------------------


class _Scenarios(TestCase):
    """Each test writes something, then records what the full check and the narrowed one say."""

    __test__ = False  # run by the tests below, not collected on its own
    databases: ClassVar[set[str]] = {"default"}  # type: ignore[misc]
    seen: ClassVar[dict[str, dict[str, Any]]] = {}
    class_write: ClassVar[str | None] = None

    @classmethod
    def setUpTestData(cls) -> None:
        if cls.class_write:
            with connection.cursor() as cursor:
                cursor.execute(cls.class_write)

    def _record(self) -> None:
        try:
            fk_check._ORIGINAL_CHECK(connection, None)
            full_fails = False
        except IntegrityError:
            full_fails = True
        tracker = fk_check.TRACKER
        writes = [*tracker.in_test.values(), *tracker.committed.values()]
        self.seen[self._testMethodName] = {
            "full_fails": full_fails,
            "tables": tracker.tables(connection, writes),
        }

    def _run_sql(self, sql: str, *params: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        self._record()

    def test_insert_child_with_a_missing_parent(self) -> None:
        from auditlog.context import disable_auditlog

        from steward.org.models import Department

        with disable_auditlog():
            Department.objects.create(slug="fk-dangling", name="Dangling", parent_id=999_999)
        self._record()

    def test_point_a_child_at_a_missing_parent(self) -> None:
        self._run_sql(
            'UPDATE "org_team" SET "department_id" = 999999 WHERE "id" = '
            '(SELECT MIN("id") FROM "org_team")'
        )

    def test_delete_a_parent_with_children_through_raw_sql(self) -> None:
        self._run_sql(
            'DELETE FROM "org_department" WHERE "id" = '
            '(SELECT MIN("department_id") FROM "org_team")'
        )

    def test_change_a_parents_key_through_raw_sql(self) -> None:
        self._run_sql(
            'UPDATE "org_department" SET "id" = 999999 WHERE "id" = '
            '(SELECT MIN("department_id") FROM "org_team")'
        )

    def test_rename_a_parent(self) -> None:
        self._run_sql(
            'UPDATE "org_department" SET "name" = \'Renamed\' WHERE "id" = '
            '(SELECT MIN("department_id") FROM "org_team")'
        )

    def test_an_unreadable_write_checks_everything(self) -> None:
        self._run_sql(
            '/* not read */ UPDATE "org_team" SET "department_id" = 999999 WHERE "id" = '
            '(SELECT MIN("id") FROM "org_team")'
        )

    def test_write_nothing(self) -> None:
        self._record()


def _run(case: type[_Scenarios], django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    case.seen = {}
    result = unittest.TestResult()
    with django_db_blocker.unblock():
        unittest.TestLoader().loadTestsFromTestCase(case).run(result)
    assert not result.failures, result.failures
    for test, trace in result.errors:
        assert "IntegrityError" in trace, trace
        case.seen[test._testMethodName]["failed"] = True  # type: ignore[attr-defined]
    return case.seen


def test_the_narrowed_check_fails_a_test_exactly_when_the_full_check_would(
    django_db_setup: None, django_db_blocker: Any
) -> None:
    seen = _run(_Scenarios, django_db_blocker)
    assert len(seen) == 7
    for name, outcome in seen.items():
        assert outcome.get("failed", False) == outcome["full_fails"], name
    broken = {name for name, outcome in seen.items() if outcome["full_fails"]}
    assert broken == {
        "test_insert_child_with_a_missing_parent",
        "test_point_a_child_at_a_missing_parent",
        "test_delete_a_parent_with_children_through_raw_sql",
        "test_change_a_parents_key_through_raw_sql",
        "test_an_unreadable_write_checks_everything",
    }
    # What each end-of-test check covered: the written table, the tables referring to a table
    # rows left, none for a rename or no write, everything for the unreadable statement.
    assert "org_department" in seen["test_insert_child_with_a_missing_parent"]["tables"]
    assert "org_team" in seen["test_point_a_child_at_a_missing_parent"]["tables"]
    assert {"org_team", "org_department"} <= set(
        seen["test_delete_a_parent_with_children_through_raw_sql"]["tables"]
    )
    assert {"org_team", "org_department"} <= set(
        seen["test_change_a_parents_key_through_raw_sql"]["tables"]
    )
    assert seen["test_rename_a_parent"]["tables"] == []
    assert seen["test_write_nothing"]["tables"] == []
    assert seen["test_an_unreadable_write_checks_everything"]["tables"] is fk_check.FULL


class _BrokenBeforeTheTests(_Scenarios):
    """A dangling reference written outside the tests' transactions (here the class's set-up;
    a module fixture's write is the same), which no single test wrote: every test of the class
    fails, as under the full check, the ones that wrote nothing included."""

    class_write = (
        'UPDATE "org_team" SET "department_id" = 999998 WHERE "id" = (SELECT MAX("id") FROM '
        '"org_team")'
    )


def test_a_reference_broken_outside_the_test_fails_every_following_test(
    django_db_setup: None, django_db_blocker: Any
) -> None:
    seen = _run(_BrokenBeforeTheTests, django_db_blocker)
    assert len(seen) == 7
    for name, outcome in seen.items():
        assert outcome["full_fails"], name
        assert outcome.get("failed", False), name
