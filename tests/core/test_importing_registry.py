"""One import framework: every importable kind (CSV, Markdown, the YAML files of org as code) is
in `core.importing`'s registry, and every import runs through `run_importer` with its `Diff`."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from steward.architecture.importers import DecisionsImporter
from steward.core import importing
from steward.core.errors import InvalidInput
from steward.core.importing import (
    Change,
    Diff,
    FolderImporter,
    FolderKind,
    MarkdownImporter,
    folder_kinds,
    registered_kinds,
)
from steward.core.policy import SYSTEM
from steward.org import orgcode
from steward.org.importers import RolesImporter


def test_every_kind_of_every_format_is_listed_by_the_core_registry() -> None:
    kinds = registered_kinds()
    assert ("import", "people", "csv") in kinds
    assert ("import", "deployments", "csv") in kinds
    assert ("import", "roles", "markdown") in kinds
    assert ("import", "decisions", "markdown") in kinds
    # org as code's own kinds and organization design's, in dependency order
    folder = [name for command, name, reader in kinds if command == "import-all"]
    assert {reader for command, _name, reader in kinds if command == "import-all"} == {"yaml"}
    assert folder[:4] == ["departments", "teams", "people", "roles"]
    assert {"team-allocations", "scenarios", "team-dissolutions"} <= set(folder)
    assert folder == [kind.name for kind in folder_kinds()]
    assert orgcode.KINDS is importing._FOLDER_KINDS


def test_org_as_code_defines_no_framework_of_its_own() -> None:
    own_classes = [
        name
        for name, value in vars(orgcode).items()
        if inspect.isclass(value) and value.__module__ == orgcode.__name__
    ]
    assert own_classes == ["OrgImporter"]
    assert issubclass(orgcode.OrgImporter, FolderImporter)
    for name in ("Kind", "Plan", "Item", "FileReader", "Scope", "dump_yaml", "ordered_kinds"):
        assert getattr(orgcode, name).__module__.startswith("steward.core.importing.")
    assert orgcode.Kind is FolderKind
    assert orgcode.Plan.__mro__[1] is Diff
    assert orgcode.dump_yaml is importing.dump_yaml


def test_a_folder_kind_is_registered_like_any_other() -> None:
    kind = FolderKind(
        name="zz-registry-test",
        file="zz-registry-test.yaml",
        key="id",
        export=lambda scope: [],
        parse=lambda item: None,
        apply=lambda plan: None,
    )
    importing.register_importer("zz-registry-test", kind)
    try:
        assert ("import-all", "zz-registry-test", "yaml") in registered_kinds()
        assert "zz-registry-test" not in importing.importer_kinds()  # not a `steward import` kind
        with pytest.raises(ValueError, match="registered as 'other'"):
            importing.register_importer("other", kind)
    finally:
        del importing._FOLDER_KINDS["zz-registry-test"]


def test_markdown_importers_share_the_markdown_reader(tmp_path: Path) -> None:
    for name in ("b.MD", "a.md", "notes.txt", "sub/c.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    assert issubclass(RolesImporter, MarkdownImporter)
    assert issubclass(DecisionsImporter, MarkdownImporter)
    roles = RolesImporter(tmp_path, actor=SYSTEM).files()
    assert [p.relative_to(tmp_path).as_posix() for p in roles] == ["a.md", "b.MD"]
    decisions = DecisionsImporter(tmp_path, actor=SYSTEM).files()
    assert [p.relative_to(tmp_path).as_posix() for p in decisions] == ["a.md", "b.MD", "sub/c.md"]
    one = RolesImporter(tmp_path / "a.md", actor=SYSTEM)
    assert one.files() == [tmp_path / "a.md"]
    (tmp_path / "bad.md").write_bytes(b"title\n\xff\n")
    assert one.read_text(tmp_path / "bad.md") is None
    assert [(p.line, p.message) for p in one.problems] == [(2, "is not valid UTF-8")]


@pytest.mark.django_db
def test_import_all_plans_one_diff_of_changes_per_kind(tmp_path: Path) -> None:
    counts = orgcode.export_org(tmp_path, actor=SYSTEM)
    departments = (tmp_path / "departments.yaml").read_text(encoding="utf-8")
    first_slug = departments.split("- slug: ", 2)[1].split("\n", 1)[0]
    old_name = departments.split(f"- slug: {first_slug}\n  name: ", 1)[1].split("\n", 1)[0]
    (tmp_path / "departments.yaml").write_text(
        departments.replace(f"  name: {old_name}\n", "  name: Renamed Department\n", 1),
        encoding="utf-8",
    )
    plan = orgcode.import_org(tmp_path, dry_run=True)
    assert isinstance(plan, Diff) and plan.dry_run
    assert all(isinstance(c, Change) for c in plan.changes)
    assert list(plan.diffs) == [kind.name for kind in folder_kinds()]
    # every exported record is read back: one changed, the rest unchanged, nothing added
    assert plan.counts() == {
        "added": 0,
        "changed": 1,
        "unchanged": sum(counts.values()) - 1,
        "ended": 0,
    }
    for name, diff in plan.diffs.items():
        assert len(diff.changes) == counts[name]
    (changed,) = plan.diffs["departments"].of_kind("changed")
    assert (changed.key, changed.fields) == (first_slug, {"name": (old_name, "Renamed Department")})
    assert (changed.file, changed.line) == ("departments.yaml", 2)
    assert f"  ~ {first_slug}: name" in plan.lines()
    (tmp_path / "teams.yaml").write_text("- slug: x\n  name: X\n  type: nope\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        orgcode.import_org(tmp_path)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [("teams.yaml", 3, "9")]
