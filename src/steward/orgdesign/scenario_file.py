"""The scenario file of `steward org scenario import FILE`, read with core's YAML reader.

The file is one mapping: `name`, `description`, `effective_date` and `changes` (a list of
mappings, each with a `kind`), as `steward org scenario export` writes it. Every problem names
the file, line, column and fix, all collected before anything is written; `locate` puts a
change that the services refuse at that change's line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from steward.core.errors import InvalidInput, Problem
from steward.core.importing.yaml_reader import FileReader

KEYS = ("name", "description", "effective_date", "changes")
_CHANGE = re.compile(r"^changes\[(\d+)\]: ")


def read_scenario(path: Path, name: str) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The scenario's data (as `scenario_from_data` takes it) and the line and column of each
    change; raises InvalidInput with every problem found (`name`: the file in problems)."""
    problems: list[Problem] = []
    reader = FileReader(path, problems, name=name)
    root = reader.compose()
    doc = reader.document(root) if not problems else None
    if doc is None:
        raise InvalidInput(problems)
    doc.check_keys(KEYS)
    doc.text("name", required=True, what="<the scenario's name>")
    doc.text("description")
    doc.date("effective_date")
    changes = doc.items("changes")
    for change in changes:
        change.text("kind", required=True, what="<the kind of change>")
    data = doc.data() if not problems else {}
    if problems:
        raise InvalidInput(problems)
    return data, [(c.line, str(c.node.start_mark.column + 1)) for c in changes]


def locate(name: str, message: str, places: list[tuple[int, str]]) -> Problem:
    """A refusal of the services (`changes[3]: ...`, 1-based) at the line of that change."""
    match = _CHANGE.match(message)
    index = int(match.group(1)) - 1 if match else -1
    if 0 <= index < len(places):
        line, column = places[index]
        return Problem(name, line, column, message)
    return Problem(name, None, None, message)
