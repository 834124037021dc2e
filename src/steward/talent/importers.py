"""`steward import applications FILE`: the hiring pipeline with its stage history.

Accepted files:
- the generic CSV of CONTRACT.md, one row per stage an application entered, in order:
  `application_id, candidate_id, candidate_name, email, requisition, source, stage, entered_at,
  outcome` (optional `rejection_reason`, `referrer`);
- a Greenhouse Harvest JSON export `{"applications": [...], "candidates": [...], "jobs": [...]}`
  (FORMATS.md 5.2; v3 `application_stages` give the history, v1 only the current stage);
- a Lever JSON export `{"opportunities": [...], "stages": [{"id", "text"}]}` (or a bare list of
  opportunities) with `stageChanges`.

Greenhouse and Lever records are turned into the generic rows first, so every rule is the same.
Everything is validated before anything is written: the requisition and the source must exist,
stages must belong to the requisition and follow its order, moves must be in date order, an
outcome only on an application's last row. The stage history is append-only: a re-import may
add moves and an outcome, never change the ones Steward has; importing the same file again
changes nothing.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from steward.core.importing import Change, CsvImporter, Diff, Row, audit_created
from steward.talent.models import (
    Application,
    Candidate,
    Outcome,
    RejectedBy,
    Requisition,
    Source,
    StageMove,
)
from steward.talent.services import DEFAULT_RETENTION_DAYS

OUTCOMES = ("hired", "rejected", "withdrew")


@dataclass
class Planned:
    """One application as the file gives it."""

    key: str
    candidate_key: str
    name: str
    email: str
    requisition: str
    source: str
    referrer: str
    line: int
    moves: list[tuple[str, datetime, int]] = field(default_factory=list)
    outcome: str = ""
    reason: str = ""


# Column names of the Greenhouse and Lever UI CSV reports (they vary per account, FORMATS.md 5.2
# [unverified]): the first name present in the header is used.
VENDOR_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "greenhouse": {
        "application_id": ("Application ID",),
        "candidate_id": ("Candidate ID",),
        "candidate_name": ("Candidate Name", "Candidate"),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("Email", "Email Address", "Candidate Email"),
        "requisition": ("Requisition ID", "Job Requisition ID", "Job", "Job Name"),
        "source": ("Source",),
        "referrer": ("Referrer", "Credited To"),
        "stage": ("Stage", "Stage Name", "Current Stage"),
        "entered_at": ("Entered Stage", "Entered Stage On", "Date Entered", "Applied On"),
        "status": ("Status", "Application Status"),
        "rejection_reason": ("Rejection Reason",),
        "rejection_type": ("Rejection Type",),
    },
    "lever": {
        "application_id": ("Opportunity ID",),
        "candidate_id": ("Contact ID", "Contact"),
        "candidate_name": ("Name", "Candidate Name"),
        "email": ("Email", "Emails"),
        "requisition": ("Posting ID", "Posting"),
        "source": ("Source", "Sources"),
        "referrer": ("Referrer",),
        "stage": ("Stage", "To Stage", "Current Stage"),
        "entered_at": ("Stage Changed At", "Changed At", "Created At"),
        "archive_reason": ("Archive Reason", "Archived Reason"),
    },
}

_US_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S")


def _iso_moment(text: str) -> str:
    """An ISO moment from a vendor's date (ISO as it is; US MM/DD/YYYY read); else unchanged, so
    the generic check names the line and column."""
    text = text.strip()
    for fmt in _US_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC).isoformat()
        except ValueError:
            continue
    return text


def _ms(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _stage_rows(
    n: int, base: dict[str, str], moves: list[tuple[str, str]], outcome: str
) -> list[Row]:
    """One generic row per (stage, entered at) of an application; the outcome on the last."""
    return [
        Row(
            n,
            {
                **base,
                "stage": stage,
                "entered_at": entered,
                "outcome": outcome if i == len(moves) - 1 else "",
            },
        )
        for i, (stage, entered) in enumerate(moves)
    ]


def _greenhouse_outcome(app: dict[str, Any], reason: dict[str, Any]) -> str:
    """hired, withdrew (the candidate rejected us), rejected, or "" (still in process)."""
    status = str(app.get("status") or "").lower()
    if status == "hired":
        return "hired"
    if status == "rejected":
        kind = str((reason.get("type") or {}).get("name") or "")
        return "withdrew" if kind.lower() == "they rejected us" else "rejected"
    return ""


def _greenhouse_base(
    app: dict[str, Any],
    cand: dict[str, Any],
    jobs: dict[str, dict[str, Any]],
    reason: dict[str, Any],
) -> dict[str, str]:
    """The generic columns of a Greenhouse application that every one of its rows repeats."""
    emails = cand.get("email_addresses") or []
    email = (emails[0].get("value") if isinstance(emails[0], dict) else emails[0]) if emails else ""
    job_ids = [str(j.get("id")) for j in app.get("jobs") or []]
    job = jobs.get(job_ids[0], {}) if job_ids else {}
    requisition = str(job.get("requisition_id") or (app.get("jobs") or [{}])[0].get("name") or "")
    return {
        "application_id": str(app.get("id") or ""),
        "candidate_id": str(app.get("candidate_id") or ""),
        "candidate_name": " ".join(
            str(cand.get(k) or "") for k in ("first_name", "last_name")
        ).strip(),
        "email": str(email or ""),
        "requisition": requisition,
        "source": str((app.get("source") or {}).get("public_name") or ""),
        "referrer": str((app.get("credited_to") or {}).get("name") or ""),
        "rejection_reason": str(reason.get("name") or ""),
    }


def _lever_stage_names(data: Any) -> dict[str, str]:
    """Stage id -> its name, from a Lever export's `stages` (none in a bare list)."""
    return {
        str(s.get("id")): str(s.get("text") or s.get("name") or s.get("id"))
        for s in ((data.get("stages") or []) if isinstance(data, dict) else [])
    }


def _lever_base(opp: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A Lever opportunity's outcome and the generic columns every one of its rows repeats."""
    archived = opp.get("archived") or {}
    reason = str(archived.get("reason") or "")
    outcome = ""
    if archived:
        outcome = "hired" if reason.lower() == "hired" else "rejected"
    posting = opp.get("posting") or next(
        (a.get("posting") for a in opp.get("applications") or [] if a.get("posting")), ""
    )
    emails = opp.get("emails") or []
    return outcome, {
        "application_id": str(opp.get("id") or ""),
        "candidate_id": str(opp.get("contact") or opp.get("id") or ""),
        "candidate_name": str(opp.get("name") or ""),
        "email": str(emails[0] if emails else ""),
        "requisition": str(posting or ""),
        "source": str((opp.get("sources") or [""])[0] or ""),
        "referrer": "",
        "rejection_reason": reason if outcome == "rejected" else "",
    }


class ApplicationsImporter(CsvImporter):
    """Applications with their stage history (generic CSV, Greenhouse or Lever JSON)."""

    kind = "applications"
    required_columns = (
        "application_id",
        "candidate_id",
        "candidate_name",
        "email",
        "requisition",
        "source",
        "stage",
        "entered_at",
        "outcome",
    )
    optional_columns = ("rejection_reason", "referrer")
    extra_columns_allowed = True
    identifier_columns = ("application_id", "candidate_id")

    # --- reading ---------------------------------------------------------------------------

    def problem(
        self,
        line: int | None,
        column: str | None,
        message: str,
        hint: str = "",
        *,
        file: str | None = None,
    ) -> None:
        """As the base, with a vendor CSV's own column names (the user's file's header)."""
        names = getattr(self, "vendor_columns", None) or {}
        super().problem(line, names.get(column or "", column), message, hint, file=file)

    def rows(self) -> list[Row]:
        """Generic rows from the CSV (CONTRACT.md's, or a Greenhouse or Lever UI export), or
        from a Greenhouse or Lever JSON export."""
        if self.path.suffix.lower() != ".json":
            vendor = self.csv_vendor()
            if vendor is not None:
                return self._vendor_csv(vendor)
            return self.read_rows()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            self.problem(line, None, f"cannot read the JSON: {exc}", "export the file again")
            return []
        if isinstance(data, dict) and "applications" in data:
            return self._greenhouse(data)
        if isinstance(data, list) or (isinstance(data, dict) and "opportunities" in data):
            return self._lever(data)
        self.problem(
            1,
            None,
            "neither a Greenhouse export (applications) nor a Lever export (opportunities)",
            "export applications from Greenhouse Harvest or opportunities from Lever",
        )
        return []

    def _greenhouse(self, data: dict[str, Any]) -> list[Row]:
        candidates = {str(c.get("id")): c for c in data.get("candidates", []) or []}
        jobs = {str(j.get("id")): j for j in data.get("jobs", []) or []}
        rows: list[Row] = []
        for n, app in enumerate(data.get("applications") or [], start=1):
            if app.get("prospect"):
                continue
            cand = candidates.get(str(app.get("candidate_id")), {})
            reason = app.get("rejection_reason") or {}
            outcome = _greenhouse_outcome(app, reason)
            moves = self._greenhouse_moves(n, app)
            base = _greenhouse_base(app, cand, jobs, reason)
            rows.extend(_stage_rows(n, base, moves, outcome))
        self.header = list(self.required_columns)
        return rows

    def _greenhouse_moves(self, n: int, app: dict[str, Any]) -> list[tuple[str, str]]:
        """(stage, entered at) of an application; only the current stage (with a warning) when
        the export has no stage history."""
        history = app.get("application_stages") or app.get("stages")
        if history:
            return [
                (
                    str(h.get("name") or (h.get("stage") or {}).get("name") or ""),
                    str(h.get("entered_at") or ""),
                )
                for h in history
            ]
        self.warnings.append(
            f"applications[{n}]: no stage history (Harvest v1): only the current stage"
        )
        return [
            (
                str((app.get("current_stage") or {}).get("name") or ""),
                str(app.get("applied_at") or ""),
            )
        ]

    def _lever(self, data: Any) -> list[Row]:
        opportunities = data if isinstance(data, list) else data.get("opportunities") or []
        stage_names = _lever_stage_names(data)
        rows: list[Row] = []
        for n, opp in enumerate(opportunities, start=1):
            changes = sorted(opp.get("stageChanges") or [], key=lambda c: c.get("updatedAt") or 0)
            outcome, base = _lever_base(opp)
            moves = []
            for change in changes:
                moment = _ms(change.get("updatedAt"))
                stage_id = str(change.get("toStageId") or "")
                moves.append(
                    (stage_names.get(stage_id, stage_id), moment.isoformat() if moment else "")
                )
            rows.extend(_stage_rows(n, base, moves, outcome))
            if not changes:
                self.problem(n, "stageChanges", "the opportunity has no stage changes")
        self.header = list(self.required_columns)
        return rows

    # --- Greenhouse and Lever UI CSV exports -----------------------------------------------

    def csv_vendor(self) -> str | None:
        """ "greenhouse" or "lever" when the CSV header is one of their reports' (else None)."""
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                header = [h.strip() for h in next(csv.reader(handle), [])]
        except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
            return None
        if "application_id" in header:
            return None
        if "Application ID" in header:
            return "greenhouse"
        if "Opportunity ID" in header:
            return "lever"
        return None

    def _vendor_csv(self, vendor: str) -> list[Row]:
        """A Greenhouse or Lever CSV report as generic rows (same line numbers). Columns are
        found by their names in the vendor's reports (VENDOR_COLUMNS); the application's
        status goes on its last row; US dates (MM/DD/YYYY) are read too."""
        aliases = VENDOR_COLUMNS[vendor]
        # Read with the vendor's header: no generic column is required at this step.
        self.required_columns = ()  # type: ignore[misc, assignment]
        self.extra_columns_allowed = True  # type: ignore[misc]
        self.identifier_columns = ()  # type: ignore[misc, assignment]
        raw = self.read_rows()
        if self.problems:
            return []
        found = {
            name: next((c for c in names if c in self.header), None)
            for name, names in aliases.items()
        }
        self.vendor_columns = {k: v for k, v in found.items() if v}
        label = "Greenhouse" if vendor == "greenhouse" else "Lever"
        needed = ["application_id", "requisition", "stage", "entered_at"]
        needed += ["candidate_id"] if vendor == "greenhouse" else []
        missing = [n for n in needed if not found.get(n)]
        if not (found.get("candidate_name") or found.get("first_name")):
            missing.append("candidate_name")
        for name in missing:
            self.problem(
                1,
                None,
                f"{label} column for {name} is missing",
                f"export a report with one of the columns {', '.join(aliases[name])}",
            )
        if missing:
            return []
        if found["stage"] in ("Current Stage",):
            self.warnings.append(
                f"{label} report with the current stage only: no stage history is imported "
                "(export a stage-transition report for the history)"
            )

        def value(row: Row, name: str) -> str:
            column = found.get(name)
            return row.get(column) if column else ""

        last_line: dict[str, int] = {}
        for row in raw:
            last_line[value(row, "application_id")] = row.line
        rows: list[Row] = []
        for row in raw:
            key = value(row, "application_id")
            name = value(row, "candidate_name") or " ".join(
                v for v in (value(row, "first_name"), value(row, "last_name")) if v
            )
            email = re.split(r"[,;\s]+", value(row, "email"))[0] if value(row, "email") else ""
            source = re.split(r"[,;]", value(row, "source"))[0].strip()
            outcome, reason = self._vendor_outcome(vendor, row, value)
            rows.append(
                Row(
                    row.line,
                    {
                        "application_id": key,
                        "candidate_id": value(row, "candidate_id") or key,
                        "candidate_name": name,
                        "email": email,
                        "requisition": value(row, "requisition"),
                        "source": source,
                        "referrer": value(row, "referrer"),
                        "stage": value(row, "stage"),
                        "entered_at": _iso_moment(value(row, "entered_at")),
                        "outcome": outcome if last_line.get(key) == row.line else "",
                        "rejection_reason": reason,
                    },
                )
            )
        return rows

    def _vendor_outcome(self, vendor: str, row: Row, value: Any) -> tuple[str, str]:
        """(outcome, reason) of a vendor row: Greenhouse `Status` (Active, Hired, Rejected;
        rejection type "They rejected us" → withdrew), Lever `Archive Reason` (Hired → hired,
        any other → rejected, as in Lever's JSON)."""
        if vendor == "lever":
            reason = value(row, "archive_reason")
            if not reason:
                return "", ""
            return ("hired", "") if reason.lower() == "hired" else ("rejected", reason)
        status = value(row, "status").lower()
        if status in ("", "active", "in process", "open"):
            return "", ""
        if status == "hired":
            return "hired", ""
        if status == "rejected":
            kind = value(row, "rejection_type").lower()
            outcome = "withdrew" if kind == "they rejected us" else "rejected"
            return outcome, value(row, "rejection_reason")
        self.problem(
            row.line,
            "status",
            f"unknown status {value(row, 'status')!r}",
            "Greenhouse statuses are Active, Hired or Rejected",
        )
        return "", ""

    # --- validating and planning ------------------------------------------------------------

    def plan(self) -> Diff:
        self.warnings: list[str] = []
        diff = self.new_diff()
        rows = self.rows()
        diff.warnings.extend(self.warnings)
        reqs = {r.key: r for r in Requisition.objects.all()}
        sources = {s.name.lower(): s for s in Source.objects.all()}
        apps: dict[str, Planned] = {}
        for row in rows:
            key = self.parse_text(row, "application_id", required=True)
            stage = self.parse_text(row, "stage", required=True, max_length=100)
            entered = self.parse_datetime(row, "entered_at", required=True)
            outcome = self.parse_choice(row, "outcome", OUTCOMES) or ""
            req_key = self.parse_text(row, "requisition", required=True)
            source = row.get("source")
            if req_key and req_key not in reqs:
                self.problem(
                    row.line,
                    "requisition",
                    f"no requisition {req_key!r}",
                    "create the requisition in Steward with this key first (Hiring plan → New "
                    "requisition)",
                )
            if source and source.lower() not in sources:
                known = ", ".join(sorted(s.name for s in sources.values())) or "none yet"
                self.problem(
                    row.line,
                    "source",
                    f"unknown source {source!r}",
                    f"use a known source ({known}) or add it on the Employer brand page",
                )
            if not key:
                continue
            planned = apps.get(key)
            if planned is None:
                planned = apps[key] = Planned(
                    key=key,
                    candidate_key=row.get("candidate_id"),
                    name=row.get("candidate_name"),
                    email=row.get("email").lower(),
                    requisition=req_key,
                    source=source,
                    referrer=row.get("referrer"),
                    line=row.line,
                )
                if not planned.candidate_key:
                    self.problem(row.line, "candidate_id", "is empty", "give the ATS candidate id")
                if not planned.name:
                    self.problem(row.line, "candidate_name", "is empty", "give the name")
            else:
                if planned.outcome:
                    self.problem(
                        row.line,
                        "outcome",
                        f"application {key} has a row after its outcome ({planned.outcome})",
                        "put the outcome on the application's last row only",
                    )
                for column, value in (
                    ("candidate_id", planned.candidate_key),
                    ("requisition", planned.requisition),
                ):
                    if row.get(column) != value:
                        self.problem(
                            row.line,
                            column,
                            f"{row.get(column)!r} differs from {value!r} on line {planned.line}",
                            f"one application has one {column}",
                        )
            if stage and entered:
                self._check_move(row, planned, stage, entered, reqs.get(req_key))
                planned.moves.append((stage, entered, row.line))
            if outcome:
                planned.outcome = outcome
                planned.reason = row.get("rejection_reason")
        self._check_candidates(apps)
        if not self.problems:
            self._diff(diff, apps, reqs, sources)
        return diff

    def _order(self, planned: Planned, req: Requisition | None) -> list[str]:
        if req is not None and req.stages:
            return list(req.stages)
        return []

    def _check_move(
        self, row: Row, planned: Planned, stage: str, entered: datetime, req: Requisition | None
    ) -> None:
        order = self._order(planned, req)
        if order and stage not in order:
            self.problem(
                row.line,
                "stage",
                f"{stage!r} is not a stage of requisition {planned.requisition}",
                f"use one of: {', '.join(order)}",
            )
            return
        if not planned.moves:
            return
        last_stage, last_at, last_line = planned.moves[-1]
        if stage == last_stage:
            self.problem(
                row.line,
                "stage",
                f"application {planned.key} enters {stage!r} twice in a row (line {last_line})",
                "remove the duplicate row",
            )
        elif entered < last_at:
            self.problem(
                row.line,
                "entered_at",
                f"{entered.isoformat()} is before the previous move ({last_at.isoformat()}, "
                f"line {last_line})",
                "list an application's stages in the order it entered them",
            )
        elif order and last_stage in order and order.index(stage) < order.index(last_stage):
            self.problem(
                row.line,
                "stage",
                f"{stage!r} comes before {last_stage!r} in the requisition's stages",
                f"stages run {' → '.join(order)}",
            )

    def _check_candidates(self, apps: dict[str, Planned]) -> None:
        seen: dict[str, Planned] = {}
        for planned in apps.values():
            first = seen.setdefault(planned.candidate_key, planned)
            if first is not planned and (first.name, first.email) != (planned.name, planned.email):
                self.problem(
                    planned.line,
                    "candidate_name",
                    f"candidate {planned.candidate_key} is {first.name!r} <{first.email}> on "
                    f"line {first.line}",
                    "one candidate id has one name and email",
                )

    def _diff(
        self,
        diff: Diff,
        apps: dict[str, Planned],
        reqs: dict[str, Requisition],
        sources: dict[str, Source],
    ) -> None:
        existing = {
            a.external_id: a
            for a in Application.objects.filter(external_id__in=list(apps)).select_related(
                "candidate", "requisition"
            )
        }
        moves: dict[int, list[tuple[str, datetime]]] = {}
        for m in StageMove.objects.filter(application__in=existing.values()).order_by("position"):
            moves.setdefault(m.application_id, []).append((m.stage, m.entered_at))
        candidates = {
            c.external_id: c
            for c in Candidate.objects.filter(
                external_id__in=[p.candidate_key for p in apps.values()]
            )
        }
        new_stage_orders: dict[str, list[str]] = {}
        for planned in apps.values():
            req = reqs[planned.requisition]
            if not req.stages:
                order = new_stage_orders.setdefault(req.key, [])
                for stage, _at, _line in planned.moves:
                    if stage not in order:
                        order.append(stage)
            current = existing.get(planned.key)
            file_moves = [(s, at) for s, at, _ in planned.moves]
            if current is None:
                cand = candidates.get(planned.candidate_key)
                notes = [] if cand else [f"candidate {planned.candidate_key} added"]
                diff.add(
                    Change("added", planned.key, line=planned.line, notes=notes, payload=planned)
                )
                continue
            have = moves.get(current.pk, [])
            same_prefix = len(have) <= len(file_moves) and all(
                h[0] == f[0] and h[1] == f[1] for h, f in zip(have, file_moves, strict=False)
            )
            if current.requisition.key != planned.requisition or not same_prefix:
                self.problem(
                    planned.line,
                    "stage",
                    f"application {planned.key}: the file's history differs from Steward's "
                    "(stage history is append-only)",
                    "export the full history again; moves already recorded cannot change",
                )
                continue
            if current.outcome != Outcome.OPEN and (planned.outcome or "open") != current.outcome:
                self.problem(
                    planned.line,
                    "outcome",
                    f"application {planned.key} is {current.outcome} in Steward",
                    "a closed application stays closed",
                )
                continue
            fields: dict[str, tuple[Any, Any]] = {}
            if len(file_moves) > len(have):
                added = [s for s, _ in file_moves[len(have) :]]
                fields["stage"] = (current.stage, added[-1])
            if planned.outcome and current.outcome == Outcome.OPEN:
                fields["outcome"] = (current.outcome, planned.outcome)
            kind = "changed" if fields else "unchanged"
            diff.add(Change(kind, planned.key, line=planned.line, fields=fields, payload=planned))
        for key, order in new_stage_orders.items():
            diff.notes.append(f"requisition {key}: stages {' → '.join(order)} (from the file)")
        self.stage_orders = new_stage_orders
        self.sources = sources
        self.reqs = reqs

    # --- writing ----------------------------------------------------------------------------

    def apply(self, diff: Diff) -> None:
        actor = self.actor if getattr(self.actor, "pk", None) else None
        for key, order in getattr(self, "stage_orders", {}).items():
            req = Requisition.objects.get(key=key)
            req.stages = order
            req.save(update_fields=["stages", "updated_at"])
        planned_all: list[Planned] = [c.payload for c in diff.changes if c.kind != "unchanged"]
        candidates = {
            c.external_id: c
            for c in Candidate.objects.filter(
                external_id__in=[p.candidate_key for p in planned_all]
            )
        }
        today = timezone.localdate()
        for p in planned_all:
            if p.candidate_key not in candidates:
                cand = Candidate(
                    external_id=p.candidate_key,
                    name=p.name,
                    email=p.email,
                    retain_until=today + timedelta(days=DEFAULT_RETENTION_DAYS),
                )
                cand.save()
                candidates[p.candidate_key] = cand
        new_moves: list[StageMove] = []
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            p = change.payload
            app = Application.objects.filter(external_id=p.key).first()
            if app is None:
                app = Application(
                    external_id=p.key,
                    candidate=candidates[p.candidate_key],
                    requisition=self.reqs[p.requisition],
                    source=self.sources.get(p.source.lower()) if p.source else None,
                    referrer=p.referrer,
                    applied_at=p.moves[0][1],
                    stage=p.moves[-1][0],
                )
                app.save()
                start = 0
            else:
                start = app.moves.count()
                app.stage = p.moves[-1][0]
            for position, (stage, at, _line) in enumerate(p.moves[start:], start=start):
                new_moves.append(
                    StageMove(
                        application=app,
                        position=position,
                        stage=stage,
                        entered_at=at,
                        recorded_by=actor,
                    )
                )
            if p.outcome and app.outcome == Outcome.OPEN:
                app.outcome = p.outcome
                app.closed_at = p.moves[-1][1]
                app.rejection_reason = p.reason if p.outcome != "hired" else ""
                app.rejected_by = (
                    RejectedBy.THEM
                    if p.outcome == "withdrew"
                    else (RejectedBy.US if p.outcome == "rejected" else "")
                )
            app.save()
        created = StageMove.objects.bulk_create(new_moves)
        audit_created(created, actor=actor)
