"""Demo engineering evidence: real git repositories, deployments and incidents.

About 40 bare repositories (two years, `STEWARD_DEMO_COMMITS` commits in total, default 30,000)
are written with `git fast-import` under `STEWARD_HOME/demo-repos/<key>/`, authored by the demo
people with their emails (some through a `.mailmap`, some by bots or unknown contractors), with
link keys from `demo.linkkeys` in the messages, `catalog-info.yaml` owners and release tags.
The repositories depend only on the seed and the size, so a folder already built is reused.
They are then ingested like any repository, and deployments and incidents are added so that
teams differ visibly in their four keys.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from steward.demo import linkkeys
from steward.demo.company import REFERENCE_DATE

if TYPE_CHECKING:
    from steward.demo.builder import DemoContext

FORMAT_VERSION = 2
DEFAULT_COMMITS = 30000
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
CONTRACTORS = [
    ("Kim Nakamura", "kim@devagency.example"),
    ("Lou Berg", "lou.berg@freelance.example"),
]

REPOS: dict[str, list[str]] = {
    "payments": ["payments-api", "payments-ledger", "payments-webhooks"],
    "checkout": ["checkout-web", "checkout-api", "cart-service"],
    "catalog": ["catalog-api", "catalog-importer", "product-media"],
    "search": ["search-api", "search-indexer"],
    "mobile": ["ios-app", "android-app", "mobile-bff"],
    "growth": ["experiments", "growth-web", "notifications"],
    "identity": ["auth-service", "accounts-web", "sso-gateway"],
    "platform-core": ["infra-terraform", "k8s-platform", "service-mesh", "db-operators"],
    "developer-experience": ["ci-pipelines", "dev-portal", "build-tools"],
    "observability": ["telemetry-agent", "dashboards", "alerting"],
    "sre-enablement": ["runbooks", "chaos-tools"],
    "pricing-engine": ["pricing-engine", "pricing-models"],
    "ml-ranking": ["ranking-service", "feature-store", "training-pipelines"],
    "data-platform": ["warehouse-dbt", "ingestion-jobs", "data-catalog"],
}


@dataclass(frozen=True)
class Profile:
    """How a team delivers: deployment cadence, failures, incidents and recovery."""

    deploy_day_chance: float  # chance that a workday has deployments
    per_day: tuple[int, int]  # deployments on such a day
    fail_rate: float
    incident_rate: float
    recovery_hours: float  # median
    tags: bool  # releases are git tags (mobile-style) rather than deployment records


ELITE = Profile(0.95, (1, 3), 0.01, 0.02, 0.6, False)
HIGH = Profile(0.45, (1, 1), 0.03, 0.05, 5.0, False)
MEDIUM = Profile(0.09, (1, 1), 0.06, 0.07, 30.0, False)
LOW = Profile(0.035, (1, 1), 0.12, 0.12, 150.0, True)

PROFILES: dict[str, Profile] = {
    "payments": HIGH,
    "checkout": ELITE,
    "catalog": HIGH,
    "search": HIGH,
    "mobile": LOW,
    "growth": ELITE,
    "identity": MEDIUM,
    "platform-core": MEDIUM,
    "developer-experience": ELITE,
    "observability": HIGH,
    "sre-enablement": HIGH,
    "pricing-engine": LOW,
    "ml-ranking": MEDIUM,
    "data-platform": MEDIUM,
}
TAG_PATTERN = r"^v\d+\.\d+\.\d+$"

VERBS = ["Add", "Fix", "Refactor", "Improve", "Remove", "Update", "Speed up", "Document", "Test"]
NOUNS = [
    "retry logic",
    "validation",
    "error handling",
    "metrics",
    "caching",
    "the config loader",
    "pagination",
    "logging",
    "feature flag",
    "rate limiting",
    "the schema",
    "timeouts",
    "the migration",
    "input parsing",
    "the client",
    "the handler",
    "dependency wiring",
]
WORDS = ["alpha", "beta", "gamma", "delta", "kappa", "sigma", "omega", "value", "result", "item"]
_LINE_RNG = random.Random(7)
LINES = [
    f"{_LINE_RNG.choice(WORDS)}_{i} = {_LINE_RNG.choice(WORDS)}({_LINE_RNG.randrange(99)})"
    for i in range(4000)
]


def demo_commit_total() -> int:
    """Commits across all demo repositories (`STEWARD_DEMO_COMMITS`, default 30,000)."""
    return int(os.environ.get("STEWARD_DEMO_COMMITS", DEFAULT_COMMITS))


@dataclass
class _Author:
    name: str
    email: str
    zone: ZoneInfo
    start: date
    end: date | None


def _workdays(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day < end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _month_index(day: date) -> int:
    start = linkkeys.HISTORY_START
    return (day.year - start.year) * 12 + day.month - start.month


class _RepoWriter:
    """Writes one repository's history as a `git fast-import` stream."""

    def __init__(self, rng: random.Random, name: str, team: str) -> None:
        self.rng = rng
        self.name = name
        self.team = team
        self.files: dict[str, list[str]] = {}
        self.out: list[bytes] = []
        self.mark = 0
        self.ticket = linkkeys.FIRST_TICKET

    def _data(self, payload: bytes) -> None:
        self.out.append(b"data %d\n" % len(payload))
        self.out.append(payload)
        self.out.append(b"\n")

    def _line(self) -> str:
        return LINES[int(self.rng.random() * len(LINES))]

    def _edit(self, path: str) -> None:
        rng = self.rng
        lines = self.files.setdefault(path, [])
        for _ in range(rng.randint(0, min(3, len(lines)))):
            del lines[rng.randrange(len(lines))]
        for _ in range(rng.randint(1, 8)):
            lines.insert(rng.randint(0, len(lines)), self._line())
        if len(lines) > 24:
            del lines[: len(lines) - 16]
        self.out.append(f"M 100644 inline {path}\n".encode())
        self._data(("\n".join(lines) + "\n").encode())

    def commit(
        self,
        author: tuple[str, str],
        when: datetime,
        offset: str,
        message: str,
        first: bool = False,
        mailmap: str = "",
    ) -> int:
        rng = self.rng
        self.mark += 1
        stamp = f"{int(when.timestamp())} {offset}"
        who = f"{author[0]} <{author[1]}> {stamp}"
        self.out.append(f"commit refs/heads/main\nmark :{self.mark}\n".encode())
        self.out.append(f"author {who}\ncommitter {who}\n".encode())
        self._data(message.encode())
        if first:
            catalog = (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                f"  name: {self.name}\nspec:\n  type: service\n  lifecycle: production\n"
                f"  owner: group:default/{self.team}\n"
            )
            self.out.append(b"M 100644 inline catalog-info.yaml\n")
            self._data(catalog.encode())
            self.out.append(b"M 100644 inline README.md\n")
            self._data(f"# {self.name}\n\nOwned by {self.team}.\n".encode())
            for k in range(6):
                self._edit(f"module_{k}.py")
            if mailmap:
                self.out.append(b"M 100644 inline .mailmap\n")
                self._data(mailmap.encode())
            return self.mark
        roll = rng.random()
        paths = list(self.files)
        if roll < 0.04 and len(paths) > 3:
            old = rng.choice(paths)
            new = old.replace("module_", f"part_{self.mark}_")
            if new != old and new not in self.files:
                self.out.append(f"R {old} {new}\n".encode())
                self.files[new] = self.files.pop(old)
                self._edit(new)
                return self.mark
        if roll < 0.06:
            blob = bytes(rng.randrange(256) for _ in range(64)) + b"\0"
            self.out.append(f"M 100644 inline assets/icon_{self.mark % 7}.png\n".encode())
            self._data(blob)
            return self.mark
        if roll < 0.12:
            if len(paths) > 40:
                # Keep trees small, like a real repository that also deletes code.
                gone = rng.choice([p for p in paths if p.endswith(".py")] or paths)
                self.out.append(f"D {gone}\n".encode())
                del self.files[gone]
            self._edit(f"feature_{self.mark}.py")
            return self.mark
        for path in rng.sample(paths, k=min(len(paths), rng.choice((1, 1, 2, 3)))):
            if path.endswith((".py", ".md")):
                self._edit(path)
        return self.mark

    def tag(self, name: str, mark: int) -> None:
        self.out.append(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())


def _offset(zone: ZoneInfo, when: datetime) -> str:
    delta = zone.utcoffset(when.replace(tzinfo=None)) or timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _message(rng: random.Random, team: str, day: date, writer: _RepoWriter) -> str:
    subject = f"{rng.choice(VERBS)} {rng.choice(NOUNS)}"
    roll = rng.random()
    active = linkkeys.active_epics(team, _month_index(day))
    if roll < 0.6 and active:
        return f"{rng.choice(active)}: {subject}\n"
    if roll < 0.8:
        writer.ticket += 1
        return f"{linkkeys.PROJECT_KEYS[team]}-{writer.ticket}: {subject}\n"
    if roll < 0.85:
        return f"{subject} (#{rng.randrange(1, 400)})\n"
    return f"{subject}\n"


def build_repositories(ctx: DemoContext, folder: Path, total: int) -> dict[str, str]:
    """Write the demo repositories into `folder` (bare); returns repository -> team slug."""
    from steward.org.models import Person

    rng = random.Random(f"{ctx.seed}-git")
    people = list(
        Person.objects.filter(team__isnull=False)
        .select_related("team")
        .prefetch_related("emails")
        .order_by("employee_id")
    )
    authors: dict[str, list[_Author]] = {}
    mailmaps: dict[str, list[str]] = {}
    for person in people:
        email = person.emails.all()[0].email
        author = _Author(
            person.name,
            email,
            ZoneInfo(person.timezone or "UTC"),
            person.start_date,
            person.end_date,
        )
        authors.setdefault(person.team.slug, []).append(author)  # type: ignore[union-attr]
        if rng.random() < 0.12:
            # Commits from a personal address, mapped back to the work address by .mailmap.
            personal = email.split("@")[0] + "@personal-mail.example"
            mailmaps.setdefault(person.team.slug, []).append(  # type: ignore[union-attr]
                f"{person.name} <{email}> <{personal}>"
            )
            authors[person.team.slug].append(  # type: ignore[union-attr]
                _Author(person.name, personal, author.zone, author.start, author.end)
            )
    start, end = linkkeys.HISTORY_START, REFERENCE_DATE
    workdays = _workdays(start, end)
    weights = {team: len(authors.get(team, [])) for team in REPOS}
    weight_sum = sum(weights.values()) or 1
    owners: dict[str, str] = {}
    procs = []
    folder.mkdir(parents=True, exist_ok=True)
    for team, repos in REPOS.items():
        for repo_name in repos:
            owners[repo_name] = team
            count = max(20, round(total * weights[team] / weight_sum / len(repos)))
            if repo_name == "runbooks":
                count = max(20, count // 3)
            writer = _RepoWriter(rng, repo_name, team)
            days = sorted(rng.choice(workdays) for _ in range(count))
            crew = authors.get(team) or [a for group in authors.values() for a in group][:5]
            first_author = crew[0]
            first_when = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=9
            )
            mailmap = "\n".join(mailmaps.get(team, [])) + "\n" if mailmaps.get(team) else ""
            writer.commit(
                (first_author.name, first_author.email),
                first_when,
                _offset(first_author.zone, first_when),
                "Initial commit\n",
                True,
                mailmap,
            )
            release = 0
            profile = PROFILES[team]
            for day in days[1:]:
                roll = rng.random()
                if roll < 0.03:
                    who, zone = BOT, ZoneInfo("UTC")
                    message = f"Bump {rng.choice(WORDS)}-lib from 1.{rng.randrange(9)} to 1.9\n"
                elif roll < 0.04:
                    who, zone = rng.choice(CONTRACTORS), ZoneInfo("Europe/London")
                    message = _message(rng, team, day, writer)
                else:
                    active = [
                        a for a in crew if a.start <= day and (a.end is None or day < a.end)
                    ] or crew
                    author = rng.choice(active)
                    who, zone = (author.name, author.email), author.zone
                    message = _message(rng, team, day, writer)
                local = datetime.combine(day, datetime.min.time()) + timedelta(
                    hours=rng.randint(8, 18), minutes=rng.randrange(60)
                )
                when = local.replace(tzinfo=zone).astimezone(UTC)
                mark = writer.commit(who, when, _offset(zone, when), message)
                if profile.tags and rng.random() < 0.025:
                    release += 1
                    writer.tag(f"v1.{release}.0", mark)
            target = folder / f"{repo_name}.git"
            subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(target)], check=True)
            # The stream goes through a file so that git imports while Python writes the next.
            stream = folder / f".{repo_name}.fi"
            stream.write_bytes(b"".join(writer.out))
            with stream.open("rb") as source:
                procs.append(
                    (
                        subprocess.Popen(
                            ["git", "-C", str(target), "fast-import", "--quiet"], stdin=source
                        ),
                        stream,
                    )
                )
    for proc, stream in procs:
        if proc.wait() != 0:
            raise RuntimeError("git fast-import failed while building the demo repositories")
        stream.unlink()
    return owners


def demo_repo_folder(seed: int, total: int) -> Path:
    """Where the demo repositories of this seed and size live."""
    return Path(settings.STEWARD_HOME) / "demo-repos" / f"seed{seed}-{total}-v{FORMAT_VERSION}"


def ensure_repositories(ctx: DemoContext) -> Path:
    """Build the demo repositories once (in a private folder, then moved into place)."""
    total = demo_commit_total()
    final = demo_repo_folder(ctx.seed, total)
    if (final / ".complete").exists():
        return final
    scratch = final.parent / f".building-{os.getpid()}-{final.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    build_repositories(ctx, scratch, total)
    (scratch / ".complete").write_text("ok\n")
    try:
        scratch.rename(final)
    except OSError:
        # Another process built the same (deterministic) repositories first: use those.
        shutil.rmtree(scratch, ignore_errors=True)
        if not (final / ".complete").exists():
            shutil.rmtree(final, ignore_errors=True)
            build_repositories(ctx, final, total)
            (final / ".complete").write_text("ok\n")
    return final


def _deployments(ctx: DemoContext) -> None:
    from steward.engineering import services
    from steward.engineering.models import (
        Commit,
        Deployment,
        Incident,
        RecordSource,
        Repository,
    )

    rng = random.Random(f"{ctx.seed}-deploy")
    start, end = linkkeys.HISTORY_START + timedelta(days=14), REFERENCE_DATE
    workdays = _workdays(start, end)
    deployments: list[Deployment] = []
    incidents: list[Incident] = []
    repos = list(Repository.objects.select_related("team").order_by("name"))
    for repo in repos:
        team = repo.team.slug if repo.team else ""
        profile = PROFILES.get(team, MEDIUM)
        if profile.tags:
            repo.tag_pattern = TAG_PATTERN
            repo.save(update_fields=["tag_pattern"])
            services.tag_deployments_sync(repository=repo)
            for dep in Deployment.objects.filter(repository=repo):
                if rng.random() < profile.incident_rate * 2:
                    created = dep.finished_at + timedelta(hours=rng.uniform(1, 48))
                    hours = rng.lognormvariate(0, 0.8) * profile.recovery_hours
                    incidents.append(
                        Incident(
                            external_id=f"INC-{repo.name}-{dep.pk}",
                            service=repo.name,
                            repository=repo,
                            repo_name=repo.name,
                            severity=rng.choice(["sev2", "sev3"]),
                            created_at=created,
                            resolved_at=min(
                                created + timedelta(hours=hours),
                                datetime.combine(end, datetime.min.time(), UTC),
                            ),
                            deployment_external_id=dep.external_id,
                            source=RecordSource.DEMO,
                        )
                    )
            continue
        history = list(
            Commit.objects.filter(repository=repo)
            .order_by("committed_at")
            .values_list("committed_at", "sha")
        )
        index = 0
        number = 0
        for day in workdays:
            if rng.random() >= profile.deploy_day_chance:
                continue
            for _ in range(rng.randint(*profile.per_day)):
                finished = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                    hours=rng.uniform(9, 18)
                )
                while index + 1 < len(history) and history[index + 1][0] <= finished:
                    index += 1
                if not history or history[index][0] > finished:
                    continue
                number += 1
                failed = rng.random() < profile.fail_rate
                key = f"dep-{repo.name}-{number:05d}"
                deployments.append(
                    Deployment(
                        external_id=key,
                        repository=repo,
                        repo_name=repo.name,
                        sha=history[index][1],
                        environment="production",
                        status="failure" if failed else "success",
                        started_at=finished - timedelta(minutes=rng.randint(3, 20)),
                        finished_at=finished,
                        service=repo.name,
                        source=RecordSource.DEMO,
                    )
                )
                if not failed and rng.random() < profile.incident_rate:
                    created = finished + timedelta(hours=rng.uniform(0.1, 6))
                    hours = rng.lognormvariate(0, 0.8) * profile.recovery_hours
                    resolved = created + timedelta(hours=hours)
                    cutoff = datetime.combine(end, datetime.min.time(), UTC)
                    incidents.append(
                        Incident(
                            external_id=f"INC-{repo.name}-{number:05d}",
                            service=repo.name,
                            repository=repo,
                            repo_name=repo.name,
                            severity=rng.choice(["sev1", "sev2", "sev3", "sev3"]),
                            created_at=created,
                            resolved_at=resolved if resolved < cutoff else None,
                            deployment_external_id=key,
                            source=RecordSource.DEMO,
                        )
                    )
                if rng.random() < 0.2:
                    deployments.append(
                        Deployment(
                            external_id=f"{key}-staging",
                            repository=repo,
                            repo_name=repo.name,
                            sha=history[index][1],
                            environment="staging",
                            status="success",
                            started_at=finished - timedelta(hours=2),
                            finished_at=finished - timedelta(hours=1, minutes=45),
                            service=repo.name,
                            source=RecordSource.DEMO,
                        )
                    )
    Deployment.objects.bulk_create(deployments, batch_size=2000)
    Incident.objects.bulk_create(incidents, batch_size=2000)
    for repo in repos:
        services.deployments_link(repository=repo)


def step_engineering(ctx: DemoContext) -> None:
    """Git repositories (fast-import), ingested; deployments and incidents per team profile."""
    from steward.engineering.ingest import ingest_paths

    folder = ensure_repositories(ctx)
    results = ingest_paths([folder], workers=2)
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"demo ingestion failed: {failed[0].name}: {failed[0].error}")
    _deployments(ctx)
