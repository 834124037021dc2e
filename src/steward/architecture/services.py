"""Writes of decision records: create (number allocated here), edit, move through the workflow.

Every service takes the acting user (or `policy.SYSTEM` for jobs and the CLI) and checks it.

Every write runs in one transaction and is audited by auditlog (`save()`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.architecture import detection, rules
from steward.architecture.models import (
    DECIDER_MOVES,
    TRANSITIONS,
    BlipEvent,
    Component,
    DebtItem,
    Decision,
    DecisionInitiative,
    DecisionLink,
    RadarQuadrant,
    RadarRing,
    RepositoryDetection,
    Technology,
    TechnologyUse,
)
from steward.architecture.radar_format import slug
from steward.core import policy
from steward.core.errors import InvalidFields, invalid_fields_from
from steward.core.importing import audit_created, audit_deleted
from steward.engineering import gitlog


class DecisionError(InvalidFields):
    """A decision change that cannot be made as asked (`fields` names the fields at fault)."""


def _clean_list(values: Sequence[str] | None) -> list[str]:
    return [str(v).strip() for v in (values or []) if str(v).strip()]


def _save(decision: Decision) -> None:
    try:
        # The number is Steward's: its uniqueness is the database constraint's job (a collision
        # is an IntegrityError, retried with the next number), not a form error.
        decision.full_clean(exclude=["number"])
    except ValidationError as exc:
        raise invalid_fields_from(exc, DecisionError) from exc
    decision.save()


def next_number() -> int:
    """The next free number (call inside a transaction that locks the table's last row)."""
    last = Decision.objects.select_for_update().order_by("-number").first()
    return 1 if last is None else last.number + 1


def decision_create(
    *,
    actor: Any,
    title: str,
    body: str = "",
    date: date | None = None,
    decision_makers: Sequence[str] = (),
    consulted: Sequence[str] = (),
    informed: Sequence[str] = (),
    tags: Sequence[str] = (),
    supersedes: Decision | None = None,
) -> Decision:
    """A new draft; Steward allocates its number (the next after the highest, never reused).

    Two people creating at once cannot get the same number: the unique constraint refuses the
    second, which retries with the next number.
    """
    if not rules.may_draft(actor):
        raise PermissionDenied("may not draft decisions")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                decision = Decision(
                    title=title.strip(),
                    body=body,
                    date=date,
                    decision_makers=_clean_list(decision_makers),
                    consulted=_clean_list(consulted),
                    informed=_clean_list(informed),
                    tags=_clean_list(tags),
                    supersedes=supersedes,
                    status="draft",
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
                decision.number = next_number()
                _save(decision)
                return decision
        except IntegrityError:
            continue
    raise DecisionError("could not allocate a decision number; try again")


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **fields: Any) -> Decision:
    """Change the fields given (title, body, date, people lists, tags, supersedes)."""
    if not rules.may_edit(actor, decision):
        raise PermissionDenied("may not edit this decision")
    allowed = {
        "title",
        "body",
        "date",
        "decision_makers",
        "consulted",
        "informed",
        "tags",
        "supersedes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise DecisionError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name in ("decision_makers", "consulted", "informed", "tags"):
            value = _clean_list(value)
        if name == "title":
            value = str(value).strip()
        if name == "supersedes" and value is not None and value.pk == decision.pk:
            raise DecisionError(
                "a decision cannot supersede itself",
                fields={"supersedes": ["pick another decision"]},
            )
        setattr(decision, name, value)
    _save(decision)
    return decision


@transaction.atomic
def decision_move(
    *, actor: Any, decision: Decision, status: str, superseded_by: Decision | None = None
) -> Decision:
    """Move along the workflow: draft -> proposed -> accepted/rejected -> deprecated/superseded.

    Only architects, the CTO and admins accept, reject, deprecate or supersede. Superseding
    names the accepted record that replaces this one (its `supersedes` is set).
    """
    if status == decision.status:
        return decision
    if status not in TRANSITIONS.get(decision.status, ()):
        allowed = ", ".join(TRANSITIONS.get(decision.status, ())) or "none"
        raise DecisionError(
            f"a {decision.status} decision cannot become {status} (allowed: {allowed})",
            fields={"status": [f"from {decision.status}: {allowed}"]},
        )
    if status in DECIDER_MOVES and not rules.may_decide(actor):
        raise PermissionDenied("only architects and the CTO accept or reject decisions")
    if status not in DECIDER_MOVES and not rules.may_edit(actor, decision):
        raise PermissionDenied("may not edit this decision")
    if status == "superseded":
        if superseded_by is None or superseded_by.pk == decision.pk:
            raise DecisionError(
                "superseding needs the decision that replaces this one",
                fields={"superseded_by": ["pick the decision that replaces this one"]},
            )
        superseded_by.supersedes = decision
        _save(superseded_by)
    decision.status = status
    _save(decision)
    return decision


# --------------------------------------------------------------------------- the tech radar


class RadarError(InvalidFields):
    """A radar change that cannot be made as asked."""


def _full_save(obj: Any, error: type[InvalidFields] = RadarError, exclude: Any = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise invalid_fields_from(exc, error) from exc
    obj.save()


def _require_radar(actor: Any) -> None:
    if not rules.may_edit_radar(actor):
        raise PermissionDenied("only architects and the CTO edit the radar")


@transaction.atomic
def quadrant_save(
    *,
    actor: Any,
    name: str,
    position: int,
    detectable: bool | None = None,
    quadrant: RadarQuadrant | None = None,
) -> RadarQuadrant:
    """Create or rename a quadrant (its key is fixed at creation)."""
    _require_radar(actor)
    quadrant = quadrant or RadarQuadrant(key=slug(name))
    quadrant.name, quadrant.position = name.strip(), position
    if detectable is not None:
        quadrant.detectable = detectable
    _full_save(quadrant)
    return quadrant


@transaction.atomic
def ring_save(
    *,
    actor: Any,
    name: str,
    position: int,
    color: str = "",
    description: str = "",
    ring: RadarRing | None = None,
) -> RadarRing:
    """Create or edit a ring (position 0 is the innermost)."""
    _require_radar(actor)
    ring = ring or RadarRing(key=slug(name))
    ring.name, ring.position, ring.color, ring.description = (
        name.strip(),
        position,
        color.strip(),
        description,
    )
    _full_save(ring)
    return ring


def _names(rows: Sequence[Any], limit: int = 5) -> str:
    names = [str(r) for r in rows[:limit]]
    more = len(rows) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


@transaction.atomic
def quadrant_delete(
    *, actor: Any, quadrant: RadarQuadrant, move_to: RadarQuadrant | None = None
) -> int:
    """Delete a quadrant. Its technologies move to `move_to` first (their quadrant is not
    dated, so the radar on past days shows them there too); without `move_to` a quadrant that
    still holds technologies is refused. Returns how many technologies moved."""
    _require_radar(actor)
    techs = list(quadrant.technologies.order_by("name"))
    if move_to is not None and move_to.pk == quadrant.pk:
        raise RadarError(
            "a quadrant cannot take its own technologies",
            fields={"move_to": ["choose another quadrant"]},
        )
    if techs and move_to is None:
        others = RadarQuadrant.objects.exclude(pk=quadrant.pk).exists()
        count = f"{len(techs)} technolog{'y is' if len(techs) == 1 else 'ies are'}"
        fix = (
            "choose the quadrant they move to" if others else "add another quadrant for them first"
        )
        raise RadarError(
            f"{count} still in {quadrant.name} ({_names(techs)}): {fix}",
            fields={"move_to": [f"{count} still in {quadrant.name} ({_names(techs)}): {fix}."]},
        )
    for tech in techs:
        tech.quadrant = move_to  # type: ignore[assignment]
        tech.save(update_fields=["quadrant"])
    quadrant.delete()
    return len(techs)


@transaction.atomic
def ring_delete(*, actor: Any, ring: RadarRing, move_to: RadarRing | None = None) -> int:
    """Delete a ring. Every timeline event in it (past ones too) is put in `move_to` first, and
    the moves (new, in, out, no change) of the technologies concerned are worked out again from
    the ring positions; without `move_to` a ring any event uses is refused. Returns how many
    events were moved."""
    _require_radar(actor)
    if move_to is not None and move_to.pk == ring.pk:
        raise RadarError(
            "a ring cannot take its own blips", fields={"move_to": ["choose another ring"]}
        )
    events = list(
        BlipEvent.objects.filter(ring=ring).select_related("technology").order_by("date", "pk")
    )
    if events and move_to is None:
        techs = sorted({e.technology.name for e in events})
        others = RadarRing.objects.exclude(pk=ring.pk).exists()
        fix = "choose the ring they move to" if others else "add another ring for them first"
        count = f"{len(techs)} technolog{'y has' if len(techs) == 1 else 'ies have'}"
        message = f"{count} been in {ring.name} ({_names(techs)}): {fix}"
        raise RadarError(message, fields={"move_to": [message + "."]})
    affected: dict[int, Technology] = {}
    for event in events:
        event.ring = move_to
        event.save(update_fields=["ring"])
        affected[event.technology_id] = event.technology
    ring.delete()
    for tech in affected.values():
        for event in tech.events.select_related("ring").order_by("date"):
            moved = _moved(tech, event.date, event.ring)
            if moved != event.moved:
                event.moved = moved
                event.save(update_fields=["moved"])
    return len(events)


def _moved(technology: Technology, day: date, ring: RadarRing | None) -> str:
    """How a blip moved to `ring` on `day`, from the event before it."""
    before = technology.events.filter(date__lt=day).select_related("ring").first()
    if before is None or before.ring is None:
        return "new"
    if ring is None or ring.position == before.ring.position:
        return "unchanged"
    return "in" if ring.position < before.ring.position else "out"


@transaction.atomic
def blip_record(
    *,
    actor: Any,
    technology: Technology,
    day: date,
    ring: RadarRing | None,
    reason: str = "",
    moved: str | None = None,
) -> BlipEvent:
    """Put `technology` in `ring` from `day` on (None: off the radar), with the reason.

    The movement (new, in, out, unchanged) follows from the event before `day` unless given.
    One event per technology and day: recording the same day again replaces it.
    """
    _require_radar(actor)
    event = BlipEvent.objects.filter(technology=technology, date=day).first() or BlipEvent(
        technology=technology, date=day
    )
    event.ring = ring
    event.moved = moved or _moved(technology, day, ring)
    event.reason = reason.strip()
    event.recorded_by = actor if getattr(actor, "pk", None) else None
    _full_save(event, exclude=["technology"])
    return event


@transaction.atomic
def technology_save(
    *,
    actor: Any,
    name: str,
    quadrant: RadarQuadrant,
    description: str = "",
    aliases: Sequence[str] = (),
    links: Sequence[dict[str, str]] = (),
    technology: Technology | None = None,
) -> Technology:
    """Create or edit a technology (its key, from the name, is fixed at creation)."""
    _require_radar(actor)
    name = name.strip()
    if technology is None:
        key = slug(name)
        if Technology.objects.filter(key=key).exists():
            raise RadarError(
                f"{name!r} is already on the radar", fields={"name": ["already on the radar"]}
            )
        technology = Technology(key=key)
    technology.name = name
    technology.quadrant = quadrant
    technology.description = description
    technology.aliases = _clean_list(aliases)
    technology.links = [dict(link) for link in links]
    _full_save(technology)
    return technology


# --------------------------------------------------------------------------- technology detection


@dataclass
class DetectionResult:
    """What one detection run found in a repository: uses stored, manifests read, notes."""

    repository: str
    revision: str
    manifests: list[str]
    uses: int
    notes: list[str]


@transaction.atomic
def uses_replace(
    *, actor: Any, repository: Any, files: Mapping[str, str], revision: str = ""
) -> DetectionResult:
    """Replace `repository`'s detected technologies with those `files` (path -> text) declare.

    The uses of one repository are always one revision's: the old rows go, the new rows come
    (bulk, and audited). A manifest that cannot be parsed is a note; the others still count.
    """
    if not (rules.may_edit_radar(actor) or actor is policy.SYSTEM):
        raise PermissionDenied("only architects and the CTO run detection")
    found: dict[tuple[str, str, str], TechnologyUse] = {}
    notes: list[str] = []
    manifests: list[str] = []
    for path in sorted(files):
        if detection.manifest_kind(path) is None:
            continue
        manifests.append(path)
        try:
            deps = detection.parse_manifest(path, files[path])
        except Exception as exc:
            notes.append(f"{repository.name}: {path}: not read ({type(exc).__name__}: {exc})")
            continue
        for dep in deps:
            key = (dep.ecosystem, dep.name[:300], path[:300])
            found.setdefault(
                key,
                TechnologyUse(
                    repository=repository,
                    ecosystem=dep.ecosystem,
                    name=dep.name[:300],
                    version=dep.version[:100],
                    manifest=path[:300],
                    revision=revision,
                ),
            )
    who = actor if getattr(actor, "pk", None) else None
    old = list(TechnologyUse.objects.filter(repository=repository))
    audit_deleted(old, actor=who)
    TechnologyUse.objects.filter(repository=repository).delete()
    created = TechnologyUse.objects.bulk_create(list(found.values()))
    audit_created(created, actor=who)
    RepositoryDetection.objects.update_or_create(
        repository=repository,
        defaults={
            "revision": revision,
            "detected_at": timezone.now(),
            "manifests": manifests,
            "notes": notes,
        },
    )
    return DetectionResult(repository.name, revision, manifests, len(created), notes)


def detect_repository(
    *, actor: Any, repository: Any, max_bytes: int = 1 << 20, rev: str = "HEAD"
) -> DetectionResult:
    """Read the manifests of `repository` at `rev` (default HEAD) with git and store what they
    declare."""
    if not repository.path:
        raise RadarError(f"{repository.name}: no path on disk to read")
    try:
        revision = gitlog.git(repository.path, "rev-parse", f"{rev}^{{commit}}").decode().strip()
        listing = gitlog.git(repository.path, "ls-tree", "-r", "-l", revision).decode(
            "utf-8", errors="replace"
        )
    except gitlog.GitError as exc:
        raise RadarError(f"{repository.name}: {exc}") from exc
    manifests: dict[str, str] = {}  # path -> blob name
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        fields = meta.split()
        size = fields[-1]
        if detection.manifest_kind(path) is None or not size.isdigit():
            continue
        if int(size) > max_bytes:
            continue
        manifests[path] = fields[2]
    # One `git cat-file --batch` for all the manifests instead of a `git show` per file.
    blobs = gitlog.read_blobs(repository.path, list(dict.fromkeys(manifests.values())))
    files = {
        path: blobs[blob].decode("utf-8", errors="replace").lstrip("\ufeff")
        for path, blob in manifests.items()
    }
    return uses_replace(actor=actor, repository=repository, files=files, revision=revision)


def detect_at_ingest(repository: Any) -> DetectionResult | None:
    """After-ingest hook (engineering.ingest.register_after_ingest): detect the technologies of
    `repository` at its ingested head, unless they were already detected at that revision.
    None when there was nothing to do (not ingested, no path, head unchanged)."""
    if not repository.head_sha or not repository.path:
        return None
    done = RepositoryDetection.objects.filter(repository=repository).first()
    if done is not None and done.revision == repository.head_sha:
        return None
    return detect_repository(actor=policy.SYSTEM, repository=repository, rev=repository.head_sha)


# --------------------------------------------------------------------------- service catalog

COMPONENT_FIELDS = (
    "title",
    "description",
    "type",
    "lifecycle",
    "owner_team",
    "tier",
    "repository",
    "system",
    "oncall",
    "runbook",
)


class CatalogError(InvalidFields):
    """A catalog change that cannot be made as asked."""


@transaction.atomic
def component_save(
    *,
    actor: Any,
    kind: str = "component",
    name: str = "",
    depends_on: Sequence[Component] | None = None,
    component: Component | None = None,
    **fields: Any,
) -> Component:
    """Create or edit a catalog entity. Team leads create and edit their own team's entities
    (and may not hand one to a team they do not lead); architects, the CTO and admins all."""
    unknown = set(fields) - set(COMPONENT_FIELDS)
    if unknown:
        raise CatalogError(f"unknown fields: {', '.join(sorted(unknown))}")
    if component is None:
        if not rules.may_create_owned(actor):
            raise PermissionDenied("only team leads, architects and the CTO add components")
        component = Component(kind=kind, name=name.strip())
    elif not rules.may_edit_owned(actor, component):
        raise PermissionDenied("may not edit this component")
    for key, value in fields.items():
        setattr(component, key, value.strip() if isinstance(value, str) else value)
    if not rules.may_edit_owned(actor, component):
        raise CatalogError(
            "you may only give components to a team you lead",
            fields={"owner_team": ["pick a team you lead"]},
        )
    if component.system_id is not None and component.system_id == component.pk:
        raise CatalogError(
            "a component cannot be its own system", fields={"system": ["pick another"]}
        )
    if component.owner_team is not None and component.owner_ref:
        # Steward's owner wins over the imported reference once someone picks a team.
        component.owner_ref = f"group:default/{component.owner_team.slug}"
    try:
        component.full_clean()
    except ValidationError as exc:
        raise invalid_fields_from(exc, CatalogError) from exc
    component.save()
    if depends_on is not None:
        if any(d.pk == component.pk for d in depends_on):
            raise CatalogError(
                "a component cannot depend on itself", fields={"depends_on": ["remove itself"]}
            )
        component.depends_on.set(depends_on)
    return component


# --------------------------------------------------------------------------- tech-debt register

WSJF_SCALE = (1, 2, 3, 5, 8, 13, 20)  # METRICS.md: every WSJF input is on this scale
DEBT_SCORES = ("business_value", "time_criticality", "risk_reduction", "job_size")
DEBT_FIELDS = ("title", "description", "paths", "owner_team", "interest", "status", *DEBT_SCORES)


class DebtError(InvalidFields):
    """A debt item change that cannot be made as asked."""


@transaction.atomic
def debt_save(
    *,
    actor: Any,
    item: DebtItem | None = None,
    components: Sequence[Component] | None = None,
    decisions: Sequence[Decision] | None = None,
    **fields: Any,
) -> DebtItem:
    """Create or edit a debt item (team leads: their own team's; architects and the CTO: all)."""
    unknown = set(fields) - set(DEBT_FIELDS)
    if unknown:
        raise DebtError(f"unknown fields: {', '.join(sorted(unknown))}")
    if item is None:
        if not rules.may_create_owned(actor):
            raise PermissionDenied("only team leads, architects and the CTO add debt items")
        item = DebtItem(created_by=actor if getattr(actor, "pk", None) else None)
    elif not rules.may_edit_owned(actor, item):
        raise PermissionDenied("may not edit this debt item")
    problems: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name in DEBT_SCORES and value not in WSJF_SCALE:
            problems[name] = [f"{value} is not on the scale {', '.join(map(str, WSJF_SCALE))}"]
        if name == "paths":
            value = _clean_list(value)
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if item.interest is not None and item.interest < 0:
        problems["interest"] = ["the cost of delay cannot be negative"]
    if problems:
        raise DebtError("; ".join(f"{k}: {v[0]}" for k, v in problems.items()), fields=problems)
    if not rules.may_edit_owned(actor, item):
        raise DebtError(
            "you may only file debt for a team you lead",
            fields={"owner_team": ["pick a team you lead"]},
        )
    try:
        item.full_clean()
    except ValidationError as exc:
        raise invalid_fields_from(exc, DebtError) from exc
    item.save()
    if components is not None:
        item.components.set(components)
    if decisions is not None:
        item.decisions.set(decisions)
    return item


@transaction.atomic
def debt_mark_converted(*, actor: Any, item: DebtItem, initiative_key: str) -> DebtItem:
    """Record that `item` became the strategy initiative `initiative_key` (the strategy app
    calls this after creating the initiative: architecture does not import strategy)."""
    if not (rules.may_edit_owned(actor, item) or policy.may_change_strategy(actor)):
        raise PermissionDenied("may not convert this debt item")
    if item.initiative_key:
        raise DebtError(f"already converted into initiative {item.initiative_key}")
    item.initiative_key = initiative_key
    item.status = "planned"
    item.save()
    return item


# --------------------------------------------------------------------------- decision links


@transaction.atomic
def decision_set_links(
    *,
    actor: Any,
    decision: Decision,
    technologies: Sequence[Technology] = (),
    components: Sequence[Component] = (),
) -> Decision:
    """Link a decision to the technologies and catalog entities it is about (replacing the
    links it had). Initiatives link to decisions from the strategy side."""
    if not rules.may_edit(actor, decision):
        raise PermissionDenied("may not edit this decision")
    wanted = {("t", t.pk) for t in technologies} | {("c", c.pk) for c in components}
    current = {
        (("t", link.technology_id) if link.technology_id else ("c", link.component_id)): link
        for link in DecisionLink.objects.filter(decision=decision)
    }
    for key, link in current.items():
        if key not in wanted:
            link.delete()  # delete(): audited
    for kind, pk in sorted(wanted - set(current)):
        DecisionLink.objects.create(
            decision=decision,
            technology_id=pk if kind == "t" else None,
            component_id=pk if kind == "c" else None,
        )
    return decision


@transaction.atomic
def initiative_set_decisions(
    *, actor: Any, initiative_key: str, decisions: Sequence[Decision]
) -> list[Decision]:
    """Link the initiative `initiative_key` (strategy's) to exactly `decisions`, replacing its
    links. Called by strategy's pages (strategy editors) or by a decider; audited."""
    if not (policy.may_change_strategy(actor) or rules.may_decide(actor)):
        raise PermissionDenied("only strategy editors and deciders link decisions to initiatives")
    key = initiative_key.strip()
    wanted = {d.pk for d in decisions}
    for link in DecisionInitiative.objects.filter(initiative_key=key):
        if link.decision_id not in wanted:
            link.delete()  # delete(): audited
        else:
            wanted.discard(link.decision_id)
    for pk in sorted(wanted):
        DecisionInitiative.objects.create(decision_id=pk, initiative_key=key)
    return sorted(decisions, key=lambda d: d.number)
