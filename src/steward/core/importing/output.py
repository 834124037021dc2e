"""CLI output: an import's diff as Rich tables (shared by the CLI and any page that shows one)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from steward.core.importing.framework import CHANGE_KINDS

if TYPE_CHECKING:
    from rich.table import Table  # imported in diff_tables: Django set-up should not load Rich

    from steward.core.importing.framework import Diff


def _short(value: Any, width: int = 40) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list | tuple):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        text = str(value)
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def diff_tables(diff: Diff, limit: int = 200) -> list[Table]:
    """Rich tables: the counts per change kind, then the first `limit` changed records' fields.

    Rendering ten thousand rows would take longer than the import; the full diff is `--json`.
    """
    from rich.table import Table

    verb = "would change" if diff.dry_run else "changed"
    counts = Table(title=f"{diff.kind} from {diff.file} ({'dry run' if diff.dry_run else 'done'})")
    for kind in CHANGE_KINDS:
        counts.add_column(kind, justify="right")
    values = diff.counts()
    counts.add_row(*(str(values[k]) for k in CHANGE_KINDS))
    tables = [counts]
    details = [c for c in diff.changes if c.kind != "unchanged"]
    if details:
        shown = details[:limit]
        more = len(details) - len(shown)
        caption = f"… and {more} more records (--json prints them all)" if more else None
        table = Table(title=f"Records that {verb}", caption=caption)
        for column in ("line", "key", "change", "field", "old", "new"):
            table.add_column(column)
        for change in shown:
            line = "" if change.line is None else str(change.line)
            if not change.fields:
                table.add_row(line, change.key, change.kind, "", "", "; ".join(change.notes))
                continue
            first = True
            for name, (old, new) in change.fields.items():
                table.add_row(
                    line if first else "",
                    change.key if first else "",
                    change.kind if first else "",
                    name,
                    _short(old),
                    _short(new),
                )
                first = False
            for note in change.notes:
                table.add_row("", "", "", "note", "", note)
        tables.append(table)
    if diff.notes or diff.warnings:
        table = Table(title="Notes")
        table.add_column("")
        for note in diff.notes:
            table.add_row(note)
        for warning in diff.warnings:
            table.add_row(f"[yellow]warning:[/] {warning}")
        tables.append(table)
    return tables
