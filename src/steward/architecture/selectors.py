"""Reads of decision records, always starting from what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from steward.architecture import detection
from steward.architecture.models import (
    BlipEvent,
    Component,
    DebtItem,
    Decision,
    RadarQuadrant,
    RadarRing,
    Technology,
    TechnologyUse,
)
from steward.architecture.radar_format import Entry, Point, RadarDoc
from steward.core import policy
from steward.core.registry import Finding
from steward.engineering import selectors as engineering_selectors


def decision_list(
    *, actor: Any, status: str | None = None, tag: str | None = None
) -> QuerySet[Decision]:
    """The decisions `actor` may see, by number; optionally one status and one tag."""
    rows = policy.visible(actor, "architecture.decision").select_related("supersedes")
    rows = rows.prefetch_related("superseded_by_set", "initiative_links")
    if status:
        rows = rows.filter(status=status)
    if tag:
        # JSON containment is not on SQLite; filter the (small) set in Python by pk.
        ids = [d.pk for d in rows if tag in (d.tags or [])]
        rows = rows.filter(pk__in=ids)
    return rows.order_by("number")


def decision_get(*, actor: Any, number: int) -> Decision | None:
    """Decision `number` if `actor` may see it."""
    return decision_list(actor=actor).filter(number=number).first()


def all_tags(*, actor: Any) -> list[str]:
    """Every tag in use, sorted."""
    tags: set[str] = set()
    for row in policy.visible(actor, "architecture.decision").values_list("tags", flat=True):
        tags.update(row or [])
    return sorted(tags)


def supersede_chain(decision: Decision) -> list[Decision]:
    """The records this one replaced (oldest first), itself, then those that replaced it."""
    before: list[Decision] = []
    seen = {decision.pk}
    current = decision.supersedes
    while current is not None and current.pk not in seen:
        before.insert(0, current)
        seen.add(current.pk)
        current = current.supersedes
    after: list[Decision] = []
    nxt = decision.superseded_by
    while nxt is not None and nxt.pk not in seen:
        after.append(nxt)
        seen.add(nxt.pk)
        nxt = nxt.superseded_by
    return [*before, decision, *after]


def decisions_of_initiative(*, actor: Any, key: str) -> list[Decision]:
    """The decisions linked to the strategy initiative `key`, by number."""
    return list(decision_list(actor=actor).filter(initiative_links__initiative_key=key))


def decision_initiative_keys(decision: Decision) -> list[str]:
    """The keys of the strategy initiatives a decision is linked to, sorted."""
    return sorted({link.initiative_key for link in decision.initiative_links.all()})


def decision_dict(decision: Decision) -> dict[str, Any]:
    """The API form of a decision (CONTRACT.md fields first)."""
    replaced_by = [d.number for d in decision.superseded_by_set.all()]
    return {
        "number": decision.number,
        "title": decision.title,
        "status": decision.status,
        "date": decision.date,
        "decision_makers": list(decision.decision_makers),
        "consulted": list(decision.consulted),
        "informed": list(decision.informed),
        "tags": list(decision.tags),
        "supersedes": decision.supersedes.number if decision.supersedes else None,
        "superseded_by": max(replaced_by) if replaced_by else None,
        "initiatives": decision_initiative_keys(decision),
    }


# --------------------------------------------------------------------------- the tech radar


@dataclass(frozen=True)
class Blip:
    """A technology as the radar showed it on a day: its ring, last move, since when, why."""

    technology: Technology
    quadrant: RadarQuadrant
    ring: RadarRing
    moved: str
    since: date
    reason: str


def quadrants() -> list[RadarQuadrant]:
    """The quadrants in display order."""
    return list(RadarQuadrant.objects.order_by("position", "pk"))


def rings() -> list[RadarRing]:
    """The rings, innermost first."""
    return list(RadarRing.objects.order_by("position", "pk"))


def _latest_events(day: date) -> dict[int, BlipEvent]:
    latest: dict[int, BlipEvent] = {}
    events = (
        BlipEvent.objects.filter(date__lte=day)
        .select_related("ring", "technology__quadrant")
        .order_by("technology_id", "-date")
    )
    for event in events:
        latest.setdefault(event.technology_id, event)
    return latest


def radar_on(*, actor: Any, day: date) -> list[Blip]:
    """The radar as it stood on `day`: every technology whose latest event by then has a ring,
    ordered by quadrant, ring (innermost first) and name."""
    if not policy.visible(actor, "architecture.technology").exists():
        return []
    blips = [
        Blip(e.technology, e.technology.quadrant, e.ring, e.moved, e.date, e.reason)
        for e in _latest_events(day).values()
        if e.ring is not None
    ]
    return sorted(
        blips,
        key=lambda b: (b.quadrant.position, b.quadrant.pk, b.ring.position, b.technology.name),
    )


def ring_technologies(ring: RadarRing) -> list[str]:
    """Names of the technologies whose timeline has an event in `ring` (any day)."""
    names = BlipEvent.objects.filter(ring=ring).values_list("technology__name", flat=True)
    return sorted(set(names))


def radar_diff(*, actor: Any, start: date, end: date) -> list[dict[str, Any]]:
    """What changed between `start` and `end`: each technology whose ring differs, with
    `change` one of added, removed, moved in, moved out (by ring position)."""
    before = {b.technology.pk: b for b in radar_on(actor=actor, day=start)}
    after = {b.technology.pk: b for b in radar_on(actor=actor, day=end)}
    rows = []
    for pk in set(before) | set(after):
        old, new = before.get(pk), after.get(pk)
        if old and new and old.ring.pk == new.ring.pk:
            continue
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        else:
            change = "moved in" if new.ring.position < old.ring.position else "moved out"
        blip = new or old
        assert blip is not None
        rows.append(
            {
                "technology": blip.technology,
                "quadrant": blip.quadrant,
                "before": old.ring if old else None,
                "after": new.ring if new else None,
                "change": change,
                "reason": new.reason if new else "",
            }
        )
    return sorted(rows, key=lambda r: (r["change"], r["technology"].name))


def technology_get(*, actor: Any, key: str) -> Technology | None:
    """One technology by key, if `actor` may see the radar."""
    return policy.visible(actor, "architecture.technology").filter(key=key).first()


def technology_timeline(technology: Technology) -> list[BlipEvent]:
    """Its events, newest first."""
    return list(technology.events.select_related("ring", "recorded_by").order_by("-date"))


def radar_doc(*, actor: Any, day: date) -> RadarDoc:
    """The radar up to `day` as the format-neutral document the writers take (full timelines,
    newest first; a technology whose latest event took it off the radar is inactive)."""
    doc = RadarDoc()
    doc.quadrants = [(q.key, q.name) for q in quadrants()]
    doc.rings = [
        {"id": r.key, "name": r.name, "color": r.color, "description": r.description}
        for r in rings()
    ]
    techs = policy.visible(actor, "architecture.technology").select_related("quadrant")
    events: dict[int, list[BlipEvent]] = {}
    for event in BlipEvent.objects.filter(date__lte=day).select_related("ring").order_by("-date"):
        events.setdefault(event.technology_id, []).append(event)
    for tech in techs.order_by("quadrant__position", "name"):
        timeline = events.get(tech.pk, [])
        points = [Point(e.date, e.ring.key, e.moved) for e in timeline if e.ring is not None]
        if not points:
            continue
        doc.entries.append(
            Entry(
                key=tech.key,
                title=tech.name,
                quadrant=tech.quadrant.key,
                description=tech.description,
                links=list(tech.links),
                timeline=points,
                active=timeline[0].ring is not None,
            )
        )
    return doc


# --------------------------------------------------------------------------- technology detection


@dataclass(frozen=True)
class Detected:
    """When a repository's technologies were detected: the revision read (its full sha) and
    the moment detection ran (issue 11: "detected at revision 3f2a9c1b0d on 2 Dec 2026")."""

    revision: str
    detected_at: datetime

    @property
    def short(self) -> str:
        """The revision as the pages show commits: its first ten characters."""
        return self.revision[:10]


@dataclass(frozen=True)
class Use:
    """A repository declaring a technology: where, which manifest, which version, and the
    detection that found it (None only if its record is missing)."""

    repository: str
    manifest: str
    name: str
    version: str
    ecosystem: str
    detected: Detected | None = None


def detections(*, actor: Any) -> dict[str, Detected]:
    """Repository name -> its last technology detection, for the repositories `actor` may
    see (one query)."""
    from steward.architecture.models import RepositoryDetection

    repos = engineering_selectors.repository_list(actor=actor).order_by().values("pk")
    rows = RepositoryDetection.objects.filter(repository_id__in=repos).values_list(
        "repository__name", "revision", "detected_at"
    )
    return {name: Detected(revision, at) for name, revision, at in rows}


def _radar_names() -> list[tuple[Technology, set[str]]]:
    return [
        (t, detection.radar_names(t.name, t.key, list(t.aliases)))
        for t in Technology.objects.select_related("quadrant")
    ]


def uses_by_technology(*, actor: Any) -> dict[int, list[Use]]:
    """Technology pk -> the detected uses that match its name or aliases (visible repositories)."""
    repos = engineering_selectors.repository_list(actor=actor)
    names = dict(repos.values_list("pk", "name"))
    radar = _radar_names()
    result: dict[int, list[Use]] = {}
    detected = detections(actor=actor)
    uses = TechnologyUse.objects.filter(repository_id__in=list(names)).order_by(
        "repository_id", "manifest", "name"
    )
    for use in uses:
        for tech, tech_names in radar:
            if detection.matches(use.ecosystem, use.name, tech_names):
                result.setdefault(tech.pk, []).append(
                    Use(
                        names[use.repository_id],
                        use.manifest,
                        use.name,
                        use.version,
                        use.ecosystem,
                        detected.get(names[use.repository_id]),
                    )
                )
    return result


def technology_uses(tech: Technology, *, actor: Any = policy.SYSTEM) -> list[Use]:
    """Where one technology is used, by repository."""
    return uses_by_technology(actor=actor).get(tech.pk, [])


def detection_flags(*, actor: Any, day: date) -> dict[str, Any]:
    """The two flags no radar tool raises (issue 11):

    - `hold_in_use`: technologies in the outermost ring (Hold) that some repository declares,
      with the repositories;
    - `adopt_unused`: technologies in the innermost ring (Adopt), in a quadrant whose blips can
      appear in manifests, that no repository declares.

    Both are empty until detection has run on at least one repository (`detected` = 0).
    """
    ring_list = rings()
    blips = radar_on(actor=actor, day=day)
    uses = uses_by_technology(actor=actor)
    detected = TechnologyUse.objects.values("repository_id").distinct().count()
    hold: list[dict[str, Any]] = []
    unused: list[Blip] = []
    if ring_list and detected:
        outer, inner = ring_list[-1], ring_list[0]
        for blip in blips:
            found = uses.get(blip.technology.pk, [])
            if blip.ring.pk == outer.pk and found:
                repos = sorted({u.repository for u in found})
                hold.append({"blip": blip, "uses": found, "repositories": repos})
            if blip.ring.pk == inner.pk and not found and blip.quadrant.detectable:
                unused.append(blip)
    return {
        "hold_in_use": hold,
        "adopt_unused": unused,
        "detected": detected,
        "hold_ring": ring_list[-1] if ring_list else None,
        "adopt_ring": ring_list[0] if ring_list else None,
    }


def technologies_by_repository(*, actor: Any) -> dict[str, list[tuple[Technology, str]]]:
    """Repository name -> (technology, ring name today) it uses, for the catalog pages."""
    today_ring = {b.technology.pk: b.ring.name for b in radar_on(actor=actor, day=date.today())}
    result: dict[str, list[tuple[Technology, str]]] = {}
    techs = {t.pk: t for t in Technology.objects.all()}
    for pk, found in uses_by_technology(actor=actor).items():
        for repo in sorted({u.repository for u in found}):
            result.setdefault(repo, []).append((techs[pk], today_ring.get(pk, "")))
    return result


def linked_decisions(*, technology: Any = None, component: Any = None) -> list[Decision]:
    """The decisions linked to a technology or a component, by number."""
    rows = Decision.objects.all()
    if technology is not None:
        rows = rows.filter(links__technology=technology)
    if component is not None:
        rows = rows.filter(links__component=component)
    return list(rows.distinct().order_by("number"))


def hold_in_use_findings(user: Any, on: date) -> list[Finding]:
    """Cockpit findings: each Hold technology that repositories still declare."""
    if not policy.roles_of(user):
        return []
    flags = detection_flags(actor=user, day=on)
    found = []
    for item in flags["hold_in_use"]:
        repos = item["repositories"]
        tech = item["blip"].technology
        names = ", ".join(repos[:5]) + (f" and {len(repos) - 5} more" if len(repos) > 5 else "")
        count = f"{len(repos)} repositor{'y' if len(repos) == 1 else 'ies'}"
        found.append(
            Finding(
                rule="architecture.hold-in-use",
                severity="warning",
                statement=f"{tech.name} is on {item['blip'].ring.name} on the radar but {count} "
                f"still use{'s' if len(repos) == 1 else ''} it: {names}.",
                url=reverse("architecture:technology", args=[tech.key]),
            )
        )
    return found


# --------------------------------------------------------------------------- service catalog


def component_list(
    *, actor: Any, team: str | None = None, kind: str | None = None
) -> QuerySet[Component]:
    """The catalog entities `actor` may see, by kind and name; optionally one team's, one kind."""
    rows = policy.visible(actor, "architecture.component").select_related(
        "owner_team", "repository", "system"
    )
    if team:
        rows = rows.filter(owner_team__slug=team)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.prefetch_related("depends_on").order_by("kind", "name")


def component_get(*, actor: Any, kind: str, namespace: str, name: str) -> Component | None:
    """One entity by its reference parts (case-insensitive), if `actor` may see it."""
    return (
        component_list(actor=actor)
        .filter(kind=kind.lower(), namespace__iexact=namespace, name__iexact=name)
        .first()
    )


def component_flags(
    component: Component, on: date, truck: dict[str, Any] | None = None
) -> list[str]:
    """What is wrong with one entity, in plain words (issue 11's catalog flags); `truck` is its
    entry of `component_truck_factors` (tier 1 with truck factor 1 is a flag)."""
    flags = []
    team = component.owner_team
    if team is None:
        owner = f" ({component.owner_ref} is not a Steward team)" if component.owner_ref else ""
        flags.append(f"No owner team{owner}")
    elif team.dissolved_on is not None and team.dissolved_on <= on:
        flags.append(f"Owner team {team.name} was dissolved on {team.dissolved_on:%-d %b %Y}")
    for dep in component.depends_on.all():
        if dep.lifecycle == "deprecated":
            flags.append(f"Depends on {dep.title or dep.name}, which is deprecated")
    if component.tier == 1 and not component.oncall:
        flags.append("Tier 1 without an on-call rotation")
    if component.tier == 1 and not component.runbook:
        flags.append("Tier 1 without a runbook")
    if component.tier == 1 and truck is not None and truck.get("truck_factor") == 1:
        flags.append(TRUCK_FACTOR_ONE)
    return flags


def catalog_flags(*, actor: Any, on: date) -> list[tuple[Component, list[str]]]:
    """Every entity with at least one flag (catalog order)."""
    found = []
    components = list(component_list(actor=actor))
    trucks = component_truck_factors(components, actor=actor)
    for component in components:
        flags = component_flags(component, on, trucks.get(component.pk))
        if flags:
            found.append((component, flags))
    return found


def component_dict(
    component: Component, on: date, truck: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The API form of a catalog entity; `truck` is its entry of `component_truck_factors`."""
    return {
        "ref": component.ref,
        "kind": component.kind,
        "namespace": component.namespace,
        "name": component.name,
        "title": component.title,
        "type": component.type,
        "lifecycle": component.lifecycle,
        "owner_team": component.owner_team.slug if component.owner_team else None,
        "owner_ref": component.owner_ref,
        "tier": component.tier,
        "repository": component.repository.name if component.repository else None,
        "system": component.system.ref if component.system else None,
        "depends_on": sorted(d.ref for d in component.depends_on.all()),
        "oncall": component.oncall,
        "runbook": component.runbook,
        "paths": list(component.paths or []),
        "truck_factor": truck["truck_factor"] if truck else None,
        "truck_factor_files": truck["files_analyzed"] if truck else 0,
        "flags": component_flags(component, on, truck),
    }


# --------------------------------------------------------------------------- tech-debt register


@dataclass(frozen=True)
class RankedDebt:
    """A debt item with its WSJF and rank (1 = do first)."""

    item: DebtItem
    cost_of_delay: int
    wsjf: Decimal
    rank: int


def wsjf(item: DebtItem) -> tuple[int, Decimal]:
    """METRICS.md: (business value + time criticality + risk reduction) / job size.

    Returns the cost of delay (the numerator) and WSJF rounded to 2 decimals."""
    cost = item.business_value + item.time_criticality + item.risk_reduction
    return cost, (Decimal(cost) / Decimal(item.job_size)).quantize(Decimal("0.01"))


def debt_ranked(
    *, actor: Any, component: Component | None = None, status: str | None = None
) -> list[RankedDebt]:
    """Debt items by WSJF, highest first (ties: higher cost of delay per quarter, then
    the older item); done items last and unranked."""
    rows = policy.visible(actor, "architecture.debtitem").select_related("owner_team")
    if component is not None:
        rows = rows.filter(components=component)
    if status:
        rows = rows.filter(status=status)
    items = list(rows.prefetch_related("components", "decisions"))

    def order(item: DebtItem) -> tuple[Any, ...]:
        _cost, score = wsjf(item)
        return (item.status == "done", -score, -(item.interest or 0), item.pk)

    ranked = []
    rank = 0
    for item in sorted(items, key=order):
        cost, score = wsjf(item)
        if item.status != "done":
            rank += 1
        ranked.append(RankedDebt(item, cost, score, rank if item.status != "done" else 0))
    return ranked


def debt_get(*, actor: Any, pk: int) -> DebtItem | None:
    """One debt item if `actor` may see it."""
    return policy.visible(actor, "architecture.debtitem").filter(pk=pk).first()


def debt_dict(ranked: RankedDebt) -> dict[str, Any]:
    """The API form of a ranked debt item."""
    item = ranked.item
    return {
        "id": item.pk,
        "title": item.title,
        "status": item.status,
        "owner_team": item.owner_team.slug if item.owner_team else None,
        "business_value": item.business_value,
        "time_criticality": item.time_criticality,
        "risk_reduction": item.risk_reduction,
        "job_size": item.job_size,
        "cost_of_delay": ranked.cost_of_delay,
        "wsjf": ranked.wsjf,
        "rank": ranked.rank,
        "interest_per_quarter": item.interest,
        "components": [c.ref for c in item.components.all()],
        "paths": list(item.paths),
        "decisions": [d.number for d in item.decisions.all()],
        "initiative": item.initiative_key or None,
    }


TRUCK_FACTOR_ONE = "Tier 1 with truck factor 1: one person knows most of its code"


def component_truck_factors(
    components: Iterable[Component], *, actor: Any
) -> dict[int, dict[str, Any]]:
    """Component pk -> the truck factor of its code, for entities with a repository: the
    repository's files in the entity's `paths` (all of them without paths), computed by
    `knowledge.selectors.scope_truck_factors` (METRICS.md, cached per repository head).
    Entities without a repository are absent."""
    from steward.knowledge import selectors as knowledge_selectors

    with_repo = [c for c in components if c.repository is not None]
    if not with_repo:
        return {}
    scopes = [(c.repository, list(c.paths or [])) for c in with_repo if c.repository is not None]
    answers = knowledge_selectors.scope_truck_factors(actor=actor, scopes=scopes)
    return {c.pk: a for c, a in zip(with_repo, answers, strict=True)}


def truck_factor_flag(component: Component, *, actor: Any) -> str:
    """TRUCK_FACTOR_ONE for a tier-1 entity whose code (its repository, or its paths in it) has
    truck factor 1; "" otherwise (no repository, not ingested, another number)."""
    if component.tier != 1:
        return ""
    found = component_truck_factors([component], actor=actor).get(component.pk)
    return TRUCK_FACTOR_ONE if found and found["truck_factor"] == 1 else ""


# ------------------------------------------------------------------ modules of code


def module_scopes(actor: Any) -> list[Any]:
    """Knowledge's module scopes from the catalog: per repository `actor` may see that has
    catalog entities with `paths` and an owner team, those entities (by name) as modules and
    the rest of the repository owned by the repository's team (as cross-team coupling)."""
    from steward.knowledge import selectors as knowledge_selectors

    scoped: dict[int, list[Component]] = {}
    for component in component_list(actor=actor).filter(repository__isnull=False):
        if component.paths and component.owner_team is not None:
            scoped.setdefault(component.repository_id, []).append(component)  # type: ignore[arg-type]
    scopes = []
    for repository in engineering_selectors.repository_list(actor=actor).filter(
        pk__in=list(scoped)
    ):
        if not repository.head_sha:
            continue
        components = sorted(
            (c for c in scoped[repository.pk] if c.name != repository.name), key=lambda c: c.name
        )
        team = repository.team
        scopes.append(
            knowledge_selectors.ModuleScope(
                repository=repository,
                modules=tuple(
                    knowledge_selectors.Module(
                        name=c.name,
                        title=c.title or c.name,
                        paths=tuple(c.paths),
                        team_id=c.owner_team.pk if c.owner_team else None,
                        team=c.owner_team.slug if c.owner_team else None,
                        team_name=c.owner_team.name if c.owner_team else None,
                    )
                    for c in components
                ),
                rest=knowledge_selectors.Module(
                    name=repository.name,
                    title=repository.name,
                    paths=(),
                    team_id=team.pk if team else None,
                    team=team.slug if team else None,
                    team_name=team.name if team else None,
                ),
            )
        )
    return scopes


# ------------------------------------------------------------------ cross-team coupling

UNDECLARED = "no declared interaction"


def cross_team_coupling(*, actor: Any, months: int = 12) -> dict[str, Any]:
    """METRICS.md cross-team coupling: change coupling between modules owned by different
    teams, compared with the team interactions declared in organization design.

    A module is a catalog entity with a repository and `paths` (owned by its owner team), or
    the rest of a repository (owned by the repository's team); a file belongs to the entity
    with the longest path containing it. Coupling is per repository (a commit never spans
    two). Pairs are those `knowledge.selectors.module_coupling` reports (METRICS.md
    thresholds) whose two owner teams differ; `declared` says whether the two teams declare
    any interaction (either direction, any mode). Numbers and team names only: every role that
    sees the repositories may see it.
    """
    from steward.knowledge import selectors as knowledge_selectors
    from steward.org import selectors as org_selectors
    from steward.orgdesign import selectors as orgdesign_selectors

    declared: dict[frozenset[str], set[str]] = {}
    for row in orgdesign_selectors.declared_interactions(actor=actor):
        declared.setdefault(frozenset((row["team"], row["other"])), set()).add(row["mode"])
    names = {t.slug: t.name for t in org_selectors.team_list(actor=actor)}
    scoped: dict[int, list[Component]] = {}
    for component in component_list(actor=actor).filter(repository__isnull=False):
        if component.paths and component.owner_team is not None:
            scoped.setdefault(component.repository_id, []).append(component)  # type: ignore[arg-type]
    pairs: list[dict[str, Any]] = []
    since: date | None = None
    for repository in engineering_selectors.repository_list(actor=actor).filter(
        pk__in=list(scoped)
    ):
        if not repository.head_sha:
            continue
        components = sorted(scoped[repository.pk], key=lambda c: c.name)
        owner = {c.name: c.owner_team.slug for c in components if c.owner_team}
        titles = {c.name: c.title or c.name for c in components}
        rest_team = repository.team.slug if repository.team else None
        owner.setdefault(repository.name, rest_team)  # type: ignore[arg-type]
        if len(set(owner.values()) - {None}) < 2:
            continue  # one team owns every module: nothing crosses teams here
        data = knowledge_selectors.module_coupling(
            actor=actor,
            repository=repository,
            modules=[(c.name, list(c.paths)) for c in components if c.name != repository.name],
            rest=repository.name,
            months=months,
        )
        since = data["since"]
        for pair in data["pairs"]:
            a, b = owner.get(pair["entity"]), owner.get(pair["coupled"])
            if not a or not b or a == b:
                continue
            modes = sorted(declared.get(frozenset((a, b)), set()))
            pairs.append(
                {
                    "repo": repository.name,
                    "module": pair["entity"],
                    "module_title": titles.get(pair["entity"], pair["entity"]),
                    "module_team": a,
                    "module_team_name": names.get(a, a),
                    "coupled": pair["coupled"],
                    "coupled_title": titles.get(pair["coupled"], pair["coupled"]),
                    "coupled_team": b,
                    "coupled_team_name": names.get(b, b),
                    "degree": pair["degree"],
                    "shared": pair["shared"],
                    "revisions_module": pair["revisions_entity"],
                    "revisions_coupled": pair["revisions_coupled"],
                    "declared": bool(modes),
                    "modes": modes,
                }
            )
    pairs.sort(key=lambda p: (p["declared"], -p["degree"], -p["shared"], p["repo"], p["module"]))
    teams: dict[frozenset[str], dict[str, Any]] = {}
    for pair in pairs:
        key = frozenset((pair["module_team"], pair["coupled_team"]))
        a, b = sorted(key)
        entry = teams.setdefault(
            key,
            {
                "team": a,
                "team_name": names.get(a, a),
                "other": b,
                "other_name": names.get(b, b),
                "pairs": 0,
                "degree": 0.0,
                "shared": 0,
                "declared": pair["declared"],
                "modes": pair["modes"],
            },
        )
        entry["pairs"] += 1
        entry["shared"] += pair["shared"]
        entry["degree"] = max(entry["degree"], pair["degree"])
    team_rows = sorted(
        teams.values(), key=lambda t: (t["declared"], -t["degree"], t["team"], t["other"])
    )
    if since is None:
        since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    return {"since": since, "months": months, "teams": team_rows, "pairs": pairs}


def undeclared_coupling_findings(user: Any, on: date) -> list[Finding]:
    """Two teams whose code changes together but who declare no interaction."""
    try:
        data = cross_team_coupling(actor=user)
    except PermissionDenied:
        return []
    findings = []
    for row in data["teams"]:
        if row["declared"]:
            continue
        findings.append(
            Finding(
                rule="architecture.undeclared-coupling",
                severity="warning",
                statement=(
                    f"{row['team_name']} and {row['other_name']}: their code changes together "
                    f"(up to {row['degree']:.0f} % of the commits) but they declare no "
                    "interaction."
                ),
                url=reverse("knowledge:coupling"),
            )
        )
    return findings
