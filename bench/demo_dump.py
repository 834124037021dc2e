"""Dump every table of a built demo, and compare two dumps row by row.

    python bench/demo_dump.py dump HOME OUT.json [DATABASE_URL]
    python bench/demo_dump.py compare A.json B.json [A2.json]

`dump` reads the database of HOME (`steward demo --no-serve`, or `bench/demo_steps.py HOME`;
with DATABASE_URL, that PostgreSQL database) and writes, per table of every installed model
(auto-created many-to-many tables included), its rows ordered by primary key with every column
(primary keys included) except the run-dependent ones in `RUN_DEPENDENT`. `compare` prints the
tables whose rows differ and the first differing rows, and exits 1 if any do: a change to the
demo generator that must not change what it builds is checked by dumping the demo before and
after it.

`RUN_DEPENDENT` was found by building the same commit twice and comparing: the clock of the
build (audit entries' timestamps, the users' join day, `auto_now` stamps) and the password
hashes' random salts. Every `auto_now`/`auto_now_add` column is left out as well, and paths
under HOME are written as `$STEWARD_HOME`. Two builds of one commit still differ in the tables
of the engineering ingestion (it reads the repositories in parallel: the order of their rows,
their ids, and the audit entries of those rows), in the detections and in the stamps of the
cockpit's and strategy's runs: give `compare` a second dump of the first commit (A2) and it
counts the rows of the tables that differ between A and A2 instead of comparing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

# (app_label.model, column): values that differ between two builds of the same commit.
RUN_DEPENDENT = {
    ("auditlog.logentry", "timestamp"),
    ("auth.user", "password"),
    ("auth.user", "date_joined"),
    ("auth.user", "last_login"),
}


HOME = [""]  # the home being dumped: paths under it are written as $STEWARD_HOME


def _setup(home: str, url: str | None) -> None:
    HOME[0] = os.path.abspath(home)
    os.environ["STEWARD_HOME"] = home
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import django

    django.setup()


def _skipped(label: str, field: Any) -> bool:
    if (label, field.column) in RUN_DEPENDENT:
        return True
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _masked_changes(changes: Any, names: set[str]) -> Any:
    """An audit entry's `changes` with the values of run-dependent fields replaced by "*"."""
    if isinstance(changes, str):
        try:
            changes = json.loads(changes)
        except ValueError:
            return changes
    if isinstance(changes, dict):
        return {k: "*" if k in names else v for k, v in changes.items()}
    return changes


def _value(value: Any) -> Any:
    if isinstance(value, str) and HOME[0]:
        return value.replace(HOME[0], "$STEWARD_HOME")
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, (bytes, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def dump_tables(labels: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """{table: {"model", "columns", "rows"}} of every model's table (or of the `labels`')."""
    from django.apps import apps

    tables: dict[str, dict[str, Any]] = {}
    # Audit entries record the run-dependent values too (a user's `date_joined`).
    names = {column for _, column in RUN_DEPENDENT}
    for model in apps.get_models(include_auto_created=True):
        names |= {f.name for f in model._meta.concrete_fields if _skipped("", f)}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables:
            continue
        label = meta.label_lower
        if labels is not None and label not in labels:
            continue
        fields = [f for f in meta.concrete_fields if not _skipped(label, f)]
        columns = [f.attname for f in fields]
        rows = [list(row) for row in model._base_manager.order_by("pk").values_list(*columns)]
        if label == "auditlog.logentry":
            at = columns.index("changes")
            for row in rows:
                row[at] = _masked_changes(row[at], names)
        tables[meta.db_table] = {
            "model": label,
            "columns": columns,
            "rows": [[_value(v) for v in row] for row in rows],
        }
    if labels is None:
        from django.contrib.contenttypes.models import ContentType

        tables["content types"] = {
            "model": "",
            "columns": ["id", "table"],
            "rows": [
                [ct.pk, ct.model_class()._meta.db_table]
                for ct in ContentType.objects.all()
                if ct.model_class()
            ],
        }
    return tables


def audit_entries(labels: set[str]) -> list[list[Any]]:
    """The audit entries of the models `labels`, in the order written: model, object, repr,
    action and changes (run-dependent values masked), without the entries' own ids and
    content type ids (which depend on the rest of the build and on the engine)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    names = {column for _, column in RUN_DEPENDENT}
    types = {
        ct.pk: f"{ct.app_label}.{ct.model}"
        for ct in ContentType.objects.all()
        if f"{ct.app_label}.{ct.model}" in labels
    }
    rows = LogEntry.objects.filter(content_type_id__in=types).order_by("pk")
    return [
        [types[ct], _value(pk), _value(rep), action, _value(_masked_changes(changes, names))]
        for ct, pk, rep, action, changes in rows.values_list(
            "content_type_id", "object_pk", "object_repr", "action", "changes"
        )
    ]


def digest(value: Any) -> str:
    """A short hash of a dump (or of any JSON-able value)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unsteady(a: dict[str, Any], c: dict[str, Any]) -> set[str]:
    """Tables that differ between two builds of the same commit (`a`, `c`): the engineering
    ingestion reads the repositories in parallel, so their rows' order (and ids) vary."""
    return {t for t in a if t != "auditlog_logentry" and t in c and a[t]["rows"] != c[t]["rows"]}


def _steady_entries(dump: dict[str, Any], unsteady: set[str]) -> list[Any]:
    """The audit entries but those of the unsteady tables' rows."""
    table_of = {row[0]: row[1] for row in dump.get("content types", {}).get("rows", [])}
    at = dump["auditlog_logentry"]["columns"].index("content_type_id")
    return [r for r in dump["auditlog_logentry"]["rows"] if table_of.get(r[at]) not in unsteady]


def compare(
    a: dict[str, Any], b: dict[str, Any], *, baseline: dict[str, Any] | None = None, show: int = 3
) -> list[str]:
    """The differences between two dumps, one line per finding (empty: identical).

    With `baseline` (a second build of `a`'s commit), the tables that differ between `a` and
    it are compared by row count only, and the audit entries of their rows are left out.
    """
    unsteady = _unsteady(a, baseline) if baseline is not None else set()
    out = [f"{t}: differs between two builds of one commit; rows counted" for t in sorted(unsteady)]
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            out.append(f"{table}: only in {'the first' if table in a else 'the second'} dump")
            continue
        ta, tb = a[table], b[table]
        if ta["columns"] != tb["columns"]:
            out.append(f"{table}: columns differ {ta['columns']} / {tb['columns']}")
            continue
        ra, rb = ta["rows"], tb["rows"]
        if table in unsteady:
            if len(ra) != len(rb):
                out.append(f"{table}: {len(ra)} / {len(rb)} rows")
            continue
        if table == "auditlog_logentry" and unsteady:
            ra, rb = _steady_entries(a, unsteady), _steady_entries(b, unsteady)
        if ra == rb:
            continue
        out.append(f"{table}: {len(ra)} / {len(rb)} rows differ; columns {ta['columns']}")
        shown = 0
        for index in range(max(len(ra), len(rb))):
            left = ra[index] if index < len(ra) else None
            right = rb[index] if index < len(rb) else None
            if left != right:
                out.append(f"  row {index}: {left}\n  row {index}: {right}")
                shown += 1
                if shown >= show:
                    break
    return out


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "dump":
        _setup(sys.argv[2], sys.argv[4] if len(sys.argv) > 4 else None)
        tables = dump_tables()
        with open(sys.argv[3], "w", encoding="utf-8") as fh:
            json.dump(tables, fh, separators=(",", ":"), default=str)
        print(f"{len(tables)} tables, {sum(len(t['rows']) for t in tables.values())} rows")
        return
    if len(sys.argv) in (4, 5) and sys.argv[1] == "compare":
        dumps = []
        for path in sys.argv[2:]:
            with open(path, encoding="utf-8") as fh:
                dumps.append(json.load(fh))
        found = compare(dumps[0], dumps[1], baseline=dumps[2] if len(dumps) > 2 else None)
        failed = [line for line in found if "rows counted" not in line]
        print("\n".join(found))
        print("identical" if not failed else f"{len(failed)} differences")
        sys.exit(1 if failed else 0)
    print(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()
