"""Dump every table of a built demo, and compare two dumps row by row.

    python bench/demo_dump.py dump HOME OUT.json [DATABASE_URL]
    python bench/demo_dump.py compare A.json B.json

`dump` reads the database of HOME (`steward demo --no-serve`, or `bench/demo_steps.py HOME`;
with DATABASE_URL, that PostgreSQL database) and writes, per table of every installed model
(auto-created many-to-many tables included), its rows ordered by primary key with every column
(primary keys included) except the run-dependent ones in `RUN_DEPENDENT`. `compare` prints the
tables whose rows differ and the first differing rows, and exits 1 if any do: a change to the
demo generator that must not change what it builds is checked by dumping the demo before and
after it.

`RUN_DEPENDENT` was found by building the same commit twice and comparing: the clock of the
build (audit entries' timestamps, the users' join day, `auto_now` stamps) and the password
hashes' random salts. Every `auto_now`/`auto_now_add` column is left out as well.
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


def _setup(home: str, url: str | None) -> None:
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


def compare(a: dict[str, Any], b: dict[str, Any], *, show: int = 3) -> list[str]:
    """The differences between two dumps, one line per finding (empty: identical)."""
    out: list[str] = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            out.append(f"{table}: only in {'the first' if table in a else 'the second'} dump")
            continue
        ta, tb = a[table], b[table]
        if ta["columns"] != tb["columns"]:
            out.append(f"{table}: columns differ {ta['columns']} / {tb['columns']}")
            continue
        ra, rb = ta["rows"], tb["rows"]
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
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        with open(sys.argv[2], encoding="utf-8") as fa, open(sys.argv[3], encoding="utf-8") as fb:
            found = compare(json.load(fa), json.load(fb))
        print("\n".join(found) if found else "identical")
        sys.exit(1 if found else 0)
    print(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()
