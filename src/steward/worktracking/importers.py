"""`steward import pulls FILE` and `steward import issues FILE` (FORMATS.md 7.3–7.6).

Both read the whole input first (a file, or every `*.json` / `*.csv` of a folder), report every
problem with file, line and column, then compare with the database and write in one transaction.
Importing the same input again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from steward.core.errors import Problem
from steward.core.importing import Change, CsvImporter, Diff, Importer
from steward.worktracking import formats, services


def _files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes and p.is_file())
    return [path]


class _TextImporter(Importer):
    suffixes: tuple[str, ...] = (".json",)

    def texts(self) -> list[tuple[str, str]]:
        out = []
        for file in _files(self.path, self.suffixes):
            try:
                out.append((str(file), file.read_bytes().decode("utf-8")))
            except UnicodeDecodeError as exc:
                self.problem(
                    None, None, f"not UTF-8 text ({exc.reason})", "save as UTF-8", file=str(file)
                )
        if not out and not self.problems:
            self.problem(None, None, "no export files in the folder", "give *.json or *.csv files")
        return out

    def located(self, file: str, problems: list[formats.Problem]) -> None:
        for p in problems:
            self.problems.append(Problem(file, p.line, p.column, p.message, p.hint))


class PullsImporter(_TextImporter):
    """GitHub pull requests (with reviews) and GitLab merge requests (with approvals, notes)."""

    kind = "pulls"

    def plan(self) -> Diff:
        diff = self.new_diff()
        pulls: dict[str, formats.PullIn] = {}
        for file, text in self.texts():
            found, problems = formats.read_pulls(text)
            self.located(file, problems)
            for pull in found:
                pulls[pull.key] = pull
        if self.problems:
            return diff
        plan = services.pulls_plan(list(pulls.values()))
        for change in plan.changes:
            diff.add(change)
        diff.notes.extend(plan.notes)
        diff.warnings.extend(plan.warnings)
        self._plan = plan
        return diff

    def apply(self, diff: Diff) -> None:
        services.pulls_apply(self._plan, actor=self.actor)


class IssuesImporter(_TextImporter):
    """Jira (CSV, REST JSON), GitHub issues (JSON) and Linear (CSV) items."""

    kind = "issues"
    suffixes = (".json", ".csv")

    def plan(self) -> Diff:
        diff = self.new_diff()
        items: dict[tuple[str, str], formats.IssueIn] = {}
        for file, text in self.texts():
            found, problems = formats.read_issues(text, name=file)
            self.located(file, problems)
            for item in found:
                items[(item.source, item.key)] = item
        if self.problems:
            return diff
        self._changes: list[tuple[Change, Any]] = services.issues_plan(list(items.values()))
        for change, _ in self._changes:
            diff.add(change)
        return diff

    def apply(self, diff: Diff) -> None:
        services.issues_apply(self._changes, actor=self.actor)


class InvestmentRulesImporter(CsvImporter):
    """Investment categories as ordered rules: CSV `position,category,field,value[,ktlo]`."""

    kind = "investment-rules"
    required_columns = ("position", "category", "field", "value")
    optional_columns = ("ktlo",)

    def plan(self) -> Diff:
        diff = self.new_diff()
        seen: dict[str, int] = {}
        self.rules: list[dict[str, Any]] = []
        for row in self.read_rows():
            position = self.parse_key(row, "position", seen)
            category = self.parse_text(row, "category", required=True, max_length=100)
            field = self.parse_choice(
                row, "field", ("issue_type", "label", "project", "repository"), required=True
            )
            value = self.parse_text(row, "value", required=True, max_length=300)
            ktlo = self.parse_bool(row, "ktlo") or False
            if position is not None and not position.isdigit():
                self.problem(row.line, "position", f"{position!r} is not a whole number")
                continue
            if position is None or field is None or not category or not value:
                continue
            if category == services.UNCATEGORIZED:
                self.problem(
                    row.line, "category", "`uncategorized` is what no rule matches",
                    "name the category something else",
                )  # fmt: skip
            self.rules.append(
                {"position": int(position), "category": category, "field": field,
                 "value": value, "ktlo": ktlo}
            )  # fmt: skip
        for change in services.investment_rules_plan(self.rules):
            diff.add(change)
        return diff

    def apply(self, diff: Diff) -> None:
        services.investment_rules_replace(self.rules, actor=self.actor)
