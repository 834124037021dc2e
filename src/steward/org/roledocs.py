"""Parse role descriptions: Markdown with YAML front matter (`title`, `description`).

Plain Python, no Django: returns the title as given (typos preserved), the description, the
summary (text before the first heading) and the sections as a tree of headings with their
bullet or line items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from steward.core import safe_yaml
from steward.core.importing.yaml_reader import json_safe

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class RoleDocError(ValueError):
    """A role description that cannot be read; `line` is 1-based."""

    def __init__(self, message: str, line: int, field: str | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.hint = hint


@dataclass
class RoleDoc:
    title: str
    description: str
    summary: str
    body: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def parse_role(text: str) -> RoleDoc:
    """Parse one role description; raises RoleDocError naming the line at fault."""
    nul = text.find("\x00")
    if nul >= 0:
        raise RoleDocError(
            "contains a NUL character (\\0)",
            text.count("\n", 0, nul) + 1,
            hint="remove the NUL character (PostgreSQL cannot store it)",
        )
    match = FRONT_MATTER.match(text)
    if match is None:
        raise RoleDocError(
            "no YAML front matter",
            1,
            hint="start the file with a '---' line, then 'title: ...' and 'description: ...', "
            "then '---'",
        )
    try:
        meta = safe_yaml.load(match.group(1)) or {}
    except safe_yaml.YamlRefused as exc:
        # The front matter starts on line 2 (after the opening '---').
        at = exc.line + 1 if exc.line is not None else 2
        raise RoleDocError(f"front matter: {exc.message}", at, hint=exc.hint) from exc
    if not isinstance(meta, dict):
        raise RoleDocError("front matter must be a mapping of keys to values", 2)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RoleDocError(
            "front matter has no title", 2, "title", hint="add a line 'title: <role title>'"
        )
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise RoleDocError("description must be text", 2, "description")
    body = text[match.end() :]
    body_offset = text[: match.end()].count("\n")
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
        title=title.strip(),
        description=description.strip(),
        summary=" ".join(summary_lines),
        body=body.strip("\n") + "\n",
        sections=sections,
        metadata=json_safe(extra),
    )
