"""Backstage `catalog-info.yaml` (FORMATS.md section 3): read entities, write them back.

Plain Python, no Django. `read_entities(text)` splits a multi-document file (`---`), reads each
document with core's YAML reader (`core.importing.yaml_reader`: problems at their line and
column) and returns `Entity` records with the line each starts on.
`parse_ref` reads entity references `[<kind>:][<namespace>/]<name>` (compared lower-case).
`write_entities` writes the envelope `apiVersion, kind, metadata, spec` per entity.

Where Backstage has no field for what Steward tracks, Steward reads and writes annotations:
`steward.io/tier` (1, 2, 3), `steward.io/oncall` (also `pagerduty.com/service-id` and
`opsgenie.com/team` when present), `steward.io/runbook` (also a `links[]` entry whose type or
title says runbook), the repository from `github.com/project-slug` (`owner/name`) or
`steward.io/repository`, and paths from `backstage.io/source-location`'s path part.

Substitutions (FORMATS.md 3): a mapping with the single key `$text`, `$json` or `$yaml` anywhere
in an entity is replaced by the file it names, read as text, JSON or YAML, relative to the
catalog file (`read_entities(text, where=Substitutions(...))`). Steward never fetches: a URL
(`https://...`, `url:...`, any `scheme:`) is left as written with a warning; a path outside the
imported folder (absolute, `../` past it, a symlink leading out), a missing or unreadable file, or
content that does not parse is a problem of the document (nothing is imported). Without `where`
the placeholders are left as written. Substituted content is not searched for placeholders again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from steward.core import safe_yaml
from steward.core.errors import Problem
from steward.core.importing.yaml_reader import NULL_TAG, FileReader, Item

API_VERSION = "backstage.io/v1alpha1"
KINDS = {"component", "system", "api", "resource", "domain", "group", "user", "location"}
STORED_KINDS = ("component", "system", "api", "resource", "domain")
NAME_RE = re.compile(r"^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$")
REQUIRED_SPEC = {
    "component": ("type", "lifecycle", "owner"),
    "api": ("type", "lifecycle", "owner", "definition"),
    "resource": ("type", "owner"),
    "system": ("owner",),
    "domain": ("owner",),
}
KIND_NAMES = {
    "component": "Component",
    "system": "System",
    "api": "API",
    "resource": "Resource",
    "domain": "Domain",
}


class CatalogError(ValueError):
    """A document that cannot be read: the line it starts on and the fix."""

    def __init__(self, message: str, line: int | None, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass
class Entity:
    """One catalog entity as read (kind lower-case, name as written)."""

    kind: str
    namespace: str
    name: str
    line: int
    metadata: dict[str, Any] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)
    relations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """`kind:namespace/name`, lower-case (how references compare)."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()


def parse_ref(ref: str, default_kind: str | None, default_namespace: str = "default") -> str:
    """A reference in full lower-case form `kind:namespace/name` (kind "" when not known)."""
    text = str(ref).strip()
    kind = default_kind or ""
    if ":" in text:
        kind, text = text.split(":", 1)
    namespace = default_namespace
    if "/" in text:
        namespace, text = text.split("/", 1)
    return f"{kind}:{namespace}/{text}".lower()


def split_documents(text: str) -> list[tuple[int, str]]:
    """The documents of a multi-document YAML text with the 1-based line each starts on."""
    docs: list[tuple[int, str]] = []
    start, current = 1, list[str]()
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(keepends=True), start=1):
        if re.match(r"^---\s*(#.*)?$", line):
            if "".join(current).strip():
                docs.append((start, "".join(current)))
            start, current = number + 1, list[str]()
            continue
        current.append(line)
    if "".join(current).strip():
        docs.append((start, "".join(current)))
    return docs


PLACEHOLDERS = {"$text": "text", "$json": "JSON", "$yaml": "YAML"}
URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Substitutions:
    """Where `$text`/`$json`/`$yaml` paths are read: relative to `base` (the catalog file's
    folder), never outside `root` (the imported folder). `warnings` collects the URLs left as
    written."""

    base: Path
    root: Path
    warnings: list[str] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _placeholder_line(chunk: str, start: int, key: str, target: str) -> int:
    """The line of `key: target` in the document (its first line when not found)."""
    for offset, text in enumerate(chunk.splitlines()):
        if key in text and target in text:
            return start + offset
    for offset, text in enumerate(chunk.splitlines()):
        if key in text:
            return start + offset
    return start


def _read_placeholder(key: str, target: str, where: Substitutions) -> Any:
    if Path(target).is_absolute() or target.startswith("~"):
        raise _Refused(
            f"{key} {target}: an absolute path",
            "name a file relative to the catalog file, inside the imported folder",
        )
    root = where.root.resolve()
    resolved = (where.base / target).resolve()
    if not resolved.is_relative_to(root):
        raise _Refused(
            f"{key} {target}: outside the imported folder {where.root}",
            "Steward reads only files inside the folder being imported",
        )
    if not resolved.is_file():
        raise _Refused(f"{key} {target}: no such file", "check the path (relative to this file)")
    if resolved.stat().st_size > safe_yaml.max_bytes():
        raise _Refused(f"{key} {target}: larger than the import limit", "see docs/security.md")
    try:
        content = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _Refused(f"{key} {target}: cannot be read as UTF-8 text ({exc})", "") from exc
    if key == "$text":
        return content
    if key == "$json":
        try:
            return json.loads(content)
        except ValueError as exc:
            raise _Refused(
                f"$json {target}: not JSON ({exc})", "fix the file, or use $text"
            ) from exc
    try:
        return safe_yaml.load(content)
    except safe_yaml.YamlRefused as exc:
        raise _Refused(f"$yaml {target}: {exc}", exc.hint) from exc


def substitute(
    data: Any, where: Substitutions, chunk: str = "", line: int = 1
) -> tuple[Any, list[CatalogError]]:
    """`data` with every `$text`/`$json`/`$yaml` placeholder replaced (module docstring), and
    the placeholders refused (each with its line in the document `chunk` starting at `line`)."""
    problems: list[CatalogError] = []

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                [(key, target)] = value.items()
                if key in PLACEHOLDERS and isinstance(target, str):
                    at = _placeholder_line(chunk, line, key, target)
                    if URL_RE.match(target) and not re.match(r"^[A-Za-z]:[\\/]", target):
                        where.warnings.append(
                            f"line {at}: {key} {target} not fetched (Steward reads no URLs); "
                            "kept as written"
                        )
                        return value
                    try:
                        return _read_placeholder(key, target, where)
                    except _Refused as exc:
                        problems.append(CatalogError(str(exc), at, exc.hint))
                        return value
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(data), problems


def read_entities(
    text: str, where: Substitutions | None = None, file: str = "catalog-info.yaml"
) -> tuple[list[Entity], list[Problem], list[str]]:
    """Every entity of a file, the problems of the documents that cannot be read (`file`, line,
    column and fix: each document is read with core's YAML reader), and notes (kinds skipped);
    with `where`, placeholders are substituted first (module docstring)."""
    entities: list[Entity] = []
    problems: list[Problem] = []
    notes: list[str] = []
    reader = FileReader(Path(file), problems, name=file)
    for line, chunk in split_documents(text):
        doc = _document(reader, chunk, line)
        if doc is None:
            continue
        data = doc.data()
        if where is not None:
            data, refused = substitute(data, where, chunk, line)
            problems.extend(Problem(file, e.line, None, str(e), e.hint) for e in refused)
            if refused:
                continue
        entity = _entity(doc, data, line, notes)
        if entity is not None and doc.ok:
            entities.append(entity)
    return entities, problems, notes


def _document(reader: FileReader, chunk: str, line: int) -> Item | None:
    """The document starting on `line` as an item (None when empty or not read: a problem)."""
    root = reader.compose_text(chunk, first_line=line)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG):
        return None
    if not isinstance(root, yaml.MappingNode):
        reader.problem(root, None, "not an entity (a mapping)", "see FORMATS.md 3")
        return None
    doc = Item(reader, root, path="")
    return doc if doc.ok else None


def _problem_at(doc: Item, section: str, key: str | None, message: str, hint: str) -> None:
    """A problem at `section.key` of the document (at `section`, or the document, if absent)."""
    node = doc.values.get(section)
    if isinstance(node, yaml.MappingNode):
        Item(doc.reader, node, path=section).problem(key, message, hint)
        doc.ok = False
    else:
        doc.problem(section, message, hint)


def _entity(doc: Item, data: dict[str, Any], line: int, notes: list[str]) -> Entity | None:
    """The entity of one document (None after a problem, or for a kind Steward skips)."""
    kind = str(data.get("kind") or "").strip().lower()
    raw_meta, raw_spec = data.get("metadata"), data.get("spec")
    metadata: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    spec: dict[str, Any] = raw_spec if isinstance(raw_spec, dict) else {}
    name = str(metadata.get("name") or "").strip()
    if kind not in KINDS:
        hint = "use Component, System, API, Resource, Domain, Group or User"
        doc.problem("kind", f"{data.get('kind')!r} is not a catalog kind", hint)
        return None
    if not name or len(name) > 63 or not NAME_RE.match(name):
        hint = "1-63 letters and digits, joined by single - _ or ."
        _problem_at(doc, "metadata", "name", f"{name!r} is not a valid name", hint)
        return None
    missing = [f for f in REQUIRED_SPEC.get(kind, ()) if spec.get(f) in (None, "")]
    if kind == "api" and missing == ["definition"]:
        missing = []  # the definition is often a $text substitution Steward does not follow
    if missing:
        message = f"{data.get('kind')} {name}: spec.{', spec.'.join(missing)} missing"
        _problem_at(doc, "spec", None, message, "add the required fields (FORMATS.md 3)")
        return None
    if kind in ("user", "location"):
        notes.append(f"line {line}: {data.get('kind')} {name} skipped")
        return None
    return Entity(
        kind=kind,
        namespace=str(metadata.get("namespace") or "default"),
        name=name,
        line=line,
        metadata=dict(metadata),
        spec=dict(spec),
        relations=list(data.get("relations") or []),
    )


def owner_ref(entity: Entity) -> str:
    """The owner reference: an `ownedBy` relation wins over `spec.owner` (FORMATS.md 3)."""
    for relation in entity.relations:
        if isinstance(relation, dict) and relation.get("type") == "ownedBy":
            return parse_ref(str(relation.get("targetRef", "")), "group", entity.namespace)
    owner = entity.spec.get("owner")
    return parse_ref(str(owner), "group", entity.namespace) if owner else ""


def annotation(entity: Entity, *names: str) -> str:
    """The first of `names` among the annotations (string values)."""
    annotations = entity.metadata.get("annotations") or {}
    for name in names:
        value = annotations.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def runbook(entity: Entity) -> str:
    """`steward.io/runbook`, else the first link whose type or title names a runbook."""
    found = annotation(entity, "steward.io/runbook")
    if found:
        return found
    for link in entity.metadata.get("links") or []:
        if isinstance(link, dict) and "runbook" in (
            f"{link.get('type', '')} {link.get('title', '')}".lower()
        ):
            return str(link.get("url") or "")
    return ""


def repository_name(entity: Entity) -> str:
    """The repository's name from `github.com/project-slug` or `steward.io/repository`."""
    slug = annotation(entity, "steward.io/repository", "github.com/project-slug")
    return slug.rstrip("/").rsplit("/", 1)[-1] if slug else ""


def write_entities(docs: list[dict[str, Any]]) -> str:
    """Entities (each `{apiVersion, kind, metadata, spec}`) as one multi-document file."""
    parts = [
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
        for doc in docs
    ]
    return "---\n" + "---\n".join(parts) if parts else ""
