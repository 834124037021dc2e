"""`steward import ladder PATH` and `steward import survey FILE`.

Both validate everything first (every problem with file, line, column and the fix), then write
in one transaction; importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from steward.core.importing import Change, CsvImporter, Diff, FileReader, Importer
from steward.growth import ladder_format, services

LADDER_SUFFIXES = (".yaml", ".yml", ".json", ".md")


class LadderImporter(Importer):
    """Career frameworks: Steward's ladder file (YAML/JSON) or Monzo Markdown; a folder imports
    every such file in it."""

    kind = "ladder"

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(
            p for p in self.path.rglob("*") if p.is_file() and p.suffix.lower() in LADDER_SUFFIXES
        )

    def plan(self) -> Diff:
        diff = self.new_diff()
        self.ladders: list[ladder_format.Ladder] = []
        seen: dict[str, str] = {}
        for file in self._files():
            text = FileReader(file, self.problems, name=str(file)).read_text()
            if text is None:
                continue
            try:
                ladder = ladder_format.parse_file(file.name, text, str(file))
            except ladder_format.LadderFileError as exc:
                self.problems.extend(exc.problems)
                continue
            if ladder.id in seen:
                self.problem(
                    None,
                    "framework.id",
                    f"framework {ladder.id!r} is also in {seen[ladder.id]}",
                    "give each file its own framework id",
                    file=str(file),
                )
                continue
            seen[ladder.id] = str(file)
            self.ladders.append(ladder)
            changes = services.framework_changes(ladder)
            for kind, label in (
                ("added", "added"),
                ("changed", "changed"),
                ("unchanged", "unchanged"),
            ):
                for what in changes[kind]:
                    diff.add(Change(label, ladder.id, notes=[what], payload=ladder))
        if not self._files():
            self.problem(None, None, "no ladder file here", "give a .yaml, .json or .md file")
        return diff

    def apply(self, diff: Diff) -> None:
        for change in diff.changes:
            if change.kind != "unchanged":
                services.framework_save(actor=self.actor, ladder=change.payload)


def respondent_digest(survey_key: str, respondent_key: str) -> str:
    """The stored stand-in of a respondent: a digest, so no answer leads back to a person."""
    return hashlib.sha256(f"{survey_key}\x00{respondent_key}".encode()).hexdigest()[:32]


class SurveyImporter(CsvImporter):
    """Engagement answers collected elsewhere (FORMATS.md 8): `survey_id, question_id,
    respondent_key, team, answered_at, value`; optional `comment`, `question`, `kind`,
    `survey_title`. A question id `enps` (or kind `enps`) is the 0-10 eNPS question."""

    kind = "survey"
    required_columns = (
        "survey_id",
        "question_id",
        "respondent_key",
        "team",
        "answered_at",
        "value",
    )
    optional_columns = ("comment", "question", "kind", "survey_title")
    identifier_columns = ("survey_id", "question_id", "team")

    def plan(self) -> Diff:
        from steward.growth import engagement

        diff = self.new_diff()
        self.rows_out: list[dict[str, Any]] = []
        teams = engagement.team_ids_by_slug()
        seen: dict[tuple[str, str, str], int] = {}
        for row in self.read_rows():
            survey = row.get("survey_id")
            question = row.get("question_id")
            respondent = row.get("respondent_key")
            for column, text in (
                ("survey_id", survey),
                ("question_id", question),
                ("respondent_key", respondent),
            ):
                if not text:
                    self.problem(row.line, column, "is empty", f"give a value for {column}")
            team_slug = row.get("team")
            team_id = None
            if team_slug:
                team_id = teams.get(team_slug)
                if team_id is None:
                    self.problem(
                        row.line, "team", f"no team {team_slug!r}", "use a team slug from Teams"
                    )
            answered = self.parse_date(row, "answered_at", required=True)
            kind = (row.get("kind") or "").lower()
            if not kind:
                kind = "enps" if question.lower() == "enps" else ""
            if kind and kind not in ("enps", "scale", "text"):
                self.problem(
                    row.line, "kind", f"{kind!r} is not a question kind", "enps, scale or text"
                )
            raw = row.get("value")
            answer: int | None = None
            if raw:
                try:
                    answer = int(raw)
                except ValueError:
                    self.problem(row.line, "value", f"{raw!r} is not a whole number", "0-10 or 1-5")
            if answer is not None:
                low, high = (0, 10) if kind in ("enps", "") else (1, 5)
                if kind == "text":
                    low, high = answer, answer
                if not low <= answer <= high:
                    self.problem(
                        row.line,
                        "value",
                        f"{answer} is outside {low}-{high}",
                        f"answer {low}-{high}",
                    )
            elif kind != "text" and not row.get("comment"):
                self.problem(row.line, "value", "is empty", "give the answer (or a comment)")
            key = (survey, question, respondent)
            if key in seen:
                self.problem(
                    row.line,
                    "respondent_key",
                    f"this respondent answered {question!r} already on line {seen[key]}",
                    "keep one answer per respondent and question",
                )
            seen[key] = row.line
            if answered is None:
                continue
            self.rows_out.append(
                {
                    "survey": survey,
                    "survey_title": row.get("survey_title") or survey,
                    "question": question,
                    "question_text": row.get("question") or question,
                    "kind": kind or ("enps" if answer is not None else "text"),
                    "respondent": respondent_digest(survey, respondent),
                    "team_id": team_id,
                    "answered_at": answered,
                    "value": answer,
                    "comment": row.get("comment"),
                    "line": row.line,
                }
            )
        if self.problems:
            return diff
        for change in engagement.answer_changes(self.rows_out):
            diff.add(change)
        return diff

    def apply(self, diff: Diff) -> None:
        from steward.growth import engagement

        engagement.answers_save(actor=self.actor, rows=self.rows_out, diff=diff)
