"""`steward export decisions DIR`: every decision as a MADR 4 file `NNNN-title-with-dashes.md`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from steward.architecture.adr_format import ParsedRecord, file_name, write_madr4
from steward.architecture.models import Decision
from steward.core import policy
from steward.core.errors import BadInput


def as_record(decision: Decision) -> ParsedRecord:
    """The decision as the format-neutral record the writer takes."""
    replaced_by = [d.number for d in decision.superseded_by_set.all()]
    return ParsedRecord(
        title=decision.title,
        number=decision.number,
        status=decision.status,
        date=decision.date,
        decision_makers=list(decision.decision_makers),
        consulted=list(decision.consulted),
        informed=list(decision.informed),
        tags=list(decision.tags),
        supersedes=decision.supersedes.number if decision.supersedes else None,
        superseded_by=max(replaced_by) if replaced_by else None,
        body=decision.body,
    )


def export_decisions(folder: Path, *, actor: Any) -> list[Path]:
    """Write every decision `actor` (a user, or `policy.SYSTEM`: all) may see; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = policy.visible(actor, "architecture.decision")
    written = []
    for decision in rows.select_related("supersedes").prefetch_related("superseded_by_set"):
        path = folder / file_name(decision.number, decision.title)
        path.write_text(write_madr4(as_record(decision)), encoding="utf-8")
        written.append(path)
    return written


def parse_mapping(values: list[str]) -> dict[str, str]:
    """`--map FROM=TO` options (a quadrant or ring, by name or key) as a dict."""
    mapping: dict[str, str] = {}
    for value in values:
        source, sep, target = value.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise BadInput(f"--map {value!r}: write FROM=TO, e.g. --map 'Data=Platforms'")
        mapping[source.strip()] = target.strip()
    return mapping


def export_radar(
    path: Path, fmt: str, *, actor: Any, day: date, mapping: dict[str, str] | None = None
) -> list[str]:
    """Write the radar as it stood on `day` in `fmt`; the warnings of what a 4 x 4 format merged.
    `mapping` writes quadrant or ring FROM as TO (BYOR and Zalando)."""
    from steward.architecture import radar_format, selectors

    if path.is_dir():
        raise BadInput(f"{path} is a folder: give the radar file to write")
    doc = selectors.radar_doc(actor=actor, day=day)
    mapping = mapping or {}
    known = {q.lower() for pair in doc.quadrants for q in pair}
    known |= {r[k].lower() for r in doc.rings for k in ("id", "name")}
    unknown = sorted(k for k in mapping if k.strip().lower() not in known)
    if unknown:
        raise BadInput(f"--map {', '.join(unknown)}: no such quadrant or ring")
    try:
        text, warnings = radar_format.write(doc, fmt, day, mapping)
    except radar_format.MappingError as exc:
        raise BadInput(f"--map {exc}") from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return warnings


ONCALL_KEYS = ("steward.io/oncall", "pagerduty.com/service-id", "opsgenie.com/team")
KIND_ORDER = {"domain": 0, "system": 1, "component": 2, "api": 3, "resource": 4}


def component_doc(component: Any) -> dict[str, Any]:
    """One catalog entity as Backstage writes it; Steward's fields as annotations."""
    from steward.architecture.catalog_format import API_VERSION, KIND_NAMES

    annotations = dict(component.annotations)
    if component.tier:
        annotations["steward.io/tier"] = str(component.tier)
    else:
        annotations.pop("steward.io/tier", None)
    if component.oncall and component.oncall not in [annotations.get(k) for k in ONCALL_KEYS]:
        annotations["steward.io/oncall"] = component.oncall
    in_links = [link.get("url") for link in component.links]
    if component.runbook and component.runbook not in in_links:
        annotations["steward.io/runbook"] = component.runbook
    elif not component.runbook:
        annotations.pop("steward.io/runbook", None)
    if component.repository and not annotations.get("github.com/project-slug"):
        annotations["steward.io/repository"] = component.repository.name
    metadata: dict[str, Any] = {"name": component.name}
    if component.namespace != "default":
        metadata["namespace"] = component.namespace
    for key, value in (("title", component.title), ("description", component.description)):
        if value:
            metadata[key] = value
    if component.extra.get("labels"):
        metadata["labels"] = component.extra["labels"]
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    if component.tags:
        metadata["tags"] = list(component.tags)
    if component.links:
        metadata["links"] = list(component.links)
    spec: dict[str, Any] = {}
    for key, value in (("type", component.type), ("lifecycle", component.lifecycle)):
        if value:
            spec[key] = value
    if component.owner_ref:
        spec["owner"] = component.owner_ref
    elif component.owner_team is not None:
        spec["owner"] = f"group:default/{component.owner_team.slug}"
    if component.system is not None:
        spec["system"] = component.system.ref
    deps = sorted(d.ref for d in component.depends_on.all())
    if deps:
        spec["dependsOn"] = deps
    spec.update(component.extra.get("spec") or {})
    return {
        "apiVersion": API_VERSION,
        "kind": KIND_NAMES[component.kind],
        "metadata": metadata,
        "spec": spec,
    }


def export_catalog(path: Path, *, actor: Any) -> int:
    """Write every catalog entity `actor` may see into one multi-document YAML file."""
    from steward.architecture.catalog_format import write_entities

    if path.is_dir():
        raise BadInput(f"{path} is a folder: give the catalog file to write")
    rows = policy.visible(actor, "architecture.component").select_related(
        "system", "owner_team", "repository"
    )
    components = sorted(
        rows.prefetch_related("depends_on"), key=lambda c: (KIND_ORDER[c.kind], c.name.lower())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(write_entities([component_doc(c) for c in components]), encoding="utf-8")
    return len(components)
