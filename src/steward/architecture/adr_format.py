"""Decision records as Markdown files: parse every dialect of FORMATS.md §1, write MADR 4.

Pure functions, no Django: `parse_record(name, text)` returns a `ParsedRecord`, raises
`NotARecord` for README/index/template files and `RecordError(line, reason)` for a record
that cannot be read. A record without a number (`20240115-title.md`) has `number=None`.
`write_madr4(record)` is what `steward export decisions` writes; parsing its output gives
the same record back (the round trip is tested byte for byte).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from steward.core.errors import Problem
from steward.core.importing.markdown_reader import read_front_matter
from steward.core.importing.yaml_reader import FileReader, Item

STATUSES = ("draft", "proposed", "accepted", "rejected", "deprecated", "superseded")
NON_RECORD_NAMES = frozenset(
    {"readme.md", "index.md", "adr-template.md", "template.md", "_template.md", "toc.md"}
)

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+(.+)$")
_BULLET = re.compile(r"^\s*[*-]\s+([A-Za-z][A-Za-z -]*?)\s*:\s*(.*)$")
_SUPERSEDED = re.compile(r"^\s*super[sc]eded\s+by\b[:\s]*(.*)$", re.IGNORECASE)
_SUPERSEDES = re.compile(r"^\s*super[sc]edes\b[:\s]*(.*)$", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_NUMBER_IN = re.compile(r"(?:ADR[-_ ]?)?0*(\d{1,6})\b", re.IGNORECASE)
_FILE_NUMBER = re.compile(r"^(\d+)[-_.]")
_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class NotARecord(Exception):
    """The file is not a decision record (README, index, a template): skipped and listed."""


class RecordError(Exception):
    """The record cannot be read: `line` (1-based) and the reason; `column` and `hint` when
    known, and `problems`, every problem found (the front matter's, each at its line)."""

    def __init__(
        self,
        line: int,
        reason: str,
        *,
        column: str | None = None,
        hint: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
        self.column = column
        self.hint = hint
        self.problems = problems or [Problem("", line, column, reason, hint)]

    @classmethod
    def of(cls, problems: list[Problem]) -> RecordError:
        """The error of the problems the front matter reader recorded (the first one named)."""
        first = problems[0]
        return cls(
            first.line or 1, first.message, column=first.column, hint=first.hint, problems=problems
        )


@dataclass
class ParsedRecord:
    """One decision record, independent of the dialect it came in."""

    title: str
    number: int | None = None
    status: str = "accepted"
    date: date | None = None
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    supersedes: int | None = None
    superseded_by: int | None = None
    body: str = ""
    dialect: str = ""


def slugify(title: str) -> str:
    """`Use PostgreSQL for billing!` -> `use-postgresql-for-billing`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "decision"


def file_name(number: int, title: str) -> str:
    """MADR 4 file name: `0007-use-postgresql.md`."""
    return f"{number:04d}-{slugify(title)}.md"


def number_from_name(name: str) -> int | None:
    """4-digit (or any non-8-digit) prefix; an 8-digit prefix is a log4brains date."""
    match = _FILE_NUMBER.match(name)
    if match is None or len(match.group(1)) == 8:
        return None
    return int(match.group(1))


def _number_of(reference: str) -> int | None:
    """`ADR-0123`, `[2. Title](0002-title.md)`, `0005-example.md` -> the number."""
    link = _LINK.search(reference)
    if link:
        target = link.group(2).rsplit("/", 1)[-1]
        return number_from_name(target) or _number_of(link.group(1))
    text = reference.strip().strip("\"'")
    if not text:
        return None
    from_file = number_from_name(text.rsplit("/", 1)[-1])
    if from_file is not None:
        return from_file
    match = _NUMBER_IN.match(text)
    return int(match.group(1)) if match else None


def _people(value: Any) -> list[str]:
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if not isinstance(v, dict) and str(v).strip()]
    return [p.strip() for p in str(value).split(",") if p.strip()]


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t for t in re.split(r"[,\s]+", value.strip()) if t]
    return _people(value)


def _date(value: Any, line: int) -> date | None:
    found, problem = _read_date(value)
    if problem:
        raise RecordError(line, f"date {problem}")
    return found


def _read_date(value: Any) -> tuple[date | None, str]:
    """The date of a value (None when empty) and "" or what is wrong with it."""
    if value is None or isinstance(value, dict) or value == "":
        return None, ""
    if isinstance(value, date):
        return value, ""
    text = str(value).strip()
    match = _LOOSE_DATE.match(text)
    if match is None:
        return None, f"{text!r} is not YYYY-MM-DD"
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))), ""
    except ValueError as exc:
        return None, f"{text!r}: {exc}"


def _status(text: str, record: ParsedRecord, line: int) -> None:
    """Set status (and superseded_by) from a status value such as `superseded by ADR-0012`."""
    problem = _set_status(text, record)
    if problem:
        raise RecordError(line, f"status {problem}")


def _set_status(text: str, record: ParsedRecord) -> str:
    """Set status (and superseded_by) from `text`; "" or what is wrong with it."""
    text = _COMMENT.sub("", text).strip().strip("\"'").strip()
    if not text or text.startswith("{"):
        return ""
    superseded = _SUPERSEDED.match(text)
    if superseded:
        record.status = "superseded"
        record.superseded_by = _number_of(superseded.group(1))
        return ""
    word = text.split()[0].lower().rstrip(".,;:")
    if word not in STATUSES:
        return f"{text!r} is not one of {', '.join(STATUSES)}"
    record.status = word
    return ""


def _front_matter(name: str, text: str) -> tuple[Item | None, int]:
    """The YAML front matter (None when the record has none) and the index of the first body
    line; raises RecordError with every problem of the front matter, each located."""
    problems: list[Problem] = []
    reader = FileReader(Path(name), problems, prefix="front matter: ")
    front = read_front_matter(reader, text)
    if problems:
        raise RecordError.of(problems)
    return front.item, front.body_line - 1


def _read_front(item: Item, record: ParsedRecord) -> dict[str, Any]:
    """Status, date, people, tags and links from the front matter into `record`; its data."""
    data = item.data()
    status_node = item.values.get("status")
    if status_node is not None and not isinstance(status_node, yaml.MappingNode):
        problem = _set_status(str(data.get("status") or ""), record)
        if problem:
            item.problem("status", problem, "one of: " + ", ".join(STATUSES))
    record.date, problem = _read_date(data.get("date"))
    if problem:
        item.problem("date", problem, "write dates as YYYY-MM-DD")
    if item.reader.problems:
        raise RecordError.of(item.reader.problems)
    record.decision_makers = _people(data.get("decision-makers", data.get("deciders")))
    record.consulted = _people(data.get("consulted"))
    record.informed = _people(data.get("informed"))
    record.tags = _tags(data.get("tags"))
    if "supersedes" in data and data["supersedes"] not in (None, ""):
        record.supersedes = _number_of(str(data["supersedes"]))
    return data


def _is_template(name: str, text: str) -> bool:
    lower = name.lower()
    if lower in NON_RECORD_NAMES or "template" in lower:
        return True
    return "{short title" in text or "{title}" in text.lower()


def parse_record(name: str, text: str) -> ParsedRecord:
    """Parse the decision record in file `name` with contents `text` (any FORMATS.md dialect)."""
    if not name.lower().endswith(".md") or _is_template(name, text):
        raise NotARecord(name)
    lines = text.replace("\r\n", "\n").split("\n")
    item, start = _front_matter(name, "\n".join(lines))
    record = ParsedRecord(title="", number=number_from_name(name))
    front = _read_front(item, record) if item is not None else {}
    record.dialect = "madr4" if "decision-makers" in front else "madr3" if front else ""

    # H1: the title (Nygard's `# 12. Title` carries the number).
    h1_index = None
    for index in range(start, len(lines)):
        match = _H1.match(_COMMENT.sub("", lines[index]))
        if match:
            h1_index = index
            break
    title = front.get("title")
    if h1_index is None and not (isinstance(title, str) and title.strip()):
        raise RecordError(start + 1, "no '# Title' heading: not a decision record")
    if h1_index is not None:
        heading = _H1.match(_COMMENT.sub("", lines[h1_index]))
        assert heading is not None
        title_text = heading.group(1).strip()
        numbered = _NUMBERED_TITLE.match(title_text)
        if numbered:
            title_text = numbered.group(2).strip()
            if record.number is None:
                record.number = int(numbered.group(1))
    if isinstance(title, str) and title.strip():
        title_text = title.strip()
    record.title = title_text
    if record.number is None and isinstance(front.get("id"), int | str):
        record.number = _number_of(str(front["id"]))

    body_start = (h1_index + 1) if h1_index is not None else start
    body_lines = lines[body_start:]
    if not front:
        body_lines = _read_bullets_and_status(lines, body_start, record)
    record.body = "\n".join(body_lines).strip("\n")
    if record.body:
        record.body += "\n"
    # No number (log4brains' date-prefixed names): the importer allocates one.
    return record


def _read_bullets_and_status(lines: list[str], start: int, record: ParsedRecord) -> list[str]:
    """MADR 2 / log4brains bullets and Nygard `Date:` / `## Status`; returns the body lines."""
    index = start
    # Metadata bullets (or Nygard's `Date:` line) right under the H1.
    while index < len(lines):
        raw = lines[index]
        stripped = _COMMENT.sub("", raw).strip()
        if not stripped:
            index += 1
            continue
        bullet = _BULLET.match(stripped)
        plain_date = re.match(r"^Date:\s*(.*)$", stripped)
        story = re.match(r"^Technical Story:", stripped)
        if bullet is None and plain_date is None and story is None:
            break
        if plain_date is not None:
            record.date = _date(plain_date.group(1), index + 1)
            record.dialect = record.dialect or "nygard"
        elif bullet is not None:
            key, value = bullet.group(1).strip().lower(), bullet.group(2).strip()
            record.dialect = "log4brains" if raw.lstrip().startswith("-") else "madr2"
            if key == "status":
                _status(value, record, index + 1)
            elif key == "date":
                record.date = _date(value, index + 1)
            elif key in ("deciders", "decision-makers"):
                record.decision_makers = _people(value)
            elif key == "consulted":
                record.consulted = _people(value)
            elif key == "informed":
                record.informed = _people(value)
            elif key == "tags":
                record.tags = _tags(value)
            else:
                break
        else:
            break  # Technical Story stays in the body
        index += 1
    body = lines[index:]
    # Nygard: the lines under `## Status` hold the status and the supersede links.
    out: list[str] = []
    in_status = False
    status_seen = False
    for offset, raw in enumerate(body):
        heading = re.match(r"^##\s+(.*?)\s*$", _COMMENT.sub("", raw))
        if heading:
            in_status = heading.group(1).strip().lower() == "status"
            if in_status:
                record.dialect = record.dialect or "nygard"
                continue
        if in_status:
            text = raw.strip()
            line_no = index + offset + 1
            if not text:
                continue
            superseded = _SUPERSEDED.match(text)
            supersedes = _SUPERSEDES.match(text)
            if superseded:
                record.status = "superseded"
                record.superseded_by = _number_of(superseded.group(1))
            elif supersedes:
                record.supersedes = _number_of(supersedes.group(1))
            elif not status_seen:
                _status(text, record, line_no)
            status_seen = True
            continue
        out.append(raw)
    return out


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_yaml_scalar(v) for v in values) + "]"


def _yaml_scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def write_madr4(record: ParsedRecord) -> str:
    """The record as a MADR 4 file (front matter, `# Title`, body)."""
    status = record.status
    if status == "superseded" and record.superseded_by is not None:
        status = f"superseded by ADR-{record.superseded_by:04d}"
    front = [f'status: "{status}"']
    if record.date is not None:
        front.append(f"date: {record.date.isoformat()}")
    front.append(f"decision-makers: {_yaml_list(record.decision_makers)}")
    if record.consulted:
        front.append(f"consulted: {_yaml_list(record.consulted)}")
    if record.informed:
        front.append(f"informed: {_yaml_list(record.informed)}")
    if record.tags:
        front.append(f"tags: {_yaml_list(record.tags)}")
    if record.supersedes is not None:
        front.append(f'supersedes: "ADR-{record.supersedes:04d}"')
    body = record.body.strip("\n")
    text = "---\n" + "\n".join(front) + "\n---\n" + f"# {record.title}\n"
    if body:
        text += "\n" + body + "\n"
    return text
