"""`steward import decisions DIR`: a folder of decision records in any FORMATS.md dialect.

Every file is parsed first; files that are not records (README, index, templates) are skipped
and listed (as warnings); a record that cannot be read is a problem with its file, line and
reason, and then nothing is written. Otherwise all records are written in one transaction,
keyed by number, so importing the same folder again changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from steward.architecture import catalog_format, radar_format
from steward.architecture.adr_format import NotARecord, ParsedRecord, RecordError, parse_record
from steward.architecture.models import (
    BlipEvent,
    Component,
    Decision,
    RadarQuadrant,
    RadarRing,
    Technology,
)
from steward.core import policy
from steward.core.importing import (
    Change,
    Diff,
    FileReader,
    Importer,
    MarkdownImporter,
    audit_created,
)
from steward.engineering import selectors as engineering_selectors
from steward.org import selectors as org_selectors

DEFAULT_RINGS = {radar_format.slug(r): i for i, r in enumerate(radar_format.BYOR_RINGS)}
FIELDS = (
    "title",
    "status",
    "date",
    "decision_makers",
    "consulted",
    "informed",
    "tags",
    "body",
    "supersedes",
)


def _current(decision: Decision) -> dict[str, Any]:
    return {
        "title": decision.title,
        "status": decision.status,
        "date": decision.date,
        "decision_makers": list(decision.decision_makers),
        "consulted": list(decision.consulted),
        "informed": list(decision.informed),
        "tags": list(decision.tags),
        "body": decision.body,
        "supersedes": decision.supersedes.number if decision.supersedes else None,
    }


class DecisionsImporter(MarkdownImporter):
    """A folder (or one file) of Markdown decision records, subfolders included."""

    kind = "decisions"
    recursive = True

    def read_records(self) -> list[tuple[Path, ParsedRecord]]:
        """Parse every file; record problems; list skipped files in `self.skipped`."""
        self.skipped: list[str] = []
        records: list[tuple[Path, ParsedRecord]] = []
        for file in self.files():
            rel = str(file.relative_to(self.path)) if self.path.is_dir() else file.name
            text = self.read_text(file)  # the size limit; UTF-8, a BOM dropped
            if text is None:
                continue
            try:
                records.append((file, parse_record(file.name, text)))
            except NotARecord:
                self.skipped.append(rel)
            except RecordError as exc:
                self.problems.extend(replace(p, file=str(file)) for p in exc.problems)
        return records

    def _number_numberless(self, records: list[tuple[Path, ParsedRecord]]) -> None:
        """Give records without a number (date-prefixed names) the number Steward gave them
        before (by file name), else the next free one, in file-name (that is, date) order."""
        self.sources: dict[int, str] = {}
        known = dict(Decision.objects.exclude(source_file="").values_list("source_file", "number"))
        used = set(Decision.objects.values_list("number", flat=True))
        used.update(r.number for _f, r in records if r.number is not None)
        next_free = max(used, default=0) + 1
        for file, record in sorted(records, key=lambda fr: fr[0].name):
            if record.number is not None:
                continue
            if file.name in known:
                record.number = known[file.name]
            else:
                record.number = next_free
                next_free += 1
            self.sources[record.number] = file.name

    def plan(self) -> Diff:
        diff = self.new_diff()
        records = self.read_records()
        by_number: dict[int, tuple[Path, ParsedRecord]] = {}
        self._number_numberless(records)
        for file, record in records:
            assert record.number is not None
            if record.number in by_number:
                other = by_number[record.number][0]
                self.problem(
                    1,
                    None,
                    f"number {record.number} is also used by {other.name}",
                    "give each record its own number",
                    file=str(file),
                )
                continue
            by_number[record.number] = (file, record)
        # `superseded by N` on the old record means N supersedes it (adr-tools writes both).
        for number, (_file, record) in by_number.items():
            target = record.superseded_by
            if target is not None and target in by_number:
                newer = by_number[target][1]
                if newer.supersedes is None:
                    newer.supersedes = number
        existing = {d.number: d for d in Decision.objects.select_related("supersedes")}
        known = set(existing) | set(by_number)
        for number in sorted(by_number):
            file, record = by_number[number]
            if record.supersedes is not None and record.supersedes not in known:
                diff.warnings.append(
                    f"{file.name}: supersedes ADR-{record.supersedes:04d}, which is neither in "
                    "the folder nor in Steward (link dropped)"
                )
                record.supersedes = None
            new = {name: getattr(record, name) for name in FIELDS}
            key = f"ADR-{number:04d}"
            current = existing.get(number)
            if current is None:
                diff.add(Change("added", key, line=None, payload=record))
                continue
            old = _current(current)
            changed = {n: (old[n], new[n]) for n in FIELDS if old[n] != new[n]}
            kind = "changed" if changed else "unchanged"
            diff.add(Change(kind, key, fields=changed, payload=record))
        diff.warnings.extend(f"skipped {name} (not a decision record)" for name in self.skipped)
        return diff

    def apply(self, diff: Diff) -> None:
        """New records in bulk (audited with `audit_created`), changed ones with `save()`."""
        added: list[ParsedRecord] = [c.payload for c in diff.of_kind("added")]
        changed: list[ParsedRecord] = [c.payload for c in diff.of_kind("changed")]
        actor = self.actor if getattr(self.actor, "pk", None) else None
        created = Decision.objects.bulk_create(
            [
                Decision(
                    number=r.number or 0,  # numbered in plan()
                    source_file=self.sources.get(r.number or 0, ""),
                    created_by=actor,
                    **{name: getattr(r, name) for name in FIELDS[:-1]},
                )
                for r in added
            ]
        )
        audit_created(created, actor=actor)
        decisions = {d.number: d for d in Decision.objects.all()}
        for record in changed:
            assert record.number is not None
            decision = decisions[record.number]
            for name in FIELDS[:-1]:
                setattr(decision, name, getattr(record, name))
            decision.save()  # save(): audited
        # Links last: a record may supersede one that was created in this same import.
        for record in [*added, *changed]:
            assert record.number is not None
            decision = decisions[record.number]
            target = decisions.get(record.supersedes) if record.supersedes is not None else None
            if decision.supersedes_id != (target.pk if target else None):
                decision.supersedes = target
                decision.save(update_fields=["supersedes", "updated_at"])


def _technology_change(
    diff: Diff, doc: radar_format.RadarDoc, entry: Any, tech: Technology | None
) -> None:
    """The technology itself: added when new; changed when a full export (not a snapshot)
    gives it another name, description or links."""
    key = entry.key
    if tech is None:
        diff.add(Change("added", f"technology:{key}", line=entry.line, payload=entry))
    elif not doc.snapshot and (tech.name, tech.description, tech.links) != (
        entry.title,
        entry.description,
        entry.links,
    ):
        diff.add(
            Change(
                "changed",
                f"technology:{key}",
                line=entry.line,
                fields={"description": (tech.description, entry.description)},
                payload=entry,
            )
        )


def _point_changes(
    diff: Diff,
    doc: radar_format.RadarDoc,
    entry: Any,
    history: dict[date, BlipEvent],
    ring_position: dict[str, int],
) -> None:
    """A change per dated point of the entry's timeline: unchanged when the stored event (or,
    in a snapshot, the ring before it) says the same; a snapshot's move in or out is set."""
    key = entry.key
    for point in reversed(entry.timeline):
        ring_key = point.ring
        ident = f"{key}@{point.date.isoformat()}"
        existing = history.get(point.date)
        if existing is not None:
            same = existing.ring is not None and existing.ring.key == ring_key
            same = same and (doc.snapshot or existing.moved == point.moved)
            kind = "unchanged" if same else "changed"
            diff.add(Change(kind, ident, line=entry.line, payload=(key, point)))
            continue
        before = [e for d, e in history.items() if d < point.date]
        last = before[-1] if before else None
        if doc.snapshot and last is not None and last.ring is not None:
            if last.ring.key == ring_key:
                diff.add(Change("unchanged", ident, line=entry.line, payload=(key, point)))
                continue
            old, new = ring_position[last.ring.key], ring_position[ring_key]
            point.moved = "in" if new < old else "out"
        diff.add(Change("added", ident, line=entry.line, payload=(key, point)))


def _snapshot_warning(
    diff: Diff,
    doc: radar_format.RadarDoc,
    techs: dict[str, Technology],
    by_name: dict[str, Technology],
) -> None:
    """Warn about the stored technologies a snapshot does not list (they stay as they were)."""
    listed = {e.key for e in doc.entries} | {
        (techs.get(e.key) or by_name.get(e.title.lower()) or e).key for e in doc.entries
    }
    missing = sorted(t.name for t in techs.values() if t.key not in listed)
    if missing:
        diff.warnings.append(
            f"not in this file (left as they were): {', '.join(missing[:20])}"
            + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
        )


class RadarImporter(Importer):
    """`steward import radar FILE`: BYOR CSV/JSON, Zalando or Backstage JSON (format detected).

    A BYOR file is one snapshot dated the import day (Zalando: its `date`); a Backstage file is
    the whole history. Each dated point becomes a blip event; a snapshot point whose ring equals
    the blip's ring before it adds nothing, so successive snapshots build the timeline and
    re-importing a file changes nothing.
    """

    kind = "radar"

    def read_doc(self) -> radar_format.RadarDoc | None:
        text = FileReader(self.path, self.problems, name=self.file).read_text()
        if text is None:
            return None
        names_q = list(RadarQuadrant.objects.order_by("position").values_list("name", flat=True))
        names_r = list(RadarRing.objects.order_by("position").values_list("name", flat=True))
        try:
            return radar_format.read(
                self.path.name, text, self.today, quadrants=names_q, rings=names_r
            )
        except radar_format.RadarFileError as exc:
            self.problem(exc.line, None, str(exc), exc.hint)
        except ExceptionGroup as group:
            for item in group.exceptions:
                assert isinstance(item, radar_format.RadarFileError)
                self.problem(item.line, None, str(item), item.hint)
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            self.problem(
                None, None, f"not a radar file: {exc!s}", "check the format (FORMATS.md 2)"
            )
        return None

    def plan(self) -> Diff:
        diff = self.new_diff()
        doc = self.read_doc()
        if doc is None:
            return diff
        self._new_quadrants(diff, doc)
        ring_position = self._new_rings(diff, doc)
        self.ring_positions = ring_position
        techs = {t.key: t for t in Technology.objects.all()}
        by_name: dict[str, Technology] = {}
        for known in techs.values():
            for name in [known.name, *known.aliases]:
                by_name.setdefault(name.lower(), known)
        events: dict[int, list[BlipEvent]] = {}
        for event in BlipEvent.objects.select_related("ring").order_by("date"):
            events.setdefault(event.technology_id, []).append(event)
        for entry in doc.entries:
            tech = techs.get(entry.key) or by_name.get(entry.title.lower())
            key = tech.key if tech else entry.key
            entry.key = key
            _technology_change(diff, doc, entry, tech)
            history = {e.date: e for e in events.get(tech.pk, [])} if tech else {}
            _point_changes(diff, doc, entry, history, ring_position)
        if doc.snapshot:
            _snapshot_warning(diff, doc, techs, by_name)
        return diff

    def _new_quadrants(self, diff: Diff, doc: radar_format.RadarDoc) -> None:
        """A change per quadrant of the file that Steward does not have (placed last)."""
        quadrants = {q.key: q for q in RadarQuadrant.objects.all()}
        next_q = max((q.position for q in quadrants.values()), default=-1) + 1
        for key, name in doc.quadrants:
            if key not in quadrants:
                diff.notes.append(f"quadrant {name!r} created")
                diff.add(
                    Change("added", f"quadrant:{key}", payload=("quadrant", key, name, next_q))
                )
                next_q += 1

    def _new_rings(self, diff: Diff, doc: radar_format.RadarDoc) -> dict[str, int]:
        """A change per ring of the file that Steward does not have; every ring's position
        (0 innermost) once they are added."""
        rings = {r.key: r for r in RadarRing.objects.all()}
        # A new ring goes before the next ring of the file that Steward has (else last), so
        # that a file naming Adopt after Trial and Assess still puts Adopt innermost.
        order = [r.key for r in sorted(rings.values(), key=lambda r: r.position)]
        doc_keys = [r["id"] for r in doc.rings]
        for index, ring in enumerate(doc.rings):
            if ring["id"] in rings:
                continue
            rank = DEFAULT_RINGS.get(ring["id"])
            if rank is not None:  # Adopt, Trial, Assess, Hold keep BYOR's order
                after = [k for k in order if DEFAULT_RINGS.get(k, -1) > rank]
            else:
                after = [k for k in doc_keys[index + 1 :] if k in order]
            order.insert(order.index(after[0]) if after else len(order), ring["id"])
            diff.notes.append(f"ring {ring['name']!r} created")
            diff.add(Change("added", f"ring:{ring['id']}", payload=("ring", ring, 0)))
        return {key: i for i, key in enumerate(order)}

    def apply(self, diff: Diff) -> None:
        """Quadrants and rings first, then technologies, then their events (all audited)."""
        actor = self.actor if getattr(self.actor, "pk", None) else None
        for change in diff.changes:
            if change.kind != "added" or not isinstance(change.payload, tuple):
                continue
            if change.payload[0] == "quadrant":
                _kind, key, name, position = change.payload
                # Techniques (BYOR's default quadrant) never show up in manifests.
                RadarQuadrant.objects.create(
                    key=key, name=name, position=position, detectable=key != "techniques"
                )
            elif change.payload[0] == "ring":
                _kind, ring, _position = change.payload
                RadarRing.objects.create(
                    key=ring["id"],
                    name=ring["name"],
                    position=self.ring_positions[ring["id"]],
                    color=ring["color"],
                    description=ring["description"],
                )
        for ring_row in RadarRing.objects.all():
            position = self.ring_positions.get(ring_row.key, ring_row.position)
            if ring_row.position != position:
                ring_row.position = position
                ring_row.save(update_fields=["position"])
        quadrants = {q.key: q for q in RadarQuadrant.objects.all()}
        rings = {r.key: r for r in RadarRing.objects.all()}
        for change in diff.changes:
            if not isinstance(change.payload, radar_format.Entry):
                continue
            entry = change.payload
            tech = Technology.objects.filter(key=entry.key).first() or Technology(key=entry.key)
            if tech.pk is None:
                tech.quadrant = quadrants[entry.quadrant]
            tech.name, tech.description, tech.links = entry.title, entry.description, entry.links
            tech.save()
        techs = {t.key: t for t in Technology.objects.all()}
        by_name = {t.name.lower(): t for t in techs.values()}
        for change in diff.changes:
            if change.kind == "unchanged" or not isinstance(change.payload, tuple):
                continue
            if change.payload[0] in ("quadrant", "ring"):
                continue
            key, point = change.payload
            tech = techs.get(key) or by_name[key]
            event = BlipEvent.objects.filter(technology=tech, date=point.date).first()
            event = event or BlipEvent(technology=tech, date=point.date, recorded_by=actor)
            event.ring = rings[point.ring]
            event.moved = point.moved
            event.reason = event.reason or f"imported from {self.path.name}"
            event.save()


MODELED_SPEC = {"type", "lifecycle", "owner", "system", "dependsOn"}


def _catalog_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = []
    for file in sorted(path.rglob("*")):
        if not file.is_file() or file.suffix.lower() not in (".yaml", ".yml"):
            continue
        if file.stem == "catalog-info" or "backstage.io/" in file.read_text(errors="replace"):
            found.append(file)
    return found


def component_values(entity: catalog_format.Entity) -> dict[str, Any]:
    """The Component fields of an entity (references still as text)."""
    meta, spec = entity.metadata, entity.spec
    tier_text = catalog_format.annotation(entity, "steward.io/tier")
    source = catalog_format.annotation(entity, "backstage.io/source-location")
    paths = []
    if "/tree/" in source:
        tail = source.split("/tree/", 1)[1].split("/", 1)
        if len(tail) == 2 and tail[1].strip("/"):
            paths = [tail[1].strip("/")]
    extra: dict[str, Any] = {}
    if meta.get("labels"):
        extra["labels"] = dict(meta["labels"])
    rest = {k: v for k, v in spec.items() if k not in MODELED_SPEC}
    if rest:
        extra["spec"] = rest
    return {
        "title": str(meta.get("title") or ""),
        "description": str(meta.get("description") or ""),
        "type": str(spec.get("type") or ""),
        "lifecycle": str(spec.get("lifecycle") or ""),
        "owner_ref": catalog_format.owner_ref(entity),
        "tier": int(tier_text) if tier_text.isdigit() else None,
        "oncall": catalog_format.annotation(
            entity, "steward.io/oncall", "pagerduty.com/service-id", "opsgenie.com/team"
        ),
        "runbook": catalog_format.runbook(entity),
        "paths": paths,
        "tags": [str(t) for t in meta.get("tags") or []],
        "annotations": {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
        "links": [dict(link) for link in meta.get("links") or [] if isinstance(link, dict)],
        "extra": extra,
        "system": (
            catalog_format.parse_ref(str(spec["system"]), "system", entity.namespace)
            if spec.get("system")
            else ""
        ),
        "depends_on": sorted(
            catalog_format.parse_ref(str(r), "component", entity.namespace)
            for r in spec.get("dependsOn") or []
        ),
        "repository_name": catalog_format.repository_name(entity),
    }


def _component_current(component: Component) -> dict[str, Any]:
    return {
        "title": component.title,
        "description": component.description,
        "type": component.type,
        "lifecycle": component.lifecycle,
        "owner_ref": component.owner_ref,
        "tier": component.tier,
        "oncall": component.oncall,
        "runbook": component.runbook,
        "paths": list(component.paths),
        "tags": list(component.tags),
        "annotations": dict(component.annotations),
        "links": list(component.links),
        "extra": dict(component.extra),
        "system": component.system.ref.lower() if component.system else "",
        "depends_on": sorted(d.ref.lower() for d in component.depends_on.all()),
        "repository_name": component.repository.name if component.repository else "",
    }


class CatalogImporter(Importer):
    """`steward import catalog PATH`: Backstage catalog-info.yaml files or a folder of them.

    Entities are keyed by `kind:namespace/name` (case-insensitive), so importing the same files
    again changes nothing. `spec.owner` (or an `ownedBy` relation) names a Group: its name is a
    Steward team's slug or name; Group entities only confirm that mapping.
    """

    kind = "catalog"

    def plan(self) -> Diff:
        diff = self.new_diff()
        entities: dict[str, tuple[Path, catalog_format.Entity]] = {}
        groups: list[catalog_format.Entity] = []
        root = self.path if self.path.is_dir() else self.path.parent
        for file in _catalog_files(self.path):
            self._read_file(diff, file, root, entities, groups)
        teams = org_selectors.teams_by_slug()
        by_name = {t.name.lower(): t for t in teams.values()}
        by_slug = {slug.lower(): t for slug, t in teams.items()}
        for group in groups:
            if group.name.lower() not in by_slug and group.name.lower() not in by_name:
                diff.warnings.append(f"group {group.name} is not a Steward team")
        self.teams = {**by_name, **by_slug}
        repos = set(
            engineering_selectors.repository_list(actor=policy.SYSTEM).values_list(
                "name", flat=True
            )
        )
        existing = {
            c.ref.lower(): c
            for c in Component.objects.select_related("system", "repository").prefetch_related(
                "depends_on"
            )
        }
        known = set(existing) | set(entities)
        self.payloads: dict[str, dict[str, Any]] = {}
        for ref, (_file, entity) in entities.items():
            values = self._checked_values(diff, entity, repos, known)
            self.payloads[ref] = {**values, "entity": entity}
            current = existing.get(ref)
            if current is None:
                diff.add(Change("added", ref, line=entity.line, payload=ref))
                continue
            old = _component_current(current)
            changed = {k: (old[k], values[k]) for k in old if old[k] != values[k]}
            kind = "changed" if changed else "unchanged"
            diff.add(Change(kind, ref, line=entity.line, fields=changed, payload=ref))
        return diff

    def _read_file(
        self,
        diff: Diff,
        file: Path,
        root: Path,
        entities: dict[str, tuple[Path, catalog_format.Entity]],
        groups: list[catalog_format.Entity],
    ) -> None:
        """Read one catalog file's entities into `entities` (by ref) and `groups`, recording
        its problems (an entity defined twice is one), notes and warnings."""
        text = FileReader(file, self.problems, name=str(file)).read_text()
        if text is None:
            return
        where = catalog_format.Substitutions(base=file.parent, root=root)
        found, problems, notes = catalog_format.read_entities(text, where, str(file))
        diff.warnings.extend(f"{file.name}: {warning}" for warning in where.warnings)
        self.problems.extend(problems)
        diff.notes.extend(f"{file.name}: {note}" for note in notes)
        for entity in found:
            if entity.kind == "group":
                groups.append(entity)
                continue
            if entity.ref in entities:
                other = entities[entity.ref][0]
                self.problem(
                    entity.line,
                    None,
                    f"{entity.ref} is also defined in {other.name}",
                    "define each entity once (names compare case-insensitively)",
                    file=str(file),
                )
                continue
            entities[entity.ref] = (file, entity)

    def _checked_values(
        self, diff: Diff, entity: catalog_format.Entity, repos: set[str], known: set[str]
    ) -> dict[str, Any]:
        """The component's values; an owner that is not a team, a repository not ingested and
        a system or dependency not in the catalog are warnings (the last two are dropped)."""
        values = component_values(entity)
        owner = values["owner_ref"]
        if owner.startswith("group:") and owner.split("/", 1)[1] not in self.teams:
            diff.warnings.append(f"{entity.name}: owner {owner} is not a Steward team")
        if values["repository_name"] and values["repository_name"] not in repos:
            diff.warnings.append(
                f"{entity.name}: repository {values['repository_name']} is not ingested"
            )
        for dep in [values["system"], *values["depends_on"]]:
            if dep and dep not in known:
                diff.warnings.append(f"{entity.name}: {dep} is not in the catalog (dropped)")
        values["depends_on"] = [d for d in values["depends_on"] if d in known]
        values["system"] = values["system"] if values["system"] in known else ""
        return values

    def apply(self, diff: Diff) -> None:
        """Create and update (save: audited), then link systems and dependencies."""
        repos = {r.name: r for r in engineering_selectors.repository_list(actor=policy.SYSTEM)}
        existing = {c.ref.lower(): c for c in Component.objects.all()}
        touched = []
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            values = self.payloads[change.payload]
            entity: catalog_format.Entity = values["entity"]
            component = existing.get(change.payload) or Component(
                kind=entity.kind, namespace=entity.namespace, name=entity.name
            )
            owner = values["owner_ref"]
            team_key = owner.split("/", 1)[1] if owner.startswith("group:") else ""
            component.owner_team = self.teams.get(team_key)
            component.repository = repos.get(values["repository_name"])
            for name in (
                "title",
                "description",
                "type",
                "lifecycle",
                "owner_ref",
                "tier",
                "oncall",
                "runbook",
                "paths",
                "tags",
                "annotations",
                "links",
                "extra",
            ):
                setattr(component, name, values[name])
            component.save()
            existing[change.payload] = component
            touched.append(change.payload)
        for ref in touched:
            values = self.payloads[ref]
            component = existing[ref]
            component.system = existing.get(values["system"]) if values["system"] else None
            component.save(update_fields=["system"])
            component.depends_on.set([existing[d] for d in values["depends_on"]])
