"""The foreign-key check at the end of each test, on the tables the test could have broken.

Django's `TestCase` runs `PRAGMA foreign_key_check` over the whole SQLite database when a test
ends (the demo company's foreign keys are deferred, so a dangling reference written inside the
test's transaction is found there or nowhere). Over the demo company that is ≈ 42 ms of CPU
per test, ≈ 170 s over the suite. A foreign-key violation can only appear in

- a table a row was inserted into or updated in (the row's own references), or
- a table referring to a table rows were deleted from, or whose referenced column (usually the
  primary key) was updated.

So SQLite tells us every statement it starts (`sqlite3.Connection.set_trace_callback`, which
sees everything run on the connection: the ORM, raw cursors, `executescript`, the raw
connection), `classify` reads which table each write touches, and the end-of-test check runs
`PRAGMA foreign_key_check(<table>)` on those tables only (through Django's own
`check_constraints(table_names)`, so a violation fails the test with Django's message). Any
statement it cannot read (DDL, `WITH … INSERT`, `PRAGMA x = y`, a table with a trigger, …) and
a connection it did not instrument make that check the full one, as before.

Writes outside a test's transaction (a module fixture's, another thread's) are not rolled back
with the test: they are checked again at the start of the next test, on the state every later
test starts from, and stay in every check until they pass there. The first check of a process
is the full one (the database was copied in with the backup API, which runs no SQL).

tests/core/test_fk_check.py proves it catches what the full check catches.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any

FULL = None  # "check the whole database"

# Statements that cannot write to a table (transaction control, reads).
_HARMLESS_PREFIXES = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "END")

_IDENT = r'(?:"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*))'
_WRITE = re.compile(
    r"\s*(?:(INSERT)(?:\s+OR\s+(\w+))?\s+INTO|(REPLACE)\s+INTO|(UPDATE)(?:\s+OR\s+(\w+))?"
    r"|(DELETE)\s+FROM)\s+(?:(?:main|temp)\s*\.\s*)?" + _IDENT,
    re.IGNORECASE,
)
_READ_PRAGMA = re.compile(r"\s*PRAGMA\s+[\w.]+\s*(?:\([^)]*\))?\s*;?\s*$", re.IGNORECASE)
_READ_ONLY = re.compile(r"\s*(?:SELECT|VALUES|EXPLAIN\s+QUERY\s+PLAN)\b", re.IGNORECASE)
# Tokens of an UPDATE's SET list: literals and identifiers are skipped whole, so a keyword or a
# parenthesis inside them does not count.
_TOKEN = re.compile(
    r"'(?:[^']|'')*'|x'[0-9a-fA-F]*'|\"((?:[^\"]|\"\")*)\"|`([^`]*)`|\[([^\]]*)\]"
    r"|\b(WHERE|FROM|RETURNING|ORDER|LIMIT)\b|([()])|([A-Za-z_][\w$]*)",
    re.IGNORECASE,
)
_ON_CONFLICT = re.compile(r"\bON\s+CONFLICT\b", re.IGNORECASE)
_CONFLICT_REPLACE = re.compile(r"\bON\s+CONFLICT\s+REPLACE\b", re.IGNORECASE)
_ROWID_ALIASES = frozenset({"rowid", "oid", "_rowid_"})


class Write:
    """What one statement may have done to one table."""

    __slots__ = ("columns", "deleted", "inserted", "table")

    def __init__(
        self,
        table: str,
        *,
        deleted: bool,
        columns: frozenset[str] | None,
        inserted: bool = False,
    ) -> None:
        self.table = table
        self.deleted = deleted  # rows may have gone (DELETE, REPLACE, an upsert)
        # None: any column may have changed (INSERT, unreadable SET list); else the SET columns.
        self.columns = columns
        self.inserted = inserted  # new rows only: no row another table refers to has changed

    @property
    def key(self) -> tuple[str, bool, frozenset[str] | None, bool]:
        return (self.table, self.deleted, self.columns, self.inserted)


FULL_WRITE = Write("*", deleted=True, columns=None)  # an unreadable statement


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ident(groups: Iterable[str | None]) -> str:
    name = next(g for g in groups if g is not None)
    return name.replace('""', '"').lower()


def _set_columns(sql: str, start: int) -> frozenset[str] | None:
    """The columns named in an UPDATE's SET list (every identifier in it, expressions
    included, which only errs towards checking more); None if the list cannot be read."""
    depth = 0
    names: set[str] = set()
    for token in _TOKEN.finditer(sql, start):
        double, backtick, bracket, keyword, paren, bare = token.groups()
        quoted = next((g for g in (double, backtick, bracket) if g is not None), None)
        if quoted is not None:
            names.add(quoted.replace('""', '"').lower())
        elif keyword is not None:
            if depth == 0:
                return frozenset(names)
        elif paren == "(":
            depth += 1
        elif paren == ")":
            depth -= 1
            if depth < 0:
                return None
        elif bare is not None:
            names.add(bare.lower())
    return frozenset(names) if depth == 0 else None


def classify(sql: str) -> Write | bool | None:
    """What a statement wrote: a `Write`, False if it wrote nothing, None if unreadable."""
    match = _WRITE.match(sql)
    if match is None:
        if _READ_ONLY.match(sql) or _READ_PRAGMA.match(sql):
            return False
        return None
    insert, insert_or, replace, _update, update_or, delete = match.groups()[:6]
    table = _ident(match.groups()[6:])
    if delete:
        return Write(table, deleted=True, columns=frozenset())
    if insert or replace:
        upsert = insert is not None and _ON_CONFLICT.search(sql, match.end()) is not None
        replaces = replace is not None or (insert_or or "").upper() == "REPLACE"
        # INSERT OR REPLACE deletes the rows it replaces; an upsert may update any column.
        return Write(table, deleted=replaces or upsert, columns=None, inserted=True)
    set_at = re.compile(r"\s*SET\b", re.IGNORECASE).match(sql, match.end())
    columns = None if set_at is None else _set_columns(sql, set_at.end())
    replaces = (update_or or "").upper() == "REPLACE"
    return Write(table, deleted=replaces, columns=columns)


class Schema:
    """Who refers to whom, read from the database itself."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        tables = [name for (name,) in raw.execute(query)]
        self.tables = {t.lower(): t for t in tables}
        query = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
        self.with_triggers = {name.lower() for (name,) in raw.execute(query)}
        # A table declared with ON CONFLICT REPLACE deletes rows on a plain INSERT or UPDATE.
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"
        self.replacing = {
            name.lower() for name, sql in raw.execute(query) if _CONFLICT_REPLACE.search(sql)
        }
        # child -> its foreign-key columns; parent -> {child: the parent's referenced columns}
        self.fk_columns: dict[str, set[str]] = {}
        self.referrers: dict[str, dict[str, set[str]]] = {}
        for table in tables:
            for row in raw.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
                parent, child_column, parent_column = row[2].lower(), row[3], row[4]
                if parent_column is None:  # refers to the parent's primary key
                    parent_column = self._primary_key(raw, parent) or "rowid"
                self.fk_columns.setdefault(table.lower(), set()).add(child_column.lower())
                self.referrers.setdefault(parent, {}).setdefault(table.lower(), set()).add(
                    parent_column.lower()
                )

    @staticmethod
    def _primary_key(raw: sqlite3.Connection, table: str) -> str | None:
        keys = [row[1] for row in raw.execute(f"PRAGMA table_info({_quote(table)})") if row[5]]
        return keys[0] if len(keys) == 1 else None

    def tables_to_check(self, writes: Iterable[Write]) -> set[str] | None:
        """The tables whose rows may now hold a dangling reference; None: check everything."""
        check: set[str] = set()
        for write in writes:
            if write.table not in self.tables or write.table in self.with_triggers:
                return FULL
            columns = write.columns
            if columns is not None and columns & _ROWID_ALIASES:
                columns = None  # the rowid is the INTEGER PRIMARY KEY under another name
            deleted = write.deleted or write.table in self.replacing
            own = self.fk_columns.get(write.table, set())
            if own and (columns is None or columns & own):
                check.add(write.table)
            for child, referenced in self.referrers.get(write.table, {}).items():
                if deleted or (not write.inserted and (columns is None or columns & referenced)):
                    check.add(child)
        return {self.tables[name] for name in check}


class Tracker:
    """The writes seen since the last check, in two sets (see the module's docstring)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.instrumented: set[int] = set()
        self.schema: Schema | None = None
        # id(connection wrapper) -> the atomic block of the running test (rolled back with it)
        self.test_atomics: dict[int, Any] = {}
        # Writes inside the running test's transaction, and writes outside one (kept), keyed so
        # a loop writing one table stays one entry. At first the whole database is unchecked.
        self.in_test: dict[tuple[Any, ...], Write] = {}
        self.committed: dict[tuple[Any, ...], Write] = {FULL_WRITE.key: FULL_WRITE}
        self.full_checks = 0
        self.partial_checks = 0

    def instrument(self, wrapper: Any) -> None:
        """Report every statement the Django connection `wrapper` runs (connection_created)."""
        raw = wrapper.connection
        self.instrumented.add(id(raw))

        def trace(sql: str) -> None:
            if sql.startswith(_HARMLESS_PREFIXES):
                return
            try:
                write = classify(sql)
                if write is False:
                    return
                if write is None:
                    write = FULL_WRITE
                    self.schema = None  # DDL may have changed who refers to whom
                self.record(write, in_test=self._in_test(wrapper))
            except Exception:  # never lose a write: check everything
                self.record(FULL_WRITE, in_test=False)

        raw.set_trace_callback(trace)

    def _in_test(self, wrapper: Any) -> bool:
        atomic = self.test_atomics.get(id(wrapper))
        return atomic is not None and any(block is atomic for block in wrapper.atomic_blocks)

    def record(self, write: Write, *, in_test: bool) -> None:
        with self.lock:
            (self.in_test if in_test else self.committed)[write.key] = write

    def tables(self, connection: Any, writes: list[Write]) -> list[str] | None:
        if (
            any(w is FULL_WRITE for w in writes)
            or id(connection.connection) not in self.instrumented
        ):
            return FULL
        if self.schema is None:
            self.schema = Schema(connection.connection)
        tables = self.schema.tables_to_check(writes)
        return None if tables is None else sorted(tables)

    def at_test_start(self, connection: Any, atomic: Any) -> None:
        """Check what was written outside the tests since the last check, on the state this
        test starts from: what passes here need not be checked again."""
        with self.lock:
            self.test_atomics[id(connection)] = atomic
            self.in_test.clear()
            committed, self.committed = self.committed, {}
        if not committed:
            return
        try:
            check(connection, self.tables(connection, list(committed.values())))
        except Exception:  # still broken: every test's end check has it
            with self.lock:
                self.committed.update(committed)

    def at_test_end(self, connection: Any) -> list[str] | None:
        """The tables the end-of-test check must cover ([]: none; None: all)."""
        with self.lock:
            writes = [*self.in_test.values(), *self.committed.values()]
            self.in_test.clear()
        return self.tables(connection, writes)

    def after_test(self, connection: Any) -> None:
        with self.lock:
            self.test_atomics.pop(id(connection), None)
            self.in_test.clear()


TRACKER = Tracker()
_ORIGINAL_CHECK: Any = None
_ending = threading.local()


def check(connection: Any, tables: list[str] | None) -> None:
    """Django's check on `tables` (None: the whole database); IntegrityError on a violation."""
    if tables is FULL:
        TRACKER.full_checks += 1
    else:
        TRACKER.partial_checks += 1
        if not tables:
            return
    (_ORIGINAL_CHECK or type(connection).check_constraints)(connection, tables)


def install() -> None:
    """Instrument every new SQLite connection and narrow the end-of-test check (conftest)."""
    global _ORIGINAL_CHECK
    from django.db import connections
    from django.db.backends.signals import connection_created
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.test import TestCase

    if _ORIGINAL_CHECK is not None:
        return
    _ORIGINAL_CHECK = DatabaseWrapper.check_constraints

    def on_connection_created(sender: Any, connection: Any, **_kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            TRACKER.instrument(connection)

    connection_created.connect(on_connection_created, weak=False, dispatch_uid="steward-fk-check")

    def check_constraints(self: Any, table_names: Any = None) -> None:
        if table_names is None and getattr(_ending, "active", False):
            check(self, TRACKER.at_test_end(self))
            return
        _ORIGINAL_CHECK(self, table_names)

    DatabaseWrapper.check_constraints = check_constraints  # type: ignore[method-assign]

    original_setup = TestCase._fixture_setup.__func__  # type: ignore[attr-defined]
    original_teardown = TestCase._fixture_teardown

    def _fixture_setup(cls: Any) -> None:
        original_setup(cls)
        for name, atomic in getattr(cls, "atomics", {}).items():
            if connections[name].vendor == "sqlite":
                TRACKER.at_test_start(connections[name], atomic)

    def _fixture_teardown(self: Any) -> None:
        _ending.active = True
        try:
            original_teardown(self)
        finally:
            _ending.active = False
            for name in getattr(self, "atomics", {}):
                TRACKER.after_test(connections[name])

    TestCase._fixture_setup = classmethod(_fixture_setup)  # type: ignore[method-assign,assignment]
    TestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
