"""Structure analysis of an organization snapshot: plain data in, plain data out (no Django).

Every figure follows METRICS.md "Organization structure". The input is an `OrgSnapshot` of the
people as they stand on the analysis date (home team and manager on that date) plus their
employment spells; `analyze` returns the CONTRACT.md shape of `steward org analyze --json`
with extra keys (per-team detail, per-department ratios, interactions, the people behind each
flag).
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SPAN_MIN = 3  # flagged under this many direct reports
SPAN_MAX = 8  # flagged over this many
TEAM_MIN = 5  # team size flagged outside [TEAM_MIN, TEAM_MAX]
TEAM_MAX = 9
MIX_TOLERANCE = 0.25  # a level's share this far from its target flags the team
TZ_SPREAD_MAX = 8.0  # hours; a wider spread within one team is flagged
COLLABORATION_MAX = 2  # a team in more collaboration interactions than this is flagged

TEAM_TYPES = ("stream-aligned", "platform", "enabling", "complicated-subsystem")
INTERACTION_MODES = ("collaboration", "x-as-a-service", "facilitating")

# Order of flags on the health page: the most structural first.
FLAG_ORDER = (
    "reporting_cycle",
    "reports_to_inactive_manager",
    "span_over_8",
    "team_over_9",
    "team_of_one",
    "team_empty",
    "team_under_5",
    "span_under_3",
    "manager_without_team",
    "person_without_team",
    "seniority_mix_off_target",
    "timezone_spread",
    "collaboration_overload",
)


@dataclass(frozen=True)
class Spell:
    """A period of employment `[start, end)`; `end` None while employed."""

    start: date
    end: date | None = None

    def covers(self, on: date) -> bool:
        """True when `on` lies in the spell."""
        return self.start <= on and (self.end is None or self.end > on)


@dataclass(frozen=True)
class PersonRow:
    """A person as they stand on the analysis date (team and manager on that date)."""

    key: str  # employee_id
    name: str = ""
    manager: str | None = None  # employee_id of the manager on the date
    team: str | None = None  # home team slug on the date
    level: str = ""
    track: str = "ic"
    department: str | None = None
    timezone: str = ""
    location: str = ""
    fte: Decimal = Decimal("1")
    spells: tuple[Spell, ...] = ()
    salary: Decimal | None = None
    currency: str = ""
    planned: bool = False  # a planned hire (scenario or headcount plan), not yet employed

    def active_on(self, on: date) -> bool:
        """Employed on `on` (start ≤ on < end in one of the spells)."""
        return any(s.covers(on) for s in self.spells)


@dataclass(frozen=True)
class TeamRow:
    """A team with its declared target level mix (level → share, summing to about 1)."""

    slug: str
    name: str = ""
    type: str = "stream-aligned"
    department: str | None = None
    lead: str | None = None
    target_mix: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Interaction:
    """A declared Team Topologies interaction between two teams."""

    team: str
    other: str
    mode: str


@dataclass
class OrgSnapshot:
    """The organization on one date: people (keyed by employee_id), teams and interactions."""

    on: date
    people: dict[str, PersonRow] = field(default_factory=dict)
    teams: dict[str, TeamRow] = field(default_factory=dict)
    interactions: list[Interaction] = field(default_factory=list)

    def active(self) -> dict[str, PersonRow]:
        """The people counted on the snapshot date."""
        return {k: p for k, p in self.people.items() if p.active_on(self.on)}


@functools.lru_cache(maxsize=4096)
def utc_offset_hours(tz_name: str, on: date) -> float | None:
    """The UTC offset of the IANA zone `tz_name` at noon UTC on `on`, in hours (DST-aware)."""
    if not tz_name:
        return None
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    moment = datetime.combine(on, time(12), tzinfo=UTC).astimezone(zone)
    offset = moment.utcoffset()
    return None if offset is None else offset.total_seconds() / 3600


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _ratio(ics: int, managers: int) -> float | None:
    return round(ics / managers, 2) if managers else None


def _layers_above(
    key: str, manager_of: dict[str, str | None], memo: dict[str, int], cycles: set[str]
) -> int:
    """Managers above `key` within the active org (memoized; cycles are cut and recorded)."""
    path: list[str] = []
    index: dict[str, int] = {}
    cursor: str | None = key
    while cursor is not None and cursor not in memo and cursor not in index:
        index[cursor] = len(path)
        path.append(cursor)
        cursor = manager_of.get(cursor)
    if cursor is None:
        base = -1
    elif cursor in memo:
        base = memo[cursor]
    else:
        loop = path[index[cursor] :]
        cycles.update(loop)
        for member in loop:
            memo[member] = 0
        path = path[: index[cursor]]
        base = 0
    for member in reversed(path):
        base += 1
        memo[member] = base
    return memo[key]


class _Flags:
    """The flags of one analysis, in the order they are raised (sorted at the end)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __call__(self, kind: str, subject: str, detail: str, people: list[str]) -> None:
        self.items.append({"kind": kind, "subject": subject, "detail": detail, "people": people})

    def sorted(self) -> list[dict[str, Any]]:
        order = {kind: n for n, kind in enumerate(FLAG_ORDER)}
        return sorted(self.items, key=lambda f: (order.get(f["kind"], len(order)), f["subject"]))


def _reporting_lines(
    active: dict[str, PersonRow], on: date, flag: _Flags
) -> tuple[dict[str, list[str]], dict[str, str | None]]:
    """Direct reports per manager and each person's manager, counting only active people whose
    manager is active too (a manager who is not employed on `on` is flagged)."""
    reports: dict[str, list[str]] = defaultdict(list)
    manager_of: dict[str, str | None] = {}
    for key, person in active.items():
        boss = person.manager
        if boss is not None and boss in active and boss != key:
            reports[boss].append(key)
            manager_of[key] = boss
        else:
            manager_of[key] = None
            if boss is not None and boss != key:
                flag(
                    "reports_to_inactive_manager",
                    key,
                    f"manager {boss} is not employed on {on.isoformat()}",
                    [key],
                )
    for members in reports.values():
        members.sort()
    return reports, manager_of


def _layers(active: dict[str, PersonRow], manager_of: dict[str, str | None], flag: _Flags) -> int:
    """The number of management layers; a reporting cycle is cut and flagged."""
    memo: dict[str, int] = {}
    cycles: set[str] = set()
    depth = {key: _layers_above(key, manager_of, memo, cycles) for key in sorted(active)}
    if cycles:
        flag("reporting_cycle", ",".join(sorted(cycles)), "reporting cycle", sorted(cycles))
    return max(depth.values(), default=0)


def _flag_spans(reports: dict[str, list[str]], flag: _Flags) -> None:
    for manager in sorted(reports):
        n = len(reports[manager])
        if n > SPAN_MAX:
            flag("span_over_8", manager, f"{n} direct reports", [manager, *reports[manager]])
        elif n < SPAN_MIN:
            flag("span_under_3", manager, f"{n} direct reports", [manager, *reports[manager]])


def _by_department(
    snapshot: OrgSnapshot, active: dict[str, PersonRow], reports: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """People, managers and the manager-to-IC ratio per department (the person's department,
    else their team's)."""
    dept_people: dict[str, list[str]] = defaultdict(list)
    for key, person in active.items():
        team = snapshot.teams.get(person.team or "")
        dept = person.department or (team.department if team else None) or "(none)"
        dept_people[dept].append(key)
    by_department = {}
    for dept in sorted(dept_people):
        keys = dept_people[dept]
        dm = sum(1 for k in keys if k in reports)
        by_department[dept] = {
            "people": len(keys),
            "managers": dm,
            "individual_contributors": len(keys) - dm,
            "manager_to_ic_ratio": _ratio(len(keys) - dm, dm),
        }
    return by_department


def _size_flag(size: int) -> tuple[str, str] | None:
    """The team-size flag and its detail, if the size is outside the healthy range."""
    if size == 0:
        return "team_empty", "no active members"
    if size == 1:
        return "team_of_one", "1 member"
    if size < TEAM_MIN:
        return "team_under_5", f"{size} members"
    if size > TEAM_MAX:
        return "team_over_9", f"{size} members"
    return None


def _seniority(
    team: TeamRow, members: list[str], active: dict[str, PersonRow]
) -> tuple[dict[str, float], dict[str, float], dict[str, float] | None]:
    """The team's level mix, its gap to the target mix, and the levels off target (None when
    no level is further off than MIX_TOLERANCE)."""
    size = len(members)
    levels: dict[str, int] = {}
    for k in members:
        level = active[k].level or "(none)"
        levels[level] = levels.get(level, 0) + 1
    mix = {lvl: round(n / size, 4) for lvl, n in sorted(levels.items())} if size else {}
    target = dict(team.target_mix)
    gaps: dict[str, float] = {}
    if not (target and size):
        return mix, gaps, None
    for lvl in sorted(set(target) | set(mix)):
        gaps[lvl] = round(mix.get(lvl, 0.0) - target.get(lvl, 0.0), 4)
    off = {lvl: g for lvl, g in gaps.items() if abs(g) > MIX_TOLERANCE}
    return mix, gaps, off or None


def _timezone_offsets(
    members: list[str], active: dict[str, PersonRow], on: date
) -> dict[str, float]:
    offsets: dict[str, float] = {}
    for k in members:
        hours = utc_offset_hours(active[k].timezone, on)
        if hours is not None:
            offsets[k] = hours
    return offsets


def _analyze_team(
    team: TeamRow,
    members: list[str],
    active: dict[str, PersonRow],
    reports: dict[str, list[str]],
    collaborations: int,
    on: date,
    flag: _Flags,
) -> dict[str, Any]:
    """One team's figures and flags (raised on `flag` too)."""
    slug = team.slug
    size = len(members)
    team_flags: list[str] = []
    size_flag = _size_flag(size)
    if size_flag is not None:
        team_flags.append(size_flag[0])
        flag(size_flag[0], slug, size_flag[1], members if size else [])
    mix, gaps, off = _seniority(team, members, active)
    target = dict(team.target_mix)
    if off:
        team_flags.append("seniority_mix_off_target")
        worst = max(off, key=lambda lvl: abs(off[lvl]))
        flag(
            "seniority_mix_off_target",
            slug,
            f"{worst}: {mix.get(worst, 0.0):.0%} against a target of {target.get(worst, 0.0):.0%}",
            [k for k in members if (active[k].level or "(none)") in off],
        )
    offsets = _timezone_offsets(members, active, on)
    spread = max(offsets.values()) - min(offsets.values()) if offsets else None
    if spread is not None and spread > TZ_SPREAD_MAX:
        team_flags.append("timezone_spread")
        earliest = min(offsets, key=lambda k: offsets[k])
        latest = max(offsets, key=lambda k: offsets[k])
        flag(
            "timezone_spread",
            slug,
            f"{spread:g} hours between members (UTC{offsets[earliest]:+g} to "
            f"UTC{offsets[latest]:+g})",
            sorted({earliest, latest}),
        )
    if collaborations > COLLABORATION_MAX:
        team_flags.append("collaboration_overload")
        flag(
            "collaboration_overload",
            slug,
            f"in {collaborations} collaboration interactions at once",
            [],
        )
    return {
        "slug": slug,
        "size": size,
        "flags": team_flags,
        "name": team.name,
        "type": team.type,
        "lead": team.lead,
        "members": members,
        "fte": float(sum(active[k].fte for k in members)),
        "managers": sum(1 for k in members if k in reports),
        "seniority_mix": mix,
        "target_mix": target,
        "seniority_gap": gaps,
        "timezone_spread_hours": spread,
    }


def _flag_people_without_team(
    active: dict[str, PersonRow], reports: dict[str, list[str]], leads: set[str], flag: _Flags
) -> None:
    """A first-line manager (most reports are ICs) should lead or belong to a team; so should a
    manager with no reports, and everyone else."""
    for manager in sorted(reports):
        person = active[manager]
        ic_reports = sum(1 for k in reports[manager] if k not in reports)
        if person.team is None and manager not in leads and ic_reports * 2 > len(reports[manager]):
            flag(
                "manager_without_team",
                manager,
                f"manages {ic_reports} individual contributors but leads no team",
                [manager, *reports[manager]],
            )
    for key in sorted(active):
        person = active[key]
        if person.track == "manager" and key not in reports and key not in leads:
            flag("manager_without_team", key, "manager with no reports who leads no team", [key])
    for key in sorted(active):
        person = active[key]
        if person.team is None and key not in reports and key not in leads:
            flag("person_without_team", key, "no home team", [key])


def headcounts(snapshot: OrgSnapshot) -> dict[str, Any]:
    """The organization's people, managers (active people with an active direct report),
    individual contributors and their ratio: `analyze`'s figures of those names, without
    analysing every team."""
    active = snapshot.active()
    reports, _ = _reporting_lines(active, snapshot.on, _Flags())
    n_people, n_managers = len(active), len(reports)
    return {
        "people": n_people,
        "managers": n_managers,
        "individual_contributors": n_people - n_managers,
        "manager_to_ic_ratio": _ratio(n_people - n_managers, n_managers),
    }


def analyze(snapshot: OrgSnapshot) -> dict[str, Any]:
    """Every structure figure of `snapshot`, with the flags and the people behind them."""
    on = snapshot.on
    active = snapshot.active()
    flag = _Flags()

    reports, manager_of = _reporting_lines(active, on, flag)
    managers = sorted(reports)
    by_manager = {m: len(reports[m]) for m in managers}
    spans = list(by_manager.values())
    layers = _layers(active, manager_of, flag)
    _flag_spans(reports, flag)
    n_people, n_managers = len(active), len(managers)
    n_ics = n_people - n_managers

    members_of: dict[str, list[str]] = defaultdict(list)
    for key, person in active.items():
        if person.team is not None:
            members_of[person.team].append(key)
    interactions = [
        i for i in snapshot.interactions if i.team in snapshot.teams and i.other in snapshot.teams
    ]
    collaborations: Counter[str] = Counter()
    for i in interactions:
        if i.mode == "collaboration":
            collaborations[i.team] += 1
            collaborations[i.other] += 1
    teams_out = [
        _analyze_team(
            snapshot.teams[slug],
            sorted(members_of.get(slug, [])),
            active,
            reports,
            collaborations[slug],
            on,
            flag,
        )
        for slug in sorted(snapshot.teams)
    ]
    leads = {t.lead for t in snapshot.teams.values() if t.lead}
    _flag_people_without_team(active, reports, leads, flag)

    type_counts = {t: 0 for t in TEAM_TYPES}
    for team in snapshot.teams.values():
        type_counts[team.type] = type_counts.get(team.type, 0) + 1
    mode_counts = {m: 0 for m in INTERACTION_MODES}
    for i in interactions:
        mode_counts[i.mode] = mode_counts.get(i.mode, 0) + 1

    flags = flag.sorted()
    return {
        "date": on.isoformat(),
        "people": n_people,
        "managers": n_managers,
        "individual_contributors": n_ics,
        "manager_to_ic_ratio": _ratio(n_ics, n_managers),
        "layers": layers,
        "span_of_control": {
            "median": _median(spans),
            "max": max(spans, default=None),
            "by_manager": by_manager,
        },
        "teams": teams_out,
        "flags": flags,
        "by_department": _by_department(snapshot, active, reports),
        "team_types": type_counts,
        "interactions": {
            "counts": mode_counts,
            "items": [
                {"team": i.team, "other": i.other, "mode": i.mode}
                for i in sorted(interactions, key=lambda i: (i.team, i.other, i.mode))
            ],
        },
        "people_without_team": sorted(
            f["subject"] for f in flags if f["kind"] == "person_without_team"
        ),
        "managers_without_team": sorted(
            f["subject"] for f in flags if f["kind"] == "manager_without_team"
        ),
    }


# Figures compared between two analyses (a scenario against the live org).
COMPARED_FIGURES = (
    "people",
    "managers",
    "individual_contributors",
    "manager_to_ic_ratio",
    "layers",
)


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Every structure figure of two analyses side by side, per team, and the flags that change."""
    figures = {k: {"before": before[k], "after": after[k]} for k in COMPARED_FIGURES}
    for key in ("median", "max"):
        figures[f"span_{key}"] = {
            "before": before["span_of_control"][key],
            "after": after["span_of_control"][key],
        }
    figures["flags"] = {"before": len(before["flags"]), "after": len(after["flags"])}
    b_teams = {t["slug"]: t for t in before["teams"]}
    a_teams = {t["slug"]: t for t in after["teams"]}
    teams = []
    for slug in sorted(set(b_teams) | set(a_teams)):
        b, a = b_teams.get(slug), a_teams.get(slug)
        teams.append(
            {
                "slug": slug,
                "size_before": b["size"] if b else None,
                "size_after": a["size"] if a else None,
                "flags_before": b["flags"] if b else [],
                "flags_after": a["flags"] if a else [],
                "timezone_spread_before": b["timezone_spread_hours"] if b else None,
                "timezone_spread_after": a["timezone_spread_hours"] if a else None,
            }
        )

    def keyed(flags: list[dict[str, Any]]) -> set[tuple[str, str]]:
        return {(f["kind"], f["subject"]) for f in flags}

    b_flags, a_flags = keyed(before["flags"]), keyed(after["flags"])
    return {
        "figures": figures,
        "teams": teams,
        "flags_added": [
            f for f in after["flags"] if (f["kind"], f["subject"]) in a_flags - b_flags
        ],
        "flags_removed": [
            f for f in before["flags"] if (f["kind"], f["subject"]) in b_flags - a_flags
        ],
    }
