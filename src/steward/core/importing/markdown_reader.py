"""The Markdown reader: `MarkdownImporter` finds the Markdown files of an import (the file given,
or the `.md` files of a folder) and reads each one's text with the limits of YAML front matter.

What a file means (a role description, a decision record) is the importer's own parser; this
reader only lists and reads the files, recording a problem (file and line) for one it cannot
read, so the importer goes on with the others and nothing is written at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from steward.core import safe_yaml
from steward.core.importing.framework import Importer


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
