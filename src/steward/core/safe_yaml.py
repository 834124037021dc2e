"""The one YAML reader for input files: PyYAML's safe loader without aliases, and with limits.

Every YAML that Steward reads from a user (org-as-code files, role front matter, scenario
files, Backstage `catalog-info.yaml`) goes through this module, because PyYAML's `safe_load`
is safe against code execution but not against resource exhaustion: a 1.6 KB "billion laughs"
document (nine anchors, each a list of ten aliases of the one before) expands to a billion
strings and runs a machine out of memory. The rules:

- **No anchors (`&name`) and no aliases (`*name`)**: refused where they appear, while composing,
  so nothing is ever expanded. Steward's own exports never write them (`ignore_aliases`).
- **Nesting at most `MAX_DEPTH` levels**: PyYAML's composer recurses once per level, and a file
  of a few thousand `[` would otherwise end in a RecursionError.
- **No NUL character** (raw, or written as the escape `"\\0"`): PostgreSQL cannot store it in
  text, so a value with one would import on SQLite and break a later restore to PostgreSQL.
- **Files larger than `STEWARD_YAML_MAX_BYTES`** (default 16 MiB, see docs/security.md) are
  refused before they are read.

Every refusal is a `YamlRefused` with a 1-based line and column and a hint; callers turn it into
their own located problem (exit code 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


class YamlRefused(ValueError):
    """A YAML text that is refused; `line` and `column` are 1-based (None when unknown)."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def _refusal(problem: str, mark: Any) -> ComposerError:
    """A composer error at `mark` (turned into a located YamlRefused by the load functions)."""
    return ComposerError(None, None, problem, mark)


class Loader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses anchors, aliases, NUL characters and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _refusal(
                f"found an alias (*{event.anchor}): aliases are not accepted",
                event.start_mark,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _refusal(
                f"found an anchor (&{anchor}): anchors are not accepted",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _refusal(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.ScalarNode) and "\x00" in node.value:
            raise _refusal("contains a NUL character (\\0)", node.start_mark)
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise plain ValueError on a resolved value they cannot build
        # (`2024-02-30`, `!!int 0x`, `!!float abc`): give it the node's place in the file.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            if isinstance(exc, YamlRefused):
                raise
            raise ConstructorError(
                None, None, f"cannot read the value {node.value!r}: {exc}", node.start_mark
            ) from exc


_HINTS = {
    "alias": "write the value out in full; anchors and aliases (&name, *name) are not accepted",
    "anchor": "write the value out in full; anchors and aliases (&name, *name) are not accepted",
    "NUL": "remove the NUL character",
    "nested": f"flatten the data to at most {MAX_DEPTH} levels",
    "cannot read the value": "quote the value to keep it as text, or fix it",
}


def _refused(exc: Exception, text: str) -> YamlRefused:
    """`exc` (raised while loading `text`) as a located YamlRefused."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        hint = next((h for word, h in _HINTS.items() if word in problem), "")
        return YamlRefused(
            problem if hint else f"not valid YAML: {problem}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            hint or "check the indentation and quoting around this line",
        )
    if isinstance(exc, yaml.reader.ReaderError):
        position = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        if exc.character in (0, "\x00"):
            return YamlRefused("contains a NUL character (\\0)", line, column, _HINTS["NUL"])
        return YamlRefused(
            f"contains a character YAML does not allow ({exc.reason})",
            line,
            column,
            "remove control characters from the file",
        )
    if isinstance(exc, RecursionError):
        return YamlRefused("is nested too deeply", None, None, _HINTS["nested"])
    return YamlRefused(f"not valid YAML: {exc}")


def _loader(text: str) -> Loader:
    try:
        return Loader(text)  # a str is checked for unprintable characters here
    except yaml.YAMLError as exc:
        raise _refused(exc, text) from exc


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None for an empty one); raises YamlRefused."""
    loader = _loader(text)
    try:
        return loader.get_single_node()
    except (yaml.YAMLError, RecursionError) as exc:
        raise _refused(exc, text) from exc
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """The data of one YAML document (None for an empty one); raises YamlRefused."""
    loader = _loader(text)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, RecursionError) as exc:
        raise _refused(exc, text) from exc
    finally:
        loader.dispose()


def load_all(text: str) -> Iterator[Any]:
    """The data of each document of a multi-document YAML text; raises YamlRefused."""
    loader = _loader(text)
    try:
        while loader.check_data():
            yield loader.get_data()
    except (yaml.YAMLError, RecursionError) as exc:
        raise _refused(exc, text) from exc
    finally:
        loader.dispose()


def construct(node: yaml.Node) -> Any:
    """Python data of a node composed by `compose` (so without aliases)."""
    loader = Loader("")
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, RecursionError) as exc:
        raise _refused(exc, "") from exc
    finally:
        loader.dispose()


def max_bytes() -> int:
    """The size limit of a YAML input file: `settings.STEWARD_YAML_MAX_BYTES` (or the default)."""
    from django.conf import settings

    if not settings.configured:
        return DEFAULT_MAX_BYTES
    return int(getattr(settings, "STEWARD_YAML_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_size(size: int, limit: int | None = None) -> None:
    """Raise YamlRefused when `size` bytes is over the limit."""
    limit = max_bytes() if limit is None else limit
    if size > limit:
        raise YamlRefused(
            f"is {size:,} bytes; the limit is {limit:,} bytes",
            None,
            None,
            "split the file, or raise STEWARD_YAML_MAX_BYTES",
        )


def read_text(path: Path, *, limit: int | None = None) -> str:
    """The UTF-8 text of a YAML (or Markdown with front matter) file, within the size limit.

    A byte-order mark is dropped. Raises YamlRefused (too large, not UTF-8) or OSError.
    """
    check_size(path.stat().st_size, limit)
    raw = path.read_bytes()
    check_size(len(raw), limit)  # the file may have grown since stat()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlRefused("is not valid UTF-8", line, None, "save the file as UTF-8") from exc
