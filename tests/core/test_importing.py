"""The import framework: CSV reading, problem collection, diff, dry run, registry, bulk audit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from steward.core.errors import BadInput, InvalidInput, Problem
from steward.core.importing import (
    Change,
    CsvImporter,
    Diff,
    audit_created,
    audit_updated,
    diff_tables,
    get_importer,
    importer_kinds,
    register_importer,
    run_import,
)
from steward.core.policy import SYSTEM


class GroupImporter(CsvImporter):
    """Test kind: one auth Group per row (`name`), with an optional `size` and `since`."""

    kind = "test-groups"
    required_columns = ("name",)
    optional_columns = ("size", "since")
    applied: ClassVar[list[Diff]] = []

    def plan(self) -> Diff:
        diff = self.new_diff()
        seen: dict[str, int] = {}
        existing = set(Group.objects.values_list("name", flat=True))
        for row in self.read_rows():
            name = self.parse_key(row, "name", seen)
            self.parse_decimal(row, "size", minimum=Decimal(0), places=0)
            self.parse_date(row, "since")
            if name is None:
                continue
            kind = "unchanged" if name in existing else "added"
            diff.add(Change(kind, name, line=row.line))
        return diff

    def apply(self, diff: Diff) -> None:
        GroupImporter.applied.append(diff)
        groups = Group.objects.bulk_create([Group(name=c.key) for c in diff.of_kind("added")])
        audit_created(groups)


@pytest.fixture(autouse=True)
def _kind() -> None:
    register_importer("test-groups", GroupImporter)
    GroupImporter.applied.clear()


def write(tmp_path: Path, text: str, name: str = "in.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_rows_keep_line_numbers_across_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, 'name,size\n"a\nb",1\n\nc,2\n', bom=True)
    importer = GroupImporter(path, actor=SYSTEM)
    rows = importer.read_rows()
    assert importer.problems == []
    assert importer.header == ["name", "size"]  # the BOM is not part of the first column
    assert [(r.line, r.get("name"), r.get("size")) for r in rows] == [
        (3, "a\nb", "1"),
        (5, "c", "2"),
    ]


def test_missing_and_unknown_columns_are_line_1_problems_listing_accepted_columns(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "title,size,colour\nx,1,red\n")
    importer = GroupImporter(path, actor=SYSTEM)
    assert importer.read_rows() == []
    assert [(p.line, p.column, p.message) for p in importer.problems] == [
        (1, "name", "required column is missing"),
        (1, "title", "unknown column"),
        (1, "colour", "unknown column"),
    ]
    assert importer.problems[0].hint == "accepted columns: name; optional: size, since"


def test_every_problem_is_reported_and_nothing_is_applied(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "name,size,since\nops,x,2026-01-01\nops,2,2026-13-01\n,-1,\n")
    with pytest.raises(InvalidInput) as info:
        run_import("test-groups", path, actor=SYSTEM)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: column size: 'x' is not a number (fix: write a plain number such as 1234.50"
        " (no thousands separators))",
        f"{path}:3: column name: duplicate name 'ops': already on line 2 (fix: keep one row per"
        " name)",
        f"{path}:3: column since: '2026-13-01' is not a date (fix: write dates as YYYY-MM-DD)",
        f"{path}:4: column name: is empty (fix: give a value for name)",
        f"{path}:4: column size: -1 is out of range (fix: give a number at least 0)",
    ]
    assert info.value.exit_code == 2
    assert GroupImporter.applied == []
    assert not Group.objects.filter(name="ops").exists()


def test_dry_run_diffs_without_writing_and_reimport_is_unchanged(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "name\nalpha\nbeta\n")
    dry = run_import("test-groups", path, dry_run=True, actor=SYSTEM)
    assert dry.dry_run and dry.counts() == {"added": 2, "changed": 0, "unchanged": 0, "ended": 0}
    assert GroupImporter.applied == []
    assert not Group.objects.filter(name__in=["alpha", "beta"]).exists()

    done = run_import("test-groups", path, actor=SYSTEM)
    assert [c.key for c in done.of_kind("added")] == ["alpha", "beta"]
    assert Group.objects.filter(name__in=["alpha", "beta"]).count() == 2

    again = run_import("test-groups", path, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 2, "ended": 0}
    assert not again.writes
    assert len(GroupImporter.applied) == 1  # nothing to write: apply was not called again


def test_bulk_writes_are_audited(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_import("test-groups", write(tmp_path, "name\ngamma\n"), actor=SYSTEM)
    group = Group.objects.get(name="gamma")
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Group), object_id=group.pk
    )
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["name"] == ["None", "gamma"]
    assert entry.actor is None

    assert audit_updated([(group, {"name": ("gamma", "delta")})]) == 1
    latest = LogEntry.objects.get(
        content_type=entry.content_type, object_id=group.pk, action=LogEntry.Action.UPDATE
    )
    assert latest.changes_dict == {"name": ["gamma", "delta"]}


def test_unknown_kind_is_bad_input_listing_kinds() -> None:
    with pytest.raises(BadInput) as info:
        get_importer("nope")
    assert "no such import kind" in str(info.value)
    assert "test-groups" in str(info.value)
    assert "test-groups" in importer_kinds()


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        run_import("test-groups", tmp_path / "absent.csv", actor=SYSTEM)
    assert info.value.problems == [
        Problem(str(tmp_path / "absent.csv"), None, None, "no such file or folder")
    ]


def test_diff_json_leaves_out_unchanged_and_payload() -> None:
    diff = Diff(kind="k", file="f.csv")
    diff.add(Change("unchanged", "a", line=2))
    diff.add(
        Change(
            "changed",
            "b",
            line=3,
            fields={"fte": (Decimal("1.00"), Decimal("0.5"))},
            payload=object(),
        )
    )
    assert diff.as_dict() == {
        "kind": "k",
        "file": "f.csv",
        "dry_run": False,
        "counts": {"added": 0, "changed": 1, "unchanged": 1, "ended": 0},
        "changes": [
            {
                "kind": "changed",
                "key": "b",
                "line": 3,
                "fields": {"fte": {"old": "1.00", "new": "0.5"}},
                "notes": [],
            }
        ],
        "notes": [],
        "warnings": [],
    }


def test_a_change_kind_outside_the_four_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of added, changed, unchanged, ended"):
        Change("deleted", "x")


def test_diff_tables_show_counts_and_at_most_the_limit_of_records() -> None:
    diff = Diff(kind="k", file="f.csv", dry_run=True)
    for n in range(5):
        diff.add(Change("changed", f"K{n}", line=n + 2, fields={"title": ("a", "b")}))
    diff.add(Change("unchanged", "U", line=7))
    counts, records = diff_tables(diff, limit=3)
    assert [c._cells for c in counts.columns] == [["0"], ["5"], ["1"], ["0"]]
    assert records.row_count == 3
    assert records.caption == "… and 2 more records (--json prints them all)"
