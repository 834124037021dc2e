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
  registry (`register_importer`, `get_importer`, `importer_kinds`, `folder_kinds`,
  `registered_kinds`), `run_import` and `run_importer` (the one run of every import);
- `csv_reader`: `CsvImporter` and the identifier rules (`normalize_identifier`,
  `identifier_is_valid`, `IDENTIFIER_HINT`);
- `bulk`: the bulk writer (`insert_rows`, `update_rows`, `router_db`);
- `audit`: audit entries for bulk writes (`audit_created`, `audit_updated`, `audit_deleted`,
  `audit_rows`, `audit_names`, `audit_value`, `AuditRow`);
- `output`: the CLI's presentation of a diff (`diff_tables`);
- `markdown_reader`: `MarkdownImporter` (the files of an import and their text), the reader of
  the Markdown kinds (`roles`, `decisions`);
- `yaml_reader`: `FileReader` and `Item` (YAML records with located problems); `yaml_writer`:
  `dump_yaml` and `compact`;
- `folder`: the folder import (org as code, `steward import-all DIR`): `FolderKind`, registered
  with `register_importer(name, kind)` like every other kind, `Plan` (the folder's `Diff`, one
  `Diff` per kind), `FolderImporter`, run by `run_importer` like every other import.

`registered_kinds()` lists every kind with its command and reader.
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
from steward.core.importing.folder import FolderImporter, FolderKind, Plan, Scope
from steward.core.importing.framework import _FOLDER_KINDS as _FOLDER_KINDS
from steward.core.importing.framework import _REGISTRY as _REGISTRY
from steward.core.importing.framework import (
    CHANGE_KINDS,
    Change,
    ChangeKind,
    Diff,
    Importer,
    Row,
    folder_kinds,
    get_importer,
    importer_kinds,
    register_importer,
    registered_kinds,
    run_import,
    run_importer,
    sorted_problems,
)
from steward.core.importing.framework import _plain as _plain
from steward.core.importing.markdown_reader import MarkdownImporter
from steward.core.importing.output import _short as _short
from steward.core.importing.output import diff_tables
from steward.core.importing.yaml_reader import FileReader, Item
from steward.core.importing.yaml_writer import compact, dump_yaml

__all__ = [
    "CHANGE_KINDS",
    "IDENTIFIER_HINT",
    "AuditRow",
    "Change",
    "ChangeKind",
    "CsvImporter",
    "Diff",
    "FileReader",
    "FolderImporter",
    "FolderKind",
    "Importer",
    "Item",
    "MarkdownImporter",
    "Plan",
    "Row",
    "Scope",
    "audit_created",
    "audit_deleted",
    "audit_names",
    "audit_rows",
    "audit_updated",
    "audit_value",
    "compact",
    "diff_tables",
    "dump_yaml",
    "folder_kinds",
    "get_importer",
    "identifier_is_valid",
    "importer_kinds",
    "insert_rows",
    "normalize_identifier",
    "register_importer",
    "registered_kinds",
    "router_db",
    "run_import",
    "run_importer",
    "sorted_problems",
    "update_rows",
]
