"""Parse role descriptions: Markdown with YAML front matter (`title`, `description`).

Plain Python, no Django: returns the title as given (typos preserved), the description, the
summary (text before the first heading) and the sections as a tree of headings with their
bullet or line items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steward.core.errors import Problem
from steward.core.importing.markdown_reader import read_front_matter
from steward.core.importing.yaml_reader import FileReader, json_safe

NAME = "role.md"
NO_FRONT_MATTER = (
    "start the file with a '---' line, then 'title: ...' and 'description: ...', then '---'"
)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# The lengths of RoleDescription's title and description columns (tests/org/test_roledocs.py
# keeps them equal): a longer value is the file's problem, found before anything is written.
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 500


class RoleDocError(ValueError):
    """A role description that cannot be read: the first problem's message, 1-based line and
    column, the front matter key at fault (`field`) and the fix; `problems` lists them all."""

    def __init__(
        self,
        message: str,
        line: int,
        field: str | None = None,
        hint: str = "",
        *,
        column: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.hint = hint
        self.column = column
        self.problems = problems or [Problem(NAME, line, column, message, hint)]

    @classmethod
    def of(cls, problems: list[Problem], field: str | None = None) -> RoleDocError:
        """The error of the problems the front matter reader recorded."""
        first = problems[0]
        line = first.line or 1
        return cls(first.message, line, field, first.hint, column=first.column, problems=problems)


@dataclass
class RoleDoc:
    title: str
    description: str
    summary: str
    body: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def parse_role(text: str, name: str = "") -> RoleDoc:
    """Parse one role description (`name`: its file, for the problems); raises RoleDocError
    naming the line, column and front matter key at fault."""
    nul = text.find("\x00")
    if nul >= 0:
        raise RoleDocError(
            "contains a NUL character (\\0)",
            text.count("\n", 0, nul) + 1,
            hint="remove the NUL character (PostgreSQL cannot store it)",
        )
    problems: list[Problem] = []
    reader = FileReader(Path(name or NAME), problems, prefix="front matter: ")
    front = read_front_matter(reader, text)
    if not front.found:
        raise RoleDocError("no YAML front matter", 1, hint=NO_FRONT_MATTER)
    if front.item is None or problems:  # not read, or keys that are not plain names
        raise RoleDocError.of(problems)
    title = front.item.text(
        "title", required=True, max_length=TITLE_MAX_LENGTH, what="<role title>"
    ).strip()
    if problems:
        raise RoleDocError.of(problems, "title")
    description = front.item.text("description", max_length=DESCRIPTION_MAX_LENGTH).strip()
    if problems:
        raise RoleDocError.of(problems, "description")
    meta = front.item.data()
    if problems:
        raise RoleDocError.of(problems)
    return _role(title, description, meta, front.body, front.body_line - 1)


def _role(
    title: str, description: str, meta: dict[str, Any], body: str, body_offset: int
) -> RoleDoc:
    """The role description of a read front matter and its body (which starts after line
    `body_offset`)."""
    summary_lines: list[str] = []
    sections: list[dict[str, Any]] = []
    stack: list[tuple[int, dict[str, Any]]] = []
    for index, raw in enumerate(body.splitlines()):
        line = raw.rstrip()
        heading = HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            node: dict[str, Any] = {
                "heading": heading.group(2).rstrip(":").strip(),
                "level": level,
                "line": body_offset + index + 1,
                "items": [],
                "children": [],
            }
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1]["children"] if stack else sections).append(node)
            stack.append((level, node))
            continue
        if not line.strip():
            continue
        item = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if stack:
            stack[-1][1]["items"].append(item)
        else:
            summary_lines.append(item)
    extra = {k: v for k, v in meta.items() if k not in ("title", "description")}
    return RoleDoc(
        title=title,
        description=description,
        summary=" ".join(summary_lines),
        body=body.strip("\n") + "\n",
        sections=sections,
        metadata=json_safe(extra),
    )
