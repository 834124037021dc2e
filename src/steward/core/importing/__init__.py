"""The import framework every importer uses: read -> validate -> diff -> apply in one transaction.

How an import runs (`run_import`):

1. **read**: `CsvImporter.read_rows()` reads a CSV file with a header row (UTF-8, a BOM is
   tolerated); each `Row` keeps its 1-based line number and its values by column name. Missing
   required columns are problems on line 1 that name the column and list the accepted ones.
   A row with fewer or more values than the header, or with a NUL character, is a problem (never
   read as blanks); only \n, \r and \r\n end lines. Values of `identifier_columns` and
   `normalized_columns` are read in Unicode NFKC form (docs/importing.md "Rules every file
   follows").
2. **validate** everything first: an importer never stops at the first problem; it records every
   one with `self.problem(line, column, message, hint)` (or the `parse_*` helpers, which record
   the problem and return None) as `core.errors.Problem(file, line, column, message, hint)`.
3. **diff** against the database: `Importer.plan()` returns a `Diff` of `Change`s, each
   `added`, `changed` (with old -> new per field), `unchanged` or `ended`, plus notes
   (e.g. "department 'data' created") and warnings.
4. **apply** in ONE transaction (`Importer.apply(diff)`), and only when no problem was found:
   otherwise `InvalidInput(problems)` is raised (exit code 2) and nothing is written.
   `--dry-run` stops after the diff.
5. **idempotent**: importing the same file again yields only `unchanged` and writes nothing.

Extending it (for another app's kind)::

    # myapp/importers.py
    from steward.core.importing import Change, CsvImporter, Diff

    class DeploymentImporter(CsvImporter):
        kind = "deployments"
        required_columns = ("id", "repo", "sha", "environment", "status", "started_at")
        optional_columns = ("finished_at", "service")

        def plan(self) -> Diff:
            diff = self.new_diff()
            seen: dict[str, int] = {}
            for row in self.read_rows():
                key = self.parse_key(row, "id", seen)
                started = self.parse_datetime(row, "started_at", required=True)
                status = self.parse_choice(row, "status", ("success", "failure"), required=True)
                ...  # compare with the database, then:
                diff.add(Change("added", key, line=row.line, payload={...}))
            return diff

        def apply(self, diff: Diff) -> None:   # runs inside transaction.atomic()
            ...  # bulk_create / bulk_update from the payloads, then audit_created/audit_updated

    # myapp/apps.py
    class MyAppConfig(AppConfig):
        def ready(self) -> None:
            from steward.core.importing import register_importer
            register_importer("deployments", "steward.myapp.importers.DeploymentImporter")

`steward import deployments FILE [--dry-run] [--json]` then works without touching the CLI.

Audit: `save()` writes audit log entries through django-auditlog's signals, but bulk writes
(`bulk_create`, `bulk_update`, `QuerySet.update`) do not. An importer that writes in bulk calls
`audit_created(objs, actor=...)` / `audit_updated([(obj, {field: (old, new)})], actor=...)` /
`audit_deleted(objs, actor=...)` so the log stays complete.

The package, one module per responsibility (every name is re-exported here, so callers import
from `steward.core.importing`):

- `framework`: `Change`, `Diff`, `Row`, the `Importer` base with its `parse_*` helpers, the
  registry (`register_importer`, `get_importer`, `importer_kinds`) and `run_import`;
- `csv_reader`: `CsvImporter` and the identifier rules (`normalize_identifier`,
  `identifier_is_valid`, `IDENTIFIER_HINT`);
- `bulk`: the bulk writer (`insert_rows`, `update_rows`, `router_db`);
- `audit`: audit entries for bulk writes (`audit_created`, `audit_updated`, `audit_deleted`,
  `audit_rows`, `audit_names`, `audit_value`, `AuditRow`);
- `output`: the CLI's presentation of a diff (`diff_tables`).

The YAML kinds of org-as-code (`org/orgcode.py`) read their files with their own reader.
"""

from steward.core.importing.audit import (
    AuditRow,
    audit_created,
    audit_deleted,
    audit_names,
    audit_rows,
    audit_updated,
    audit_value,
)
from steward.core.importing.bulk import _CONVERTED as _CONVERTED
from steward.core.importing.bulk import _batch_size as _batch_size
from steward.core.importing.bulk import _column as _column
from steward.core.importing.bulk import _converters as _converters
from steward.core.importing.bulk import _pk_column as _pk_column
from steward.core.importing.bulk import _prepared as _prepared
from steward.core.importing.bulk import insert_rows, router_db, update_rows
from steward.core.importing.csv_reader import _NUL_HINT as _NUL_HINT
from steward.core.importing.csv_reader import _PLAIN_IDENTIFIER as _PLAIN_IDENTIFIER
from steward.core.importing.csv_reader import (
    IDENTIFIER_HINT,
    CsvImporter,
    identifier_is_valid,
    normalize_identifier,
)
from steward.core.importing.framework import _REGISTRY as _REGISTRY
from steward.core.importing.framework import (
    CHANGE_KINDS,
    Change,
    ChangeKind,
    Diff,
    Importer,
    Row,
    get_importer,
    importer_kinds,
    register_importer,
    run_import,
    sorted_problems,
)
from steward.core.importing.framework import _plain as _plain
from steward.core.importing.output import _short as _short
from steward.core.importing.output import diff_tables

__all__ = [
    "CHANGE_KINDS",
    "IDENTIFIER_HINT",
    "AuditRow",
    "Change",
    "ChangeKind",
    "CsvImporter",
    "Diff",
    "Importer",
    "Row",
    "audit_created",
    "audit_deleted",
    "audit_names",
    "audit_rows",
    "audit_updated",
    "audit_value",
    "diff_tables",
    "get_importer",
    "identifier_is_valid",
    "importer_kinds",
    "insert_rows",
    "normalize_identifier",
    "register_importer",
    "router_db",
    "run_import",
    "sorted_problems",
    "update_rows",
]
