"""Importers of the strategy: `objectives`, `key-results` and `initiatives` (CONTRACT.md CSVs).

Each validates every row first, diffs against the database, and writes through the strategy
services in one transaction (each save is audited). Re-importing the same file changes nothing.
Objective link weights of an initiative must sum to 1: a file whose weights do not is rejected
(exit code 2), never silently normalized; blank weights split equally (noted as a warning).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from steward.core import policy
from steward.core.importing import Change, CsvImporter, Diff, Row
from steward.org import selectors as org_selectors
from steward.strategy import rules, services
from steward.strategy.models import (
    Horizon,
    Initiative,
    InitiativeStatus,
    KeyResult,
    Level,
    Objective,
)
from steward.strategy.optimizer import QUARTER, find_cycle
from steward.strategy.scoring import RICE_CONFIDENCE, RICE_IMPACT, WSJF_SCALE


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _finite(text: str) -> Decimal | None:
    """`text` as a number, or None (NaN and Infinity parse as decimals but are not numbers)."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


class _StrategyImporter(CsvImporter):
    def _require(self, label: str) -> None:
        policy.require(self.actor, "change", label)

    def _changes(
        self, diff: Diff, key: str, row: Row, old: dict[str, Any] | None, new: dict[str, Any]
    ) -> None:
        if old is None:
            diff.add(Change("added", key, line=row.line, payload=new))
            return
        changed = {k: (old.get(k), v) for k, v in new.items() if _plain(old.get(k)) != _plain(v)}
        diff.add(
            Change(
                "changed" if changed else "unchanged",
                key,
                line=row.line,
                fields=changed,
                payload=new,
            )
        )

    def _scale(self, row: Row, column: str, scale: tuple[Any, ...], default: Any) -> Any:
        text = row.get(column)
        if not text:
            return default
        problem = rules.scale_problem(text, scale)
        if problem:
            self.problem(row.line, column, *problem)
            return default
        return rules.on_scale(text, scale)

    def _quarter(self, row: Row, column: str) -> str:
        text = row.get(column).upper()
        if text and not QUARTER.match(text):
            self.problem(row.line, column, f"{row.get(column)!r} is not a quarter", "write 2027Q1")
            return ""
        return text


class ObjectivesImporter(_StrategyImporter):
    """Objectives: key, title, description, owner_employee_id, start, end, priority."""

    kind = "objectives"
    required_columns = (
        "key",
        "title",
        "description",
        "owner_employee_id",
        "start",
        "end",
        "priority",
    )
    identifier_columns = ("key", "owner_employee_id")

    def plan(self) -> Diff:
        """Validate every row and compare with the stored objectives."""
        self._require("strategy.objective")
        diff = self.new_diff()
        existing = {o.key: o for o in Objective.objects.select_related("owner")}
        people = org_selectors.employee_ids()
        seen: dict[str, int] = {}
        for row in self.read_rows():
            key = self.parse_key(row, "key", seen, max_length=64)
            title = self.parse_text(row, "title", required=True, max_length=300)
            start = self.parse_date(row, "start", required=True)
            end = self.parse_date(row, "end", required=True)
            if start and end and end <= start:
                self.problem(row.line, "end", f"{end} is not after start {start}")
            priority = self.parse_decimal(row, "priority", required=True, minimum=Decimal(1))
            if priority is not None and priority != int(priority):
                self.problem(row.line, "priority", f"{priority} is not a whole number")
            owner = row.get("owner_employee_id")
            if owner and owner not in people:
                self.problem(
                    row.line,
                    "owner_employee_id",
                    f"unknown person {owner!r}",
                    "use an employee_id of an imported person, or leave it blank",
                )
            if key is None or start is None or end is None or priority is None:
                continue
            new = {
                "title": title,
                "description": row.get("description"),
                "owner": owner,
                "start": start,
                "end": end,
                "priority": int(priority),
            }
            obj = existing.get(key)
            old = None
            if obj is not None:
                old = {
                    "title": obj.title,
                    "description": obj.description,
                    "owner": obj.owner.employee_id if obj.owner else "",
                    "start": obj.start,
                    "end": obj.end,
                    "priority": obj.priority,
                }
            self._changes(diff, key, row, old, new)
        return diff

    def apply(self, diff: Diff) -> None:
        """Create or update the objectives."""
        people = org_selectors.people_by_employee_id()
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            v = change.payload
            services.objective_upsert(
                actor=self.actor,
                key=change.key,
                title=v["title"],
                description=v["description"],
                owner=people.get(v["owner"]) if v["owner"] else None,
                start=v["start"],
                end=v["end"],
                priority=v["priority"],
            )


class KeyResultsImporter(_StrategyImporter):
    """Key results: objective_key, key, title, metric, baseline, target, current, unit, ..."""

    kind = "key-results"
    required_columns = (
        "objective_key",
        "key",
        "title",
        "metric",
        "baseline",
        "target",
        "current",
        "unit",
        "confidence",
    )
    identifier_columns = ("objective_key", "key")

    def plan(self) -> Diff:
        """Validate every row; the objective must exist; a changed current value is a check-in."""
        self._require("strategy.keyresult")
        diff = self.new_diff()
        objectives = set(Objective.objects.values_list("key", flat=True))
        existing = {
            (kr.objective.key, kr.key): kr for kr in KeyResult.objects.select_related("objective")
        }
        seen: dict[str, int] = {}
        for row in self.read_rows():
            objective = row.get("objective_key")
            if not objective:
                self.problem(row.line, "objective_key", "is empty", "name the objective's key")
            elif objective not in objectives:
                self.problem(
                    row.line,
                    "objective_key",
                    f"unknown objective {objective!r}",
                    "import the objectives first",
                )
            key = row.get("key")
            compound = f"{objective}/{key}"
            if not key:
                self.problem(row.line, "key", "is empty", "give the key result a key")
            elif compound in seen:
                self.problem(row.line, "key", f"duplicate key {key!r} of objective {objective!r}")
            else:
                seen[compound] = row.line
            title = self.parse_text(row, "title", required=True, max_length=300)
            baseline = self.parse_decimal(row, "baseline", required=True)
            target = self.parse_decimal(row, "target", required=True)
            current = self.parse_decimal(row, "current", required=True)
            confidence = self.parse_decimal(
                row, "confidence", minimum=Decimal(0), maximum=Decimal(1)
            )
            if baseline is not None and target is not None and baseline == target:
                self.problem(row.line, "target", "equals the baseline", "a target must differ")
            if None in (baseline, target, current) or not key or objective not in objectives:
                continue
            new = {
                "title": title,
                "metric": row.get("metric"),
                "unit": row.get("unit"),
                "baseline": baseline,
                "target": target,
                "current": current,
                "confidence": confidence if confidence is not None else Decimal("0.5"),
            }
            kr = existing.get((objective, key))
            old = None
            if kr is not None:
                old = {
                    "title": kr.title,
                    "metric": kr.metric,
                    "unit": kr.unit,
                    "baseline": kr.baseline,
                    "target": kr.target,
                    "current": kr.current,
                    "confidence": kr.confidence,
                }
            new["objective"] = objective
            if old is not None:
                old["objective"] = objective
            self._changes(diff, compound, row, old, new)
        return diff

    def apply(self, diff: Diff) -> None:
        """Create or update the key results (a new current value is recorded as a check-in)."""
        objectives = {o.key: o for o in Objective.objects.all()}
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            v = change.payload
            services.key_result_upsert(
                actor=self.actor,
                objective=objectives[v["objective"]],
                key=change.key.split("/", 1)[1],
                title=v["title"],
                metric=v["metric"],
                unit=v["unit"],
                baseline=v["baseline"],
                target=v["target"],
                current=v["current"],
                confidence=v["confidence"],
                on=self.today,
            )


INITIATIVE_COLUMNS = (
    "key",
    "title",
    "objective_keys",
    "weights",
    "owner_team",
    "teams",
    "effort_person_weeks",
    "cost",
    "value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "confidence",
    "earliest",
    "deadline",
    "depends_on",
    "status",
    "link_keys",
)
INITIATIVE_OPTIONAL = (
    "description",
    "reach",
    "impact",
    "feasibility",
    "technical_risk",
    "duration",
    "horizon",
    "mandatory",
    "planned_start",
)


def initiative_state(initiative: Initiative) -> dict[str, Any]:
    """An initiative in the importer's vocabulary (for the diff)."""
    links = list(initiative.objective_links.all())
    return {
        "title": initiative.title,
        "description": initiative.description,
        "objectives": [(link.objective.key, link.weight.normalize()) for link in links],
        "owner_team": initiative.owner_team.slug if initiative.owner_team else "",
        "efforts": {e.team.slug: e.person_weeks.normalize() for e in initiative.efforts.all()},
        "cost": initiative.cost.normalize(),
        "value": initiative.value,
        "time_criticality": initiative.time_criticality,
        "risk_reduction": initiative.risk_reduction,
        "job_size": initiative.job_size,
        "confidence": initiative.confidence.normalize(),
        "reach": initiative.reach,
        "impact": initiative.impact.normalize(),
        "feasibility": initiative.feasibility,
        "technical_risk": initiative.technical_risk,
        "earliest": initiative.earliest,
        "deadline": initiative.deadline,
        "duration": initiative.duration,
        "depends_on": sorted(d.key for d in initiative.depends_on.all()),
        "status": initiative.status,
        "horizon": initiative.horizon,
        "mandatory": initiative.mandatory,
        "planned_start": initiative.planned_start,
        "link_keys": list(initiative.link_keys),
    }


class InitiativesImporter(_StrategyImporter):
    """Initiatives: the CONTRACT.md columns; lists separated by `;`, efforts as team:weeks."""

    kind = "initiatives"
    required_columns = INITIATIVE_COLUMNS
    optional_columns = INITIATIVE_OPTIONAL
    identifier_columns = ("key",)
    normalized_columns = (
        "owner_team",
        "objective_keys",
        "teams",
        "depends_on",
        "effort_person_weeks",
    )

    def plan(self) -> Diff:
        """Validate every row (teams, objectives, weights, scales, dependencies and cycles)."""
        from steward.strategy.selectors import initiative_list

        self._require("strategy.initiative")
        diff = self.new_diff()
        rows = self.read_rows()
        present = set(getattr(self, "header", []))
        objectives = set(Objective.objects.values_list("key", flat=True))
        teams = set(org_selectors.team_slugs_by_id().values())
        stored = {i.key: i for i in initiative_list(actor=policy.SYSTEM)}
        in_file = {row.get("key") for row in rows if row.get("key")}
        graph: dict[str, list[str]] = {
            k: [d.key for d in i.depends_on.all()] for k, i in stored.items()
        }
        dep_lines: dict[str, int] = {}
        seen: dict[str, int] = {}
        for row in rows:
            key = self.parse_key(row, "key", seen, max_length=64)
            new = self._row_state(row, key, present, objectives, teams)
            depends = self._row_depends(row, key, in_file, stored)
            if key is None:
                continue
            graph[key] = depends
            dep_lines[key] = row.line
            new["depends_on"] = sorted(depends)
            new["planned_start"] = new["planned_start"] if "planned_start" in present else None
            new["link_keys"] = self.parse_list(row, "link_keys")
            old = initiative_state(stored[key]) if key in stored else None
            if old is not None:
                for optional in ("description", "planned_start"):
                    if new[optional] is None:
                        new[optional] = old[optional]
            self._changes(diff, key, row, old, new)
        cycle = find_cycle(graph)
        problem = rules.cycle_problem(graph)
        if cycle and problem:
            line = min((dep_lines[k] for k in cycle if k in dep_lines), default=None)
            self.problem(line, "depends_on", *problem)
        return diff

    def _row_state(
        self, row: Row, key: str | None, present: set[str], objectives: set[str], teams: set[str]
    ) -> dict[str, Any]:
        """The initiative a row describes (without its dependencies and link keys); problems
        are reported in column order."""
        title = self.parse_text(row, "title", required=True, max_length=300)
        objective_keys = self._row_objective_keys(row, objectives)
        weights = self._weights(row, objective_keys)
        owner_team, efforts = self._row_teams(row, teams)
        cost = self.parse_decimal(row, "cost", minimum=Decimal(0)) or Decimal(0)
        scores = self._row_scores(row, present)
        schedule = self._row_schedule(row)
        state = self._row_state_fields(row)
        return {
            "title": title,
            "description": row.get("description") if "description" in present else None,
            "objectives": [
                (o, w.normalize()) for o, w in zip(objective_keys, weights, strict=False)
            ],
            "owner_team": owner_team,
            "efforts": {t: w.normalize() for t, w in efforts.items()},
            "cost": cost.normalize(),
            **scores,
            "feasibility": state["feasibility"],
            "technical_risk": state["technical_risk"],
            "earliest": schedule["earliest"],
            "deadline": schedule["deadline"],
            "duration": schedule["duration"],
            "depends_on": [],
            "status": state["status"],
            "horizon": state["horizon"],
            "mandatory": state["mandatory"],
            "planned_start": schedule["planned_start"],
            "link_keys": [],
        }

    def _row_objective_keys(self, row: Row, objectives: set[str]) -> list[str]:
        objective_keys = self.parse_list(row, "objective_keys")
        for ok in objective_keys:
            if ok not in objectives:
                self.problem(
                    row.line,
                    "objective_keys",
                    f"unknown objective {ok!r}",
                    "import the objectives first",
                )
        return objective_keys

    def _row_teams(self, row: Row, teams: set[str]) -> tuple[str | None, dict[str, Decimal]]:
        """The owner team and the effort per team (teams listed without effort get 0)."""
        owner_team = row.get("owner_team")
        if owner_team and owner_team not in teams:
            self.problem(row.line, "owner_team", f"unknown team {owner_team!r}", "use a team slug")
        listed = self.parse_list(row, "teams")
        for t in listed:
            if t not in teams:
                self.problem(row.line, "teams", f"unknown team {t!r}", "use a team slug")
        efforts = self._efforts(row, teams)
        for t in listed:
            efforts.setdefault(t, Decimal(0))
        return owner_team, efforts

    def _row_scores(self, row: Row, present: set[str]) -> dict[str, Any]:
        """WSJF components and RICE reach, impact and confidence."""
        wsjf = {
            c: self._scale(row, c, WSJF_SCALE, 1)
            for c in ("value", "time_criticality", "risk_reduction", "job_size")
        }
        confidence = self._scale(row, "confidence", RICE_CONFIDENCE, 0.8)
        impact = self._scale(row, "impact", RICE_IMPACT, 1.0) if "impact" in present else 1.0
        reach = self.parse_decimal(row, "reach", minimum=Decimal(0)) or Decimal(0)
        return {
            **wsjf,
            "confidence": Decimal(str(confidence)).normalize(),
            "reach": int(reach),
            "impact": Decimal(str(impact)).normalize(),
        }

    def _row_schedule(self, row: Row) -> dict[str, Any]:
        earliest = self._quarter(row, "earliest")
        deadline = self._quarter(row, "deadline")
        planned_start = self._quarter(row, "planned_start")
        duration = self.parse_decimal(row, "duration", minimum=Decimal(1)) or Decimal(1)
        if duration != int(duration):
            self.problem(row.line, "duration", f"{duration} is not a whole number of quarters")
        return {
            "earliest": earliest,
            "deadline": deadline,
            "planned_start": planned_start,
            "duration": int(duration),
        }

    def _row_state_fields(self, row: Row) -> dict[str, Any]:
        """Status, horizon (defaulting from the status), feasibility, risk and mandatory."""
        status = (
            self.parse_choice(row, "status", InitiativeStatus.values) or InitiativeStatus.PROPOSED
        )
        horizon = self.parse_choice(row, "horizon", Horizon.values) or (
            "now" if status == "in-progress" else "next" if status == "planned" else "later"
        )
        return {
            "status": status,
            "horizon": horizon,
            "feasibility": self.parse_choice(row, "feasibility", Level.values) or Level.HIGH,
            "technical_risk": self.parse_choice(row, "technical_risk", Level.values) or Level.LOW,
            "mandatory": bool(self.parse_bool(row, "mandatory")),
        }

    def _row_depends(
        self, row: Row, key: str | None, in_file: set[Any], stored: dict[str, Any]
    ) -> list[str]:
        depends = self.parse_list(row, "depends_on")
        for d in depends:
            if d not in in_file and d not in stored:
                self.problem(row.line, "depends_on", f"unknown initiative {d!r}")
            if d == key:
                self.problem(row.line, "depends_on", "an initiative depends on itself")
        return depends

    def _weights(self, row: Row, objective_keys: list[str]) -> list[Decimal]:
        raw = self.parse_list(row, "weights")
        if not objective_keys:
            if raw:
                self.problem(row.line, "weights", "weights given without objective_keys")
            return []
        if not raw:
            if len(objective_keys) > 1:
                self.warn(
                    row.line,
                    f"no weights for {len(objective_keys)} objectives: split equally",
                )
            share = Decimal(1) / len(objective_keys)
            return [share.quantize(Decimal("0.0001")) for _ in objective_keys]
        if len(raw) != len(objective_keys):
            self.problem(
                row.line,
                "weights",
                f"{len(raw)} weights for {len(objective_keys)} objectives",
                "give one weight per objective key, in the same order",
            )
            return []
        weights = []
        for text in raw:
            w = _finite(text)
            if w is None:
                self.problem(row.line, "weights", f"{text!r} is not a number")
                return []
            if w < 0 or w > 1:
                self.problem(row.line, "weights", f"{text} is not between 0 and 1")
                return []
            weights.append(w)
        problem = rules.weights_problem(weights)
        if problem:
            self.problem(row.line, "weights", *problem)
        return weights

    def _efforts(self, row: Row, teams: set[str]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for part in self.parse_list(row, "effort_person_weeks"):
            team, sep, weeks = part.partition(":")
            team = team.strip()
            if not sep:
                self.problem(
                    row.line,
                    "effort_person_weeks",
                    f"{part!r} is not team:weeks",
                    "write e.g. payments:12;checkout:4",
                )
                continue
            if team not in teams:
                self.problem(
                    row.line, "effort_person_weeks", f"unknown team {team!r}", "use a team slug"
                )
                continue
            value = _finite(weeks.strip())
            if value is None:
                self.problem(row.line, "effort_person_weeks", f"{weeks!r} is not a number")
                continue
            if value < 0:
                self.problem(
                    row.line,
                    "effort_person_weeks",
                    f"negative effort {value} for {team}",
                    "give person-weeks ≥ 0",
                )
                continue
            out[team] = value
        return out

    def warn(self, line: int, message: str) -> None:
        """A warning shown with the diff (the import still runs)."""
        self._warnings.append(f"{self.file}:{line}: {message}")

    def new_diff(self) -> Diff:
        """A diff that also carries this importer's warnings."""
        diff = super().new_diff()
        self._warnings = diff.warnings
        return diff

    def apply(self, diff: Diff) -> None:
        """Create or update initiatives, then set dependencies once every key exists."""
        objectives = {o.key: o for o in Objective.objects.all()}
        teams = org_selectors.teams_by_slug()
        written = []
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            v = change.payload
            fields = {
                name: v[name]
                for name in (
                    "description",
                    "cost",
                    "value",
                    "time_criticality",
                    "risk_reduction",
                    "job_size",
                    "confidence",
                    "reach",
                    "impact",
                    "feasibility",
                    "technical_risk",
                    "earliest",
                    "deadline",
                    "duration",
                    "status",
                    "horizon",
                    "mandatory",
                    "planned_start",
                    "link_keys",
                )
                if v[name] is not None
            }
            fields["owner_team"] = teams.get(v["owner_team"]) if v["owner_team"] else None
            services.initiative_upsert(
                actor=self.actor,
                key=change.key,
                title=v["title"],
                fields=fields,
                objectives=[(objectives[o], w) for o, w in v["objectives"]],
                efforts={teams[t]: w for t, w in v["efforts"].items()},
            )
            written.append(change)
        by_key = {i.key: i for i in Initiative.objects.all()}
        for change in written:
            services.initiative_upsert(
                actor=self.actor,
                key=change.key,
                title=change.payload["title"],
                depends_on=[by_key[d] for d in change.payload["depends_on"]],
            )
