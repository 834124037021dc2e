"""The YAML reader: `FileReader` reads one YAML file into `Item`s (mappings with typed accessors),
each problem located at the line and column of the value it is about.

Files are read with `core.safe_yaml` (size limit, no anchors or aliases, no NUL characters). An
accessor returns the value in its canonical form and records a problem (with a hint) when the
value is not accepted, so a reader validates every record of a file before anything is written.
The kinds of a folder import (`importing.folder`, org as code) parse their records with it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from steward.core import safe_yaml
from steward.core.errors import Problem
from steward.core.importing.csv_reader import (
    IDENTIFIER_HINT,
    identifier_is_valid,
    normalize_identifier,
)

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
MAP_TAG = "tag:yaml.org,2002:map"


class FileReader:
    """Reads one YAML file into located items and collects the problems found on the way.

    `name` is the file as problems name it (default: the file's name); `prefix` starts every
    message (`"front matter: "` for the YAML front matter of a Markdown file).
    """

    def __init__(
        self, path: Path, problems: list[Problem], *, name: str | None = None, prefix: str = ""
    ) -> None:
        self.path = path
        self.name = path.name if name is None else name
        self.problems = problems
        self.prefix = prefix

    def problem(
        self, node: yaml.Node | None, key: str | None, message: str, hint: str = ""
    ) -> None:
        """Record a problem at `node` (line and column) for `key`."""
        line = node.start_mark.line + 1 if node is not None else None
        column = str(node.start_mark.column + 1) if node is not None else None
        text = f"key '{key}': {message}" if key else message
        self.problems.append(Problem(self.name, line, column, self.prefix + text, hint))

    def refused(self, exc: safe_yaml.YamlRefused) -> None:
        """Record a text `core.safe_yaml` refused (at its line and column)."""
        column = str(exc.column) if exc.column is not None else None
        problem = Problem(self.name, exc.line, column, self.prefix + exc.message, exc.hint)
        self.problems.append(problem)

    def compose(self) -> yaml.Node | None:
        """The file's node tree, or None (with a problem) when it is not accepted YAML.

        Read with `core.safe_yaml`: size limit, no anchors or aliases, no NUL characters.
        """
        text = self.read_text()
        return None if text is None else self.compose_text(text)

    def read_text(self) -> str | None:
        """The file's text (UTF-8, a byte-order mark dropped, within the YAML size limit), or
        None after recording why it cannot be read."""
        try:
            return safe_yaml.read_text(self.path)
        except safe_yaml.YamlRefused as exc:
            self.refused(exc)
        except OSError as exc:
            self.problems.append(Problem(self.name, None, None, f"cannot read: {exc.strerror}"))
        return None

    def compose_text(self, text: str, first_line: int = 1) -> yaml.Node | None:
        """The node tree of `text`, which starts on line `first_line` of the file (front matter
        starts on line 2), or None (with a problem) when it is not accepted YAML."""
        try:
            return safe_yaml.compose("\n" * (first_line - 1) + text)
        except safe_yaml.YamlRefused as exc:
            self.refused(exc)
            return None

    def document(self, root: yaml.Node | None, *, path: str | None = None) -> Item | None:
        """The record of a one-record file: its mapping (an empty document is an empty one), or
        None with a problem. `path` names the keys of nested records in messages
        (`framework.tracks[0].id`); None names each key alone."""
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG):
            mark = root.start_mark if root is not None else yaml.Mark(self.name, 0, 0, 0, "", 0)
            root = yaml.MappingNode(MAP_TAG, [], start_mark=mark, end_mark=mark)
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root, None, "must be a mapping of keys to values", "write 'key: value' lines"
            )
            return None
        return Item(self, root, path=path)

    def items(self, root: yaml.Node | None) -> list[Item]:
        """The records of a kind file: a YAML list of mappings (an empty file is no records)."""
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG):
            return []
        if not isinstance(root, yaml.SequenceNode):
            self.problem(root, None, "the file must be a list of records", "start each with '- '")
            return []
        result = []
        for node in root.value:
            if isinstance(node, yaml.MappingNode):
                item = Item(self, node)
                if item.ok:
                    result.append(item)
            else:
                self.problem(node, None, "each record must be a mapping of keys to values")
        return result


class Item:
    """One YAML mapping with typed, located accessors; problems go to its file's reader."""

    def __init__(
        self, reader: FileReader, node: yaml.MappingNode, *, path: str | None = None
    ) -> None:
        self.reader = reader
        self.node = node
        # Where this mapping is (`framework.tracks[0]`; "" the document), to name keys in
        # messages; None names each key alone (the records of org as code).
        self.path = path
        self.line = node.start_mark.line + 1
        self.values: dict[str, yaml.Node] = {}
        self.ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                reader.problem(key_node, None, "keys must be plain names")
                self.ok = False
                continue
            if key_node.value in self.values:
                reader.problem(key_node, self.where(key_node.value), "given twice in this record")
                self.ok = False
            self.values[key_node.value] = value_node

    def positions(self) -> dict[str, tuple[int, int]]:
        """Line and column (1-based) of each key's value, for messages found later."""
        return {
            key: (node.start_mark.line + 1, node.start_mark.column + 1)
            for key, node in self.values.items()
        }

    def where(self, key: str) -> str:
        """`key` as messages name it: with this mapping's path when it has one."""
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        """Record a problem at `key` of this item (or at the item when the key is absent)."""
        node = self.values.get(key or "", self.node)
        self.reader.problem(node, self.where(key) if key else self.path, message, hint)
        self.ok = False

    def entry_problem(self, node: yaml.Node, key: str, index: int, message: str) -> None:
        """Record a problem at entry `index` of the list under `key`."""
        where = f"{self.where(key)}[{index}]" if self.path is not None else key
        self.reader.problem(node, where, message)
        self.ok = False

    def check_keys(self, accepted: Iterable[str]) -> None:
        """Report keys this kind does not know (typos are caught, not ignored)."""
        allowed = list(accepted)
        for key in self.values:
            if key not in allowed:
                self.problem(key, "unknown key", "accepted keys: " + ", ".join(allowed))

    def _scalar(self, key: str) -> yaml.ScalarNode | None:
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(key, "must be a single value, not a list or mapping")
            return None
        return node

    def text(
        self, key: str, *, required: bool = False, max_length: int = 0, what: str = "..."
    ) -> str:
        """A text value ("" when absent); the text exactly as written (0012 stays 0012). `what`
        stands for the value in the hint when a required one is missing."""
        node = self._scalar(key)
        value = node.value if node is not None else ""
        if required and not value.strip():
            self.problem(key, "is required", f"add a line '{key}: {what}'")
        if max_length and len(value) > max_length:
            self.problem(key, f"is longer than {max_length} characters")
        return value

    def identifier(self, key: str, *, required: bool = False, max_length: int = 0) -> str:
        """An employee_id or key in NFKC form ('Ｅ0006' is 'E0006'): printable ASCII, no spaces."""
        value = normalize_identifier(self.text(key, required=required, max_length=max_length))
        if value and not identifier_is_valid(value):
            self.problem(key, f"{value!r} is not a valid identifier", IDENTIFIER_HINT)
        return value

    def slug(self, key: str, *, max_length: int, required: bool = True) -> str:
        """A slug (NFKC form): lowercase letters, digits, hyphens and underscores."""
        value = normalize_identifier(self.text(key, required=required, max_length=max_length))
        if value:
            try:
                validate_slug(value)
            except ValidationError:
                self.problem(key, f"{value!r} is not a slug", "use a-z, 0-9, '-' and '_' only")
        return value

    def choice(self, key: str, choices: Iterable[str], default: str = "") -> str:
        """A value from `choices` (or `default` when absent)."""
        options = list(choices)
        value = self.text(key) or default
        if value and value not in options:
            self.problem(key, f"{value!r} is not accepted", "one of: " + ", ".join(options))
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        """An ISO date (YYYY-MM-DD)."""
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(key, f"{value!r} is not a date", "write dates as YYYY-MM-DD")
            return None

    def decimal(self, key: str, *, places: int, default: Decimal | None = None) -> Decimal | None:
        """A decimal number, kept exact (read from the text, never through a float)."""
        value = self.text(key)
        if not value:
            return to_places(default, places)
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(key, f"{value!r} is not a number", "write a number like 1234.50")
            return None
        try:
            quantized = to_places(number, places)
        except InvalidOperation:  # more digits than a decimal holds (e.g. 1e999)
            self.problem(key, f"{value} is too large", "write a number like 1234.50")
            return None
        if quantized != number:
            self.problem(key, f"{value} has more than {places} decimal places")
        return quantized

    def boolean(self, key: str) -> bool | None:
        """true / false, or None when absent."""
        node = self._scalar(key)
        if node is None:
            return None
        if node.tag != BOOL_TAG:
            self.problem(key, f"{node.value!r} is not true or false", "write true or false")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def _list(self, key: str, required: bool) -> list[yaml.Node]:
        """The entries of the list under `key` ([] with a problem when it is not a list, or
        absent and `required`)."""
        if self.is_absent(key):
            if required:
                self.problem(key, "is required", f"add a list under {key}")
            return []
        node = self.values[key]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(key, "must be a list", f"write each entry on a line '- ...' under {key}")
            return []
        return list(node.value)

    def strings(self, key: str, *, required: bool = False) -> list[str]:
        """A list of text values."""
        result = []
        for index, entry in enumerate(self._list(key, required)):
            if isinstance(entry, yaml.ScalarNode) and entry.tag != NULL_TAG:
                result.append(entry.value)
            else:
                self.entry_problem(entry, key, index, "each entry must be a single text value")
        return result

    def items(self, key: str, *, required: bool = False) -> list[Item]:
        """A list of mappings (history entries); entries that are not mappings are problems."""
        if not self.is_absent(key) and not isinstance(self.values[key], yaml.SequenceNode):
            self.problem(key, "must be a list of mappings")
            return []
        result = []
        for index, entry in enumerate(self._list(key, required)):
            if isinstance(entry, yaml.MappingNode):
                path = None if self.path is None else f"{self.where(key)}[{index}]"
                child = Item(self.reader, entry, path=path)
                result.append(child)
                self.ok = self.ok and child.ok
            else:
                self.entry_problem(entry, key, index, "each entry must be a mapping")
        return result

    def item(self, key: str, *, hint: str = "") -> Item | None:
        """The mapping under `key` as an item (None with a problem when absent or not one)."""
        node = self.values.get(key)
        if not isinstance(node, yaml.MappingNode):
            message = "must be a mapping of keys to values" if node is not None else "is required"
            self.problem(key, message, hint or f"add a line '{key}:' and its keys under it")
            return None
        child = Item(self.reader, node, path=None if self.path is None else self.where(key))
        self.ok = self.ok and child.ok
        return child

    def integer(self, key: str, *, low: int, high: int, required: bool = False) -> int | None:
        """A whole number from `low` to `high` (None when absent and not `required`)."""
        span = f"a whole number from {low} to {high}"
        if self.is_absent(key):
            if required:
                self.problem(key, "is required", f"add a line '{key}: <{span}>'")
            return None
        node = self._scalar(key)
        if node is None:
            return None
        value = self._constructed(node, key) if node.tag == INT_TAG else None
        if not isinstance(value, int) or not low <= value <= high:
            self.problem(key, f"must be {span}")
            return None
        return value

    def is_absent(self, key: str) -> bool:
        """Whether `key` is missing or null."""
        node = self.values.get(key)
        return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)

    def data(self) -> dict[str, Any]:
        """The whole mapping as plain data ({} after a located problem when a value cannot be
        read, such as the date 2024-02-30)."""
        try:
            value = safe_yaml.construct(self.node)
        except safe_yaml.YamlRefused as exc:
            self.reader.refused(exc)
            self.ok = False
            return {}
        return value if isinstance(value, dict) else {}

    def value(self, key: str) -> Any:
        """The value under `key` as plain data (lists, mappings, numbers, text), or None."""
        node = self.values.get(key)
        return None if node is None else self._constructed(node, key)

    def _constructed(self, node: yaml.Node, key: str = "") -> Any:
        try:
            return safe_yaml.construct(node)
        except safe_yaml.YamlRefused as exc:
            self.problem(key or None, f"cannot be read: {exc.message}", exc.hint)
            return None

    def mapping(self, key: str) -> dict[str, Any]:
        """A free-form mapping (JSON-like data), e.g. extra attributes."""
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(key, "must be a mapping of keys to values")
            return {}
        try:
            value = safe_yaml.construct(node)
        except safe_yaml.YamlRefused as exc:
            self.problem(key, f"cannot be read: {exc.message}")
            return {}
        return sorted_json(json_safe(value))  # type: ignore[no-any-return]


def json_safe(value: Any) -> Any:
    """YAML data as JSON can hold it: string keys, non-finite floats and other values as text."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # .inf / .nan: JSON (and PostgreSQL's jsonb) has no such number
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def sorted_json(value: Any) -> Any:
    """JSON data with mapping keys sorted, so both database engines export it alike."""
    if isinstance(value, dict):
        return {str(k): sorted_json(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [sorted_json(v) for v in value]
    return value


def to_places(value: Decimal | None, places: int) -> Decimal | None:
    """`value` with exactly `places` decimal places (None stays None)."""
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))
