"""Reorg scenarios on plain data: apply draft changes to a snapshot, validate, find conflicts.

A scenario's structure is the organization once every change has taken effect (departures gone,
planned hires present) on its effective date; capacity keeps each change's own date. Nothing
here touches the database: the services persist changes and apply them through org services.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from steward.core.disclosure import Figure, combine, suppressed
from steward.orgdesign.capacity import Assignment, CostRates, fully_loaded_cost
from steward.orgdesign.structure import TEAM_TYPES, OrgSnapshot, PersonRow, Spell, TeamRow

CHANGE_KINDS = (
    "move_person",
    "change_manager",
    "create_team",
    "merge_teams",
    "split_team",
    "dissolve_team",
    "add_hire",
    "mark_departure",
)


@dataclass(frozen=True)
class Change:
    """One draft change: `kind` with its `payload` (employee ids and team slugs)."""

    kind: str
    payload: Mapping[str, Any]
    position: int = 0

    def label(self) -> str:
        """ "change 3 (move_person)" for messages."""
        return f"change {self.position} ({self.kind})"


@dataclass
class ScenarioResult:
    """The organization after the changes, and what was refused."""

    snapshot: OrgSnapshot
    assignments: list[Assignment]
    problems: list[str] = field(default_factory=list)
    departures: dict[str, date] = field(default_factory=dict)
    hires: list[str] = field(default_factory=list)
    dissolved: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _date(value: Any, default: date) -> date:
    if value in (None, ""):
        return default
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class _Draft:
    """Mutable working copy of a snapshot while changes are applied."""

    def __init__(
        self, snapshot: OrgSnapshot, assignments: list[Assignment], owned: Mapping[str, list[str]]
    ) -> None:
        self.on = snapshot.on
        self.people = dict(snapshot.people)
        self.teams = dict(snapshot.teams)
        self.interactions = list(snapshot.interactions)
        # Indexes kept up to date by every operation (a scenario may hold hundreds of moves).
        self.by_person: dict[str, list[Assignment]] = {}
        for a in assignments:
            self.by_person.setdefault(a.person, []).append(a)
        self.members_of: dict[str, set[str]] = {}
        for key, p in self.people.items():
            if p.team is not None and (p.planned or p.active_on(self.on)):
                self.members_of.setdefault(p.team, set()).add(key)
        self.owned = owned
        self.result_departures: dict[str, date] = {}
        self.hires: list[str] = []
        self.dissolved: list[str] = []
        self.created: list[str] = []
        self.emptied_by: dict[str, str] = {}

    # --- lookups that explain themselves -------------------------------------------------
    def person(self, key: Any, what: str = "person") -> PersonRow:
        if not key:
            raise ValueError(f"{what}: missing")
        person = self.people.get(str(key))
        if person is None:
            raise ValueError(f"{what} {key}: no such person")
        if str(key) in self.result_departures:
            raise ValueError(f"{what} {key}: leaves in this scenario")
        if not person.planned and not person.active_on(self.on):
            raise ValueError(f"{what} {key}: not employed on {self.on.isoformat()} (a leaver)")
        return person

    def team(self, slug: Any, what: str = "team") -> TeamRow:
        if not slug:
            raise ValueError(f"{what}: missing")
        team = self.teams.get(str(slug))
        if team is None:
            raise ValueError(f"{what} {slug}: no such team (or dissolved in this scenario)")
        return team

    def members(self, slug: str) -> list[str]:
        return sorted(self.members_of.get(slug, ()))

    @property
    def assignments(self) -> list[Assignment]:
        return [a for rows in self.by_person.values() for a in rows]

    def state(self) -> tuple[Any, ...]:
        """Everything a refused change might have touched, to restore it."""
        return (
            dict(self.people),
            dict(self.teams),
            list(self.interactions),
            dict(self.by_person),
            {k: set(v) for k, v in self.members_of.items()},
            dict(self.result_departures),
            list(self.hires),
            list(self.dissolved),
            list(self.created),
        )

    def restore(self, saved: tuple[Any, ...]) -> None:
        """Undo a refused change."""
        (
            self.people,
            self.teams,
            self.interactions,
            self.by_person,
            self.members_of,
            self.result_departures,
            self.hires,
            self.dissolved,
            self.created,
        ) = saved

    # --- primitive operations -------------------------------------------------------------
    def set_team(self, key: str, slug: str | None, label: str) -> None:
        person = self.people[key]
        if person.team == slug:
            return
        old = person.team
        self.people[key] = dataclasses.replace(person, team=slug)
        counted = old is not None and key in self.members_of.get(old, ())
        if old is not None:
            self.members_of.get(old, set()).discard(key)
        if slug is not None and (counted or person.planned or person.active_on(self.on)):
            self.members_of.setdefault(slug, set()).add(key)
        self._reassign(key, slug, self.on)
        if old is not None and not self.members(old):
            self.emptied_by.setdefault(old, label)

    def _reassign(self, key: str, slug: str | None, on: date) -> None:
        person = self.people[key]
        kept: list[Assignment] = []
        starts: list[date] = []
        for a in self.by_person.get(key, []):
            if a.end is not None and a.end <= on:
                kept.append(a)
                continue
            starts.append(a.start)
            if a.start < on:
                kept.append(dataclasses.replace(a, end=on))
        if slug is not None:
            start = max(on, min(starts)) if starts else on
            end = next((s.end for s in person.spells if s.covers(start)), None)
            kept.append(Assignment(key, slug, start, end, person.fte, planned=person.planned))
        self.by_person[key] = kept

    def set_manager(self, key: str, manager: str | None) -> None:
        if manager is not None:
            cursor: str | None = manager
            seen: set[str] = set()
            while cursor is not None and cursor not in seen:
                if cursor == key:
                    raise ValueError(
                        f"{key} cannot report to {manager}: that makes a reporting cycle"
                    )
                seen.add(cursor)
                cursor = self.people[cursor].manager if cursor in self.people else None
        self.people[key] = dataclasses.replace(self.people[key], manager=manager)

    def follow_lead(self, key: str, slug: str) -> None:
        lead = self.teams[slug].lead
        if lead and lead != key and lead not in self.result_departures:
            self.set_manager(key, lead)

    def drop_team(self, slug: str, label: str) -> None:
        del self.teams[slug]
        self.interactions = [i for i in self.interactions if slug not in (i.team, i.other)]
        self.dissolved.append(slug)
        self.emptied_by.setdefault(slug, label)


def _move_person(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Move a person to a team (or to none), following its lead unless told not to."""
    label = change.label()
    person = draft.person(p.get("person"))
    target = draft.team(p.get("team")).slug if p.get("team") else None
    draft.set_team(person.key, target, label)
    if target and p.get("follow_lead", True):
        draft.follow_lead(person.key, target)
    if p.get("manager"):
        draft.set_manager(person.key, draft.person(p["manager"], "manager").key)


def _change_manager(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Give a person another manager (or none)."""
    person = draft.person(p.get("person"))
    manager = draft.person(p["manager"], "manager").key if p.get("manager") else None
    draft.set_manager(person.key, manager)


def _create_team(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Add a team; its slug must be new."""
    slug = str(p.get("slug") or "")
    if not slug:
        raise ValueError("slug: missing")
    if slug in draft.teams or slug in draft.dissolved:
        raise ValueError(f"team {slug} already exists")
    team_type = str(p.get("type") or "stream-aligned")
    if team_type not in TEAM_TYPES:
        raise ValueError(f"type {team_type}: expected one of {', '.join(TEAM_TYPES)}")
    lead = draft.person(p["lead"], "lead").key if p.get("lead") else None
    draft.teams[slug] = TeamRow(
        slug, str(p.get("name") or slug), team_type, p.get("department"), lead
    )
    draft.created.append(slug)


def _split_team(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Move some members of a team into a new team."""
    label = change.label()
    source = draft.team(p.get("team"))
    people = [str(k) for k in p.get("people") or []]
    if not people:
        raise ValueError("people: name at least one member to move to the new team")
    for key in people:
        draft.person(key)
        if draft.people[key].team != source.slug:
            raise ValueError(f"person {key} is not a member of {source.slug}")
    _apply_one(
        draft,
        Change(
            "create_team",
            {
                "slug": p.get("new_slug"),
                "name": p.get("new_name"),
                "type": p.get("type") or source.type,
                "department": source.department,
                "lead": p.get("lead"),
            },
            change.position,
        ),
    )
    new_slug = str(p.get("new_slug"))
    for key in people:
        draft.set_team(key, new_slug, label)
        if p.get("follow_lead", True):
            draft.follow_lead(key, new_slug)


def _merge_teams(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Move every member of `source` into `into` and drop `source`."""
    label = change.label()
    source = draft.team(p.get("source"), "source")
    into = draft.team(p.get("into"), "into")
    if source.slug == into.slug:
        raise ValueError("a team cannot be merged into itself")
    _check_owned(draft, source.slug, f"merging {source.slug} into {into.slug}")
    for key in draft.members(source.slug):
        draft.set_team(key, into.slug, label)
        if p.get("follow_lead", True):
            draft.follow_lead(key, into.slug)
    draft.drop_team(source.slug, label)


def _dissolve_team(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Move every member of a team to `into` (or to no team) and drop the team."""
    label = change.label()
    team = draft.team(p.get("team"))
    target = draft.team(p["into"], "into").slug if p.get("into") else None
    _check_owned(draft, team.slug, f"dissolving {team.slug}")
    for key in draft.members(team.slug):
        draft.set_team(key, target, label)
        if target and p.get("follow_lead", True):
            draft.follow_lead(key, target)
    draft.drop_team(team.slug, label)


def _add_hire(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """Add a planned hire to a team."""
    key = str(p.get("key") or "")
    if not key:
        raise ValueError("key: missing (e.g. H-payments-1)")
    if key in draft.people:
        raise ValueError(f"key {key} is already a person or planned hire")
    team = draft.team(p.get("team"))
    start = _date(p.get("expected_start"), draft.on)
    manager = p.get("manager") or team.lead
    if manager:
        draft.person(manager, "manager")
    fte = Decimal(str(p.get("fte") or "1"))
    if not Decimal(0) < fte <= 1:
        raise ValueError(f"fte {fte}: must be greater than 0 and at most 1")
    draft.people[key] = PersonRow(
        key=key,
        name=str(p.get("title") or f"Planned hire ({p.get('level', '')})"),
        manager=manager or None,
        team=team.slug,
        level=str(p.get("level") or ""),
        track=str(p.get("track") or "ic"),
        timezone=str(p.get("timezone") or ""),
        location=str(p.get("location") or ""),
        fte=fte,
        spells=(Spell(min(start, draft.on)),),
        salary=Decimal(str(p["salary"])) if p.get("salary") not in (None, "") else None,
        currency=str(p.get("currency") or ""),
        planned=True,
    )
    draft.by_person[key] = [Assignment(key, team.slug, start, None, fte, planned=True)]
    draft.members_of.setdefault(team.slug, set()).add(key)
    draft.hires.append(key)


def _mark_departure(draft: _Draft, p: Mapping[str, Any], change: Change) -> None:
    """A person leaves on a date: their assignments end there."""
    label = change.label()
    person = draft.person(p.get("person"))
    on = _date(p.get("on"), draft.on)
    if on < draft.on:
        raise ValueError(f"on {on.isoformat()}: before the scenario's effective date")
    draft.result_departures[person.key] = on
    draft.by_person[person.key] = [
        dataclasses.replace(a, end=on) if a.end is None or a.end > on else a
        for a in draft.by_person.get(person.key, [])
        if a.start < on
    ]
    if person.team:
        draft.members_of.get(person.team, set()).discard(person.key)
    if person.team and not draft.members(person.team):
        draft.emptied_by.setdefault(person.team, label)


_APPLY: dict[str, Callable[[_Draft, Mapping[str, Any], Change], None]] = {
    "move_person": _move_person,
    "change_manager": _change_manager,
    "create_team": _create_team,
    "split_team": _split_team,
    "merge_teams": _merge_teams,
    "dissolve_team": _dissolve_team,
    "add_hire": _add_hire,
    "mark_departure": _mark_departure,
}


def _apply_one(draft: _Draft, change: Change) -> None:
    apply = _APPLY.get(change.kind)
    if apply is None:
        raise ValueError(f"kind {change.kind}: expected one of {', '.join(CHANGE_KINDS)}")
    apply(draft, change.payload, change)


def _check_owned(draft: _Draft, slug: str, doing: str) -> None:
    owned = draft.owned.get(slug) or []
    if owned:
        raise ValueError(
            f"{doing} would leave a team that still owns {', '.join(owned)}; hand those over first"
        )


def apply_changes(
    snapshot: OrgSnapshot,
    assignments: list[Assignment],
    changes: list[Change],
    owned: Mapping[str, list[str]] | None = None,
) -> ScenarioResult:
    """The organization after `changes`; refused changes are skipped and explained."""
    draft = _Draft(snapshot, assignments, owned or {})
    problems: list[str] = []
    for change in changes:
        saved = draft.state()
        try:
            _apply_one(draft, change)
        except (ValueError, ArithmeticError) as exc:
            problems.append(f"{change.label()}: {exc}")
            draft.restore(saved)
    for slug, label in sorted(draft.emptied_by.items()):
        if slug in draft.teams and not draft.members(slug) and draft.owned.get(slug):
            problems.append(
                f"{label}: team {slug} would be left without members but still owns "
                f"{', '.join(draft.owned[slug])}; hand those over first"
            )
    people = {k: v for k, v in draft.people.items() if k not in draft.result_departures}
    after = OrgSnapshot(
        on=snapshot.on, people=people, teams=draft.teams, interactions=draft.interactions
    )
    return ScenarioResult(
        snapshot=after,
        assignments=draft.assignments,
        problems=problems,
        departures=draft.result_departures,
        hires=draft.hires,
        dissolved=draft.dissolved,
        created=draft.created,
    )


def manager_changes(before: OrgSnapshot, after: OrgSnapshot) -> list[dict[str, Any]]:
    """People present in both whose manager differs, and planned hires with their manager."""
    rows = []
    for key in sorted(after.people):
        new = after.people[key]
        old = before.people.get(key)
        if old is None:
            continue
        if not old.active_on(before.on):
            continue
        if old.manager != new.manager:
            rows.append(
                {"person": key, "name": new.name, "before": old.manager, "after": new.manager}
            )
    return rows


def team_costs(snapshot: OrgSnapshot, rates: CostRates) -> dict[str, Any]:
    """Fully loaded yearly cost per team of the counted people (planned hires included)."""
    per_team: dict[str, Decimal] = {}
    heads: dict[str, int] = {}
    missing: list[str] = []
    shares: dict[str, dict[str, Decimal]] = {}
    for key, person in sorted(snapshot.people.items()):
        if not (person.planned or person.active_on(snapshot.on)):
            continue
        cost = fully_loaded_cost(person.salary, person.currency, person.location, rates)
        if cost is None:
            missing.append(key)
            continue
        team = person.team or "(no team)"
        per_team[team] = per_team.get(team, Decimal(0)) + cost * person.fte
        heads[team] = heads.get(team, 0) + 1
        shares.setdefault(team, {})[key] = cost * person.fte
    return {
        "by_team": {t: per_team[t].quantize(Decimal("0.01")) for t in sorted(per_team)},
        "total": sum(per_team.values(), Decimal(0)).quantize(Decimal("0.01")),
        "heads": heads,
        "missing": missing,
        "shares": shares,
    }


def cost_delta(before: dict[str, Any], after: dict[str, Any], min_group: int = 0) -> dict[str, Any]:
    """Per team and in total: before, after and the difference (reporting currency per year).

    With `min_group`, the small-group rule of `core.disclosure` applies: a team row or the total
    whose before, after or change is made of the pay of fewer than `min_group` people is
    hidden, with complementary rows hidden so that no hidden row follows from the total.
    """
    teams = sorted(set(before["by_team"]) | set(after["by_team"]))
    hidden: frozenset[str] = frozenset()
    if min_group:
        hidden = _hidden_cost_rows(teams, before["shares"], after["shares"], min_group)
    rows: dict[str, dict[str, Any]] = {}
    for t in teams:
        if t in hidden:
            rows[t] = {"before": None, "after": None, "delta": None, "suppressed": True}
            continue
        b = before["by_team"].get(t, Decimal(0))
        a = after["by_team"].get(t, Decimal(0))
        rows[t] = {"before": b, "after": a, "delta": a - b}
    total: dict[str, Any] = {
        "before": before["total"],
        "after": after["total"],
        "delta": after["total"] - before["total"],
    }
    if TOTAL in hidden:
        total = {"before": None, "after": None, "delta": None, "suppressed": True}
    return {
        "by_team": rows,
        "total": total,
        "missing_salary": sorted(set(before["missing"]) | set(after["missing"])),
    }


# The key of the total row among team slugs (not a valid slug).
TOTAL = " total"


def _hidden_cost_rows(
    teams: list[str],
    before: dict[str, dict[str, Decimal]],
    after: dict[str, dict[str, Decimal]],
    min_group: int,
) -> frozenset[str]:
    figures = {t: Figure(before.get(t, {}), after.get(t, {})) for t in teams}
    figures[TOTAL] = combine(figures.values())
    return suppressed(figures, [(teams, TOTAL)], min_group)


def change_refs(change: Change) -> tuple[list[str], list[str]]:
    """The employee ids and team slugs a change relies on existing in the live org."""
    p = change.payload
    people = [str(p[k]) for k in ("person", "manager", "lead") if p.get(k)]
    people += [str(k) for k in p.get("people") or []]
    teams = [str(p[k]) for k in ("team", "source", "into") if p.get(k)]
    return people, teams


def live_base(change: Change, live: OrgSnapshot) -> dict[str, Any]:
    """The live values `change` was drafted against (stored with it, compared on apply)."""
    people, teams = change_refs(change)
    base: dict[str, Any] = {"people": {}, "teams": {}}
    for key in people:
        person = live.people.get(key)
        base["people"][key] = (
            None
            if person is None
            else {
                "team": person.team,
                "manager": person.manager,
                "employed": person.active_on(live.on),
            }
        )
    for slug in teams:
        base["teams"][slug] = slug in live.teams
    new_slug = change.payload.get("slug") or change.payload.get("new_slug")
    if new_slug:
        base["teams"][str(new_slug)] = str(new_slug) in live.teams
    return base


def conflicts(change: Change, stored: Mapping[str, Any], live: OrgSnapshot) -> list[str]:
    """How the live org changed underneath `change` since it was drafted, in words."""
    now = live_base(change, live)
    found = []
    for key, was in (stored.get("people") or {}).items():
        is_ = now["people"].get(key)
        if was == is_:
            continue
        if is_ is None:
            found.append(f"{change.label()}: person {key} no longer exists")
            continue
        if was is None:
            continue
        for attr in ("team", "manager", "employed"):
            if was.get(attr) != is_.get(attr):
                found.append(
                    f"{change.label()}: {key}'s {attr} changed in the live org from "
                    f"{was.get(attr)} to {is_.get(attr)} since the change was drafted"
                )
    for slug, existed in (stored.get("teams") or {}).items():
        exists = now["teams"].get(slug)
        if existed != exists:
            state = "was created" if exists else "was removed"
            found.append(f"{change.label()}: team {slug} {state} in the live org since drafting")
    return found
