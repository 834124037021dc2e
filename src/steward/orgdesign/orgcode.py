"""Organization design kinds for org as code (`steward export` / `steward import-all`).

Registers with `core.importing.register_importer` (each a `FolderKind`): team allocations, team
interactions, level-mix targets, composition targets, burden rates, exchange rates, the
headcount plan, reorg scenarios and team dissolutions, so an export → import → export round
trip keeps all of organization design.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from steward.core import policy
from steward.core.importing import register_importer
from steward.core.importing.folder import FolderKind, Plan, ProblemAt, Record, Scope, save_checked
from steward.core.importing.yaml_reader import Item, sorted_json
from steward.core.importing.yaml_writer import compact
from steward.org.models import Person, Team, Track
from steward.orgdesign.models import (
    AllocationKind,
    BurdenRate,
    CompositionMetric,
    CompositionTarget,
    ExchangeRate,
    HeadcountPlanEntry,
    InteractionMode,
    LevelMixTarget,
    PlanKind,
    PlanStatus,
    Scenario,
    ScenarioChange,
    ScenarioStatus,
    TeamAllocation,
    TeamInteraction,
)

DEFAULT = "*"  # the YAML spelling of "every team" / "every other location"


def _teams() -> dict[str, Team]:
    return {t.slug: t for t in Team.objects.all()}


def _check_refs(kind: str, fields: dict[str, str]) -> Callable[[Plan, ProblemAt], None]:
    """A check that every field names an existing (or imported) team or person."""

    def check(plan: Plan, problem: ProblemAt) -> None:
        known = {"teams": plan.keys("teams"), "people": plan.keys("people")}
        for entry in plan.records(kind):
            for field, target in fields.items():
                value = entry.payload.get(field)
                if value and value != DEFAULT and value not in known[target]:
                    problem(entry, field, f"no {target[:-1]} {value!r}", f"add it to {target}.yaml")

    return check


# --------------------------------------------------------------------------- allocations


def _alloc_id(team: str, kind: str, quarter: str) -> str:
    return f"{team}/{kind}/{quarter or DEFAULT}"


def _alloc_export(scope: Scope) -> list[Record]:
    rows = scope.rows("orgdesign.TeamAllocation").select_related("team")
    records = [
        compact(
            {
                "id": _alloc_id(a.team.slug, a.kind, a.quarter),
                "team": a.team.slug,
                "kind": a.kind,
                "quarter": a.quarter,
                "share": a.share,
                "note": a.note,
            },
            keep=("id", "team", "kind", "share"),
        )
        for a in rows
    ]
    return sorted(records, key=lambda r: r["id"])


def _alloc_parse(item: Item) -> Record | None:
    item.check_keys(("id", "team", "kind", "quarter", "share", "note"))
    team = item.text("team", required=True)
    kind = item.choice("kind", AllocationKind.values)
    quarter = item.text("quarter")
    return compact(
        {
            "id": _alloc_id(team, kind, quarter),
            "team": team,
            "kind": kind,
            "quarter": quarter,
            "share": item.decimal("share", places=3),
            "note": item.text("note"),
        },
        keep=("id", "team", "kind", "share"),
    )


def _alloc_apply(plan: Plan) -> None:
    teams = _teams()
    for entry in plan.to_write("team-allocations"):
        r = entry.payload
        row = TeamAllocation.objects.filter(
            team=teams[r["team"]], kind=r["kind"], quarter=r.get("quarter", "")
        ).first() or TeamAllocation(
            team=teams[r["team"]], kind=r["kind"], quarter=r.get("quarter", "")
        )
        row.share, row.note = r["share"], r.get("note", "")
        save_checked(row, entry)


# --------------------------------------------------------------------------- interactions


def _inter_export(scope: Scope) -> list[Record]:
    rows = scope.rows("orgdesign.TeamInteraction").select_related("team", "other")
    records = [
        compact(
            {
                "id": f"{i.team.slug}/{i.other.slug}/{i.mode}",
                "team": i.team.slug,
                "other": i.other.slug,
                "mode": i.mode,
                "note": i.note,
            },
            keep=("id", "team", "other", "mode"),
        )
        for i in rows
    ]
    return sorted(records, key=lambda r: r["id"])


def _inter_parse(item: Item) -> Record | None:
    item.check_keys(("id", "team", "other", "mode", "note"))
    team, other = item.text("team", required=True), item.text("other", required=True)
    mode = item.choice("mode", InteractionMode.values)
    return compact(
        {
            "id": f"{team}/{other}/{mode}",
            "team": team,
            "other": other,
            "mode": mode,
            "note": item.text("note"),
        },
        keep=("id", "team", "other", "mode"),
    )


def _inter_apply(plan: Plan) -> None:
    teams = _teams()
    for entry in plan.to_write("team-interactions"):
        r = entry.payload
        team, other = teams[r["team"]], teams[r["other"]]
        row = TeamInteraction.objects.filter(
            team=team, other=other, mode=r["mode"]
        ).first() or TeamInteraction(team=team, other=other, mode=r["mode"])
        row.note = r.get("note", "")
        save_checked(row, entry)


# --------------------------------------------------------------------------- targets


def _level_export(scope: Scope) -> list[Record]:
    rows = scope.rows("orgdesign.LevelMixTarget").select_related("team")
    records = [
        {
            "id": f"{t.team.slug if t.team else DEFAULT}/{t.level}",
            "team": t.team.slug if t.team else DEFAULT,
            "level": t.level,
            "share": t.share,
        }
        for t in rows
    ]
    return sorted(records, key=lambda r: r["id"])


def _level_parse(item: Item) -> Record | None:
    item.check_keys(("id", "team", "level", "share"))
    team = item.text("team") or DEFAULT
    level = item.text("level", required=True)
    return {
        "id": f"{team}/{level}",
        "team": team,
        "level": level,
        "share": item.decimal("share", places=3),
    }


def _level_apply(plan: Plan) -> None:
    teams = _teams()
    for entry in plan.to_write("level-targets"):
        r = entry.payload
        team = None if r["team"] == DEFAULT else teams[r["team"]]
        row = LevelMixTarget.objects.filter(team=team, level=r["level"]).first() or LevelMixTarget(
            team=team, level=r["level"]
        )
        row.share = r["share"]
        save_checked(row, entry)


def _comp_export(scope: Scope) -> list[Record]:
    return [
        compact({"metric": t.metric, "value": t.value, "levels": t.levels}, keep=("metric",))
        for t in scope.rows("orgdesign.CompositionTarget").order_by("metric")
    ]


def _comp_parse(item: Item) -> Record | None:
    item.check_keys(("metric", "value", "levels"))
    return compact(
        {
            "metric": item.choice("metric", CompositionMetric.values),
            "value": item.decimal("value", places=3),
            "levels": item.text("levels"),
        },
        keep=("metric",),
    )


def _comp_apply(plan: Plan) -> None:
    for entry in plan.to_write("composition-targets"):
        r = entry.payload
        row = CompositionTarget.objects.filter(metric=r["metric"]).first() or CompositionTarget(
            metric=r["metric"]
        )
        row.value, row.levels = r["value"], r.get("levels", "")
        save_checked(row, entry)


# --------------------------------------------------------------------------- rates


def _burden_export(scope: Scope) -> list[Record]:
    return [
        {"location": b.location or DEFAULT, "rate": b.rate}
        for b in scope.rows("orgdesign.BurdenRate").order_by("location")
    ]


def _burden_parse(item: Item) -> Record | None:
    item.check_keys(("location", "rate"))
    return {"location": item.text("location") or DEFAULT, "rate": item.decimal("rate", places=3)}


def _burden_apply(plan: Plan) -> None:
    for entry in plan.to_write("burden-rates"):
        location = "" if entry.key == DEFAULT else entry.key
        row = BurdenRate.objects.filter(location=location).first() or BurdenRate(location=location)
        row.rate = entry.payload["rate"]
        save_checked(row, entry)


def _fx_export(scope: Scope) -> list[Record]:
    return [
        {
            "id": f"{x.currency}/{x.reporting_currency}",
            "currency": x.currency,
            "reporting_currency": x.reporting_currency,
            "rate": x.rate,
        }
        for x in scope.rows("orgdesign.ExchangeRate").order_by("currency", "reporting_currency")
    ]


def _fx_parse(item: Item) -> Record | None:
    item.check_keys(("id", "currency", "reporting_currency", "rate"))
    currency = item.text("currency", required=True, max_length=3)
    reporting = item.text("reporting_currency", required=True, max_length=3)
    return {
        "id": f"{currency}/{reporting}",
        "currency": currency,
        "reporting_currency": reporting,
        "rate": item.decimal("rate", places=6),
    }


def _fx_apply(plan: Plan) -> None:
    for entry in plan.to_write("exchange-rates"):
        r = entry.payload
        row = ExchangeRate.objects.filter(
            currency=r["currency"], reporting_currency=r["reporting_currency"]
        ).first() or ExchangeRate(
            currency=r["currency"], reporting_currency=r["reporting_currency"]
        )
        row.rate = r["rate"]
        save_checked(row, entry)


# --------------------------------------------------------------------------- headcount plan

PLAN_KEYS = (
    "key",
    "team",
    "kind",
    "status",
    "title",
    "level",
    "track",
    "quarter",
    "expected_start",
    "fte",
    "location",
    "salary",
    "currency",
    "replaces",
    "manager",
    "note",
)


def _plan_export(scope: Scope) -> list[Record]:
    pay = bool(policy.roles_of(scope.actor) & policy.COMPENSATION_ROLES)
    rows = scope.rows("orgdesign.HeadcountPlanEntry").select_related("team", "replaces", "manager")
    return [
        compact(
            {
                "key": e.key,
                "team": e.team.slug,
                "kind": e.kind,
                "status": e.status,
                "title": e.title,
                "level": e.level,
                "track": e.track,
                "quarter": e.quarter,
                "expected_start": e.expected_start,
                "fte": e.fte,
                "location": e.location,
                "salary": e.salary if pay else None,
                "currency": e.currency if pay else None,
                "replaces": e.replaces.employee_id if e.replaces else None,
                "manager": e.manager.employee_id if e.manager else None,
                "note": e.note,
            },
            keep=("key", "team", "kind", "status", "level", "track", "quarter", "fte"),
        )
        for e in rows.order_by("key")
    ]


def _plan_parse(item: Item) -> Record | None:
    item.check_keys(PLAN_KEYS)
    return compact(
        {
            "key": item.text("key", required=True, max_length=64),
            "team": item.text("team", required=True),
            "kind": item.choice("kind", PlanKind.values, PlanKind.HIRE),
            "status": item.choice("status", PlanStatus.values, PlanStatus.PLANNED),
            "title": item.text("title"),
            "level": item.text("level", required=True),
            "track": item.choice("track", Track.values, Track.IC),
            "quarter": item.text("quarter", required=True),
            "expected_start": item.date("expected_start", required=True),
            "fte": item.decimal("fte", places=2, default=Decimal(1)),
            "location": item.text("location"),
            "salary": item.decimal("salary", places=2),
            "currency": item.text("currency"),
            "replaces": item.text("replaces"),
            "manager": item.text("manager"),
            "note": item.text("note"),
        },
        keep=("key", "team", "kind", "status", "level", "track", "quarter", "fte"),
    )


def _plan_apply(plan: Plan) -> None:
    teams = _teams()
    people = {p.employee_id: p for p in Person.objects.all()}
    for entry in plan.to_write("headcount-plan"):
        r = entry.payload
        row = HeadcountPlanEntry.objects.filter(key=entry.key).first() or HeadcountPlanEntry(
            key=entry.key
        )
        row.team = teams[r["team"]]
        for field in ("kind", "status", "level", "track", "quarter", "expected_start", "fte"):
            setattr(row, field, r[field])
        for field in ("title", "location", "currency", "note"):
            setattr(row, field, r.get(field, ""))
        row.salary = r.get("salary")
        row.replaces = people.get(r.get("replaces", ""))
        row.manager = people.get(r.get("manager", ""))
        save_checked(row, entry)


# --------------------------------------------------------------------------- scenarios


def _scenario_export(scope: Scope) -> list[Record]:
    rows = scope.rows("orgdesign.Scenario").select_related("owner").prefetch_related("changes")
    records = []
    for s in rows:
        changes = [
            compact(
                {"kind": c.kind, "payload": sorted_json(c.payload), "base": sorted_json(c.base)},
                keep=("kind",),
            )
            for c in sorted(s.changes.all(), key=lambda c: c.position)  # type: ignore[attr-defined]
        ]
        records.append(
            compact(
                {
                    "name": s.name,
                    "description": s.description,
                    "effective_date": s.effective_date,
                    "status": s.status,
                    "changes": changes,
                },
                keep=("name", "effective_date", "status"),
            )
        )
    return sorted(records, key=lambda r: r["name"])


def _scenario_parse(item: Item) -> Record | None:
    item.check_keys(("name", "description", "effective_date", "status", "owner", "changes"))
    changes = []
    for child in item.items("changes"):
        child.check_keys(("kind", "payload", "base"))
        change: Record = {"kind": child.text("kind", required=True)}
        for key in ("payload", "base"):
            value = child.mapping(key)
            if value:
                change[key] = value
        changes.append(change)
    return compact(
        {
            "name": item.text("name", required=True, max_length=200),
            "description": item.text("description"),
            "effective_date": item.date("effective_date", required=True),
            "status": item.choice("status", ScenarioStatus.values, ScenarioStatus.DRAFT),
            "changes": changes,
        },
        keep=("name", "effective_date", "status"),
    )


def _scenario_apply(plan: Plan) -> None:
    # Logins are not part of the organization: a scenario's owner is neither exported nor
    # changed by an import ("owner" is still accepted in older files and ignored).
    for entry in plan.to_write("scenarios"):
        r = entry.payload
        row = Scenario.objects.filter(name=entry.key).first() or Scenario(name=entry.key)
        row.description = r.get("description", "")
        row.effective_date = r["effective_date"]
        row.status = r["status"]
        save_checked(row, entry)
        row.changes.all().delete()  # type: ignore[attr-defined]
        for position, change in enumerate(r.get("changes", []), start=1):
            save_checked(
                ScenarioChange(
                    scenario=row,
                    position=position,
                    kind=change["kind"],
                    payload=change.get("payload", {}),
                    base=change.get("base", {}),
                ),
                entry,
            )


# --------------------------------------------------------------------------- dissolutions


def _dissolved_export(scope: Scope) -> list[Record]:
    rows = scope.rows("org.Team").filter(dissolved_on__isnull=False).order_by("slug")
    return [{"slug": t.slug, "dissolved_on": t.dissolved_on} for t in rows]


def _dissolved_parse(item: Item) -> Record | None:
    item.check_keys(("slug", "dissolved_on"))
    return {
        "slug": item.text("slug", required=True),
        "dissolved_on": item.date("dissolved_on", required=True),
    }


def _dissolved_apply(plan: Plan) -> None:
    for entry in plan.to_write("team-dissolutions"):
        Team.objects.filter(slug=entry.key).update(dissolved_on=entry.payload["dissolved_on"])


def _kind(name: str, key: str, header: str, **funcs: Any) -> None:
    register_importer(
        name, FolderKind(name=name, file=f"{name}.yaml", key=key, header=header, **funcs)
    )


_kind(
    "team-allocations",
    "id",
    "Shares of team capacity not available for planned work (quarter blank: every quarter).",
    export=_alloc_export,
    parse=_alloc_parse,
    apply=_alloc_apply,
    check=_check_refs("team-allocations", {"team": "teams"}),
    after=("teams",),
)
_kind(
    "team-interactions",
    "id",
    "Declared Team Topologies interactions: collaboration, x-as-a-service, facilitating.",
    export=_inter_export,
    parse=_inter_parse,
    apply=_inter_apply,
    check=_check_refs("team-interactions", {"team": "teams", "other": "teams"}),
    after=("teams",),
)
_kind(
    "level-targets",
    "id",
    "Target share of each level in a team (team * : every team without its own).",
    export=_level_export,
    parse=_level_parse,
    apply=_level_apply,
    check=_check_refs("level-targets", {"team": "teams"}),
    after=("teams",),
)
_kind(
    "composition-targets",
    "metric",
    "Organization-wide composition targets (ICs per manager, share of senior levels).",
    export=_comp_export,
    parse=_comp_parse,
    apply=_comp_apply,
)
_kind(
    "burden-rates",
    "location",
    "Employer cost on top of salary per location (location * : every other location).",
    export=_burden_export,
    parse=_burden_parse,
    apply=_burden_apply,
)
_kind(
    "exchange-rates",
    "id",
    "Units of the reporting currency per unit of a currency.",
    export=_fx_export,
    parse=_fx_parse,
    apply=_fx_apply,
)
_kind(
    "headcount-plan",
    "key",
    "Planned hires and backfills per team, level and quarter (salary: compensation roles only).",
    export=_plan_export,
    parse=_plan_parse,
    apply=_plan_apply,
    check=_check_refs(
        "headcount-plan", {"team": "teams", "replaces": "people", "manager": "people"}
    ),
    after=("teams", "people"),
)
_kind(
    "scenarios",
    "name",
    "Reorg scenarios: drafts on top of the live org, with the live values each change assumed.",
    export=_scenario_export,
    parse=_scenario_parse,
    apply=_scenario_apply,
    after=("teams", "people"),
)
_kind(
    "team-dissolutions",
    "slug",
    "Teams dissolved by a reorg, and when.",
    export=_dissolved_export,
    parse=_dissolved_parse,
    apply=_dissolved_apply,
    check=_check_refs("team-dissolutions", {"slug": "teams"}),
    after=("teams",),
)
