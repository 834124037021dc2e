"""The Markdown reader: `MarkdownImporter` finds the Markdown files of an import (the file given,
or the `.md` files of a folder) and reads each one's text with the limits of YAML front matter;
`read_front_matter` reads a file's YAML front matter with `yaml_reader` (typed accessors, each
problem at its line and column in the Markdown file).

What a file means (a role description, a decision record, a Monzo ladder) is the importer's own
parser; this reader lists and reads the files and their front matter, recording a problem (file,
line, column, hint) for one it cannot read, so the importer goes on with the others and nothing
is written at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from steward.core import safe_yaml
from steward.core.errors import Problem
from steward.core.importing.framework import Importer
from steward.core.importing.yaml_reader import FileReader, Item

CLOSE = "end the front matter with a '---' line"


class MarkdownImporter(Importer):
    """An importer of one Markdown file, or of every `.md` file in a folder."""

    reader = "markdown"
    # Whether the `.md` files of a folder's subfolders are read too.
    recursive: ClassVar[bool] = False

    def files(self) -> list[Path]:
        """The Markdown files to read, sorted: the file given, or the folder's `.md` files."""
        if not self.path.is_dir():
            return [self.path]
        if self.recursive:
            found = self.path.rglob("*")
            return sorted(p for p in found if p.is_file() and p.suffix.lower() == ".md")
        return sorted(p for p in self.path.iterdir() if p.suffix.lower() == ".md")

    def read_text(self, file: Path) -> str | None:
        """The text of `file` (UTF-8, a byte-order mark dropped, within the YAML size limit, as
        its front matter is YAML), or None after recording why it cannot be read."""
        try:
            return safe_yaml.read_text(file)
        except safe_yaml.YamlRefused as exc:
            self.problem(exc.line, None, exc.message, exc.hint, file=str(file))
        except OSError as exc:
            self.problem(None, None, f"cannot read: {exc.strerror}", file=str(file))
        return None


@dataclass
class FrontMatter:
    """The YAML front matter of a Markdown text and the body after it."""

    # Whether the text opens with a '---' line.
    found: bool
    # The front matter's mapping (typed, located accessors); None when there is none or it
    # cannot be read (the problem is recorded).
    item: Item | None
    # The text after the closing '---' line, exactly as written, and the line it starts on.
    body: str
    body_line: int


def read_front_matter(reader: FileReader, text: str, *, path: str | None = None) -> FrontMatter:
    """The front matter of `text` (between a first '---' line and the next '---' line), read
    with `reader` so each problem is located at its line and column in the file; `path` as in
    `FileReader.document`. A text without front matter has `found` False and no problem."""
    lines = text.lstrip("\ufeff").split("\n")
    if lines[0].strip() != "---":
        return FrontMatter(False, None, text, 1)
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if end is None:
        reader.problems.append(
            Problem(reader.name, 1, None, "front matter opened with --- is never closed", CLOSE)
        )
        return FrontMatter(True, None, "", 1)
    before = len(reader.problems)
    root = reader.compose_text("\n".join(lines[1:end]), first_line=2)
    body = "\n".join(lines[end + 1 :])
    if len(reader.problems) > before:
        return FrontMatter(True, None, body, end + 2)
    # An empty front matter is an empty mapping.
    return FrontMatter(True, reader.document(root, path=path), body, end + 2)
