"""Git ingestion: several repositories read in parallel, written in batches, incrementally.

One producer thread per repository (at most `workers` at a time) checks the repository, decides
what to read (everything the first time; `HEAD ^<stored head>` afterwards) and streams `git log`
through `gitlog.stream_log` in batches into one bounded queue. The calling thread is the only
writer: it inserts each batch with `executemany` inside its own transaction, so the same code
runs on SQLite and PostgreSQL, inside a request, a CLI command, a background job or the demo.
git runs in its own processes, on other cores, while Python parses and writes.

Force-pushes: commits reachable from the old head but not from the new one are marked
`reachable = False` and drop out of every figure; if they come back they are marked again.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from steward.core import safe_yaml
from steward.engineering import config, gitlog, linkkeys, summaries
from steward.engineering.models import (
    Commit,
    FileChange,
    Identity,
    IngestStatus,
    LinkKey,
    OwnerSource,
    Repository,
    Tag,
)

BATCH = 4000

log = logging.getLogger("steward.ingest")

# Higher apps (architecture: technologies from the manifests) act on a repository just ingested.
_AFTER_INGEST: dict[str, Callable[[Repository], object]] = {}


def register_after_ingest(name: str, hook: Callable[[Repository], object]) -> None:
    """Call `hook(repository)` after every successful ingestion of a repository (also when
    nothing was new: the hook decides whether its work is stale, e.g. by the head it last saw).
    A hook's failure is logged and does not fail the ingestion."""
    _AFTER_INGEST[name] = hook


def _after_ingest(repo_id: int) -> None:
    if not _AFTER_INGEST:
        return
    repo = Repository.objects.get(pk=repo_id)
    for name, hook in list(_AFTER_INGEST.items()):
        try:
            hook(repo)
        except Exception:
            log.exception("after-ingest hook %s failed on %s", name, repo.name)


@dataclass
class RepoResult:
    """What happened to one repository."""

    name: str
    path: str
    ok: bool = True
    error: str = ""
    new_commits: int = 0
    unreachable: int = 0
    skipped: bool = False  # nothing new since the last run
    seconds: float = 0.0


class Progress(Protocol):
    """Receives progress events (the CLI draws Rich bars; the background job ignores them)."""

    def start(self, name: str, total: int) -> None:
        """A repository starts with `total` commits to read."""

    def advance(self, name: str, count: int) -> None:
        """`count` more commits of `name` were written."""

    def finish(self, result: RepoResult) -> None:
        """A repository is done (or failed)."""


class NoProgress:
    """Progress that shows nothing."""

    def start(self, name: str, total: int) -> None:
        """Ignored."""

    def advance(self, name: str, count: int) -> None:
        """Ignored."""

    def finish(self, result: RepoResult) -> None:
        """Ignored."""


@dataclass
class _Plan:
    repo_id: int
    name: str
    path: Path
    old_head: str
    since: str | None
    fresh: bool = False
    # Filled by the producer.
    head: str = ""
    gone: list[str] = field(default_factory=list)
    full_reachable: set[str] | None = None
    tags: list[gitlog.TagInfo] = field(default_factory=list)
    catalog: bytes | None = None


def repository_name(path: Path) -> str:
    """A repository's name: its folder name without a trailing `.git`."""
    name = path.resolve().name
    return name[:-4] if name.endswith(".git") and len(name) > 4 else name


def _produce(plan: _Plan, put: Callable[[tuple[str, _Plan, Any]], None]) -> None:
    try:
        info = gitlog.inspect(plan.path)
        plan.head = info.head
        include, exclude = [info.head], []
        if plan.old_head and plan.old_head == info.head:
            include = []
        elif plan.old_head and gitlog.has_commit(plan.path, plan.old_head):
            exclude = [plan.old_head]
            plan.gone = gitlog.rev_list(plan.path, [plan.old_head], [info.head])
        elif plan.old_head:
            # The old head is gone (force-push and gc): recompute reachability from scratch.
            plan.full_reachable = set(gitlog.rev_list(plan.path, [info.head]))
        commits: Iterator[gitlog.GitCommit] = iter(())
        first: list[gitlog.GitCommit] = []
        if include:
            # Start `git log` first: the count, the tags and the catalog file are read while
            # git works on its own core, instead of before it starts (a count walks the whole
            # history: about a second on git/git).
            commits = gitlog.stream_log(plan.path, include, exclude, plan.since)
            first = list(itertools.islice(commits, 1))
        plan.tags = gitlog.tags(plan.path)
        plan.catalog = gitlog.read_head_file(plan.path, "catalog-info.yaml")
        total = gitlog.count_commits(plan.path, include, exclude) if include else 0
        put(("start", plan, total))
        if include:
            batch: list[gitlog.GitCommit] = first
            for commit in commits:
                batch.append(commit)
                if len(batch) >= BATCH:
                    put(("batch", plan, batch))
                    batch = []
            if batch:
                put(("batch", plan, batch))
        put(("end", plan, None))
    except gitlog.GitError as exc:
        put(("error", plan, str(exc)))
    except _Stopped:
        raise
    except Exception as exc:
        put(("error", plan, f"{type(exc).__name__}: {exc}"))


_EPOCH_DATE = date(1970, 1, 1)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


class _Writer:
    """Writes batches of parsed commits with plain `executemany` (one transaction per batch)."""

    def __init__(self) -> None:
        self.ops = connection.ops
        self.patterns = linkkeys.compile_patterns(config.link_key_patterns())
        self.bots = config.bot_patterns()
        self._known_emails: set[str] | None = None
        # Repositories whose commits' reachability changed: their deployments are re-linked.
        self.reachability_moved: set[int] = set()
        if connection.vendor == "sqlite":
            # A larger page cache keeps the commit indexes in memory while a history loads.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        q = connection.ops.quote_name

        def insert(model: Any, columns: list[str]) -> str:
            names = ", ".join(q(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            return f"INSERT INTO {q(model._meta.db_table)} ({names}) VALUES ({marks})"

        self.sql_commit = insert(
            Commit,
            [
                "repository_id",
                "sha",
                "parents",
                "parent_count",
                "author_name",
                "author_email",
                "mailmap_name",
                "email",
                "authored_at",
                "author_offset",
                "author_day",
                "committer_name",
                "committer_email",
                "committed_at",
                "committer_offset",
                "message",
                "added",
                "deleted",
                "files",
                "reachable",
            ],
        )
        self.sql_file = insert(
            FileChange, ["commit_id", "path", "old_path", "added", "deleted", "binary", "status"]
        )
        self.sql_key = insert(LinkKey, ["commit_id", "key", "source"])
        self.adapters = self._adapters()
        ct = q(Commit._meta.db_table)
        self.table = ct

    @property
    def known_emails(self) -> set[str]:
        """E-mails with an identity (read on the first batch: an unchanged run needs none)."""
        if self._known_emails is None:
            self._known_emails = set(Identity.objects.values_list("email", flat=True))
        return self._known_emails

    def _shas_in(self, repo_id: int, shas: list[str], extra: str = "") -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        with connection.cursor() as cursor:
            for start in range(0, len(shas), 900):
                part = shas[start : start + 900]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT id, sha FROM {self.table} WHERE repository_id = %s "
                    f"AND sha IN ({marks}){extra}",
                    [repo_id, *part],
                )
                found.extend(cursor.fetchall())
        return found

    def _adapters(self) -> tuple[Callable[[int], Any], Callable[[int], Any]]:
        """Unix seconds -> the database's datetime value; local seconds (Unix seconds plus the
        offset) -> the database's value for that day. Each day is converted once per run."""
        day_values: dict[int, Any] = {}
        adapt_date = self.ops.adapt_datefield_value

        def day_value(days: int) -> Any:
            value = day_values.get(days)
            if value is None:
                value = day_values[days] = adapt_date(_EPOCH_DATE + timedelta(days=days))
            return value

        def day_of(local: int) -> Any:
            return day_value(local // 86400)

        if connection.vendor == "sqlite":
            # What Django's SQLite backend stores for an aware UTC datetime (str() of the naive
            # UTC datetime: "YYYY-MM-DD HH:MM:SS"), from the day's text and the time of day.
            def sqlite_dt(seconds: int) -> str:
                days, rest = divmod(seconds, 86400)
                hours, rest = divmod(rest, 3600)
                minutes, secs = divmod(rest, 60)
                return f"{day_value(days)} {hours:02d}:{minutes:02d}:{secs:02d}"

            return sqlite_dt, day_of

        def other_dt(seconds: int) -> Any:
            return self.ops.adapt_datetimefield_value(_utc(seconds))

        return other_dt, day_of

    def _new_ids(self, repo_id: int, new: list[gitlog.GitCommit]) -> dict[str, int]:
        """Primary keys of the commits just inserted, by sha."""
        if connection.vendor == "sqlite":
            # One writer holds SQLite's write lock for the transaction, so the rows just
            # inserted got consecutive ids ending at last_insert_rowid(); verify both ends.
            with connection.cursor() as cursor:
                cursor.execute("SELECT last_insert_rowid()")
                last = int(cursor.fetchone()[0])
                first = last - len(new) + 1
                cursor.execute(
                    f"SELECT id, sha FROM {self.table} WHERE id IN (%s, %s)",
                    [first, last],
                )
                ends = dict(cursor.fetchall())
            if ends.get(first) == new[0].sha and ends.get(last) == new[-1].sha:
                return {c.sha: first + i for i, c in enumerate(new)}
        return {sha: pk for pk, sha in self._shas_in(repo_id, [c.sha for c in new])}

    def set_reachable(self, repo_id: int, shas: Iterable[str], value: bool) -> int:
        """Mark stored commits reachable or not; returns how many rows changed."""
        shas = list(shas)
        changed = 0
        authors: set[str] = set()
        with transaction.atomic(), connection.cursor() as cursor:
            for start in range(0, len(shas), 900):
                part = shas[start : start + 900]
                marks = ", ".join(["%s"] * len(part))
                where = f"WHERE repository_id = %s AND reachable = %s AND sha IN ({marks})"
                cursor.execute(
                    f"SELECT DISTINCT email FROM {self.table} {where}", [repo_id, not value, *part]
                )
                authors.update(email for (email,) in cursor.fetchall())
                summaries.move_days(repo_id, where, [repo_id, not value, *part], value)
                cursor.execute(
                    f"UPDATE {self.table} SET reachable = %s {where}",
                    [value, repo_id, not value, *part],
                )
                changed += cursor.rowcount
            if changed:
                self.reachability_moved.add(repo_id)
                summaries.recompute_authors(repo_id, authors, changed if value else -changed)
        return changed

    def write(self, repo_id: int, batch: list[gitlog.GitCommit], fresh: bool = False) -> int:
        """Insert the commits of `batch` not stored yet; returns how many were new.

        `fresh`: the repository had no commits stored when this run started, so none of the
        batch can exist yet (saves a lookup per batch on a first ingestion)."""
        shas = [c.sha for c in batch]
        with transaction.atomic():
            existing = set() if fresh else {sha for _, sha in self._shas_in(repo_id, shas)}
            if existing:
                self.set_reachable(repo_id, existing, True)
            new = [c for c in batch if c.sha not in existing]
            if not new:
                return 0
            adapt_dt, day_of = self.adapters
            known = self.known_emails
            rows = []
            identities: dict[str, str] = {}
            deltas: dict[str, summaries.AuthorDelta] = {}
            days: dict[tuple[str, Any], int] = defaultdict(int)
            for c in new:
                added = deleted = 0
                for f in c.files:
                    added += f.added
                    deleted += f.deleted
                email, name = c.mailmap_email[:300], c.mailmap_name[:300]
                day = day_of(c.author_time + 60 * c.author_offset)
                merge = len(c.parents) > 1
                if not merge:
                    days[(email, day)] += 1
                committed = adapt_dt(c.committer_time)
                delta = deltas.get(email)
                if delta is None:
                    delta = deltas[email] = summaries.AuthorDelta()
                delta.add(
                    merge=merge,
                    added=added,
                    deleted=deleted,
                    time=c.committer_time,
                    value=committed,
                    name=name,
                )
                rows.append(
                    (
                        repo_id,
                        c.sha,
                        " ".join(c.parents),
                        len(c.parents),
                        c.author_name[:300],
                        c.author_email[:300],
                        name,
                        email,
                        adapt_dt(c.author_time),
                        c.author_offset,
                        day,
                        c.committer_name[:300],
                        c.committer_email[:300],
                        committed,
                        c.committer_offset,
                        c.message,
                        added,
                        deleted,
                        len(c.files),
                        True,
                    )
                )
                if c.mailmap_email not in known:
                    identities.setdefault(c.mailmap_email, c.mailmap_name)
            with connection.cursor() as cursor:
                cursor.executemany(self.sql_commit, rows)
            ids = self._new_ids(repo_id, new)  # before any other insert (last_insert_rowid)
            summaries.add_commits(repo_id, deltas)
            summaries.add_days(repo_id, days)
            files = []
            keys = []
            key_days: dict[tuple[str, Any, tuple[str, ...]], int] = defaultdict(int)
            patterns = self.patterns
            for c in new:
                pk = ids[c.sha]
                files += [
                    (pk, f.path, f.old_path, f.added, f.deleted, f.binary, f.status)
                    for f in c.files
                ]
                found = linkkeys.commit_keys(c.message, patterns)
                for key, source in found:
                    keys.append((pk, key[:100], source))
                if found and len(c.parents) <= 1:
                    cell = (c.mailmap_email[:300], day_of(c.author_time + 60 * c.author_offset))
                    key_days[(*cell, tuple(sorted({k[:100] for k, _ in found})))] += 1
            summaries.add_key_days(repo_id, key_days)
            with connection.cursor() as cursor:
                if files:
                    cursor.executemany(self.sql_file, files)
                if keys:
                    cursor.executemany(self.sql_key, keys)
            if identities:
                Identity.objects.bulk_create(
                    [
                        Identity(
                            email=email,
                            name=name,
                            is_bot=config.looks_like_bot(name, email, self.bots),
                        )
                        for email, name in identities.items()
                    ],
                    ignore_conflicts=True,
                )
                self.known_emails.update(identities)
        return len(new)


def _catalog_owner(raw: bytes | None) -> str | None:
    """The team slug named by a Backstage catalog-info.yaml `spec.owner` (group:ns/x -> x)."""
    if not raw:
        return None
    try:
        safe_yaml.check_size(len(raw))
        docs = list(safe_yaml.load_all(raw.decode("utf-8", errors="replace")))
    except safe_yaml.YamlRefused:
        return None  # the owner is a hint: a file that is not accepted YAML gives none
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("spec"), dict):
            owner = doc["spec"].get("owner")
            if isinstance(owner, str) and owner.strip():
                value = owner.strip()
                value = value.split(":", 1)[1] if ":" in value else value
                return value.rsplit("/", 1)[-1]
    return None


def _tags_sync(plan: _Plan) -> bool:
    """Make the stored tags equal git's: insert new, delete gone, update moved; True if changed.

    Nothing is written when the tags are unchanged. New tags are bulk-inserted (as on a first
    ingestion); moved and deleted tags go through `save()`/`delete()` so the audit log has them.
    """
    wanted = {t.name[:300]: (t.sha, _utc(t.time) if t.time else None) for t in plan.tags}
    stored = {tag.name: tag for tag in Tag.objects.filter(repository_id=plan.repo_id)}
    gone = [tag for name, tag in stored.items() if name not in wanted]
    moved = []
    for name, (sha, when) in wanted.items():
        tag = stored.get(name)
        if tag is not None and (tag.sha != sha or tag.tagged_at != when):
            tag.sha, tag.tagged_at = sha, when
            moved.append(tag)
    new = [
        Tag(repository_id=plan.repo_id, name=name, sha=sha, tagged_at=when)
        for name, (sha, when) in wanted.items()
        if name not in stored
    ]
    for tag in gone:
        tag.delete()
    for tag in moved:
        tag.save(update_fields=["sha", "tagged_at"])
    if new:
        Tag.objects.bulk_create(new)
    return bool(gone or moved or new)


def _finish(writer: _Writer, plan: _Plan, result: RepoResult) -> None:
    from steward.engineering import services
    from steward.org import selectors as org_selectors

    with transaction.atomic():
        repo = Repository.objects.select_for_update().get(pk=plan.repo_id)
        if plan.gone:
            result.unreachable += writer.set_reachable(plan.repo_id, plan.gone, False)
        if plan.full_reachable is not None:
            stored = dict(
                Commit.objects.filter(repository_id=plan.repo_id).values_list("sha", "reachable")
            )
            lost = [s for s, r in stored.items() if r and s not in plan.full_reachable]
            back = [s for s, r in stored.items() if not r and s in plan.full_reachable]
            result.unreachable += writer.set_reachable(plan.repo_id, lost, False)
            writer.set_reachable(plan.repo_id, back, True)
        tags_changed = _tags_sync(plan)
        owner = _catalog_owner(plan.catalog)
        fields: list[str] = []
        if owner and repo.owner_source != OwnerSource.MANUAL:
            team = org_selectors.team_by_slug(owner)
            if team is not None and (
                repo.team_id != team.pk or repo.owner_source != OwnerSource.CATALOG
            ):
                repo.team = team
                repo.owner_source = OwnerSource.CATALOG
                fields += ["team", "owner_source"]
        if repo.head_sha != plan.head:
            repo.head_sha = plan.head
            fields.append("head_sha")
        if repo.status != IngestStatus.OK or repo.last_error:
            repo.status = IngestStatus.OK
            repo.last_error = ""
            fields += ["status", "last_error"]
        if fields or tags_changed or result.new_commits or result.unreachable:
            # An unchanged repository is not written at all (no row, no audit entry), so
            # `last_ingested_at` is the time of the last ingestion that changed something.
            repo.last_ingested_at = timezone.now()
            # Never `reachable_commits`: set_reachable moved it in SQL after this row was read.
            repo.save(update_fields=[*fields, "last_ingested_at"])
        changed = services.tag_deployments_sync(repository=repo)
        moved = plan.repo_id in writer.reachability_moved
        if (changed or result.new_commits or moved) and repo.deployments.exists():
            services.deployments_link(repository=repo)


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    team_slug: str | None = None,
    since: date | None = None,
    workers: int = 4,
    progress: Progress | None = None,
) -> list[RepoResult]:
    """Ingest every repository named by `paths` (repositories or folders of repositories)."""
    from steward.org import selectors as org_selectors

    progress = progress or NoProgress()
    team = org_selectors.team_by_slug(team_slug) if team_slug else None
    results: dict[str, RepoResult] = {}
    plans: list[_Plan] = []
    seen: set[Path] = set()
    for raw in paths:
        for path in gitlog.find_repositories(Path(raw)):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            name = repository_name(path)
            if name in results:
                results[f"{name}@{path}"] = RepoResult(
                    name=name, path=str(path), ok=False, error="another repository has this name"
                )
                continue
            results[name] = RepoResult(name=name, path=str(path))
            repo, _ = Repository.objects.get_or_create(
                name=name, defaults={"path": str(path.resolve())}
            )
            changes: dict[str, Any] = {}
            if repo.path != str(path.resolve()):
                changes["path"] = str(path.resolve())
            if team is not None and repo.team_id != team.pk:
                changes.update(team=team, owner_source=OwnerSource.MANUAL)
            if changes:
                Repository.objects.filter(pk=repo.pk).update(**changes)
            plans.append(
                _Plan(
                    repo_id=repo.pk,
                    name=name,
                    path=path,
                    old_head=repo.head_sha,
                    since=since.isoformat() if since else None,
                    fresh=not Commit.objects.filter(repository_id=repo.pk).exists(),
                )
            )
    writer = _Writer()
    events: queue.Queue[tuple[str, _Plan, Any]] = queue.Queue(maxsize=max(8, 4 * workers))
    stop = threading.Event()
    slots = threading.Semaphore(max(1, workers))
    started: dict[str, float] = {}

    def put(event: tuple[str, _Plan, Any]) -> None:
        while not stop.is_set():
            try:
                events.put(event, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    def run(plan: _Plan) -> None:
        with slots:
            if stop.is_set():
                return
            started[plan.name] = time.perf_counter()
            try:
                _produce(plan, put)
            except _Stopped:
                return

    threads = [threading.Thread(target=run, args=(p,), daemon=True) for p in plans]
    for thread in threads:
        thread.start()
    for result in results.values():
        if not result.ok:
            progress.finish(result)
    pending = len(plans)
    try:
        while pending:
            kind, plan, payload = events.get()
            result = results[plan.name]
            done = kind in ("end", "error")
            if result.ok:
                try:
                    if kind == "start":
                        result.skipped = payload == 0 and plan.old_head == plan.head
                        progress.start(plan.name, payload)
                    elif kind == "batch":
                        result.new_commits += writer.write(plan.repo_id, payload, plan.fresh)
                        progress.advance(plan.name, len(payload))
                    elif kind == "end":
                        _finish(writer, plan, result)
                        _after_ingest(plan.repo_id)
                    else:
                        _fail(plan, result, payload)
                except Exception as exc:
                    _fail(plan, result, _reason(exc))
            if done:
                pending -= 1
                result.seconds = time.perf_counter() - started.get(plan.name, time.perf_counter())
                progress.finish(result)
    finally:
        stop.set()
    return list(results.values())


class _Stopped(Exception):
    """The writer stopped (an interrupt); producers give up."""


def _reason(exc: Exception) -> str:
    """What to tell the user about a failed write (a busy SQLite database says so)."""
    from steward.core.dbbusy import busy_message, is_busy

    if is_busy(exc):
        return busy_message() + " The commits written so far are kept; a re-run completes them."
    return f"{type(exc).__name__}: {exc}"


def _fail(plan: _Plan, result: RepoResult, message: str) -> None:
    result.ok = False
    result.error = message
    repos = Repository.objects.filter(pk=plan.repo_id)
    if not plan.old_head and not Commit.objects.filter(repository_id=plan.repo_id).exists():
        # Never ingested: keep no record of a path that is not (yet) a usable repository.
        repos.filter(status=IngestStatus.NEVER).delete()
    repos.update(status=IngestStatus.FAILED, last_error=message[:2000])
