"""The exceptions every app raises; the CLI maps them to exit codes (CONTRACT.md)."""

from __future__ import annotations

from dataclasses import dataclass


class StewardError(Exception):
    """A failure while running: exit code 1."""

    exit_code = 1


class BadInput(StewardError):
    """Bad input or usage: exit code 2, nothing written."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    file: str
    line: int | None
    column: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f": column {self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" (fix: {self.hint})"
        return text


class InvalidInput(BadInput):
    """Validation found problems; each names file, line, column and a fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
