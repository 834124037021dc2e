"""docs/cli.md is generated from the CLI; it must match the code."""

from __future__ import annotations

from pathlib import Path

from steward.cli_reference import reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is out of date: python -m steward.cli_reference > docs/cli.md"
    )


def test_reference_names_every_contract_command() -> None:
    text = reference()
    for command in [
        "steward init", "steward demo", "steward serve", "steward worker", "steward import",
        "steward ingest git", "steward metrics dora", "steward metrics contributors",
        "steward org analyze", "steward plan solve", "steward export", "steward import-all",
        "steward backup", "steward restore", "steward token create", "steward token revoke",
    ]:  # fmt: skip
        assert f"## `{command}`" in text, command
