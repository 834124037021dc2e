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


class InvalidFields(BadInput):
    """One object failed validation; `fields` maps each field name to its messages.

    Forms show the messages beside their fields and the API answers 422 with them; a message
    that belongs to no single field is under "__all__".
    """

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, list[str]] = dict(fields or {})

    def field_messages(self) -> dict[str, list[str]]:
        """The messages per field; the whole message under "__all__" when none is placed."""
        return self.fields or {"__all__": [str(self)]}


def invalid_fields_from(exc: Exception, error: type[InvalidFields]) -> InvalidFields:
    """A Django ValidationError as `error` (message and per-field messages)."""
    message_dict = getattr(exc, "message_dict", None)
    if message_dict is not None:
        fields = {k: list(v) for k, v in message_dict.items()}
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        return error(text, fields=fields)
    messages = list(getattr(exc, "messages", [str(exc)]))
    return error(" ".join(messages), fields={"__all__": messages})


class FilterError(BadInput):
    """A list filter's bad value (a name that matches no row or several, a choice that does not
    exist): the API answers 422 with the messages the list page shows beside its fields."""

    def __init__(self, problems: list[str], errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.errors = errors
