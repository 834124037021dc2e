"""Code knowledge figures from the ingested history (METRICS.md "Code knowledge").

Everything the truck factor needs is kept at ingestion (engineering's Commit identities and
FileChange rows with git's status letter); a request reads them from the database and asks git
only for the revision's tree (`git ls-tree`) and `.mailmap`, never for the history.
"""

from __future__ import annotations

import fnmatch
import hashlib
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from steward.core import datacache, policy
from steward.core.errors import BadInput, StewardError
from steward.core.requestmemo import once_per_request
from steward.engineering import gitlog
from steward.engineering import selectors as eng
from steward.knowledge.mailmap import Mailmap
from steward.knowledge.truckfactor import (
    Authorship,
    Source,
    TruckFactor,
    compute_authorship,
    truck_factor,
)

if TYPE_CHECKING:
    from steward.engineering.models import Repository

Actor = Any


class KnowledgeError(StewardError):
    """The figure cannot be computed (say why and what to do)."""


# ------------------------------------------------------------------ loading


@dataclass
class RepoInput:
    """What one repository contributes to an analysis."""

    repository: Repository
    sha: str
    source: Source
    commit_ids: list[int]


def _resolve(repo: Repository, rev: str | None) -> str:
    if not repo.head_sha:
        raise KnowledgeError(f"repository {repo.name} has not been ingested yet")
    if not rev or rev in ("HEAD", repo.head_sha):
        return repo.head_sha
    try:
        out = gitlog.git(repo.path, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
    except gitlog.GitError as exc:
        raise BadInput(f"--rev {rev!r}: not a commit of {repo.name} ({exc})") from exc
    return out.decode("ascii").strip()


def _tree(repo: Repository, sha: str) -> list[str]:
    try:
        out = gitlog.git(repo.path, "ls-tree", "-r", "-z", "--name-only", "--full-tree", sha)
    except gitlog.GitError as exc:
        raise KnowledgeError(
            f"cannot list the files of {repo.name} at {sha[:10]} in {repo.path or '(no path)'}: "
            f"{exc} (the repository must stay where it was ingested from)"
        ) from exc
    return [p.decode("utf-8", errors="replace") for p in out.split(b"\0") if p]


def _mailmap(repo: Repository, sha: str) -> Mailmap:
    try:
        raw = gitlog.git(repo.path, "cat-file", "-p", f"{sha}:.mailmap")
    except gitlog.GitError:
        return Mailmap()
    return Mailmap(raw.decode("utf-8", errors="replace"))


def load_repository(repo: Repository, rev: str | None = None, prefix: str = "") -> RepoInput:
    """The reachable non-merge commits of `repo` at `rev` and their name-status lines."""
    sha = _resolve(repo, rev)
    wanted: set[str] | None = None
    if sha != repo.head_sha:
        wanted = set(gitlog.rev_list(repo.path, [sha]))
    rows = eng.nonmerge_commit_identities(repo, reachable_only=wanted is None)
    if wanted is not None:
        stored = {r[1] for r in rows} | eng.merge_commit_shas(repo)
        missing = wanted - stored
        if missing:
            raise KnowledgeError(
                f"{len(missing):,} commits reachable from {rev} are not ingested "
                f"(ingest the branch first)"
            )
        rows = [r for r in rows if r[1] in wanted]
    index = {r[0]: i for i, r in enumerate(rows)}
    lines: list[tuple[int, str, str, str]] = []
    unknown = 0
    for commit_id, status, path, old_path in eng.nonmerge_name_status(repo):
        i = index.get(commit_id)
        if i is None:
            continue
        if not status:
            unknown += 1
        lines.append((i, status, path, old_path))
    if unknown:
        raise KnowledgeError(
            f"{unknown:,} file changes of {repo.name} were ingested before Steward kept file "
            "statuses: delete the repository's commits and ingest it again"
        )
    source = Source(
        commits=[(r[2], r[3], r[4], r[5]) for r in rows],
        lines=lines,
        files=_tree(repo, sha),
        mailmap=_mailmap(repo, sha),
        prefix=prefix,
    )
    return RepoInput(repository=repo, sha=sha, source=source, commit_ids=[r[0] for r in rows])


@dataclass
class Analysis:
    """DOA authorship of a set of repositories (one, or a team's) at their revisions."""

    inputs: list[RepoInput]
    authorship: Authorship
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _people: dict[int, set[int]] | None = field(default=None, repr=False)

    @property
    def multi(self) -> bool:
        """True when paths carry a `repo/` prefix (a union of repositories)."""
        return len(self.inputs) > 1

    def split(self, path: str) -> tuple[str, str]:
        """(repository name, path inside it) of an analysed file."""
        if self.multi:
            name, _, rest = path.partition("/")
            return name, rest
        return self.inputs[0].repository.name, path

    def developer_people(self) -> dict[int, set[int]]:
        """Person ids behind each developer (through its e-mails and the identity links)."""
        if self._people is None:
            resolver = eng.identity_resolver()
            result: dict[int, set[int]] = {}
            for i, dev in enumerate(self.authorship.developers):
                people = set()
                for email in dev.emails:
                    person = resolver.person(email.lower())
                    if person is not None:
                        people.add(person)
                result[i] = people
            self._people = result
        return self._people


_CACHE: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64  # more than the repositories and teams a page walks (the demo: 41 and 14)


def _cache_key(
    repos: Sequence[Repository], rev: str | None, include: Any, exclude: Any, identities: int
) -> Any:
    return (
        tuple((r.pk, r.head_sha, r.last_ingested_at) for r in repos),
        rev,
        tuple(include),
        tuple(exclude),
        identities,
    )


def analyse(
    repos: Sequence[Repository],
    rev: str | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    identities: int | None = None,
) -> Analysis:
    """DOA authorship of `repos` (a union with `repo/` prefixes when several), cached.

    `identities`: `eng.identity_count()` (part of the cache key) when the caller has it: a
    page analysing every repository and team counts once, not once per analysis."""
    repos = sorted(repos, key=lambda r: r.name)
    include, exclude = tuple(include), tuple(exclude)
    if identities is None:
        identities = eng.identity_count()
    key = _cache_key(repos, rev, include, exclude, identities)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    multi = len(repos) > 1
    inputs = [load_repository(r, rev, prefix=f"{r.name}/" if multi else "") for r in repos]
    authorship = compute_authorship([i.source for i in inputs], include, exclude)
    result = Analysis(inputs=inputs, authorship=authorship, include=include, exclude=exclude)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def repository_by_name(name: str) -> Repository:
    """The repository called `name`, or BadInput naming the fix."""
    repo = eng.repository_by_name(name)
    if repo is None:
        raise BadInput(f"repo {name!r}: no such repository (ingest it first)")
    return repo


def team_repositories(team: Any) -> list[Repository]:
    """The repositories a team owns."""
    return eng.repositories_of_team(team.pk)


def ingested_repositories(actor: Actor) -> list[Repository]:
    """The ingested repositories `actor` may see, by name."""
    return [r for r in eng.repository_list(actor=actor) if r.head_sha]


def repositories_authored_by(actor: Actor, person_id: int) -> list[Repository]:
    """The ingested repositories `actor` may see in which the person authored a commit."""
    emails = {e for e, p in eng.identity_resolver().people.items() if p == person_id}
    ids = eng.repository_ids_with_authors(emails)
    return [r for r in ingested_repositories(actor) if r.pk in ids]


def teams_with_repositories(actor: Actor) -> list[Any]:
    """Teams `actor` may see that own at least one repository, by name."""
    from steward.org import selectors as org_selectors

    owners = {r.team_id for r in eng.owned_repositories() if r.head_sha}
    return [t for t in org_selectors.team_list(actor=actor).order_by("name") if t.pk in owners]


# ------------------------------------------------------------------ visibility


def _visible_developers(actor: Actor, analysis: Analysis, devs: Iterable[int]) -> set[int]:
    """Developers whose individual figures `actor` may see (policy.may_see_individual_activity)."""
    devs = set(devs)
    if policy.may_see_individual_activity(actor, None):
        return devs
    people = analysis.developer_people()
    return {
        d
        for d in devs
        if people.get(d) and all(policy.may_see_individual_activity(actor, p) for p in people[d])
    }


# ------------------------------------------------------------------ truck factor


def truck_factor_dict(
    analysis: Analysis,
    result: TruckFactor,
    *,
    actor: Actor,
    label: dict[str, Any],
) -> dict[str, Any]:
    """METRICS.md's JSON shape; authors `actor` may not see individually are `null`."""
    visible = _visible_developers(actor, analysis, (d for d, _ in result.removed))
    authors = []
    for dev, files in result.removed:
        developer = analysis.authorship.developers[dev]
        shown = dev in visible
        authors.append(
            {
                "developer": developer.key if shown else None,
                "name": developer.name if shown else None,
                "files": files,
            }
        )
    return {
        **label,
        "truck_factor": result.truck_factor,
        "coverage": None if result.coverage is None else round(result.coverage, 4),
        "files_analyzed": result.files_analyzed,
        "authors": authors,
    }


def repository_truck_factor(
    *,
    actor: Actor,
    repository: Repository,
    rev: str | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    pruned: bool = False,
    paths: Iterable[str] = (),
) -> dict[str, Any]:
    """`steward metrics truck-factor --repo` / `GET /engineering/truck-factor?repo=`; with
    `paths` (folders, files or globs), only the analysed files in them count (`paths` is then
    in the answer)."""
    policy.require(actor, "view", repository)
    analysis = analyse([repository], rev, include, exclude)
    label: dict[str, Any] = {"repo": repository.name, "rev": analysis.inputs[0].sha}
    scope = normalize_paths(paths)
    selected = None
    if scope:
        # A catalog service's paths: the repository's analysis restricted to them (as
        # `scope_truck_factors` and the knowledge map's folders do).
        selected = [path_in_scope(f.path, scope) for f in analysis.authorship.files]
        label["paths"] = list(scope)
    result = truck_factor(analysis.authorship, pruned=pruned, file_filter=selected)
    return truck_factor_dict(analysis, result, actor=actor, label=label)


def team_truck_factor(
    *,
    actor: Actor,
    team: Any,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    pruned: bool = False,
) -> dict[str, Any]:
    """A team's truck factor over the union of its repositories' files (at their heads)."""
    repos = team_repositories(team)
    label = {"team": team.slug, "repos": [r.name for r in repos]}
    if not repos:
        return {**label, "truck_factor": None, "coverage": None, "files_analyzed": 0, "authors": []}
    analysis = analyse(repos, None, include, exclude)
    result = truck_factor(analysis.authorship, pruned=pruned)
    return truck_factor_dict(analysis, result, actor=actor, label=label)


# ------------------------------------------------------------------ paths (catalog services)


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def normalize_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Paths as a scope: stripped of `/` and `./`, duplicates dropped, sorted; `""` and `.`
    (the whole repository) make the scope empty, which means every file."""
    result: set[str] = set()
    for raw in paths:
        path = raw.strip().removeprefix("./").strip("/")
        if path in ("", "."):
            return ()
        result.add(path)
    return tuple(sorted(result))


def path_in_scope(path: str, scope: Sequence[str]) -> bool:
    """Whether a file belongs to a scope of folders, files or globs (empty scope: every file).

    A folder or file `p` takes `p` itself and everything under `p/`; a pattern with `*`, `?` or
    `[` is an fnmatch glob (`*` also matches `/`), like `--include`.
    """
    if not scope:
        return True
    for p in scope:
        if _is_glob(p):
            if fnmatch.fnmatchcase(path, p):
                return True
        elif path == p or path.startswith(p + "/"):
            return True
    return False


SCOPE_CACHE_SECONDS = 30 * 24 * 3600


def _scope_cache_key(repository: Repository, scope: tuple[str, ...]) -> str:
    digest = hashlib.sha1("\0".join(scope).encode()).hexdigest()[:16]
    stamp = repository.last_ingested_at.isoformat() if repository.last_ingested_at else ""
    return f"knowledge.scope-tf:{repository.pk}:{repository.head_sha}:{stamp}:{digest}"


def scope_truck_factors(
    *, actor: Actor, scopes: Sequence[tuple[Repository, Iterable[str]]]
) -> list[dict[str, Any]]:
    """The truck factor (METRICS.md, plain: nobody counted as gone) of each scope, a repository
    at its ingested head restricted to some paths (a catalog service's `paths`; none: the whole
    repository). The files are those of the repository's analysis that lie in the scope, so the
    number equals the knowledge map's folder truck factor for a folder.

    Each answer is `{"repo", "paths", "truck_factor", "coverage", "files_analyzed", "problem"}`;
    `truck_factor` is None (and `problem` says why) when the repository is not ingested or its
    history cannot be analysed, or when no analysed file lies in the scope. Numbers only, no
    names, so every role that sees the repository may see them. Kept in the cache per
    repository head and scope (one cache read for the whole list).
    """
    from django.core.cache import cache
    from django.core.exceptions import PermissionDenied

    ids = {repository.pk for repository, _ in scopes}
    visible = set(
        policy.visible(actor, "engineering.Repository")
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if ids - visible:
        raise PermissionDenied("may not view this engineering.repository")
    wanted: list[tuple[Repository, tuple[str, ...], str]] = []
    for repository, paths in scopes:
        scope = normalize_paths(paths)
        wanted.append((repository, scope, _scope_cache_key(repository, scope)))
    cached = cache.get_many([key for r, _, key in wanted if r.head_sha])
    fresh: dict[str, dict[str, Any]] = {}
    answers: list[dict[str, Any]] = []
    for repository, scope, key in wanted:
        label = {"repo": repository.name, "paths": list(scope)}
        if not repository.head_sha:
            answers.append(
                {
                    **label,
                    "truck_factor": None,
                    "coverage": None,
                    "files_analyzed": 0,
                    "problem": f"{repository.name} has not been ingested yet",
                }
            )
            continue
        found = cached.get(key) or fresh.get(key)
        if found is None:
            try:
                analysis = analyse([repository])
            except StewardError as exc:
                answers.append(
                    {
                        **label,
                        "truck_factor": None,
                        "coverage": None,
                        "files_analyzed": 0,
                        "problem": str(exc),
                    }
                )
                continue
            selected = [path_in_scope(f.path, scope) for f in analysis.authorship.files]
            result = truck_factor(analysis.authorship, file_filter=selected)
            found = {
                "truck_factor": result.truck_factor if result.files_analyzed else None,
                "coverage": None if result.coverage is None else round(result.coverage, 4),
                "files_analyzed": result.files_analyzed,
                "problem": "" if result.files_analyzed else "no analysed file in these paths",
            }
            fresh[key] = found
        answers.append({**label, **found})
    if fresh:
        cache.set_many(fresh, SCOPE_CACHE_SECONDS)
    return answers


# ------------------------------------------------------------------ people, leavers


def _people_end_dates(person_ids: Iterable[int]) -> Mapping[int, date | None]:
    return _end_dates_of(frozenset(person_ids))


@once_per_request
def _end_dates_of(person_ids: frozenset[int]) -> Mapping[int, date | None]:
    """Read once per page (the person page shows three knowledge panels of one person)."""
    from steward.org import selectors as org_selectors

    return MappingProxyType(org_selectors.person_end_dates(person_ids))


def departed_developers(analysis: Analysis, on: date) -> set[int]:
    """Developers all of whose people have left on `on` (end date before it)."""
    people = analysis.developer_people()
    ends = _people_end_dates({p for ps in people.values() for p in ps})
    gone = set()
    for dev, ps in people.items():
        if ps and all(ends.get(p) is not None and ends[p] < on for p in ps):  # type: ignore[operator]
            gone.add(dev)
    return gone


def developers_of_people(analysis: Analysis, person_ids: Iterable[int]) -> set[int]:
    """Developers linked to any of `person_ids`."""
    wanted = set(person_ids)
    return {d for d, ps in analysis.developer_people().items() if ps & wanted}


@dataclass
class FileRow:
    """One analysed file of the knowledge map."""

    repo: str
    path: str
    authors: list[int]
    abandoned: bool


def abandoned_files(analysis: Analysis, on: date) -> list[int]:
    """Indexes of analysed files with at least one author, all of whom have left on `on`."""
    gone = departed_developers(analysis, on)
    return [
        i
        for i, f in enumerate(analysis.authorship.files)
        if f.authors and all(a in gone for a in f.authors)
    ]


def what_if(
    analysis: Analysis,
    leaving: set[int],
    on: date,
    pruned: bool = False,
    gone: set[int] | None = None,
) -> dict[str, Any]:
    """The same computation with `leaving` developers' authorship removed (`gone`: the
    developers already departed on `on`, if the caller has them)."""
    if gone is None:
        gone = departed_developers(analysis, on)
    files = analysis.authorship.files
    before = truck_factor(analysis.authorship, without=gone, pruned=pruned)
    after = truck_factor(analysis.authorship, without=gone | leaving, pruned=pruned)
    orphaned = [
        i
        for i, f in enumerate(files)
        if f.authors
        and any(a in leaving for a in f.authors)
        and all(a in leaving or a in gone for a in f.authors)
    ]
    abandoned_before = sum(1 for f in files if f.authors and all(a in gone for a in f.authors))
    return {
        "truck_factor_before": before.truck_factor,
        "truck_factor_after": after.truck_factor,
        "files_analyzed": len(files),
        "abandoned_before": abandoned_before,
        "abandoned_after": abandoned_before + len(orphaned),
        "files_losing_last_author": [analysis.split(files[i].path) for i in orphaned],
    }


# ------------------------------------------------------------------ knowledge map


def knowledge_map(
    *, actor: Actor, repository: Repository, on: date | None = None, folder: str = ""
) -> dict[str, Any]:
    """Per file and folder: authors (DOA), main developer, ownership, fragmentation, abandoned."""
    policy.require(actor, "view", repository)
    on = on or timezone.localdate()
    analysis = analyse([repository])
    gone = departed_developers(analysis, on)
    stats = file_statistics(repository)
    devs = analysis.authorship.developers
    visible = _visible_developers(actor, analysis, range(len(devs)))
    email_dev = {e: i for i, d in enumerate(devs) for e in d.emails}
    prefix = folder.strip("/") + "/" if folder.strip("/") else ""
    files = []
    folders: dict[str, dict[str, Any]] = {}
    members: dict[str, list[int]] = defaultdict(list)  # sub-folder -> indexes of its files
    for index, f in enumerate(analysis.authorship.files):
        if not f.path.startswith(prefix):
            continue
        stat = stats.get(f.path, {})
        abandoned = bool(f.authors) and all(a in gone for a in f.authors)
        main_email = stat.get("main_dev")
        main_dev = email_dev.get(main_email.upper()) if main_email else None
        row = {
            "path": f.path,
            "authors": [
                {"developer": devs[a].key, "name": devs[a].name, "left": a in gone}
                if a in visible
                else {"developer": None, "name": None, "left": a in gone}
                for a in f.authors
            ],
            "author_count": len(f.authors),
            "main_developer": (
                devs[main_dev].name if main_dev is not None and main_dev in visible else None
            ),
            "ownership": stat.get("ownership"),
            "fragmentation": stat.get("fragmentation"),
            "revisions": stat.get("revisions", 0),
            "abandoned": abandoned,
        }
        files.append(row)
        rest = f.path[len(prefix) :]
        top = rest.split("/", 1)[0] if "/" in rest else ""
        if top:
            entry = folders.setdefault(
                top, {"folder": prefix + top, "files": 0, "abandoned": 0, "authors": set()}
            )
            entry["files"] += 1
            entry["abandoned"] += int(abandoned)
            entry["authors"].update(f.authors)
            members[top].append(index)
    folder_rows = []
    count = len(analysis.authorship.files)
    for top, entry in sorted(folders.items(), key=lambda kv: kv[1]["folder"]):
        selected = [False] * count
        for index in members[top]:
            selected[index] = True
        tf = truck_factor(analysis.authorship, without=gone, file_filter=selected)
        folder_rows.append(
            {
                "folder": entry["folder"],
                "files": entry["files"],
                "abandoned": entry["abandoned"],
                "authors": len(entry["authors"]),
                "truck_factor": tf.truck_factor,
            }
        )
    return {
        "repo": repository.name,
        "rev": analysis.inputs[0].sha,
        "on": on,
        "folder": prefix.rstrip("/"),
        "folders": folder_rows,
        "files": files,
        "abandoned": sum(1 for r in files if r["abandoned"]),
    }


def file_statistics(repository: Repository, since: date | None = None) -> dict[str, dict[str, Any]]:
    """Per path (no rename following, like code-maat): revisions, main developer, fragmentation.

    Over non-merge reachable commits (since `since` when given). Main developer = the author
    (mailmapped e-mail) with the most added lines; ownership = their added ÷ all added lines;
    fragmentation = 1 − Σ (revisionsᵢ ÷ revisions)².
    """
    return _file_statistics(
        (path, email, lines)
        for _, path, email, lines, status, _ in eng.file_activity(repository, since)
        if status != "D"
    )


def _file_statistics(changes: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, Any]]:
    """`file_statistics` of (path, e-mail, added lines) rows (deletions already left out)."""
    revs: dict[str, Counter[str]] = defaultdict(Counter)
    added: dict[str, Counter[str]] = defaultdict(Counter)
    for path, email, lines in changes:
        revs[path][email] += 1
        added[path][email] += lines
    result: dict[str, dict[str, Any]] = {}
    for path, by_author in revs.items():
        total = sum(by_author.values())
        lines_by = added[path]
        all_added = sum(lines_by.values())
        main = min(lines_by.items(), key=lambda kv: (-kv[1], kv[0]))[0] if lines_by else None
        result[path] = {
            "revisions": total,
            "main_dev": main,
            "ownership": (lines_by[main] / all_added) if main and all_added else None,
            "fragmentation": 1 - sum((n / total) ** 2 for n in by_author.values()),
        }
    return result


# ------------------------------------------------------------------ hotspots and coupling


def hotspots(
    *, actor: Actor, repository: Repository, months: int = 12, limit: int = 50
) -> dict[str, Any]:
    """Files by revisions in the window (non-merge commits), then size (non-blank lines), with
    the revisions of the window before it (the trend)."""
    policy.require(actor, "view", repository)
    since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    # One read of both windows: this one, and the one before it (as long: the trend).
    before = since - (timezone.localdate() - since)
    current: list[tuple[str, str, int]] = []
    previous: Counter[str] = Counter()
    for _, path, email, lines, status, day in eng.file_activity(repository, before):
        if status == "D":
            continue
        if day >= since:
            current.append((path, email, lines))
        else:
            previous[path] += 1
    stats = _file_statistics(current)
    tree = set(_tree(repository, repository.head_sha))
    sizes = _sizes(repository, [p for p in stats if p in tree])
    rows = [
        {
            "path": path,
            "revisions": s["revisions"],
            "previous_revisions": previous.get(path, 0),
            "size": sizes.get(path, 0),
            "fragmentation": round(s["fragmentation"], 3),
            "ownership": None if s["ownership"] is None else round(s["ownership"], 3),
        }
        for path, s in stats.items()
        if path in tree
    ]
    rows.sort(key=lambda r: (-r["revisions"], -r["size"], r["path"]))
    return {"repo": repository.name, "since": since, "files": rows[:limit]}


def _sizes(repository: Repository, paths: Sequence[str]) -> dict[str, int]:
    """Non-blank lines of each path at the ingested head (one `git cat-file --batch`)."""
    import subprocess

    if not paths:
        return {}
    request = "".join(f"{repository.head_sha}:{p}\n" for p in paths).encode()
    proc = subprocess.run(
        ["git", "-C", repository.path, "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=False,
    )
    out = proc.stdout
    sizes: dict[str, int] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        length = int(header[2])
        body = out[pos : pos + length]
        pos += length + 1
        if b"\0" in body[:8000]:
            continue  # binary
        sizes[path] = sum(1 for line in body.split(b"\n") if line.strip())
    return sizes


def change_coupling(
    commits_files: Iterable[Sequence[str]],
    *,
    max_changeset: int = 30,
    min_revs: int = 5,
    min_shared: int = 5,
    min_degree: float = 30.0,
) -> list[dict[str, Any]]:
    """code-maat `coupling` over change sets (each a commit's entities, distinct)."""
    revisions: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for entities in commits_files:
        unique = sorted(set(entities))
        if len(unique) > max_changeset:
            continue
        revisions.update(unique)
        for i, a in enumerate(unique):
            for b in unique[i + 1 :]:
                shared[(a, b)] += 1
    rows: list[dict[str, Any]] = []
    for (a, b), n in shared.items():
        if revisions[a] < min_revs or revisions[b] < min_revs or n < min_shared:
            continue
        degree = n / ((revisions[a] + revisions[b]) / 2) * 100
        if degree < min_degree:
            continue
        rows.append(
            {
                "entity": a,
                "coupled": b,
                "degree": round(degree, 1),
                "shared": n,
                "revisions_entity": revisions[a],
                "revisions_coupled": revisions[b],
            }
        )
    rows.sort(key=lambda r: (-r["degree"], -r["shared"], r["entity"], r["coupled"]))
    return rows


def repository_coupling(
    *, actor: Actor, repository: Repository, months: int = 12, depth: int | None = None
) -> dict[str, Any]:
    """Change coupling between files (or folders at `depth` path segments) in the window
    (kept until the data version moves)."""
    policy.require(actor, "view", repository)
    since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    return datacache.cached(  # type: ignore[no-any-return]
        f"knowledge:coupling:{repository.pk}:{since}:{depth}",
        lambda: _repository_coupling(repository, since, depth),
    )


def _repository_coupling(repository: Repository, since: date, depth: int | None) -> dict[str, Any]:
    sets: dict[int, list[str]] = defaultdict(list)
    for commit_id, path, *_ in eng.file_activity(repository, since):
        sets[commit_id].append(path)
    if depth:
        # Module level: files are aggregated first; the 30-file limit applies to the commit.
        changesets = [
            [_module(p, depth) for p in files] for files in sets.values() if len(files) <= 30
        ]
    else:
        changesets = list(sets.values())
    return {
        "repo": repository.name,
        "since": since,
        "level": f"folders ({depth})" if depth else "files",
        "depth": depth,
        "pairs": change_coupling(changesets),
    }


def module_of(path: str, modules: Sequence[tuple[str, Sequence[str]]], rest: str) -> str:
    """The module a file belongs to: the one with the longest path containing it (folders,
    files or globs as in `path_in_scope`; a glob counts as its length), else `rest`."""
    best, best_len = rest, -1
    for name, paths in modules:
        for p in paths:
            if path_in_scope(path, (p,)) and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def module_coupling(
    *,
    actor: Actor,
    repository: Repository,
    modules: Sequence[tuple[str, Sequence[str]]],
    rest: str,
    months: int = 12,
) -> dict[str, Any]:
    """Change coupling (METRICS.md) between modules of one repository, each a name and its
    paths (a catalog component's); files in no module belong to `rest`. Commits touching more
    than 30 files are ignored before files are aggregated into modules. Answers the window's
    start, each module's revisions (commits touching it) and the coupled pairs (kept until the
    data version moves)."""
    policy.require(actor, "view", repository)
    since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    normalized = [(name, normalize_paths(paths)) for name, paths in modules]
    normalized = [(name, paths) for name, paths in normalized if paths]
    named = _digest((normalized, rest))
    return datacache.cached(  # type: ignore[no-any-return]
        f"knowledge:module-coupling:{repository.pk}:{since}:{named}",
        lambda: _module_coupling(repository, since, normalized, rest),
    )


def _digest(value: Any) -> str:
    """A short digest of `value`'s repr (a cache key's part naming what an answer depends on)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def _module_coupling(
    repository: Repository,
    since: date,
    normalized: list[tuple[str, tuple[str, ...]]],
    rest: str,
) -> dict[str, Any]:
    sets: dict[int, list[str]] = defaultdict(list)
    for commit_id, path, *_ in eng.file_activity(repository, since):
        sets[commit_id].append(path)
    cache: dict[str, str] = {}

    def of(path: str) -> str:
        found = cache.get(path)
        if found is None:
            found = cache[path] = module_of(path, normalized, rest)
        return found

    changesets = [sorted({of(p) for p in files}) for files in sets.values() if len(files) <= 30]
    revisions: Counter[str] = Counter()
    for entities in changesets:
        revisions.update(entities)
    return {
        "repo": repository.name,
        "since": since,
        "revisions": dict(revisions),
        "pairs": change_coupling(changesets),
    }


# ------------------------------------------------------------------ across repositories

CROSS_REPOSITORY_STRATEGIES = ("work-item", "author-day")
_SEP = "\x00"  # between a repository's name and a folder in an entity


@dataclass
class _LogicalChanges:
    """Commits of the visible repositories grouped into logical changes (cross-repository)."""

    since: date
    names: dict[int, str]  # repository id -> name
    groups: dict[str, set[str]]  # logical change -> entities it touches
    members: dict[str, list[int]]  # logical change -> commit ids


@dataclass(frozen=True)
class _Window:
    """What a cross-repository answer depends on besides the data: the window's start, the
    strategy, the level and the repositories the caller may see; `key` names it in the cache
    (core's datacache, kept until the data version moves)."""

    since: date
    by: str
    depth: int | None
    names: dict[int, str]  # repository id -> name
    version: int

    def key(self, what: str) -> str:
        seen = _digest(sorted(self.names.items()))
        return f"knowledge:{what}:{self.since}:{self.by}:{self.depth}:{seen}"


def _window(actor: Actor, months: int, by: str, depth: int | None) -> _Window:
    if by not in CROSS_REPOSITORY_STRATEGIES:
        raise BadInput(f"by={by!r}: choose one of {', '.join(CROSS_REPOSITORY_STRATEGIES)}")
    if depth is not None and depth < 1:
        raise BadInput("depth must be at least 1")
    if months < 1:
        raise BadInput("months must be at least 1")
    since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    names = {r.pk: r.name for r in ingested_repositories(actor)}
    return _Window(since, by, depth, names, datacache.data_version())


def _logical_changes(window: _Window) -> _LogicalChanges:
    """The window's logical changes, kept until the data version moves."""
    return datacache.cached(  # type: ignore[no-any-return]
        window.key("logical-changes"),
        lambda: _compute_logical_changes(window.since, window.names, window.by, window.depth),
        window.version,
    )


def _compute_logical_changes(
    since: date, names: dict[int, str], by: str, depth: int | None
) -> _LogicalChanges:
    kept: dict[int, tuple[int, str, date]] = {}
    for commit_id, repo_id, email, day, files in eng.nonmerge_commit_sets_since(names, since):
        if files <= 30:  # METRICS.md: commits touching more than 30 files are ignored
            kept[commit_id] = (repo_id, email, day)
    entities: dict[int, set[str]] = {}
    if depth:
        for commit_id, path in eng.file_paths_since(names, since):
            found = kept.get(commit_id)
            if found is not None:
                entities.setdefault(commit_id, set()).add(
                    names[found[0]] + _SEP + _module(path, depth)
                )
    else:
        entities = {cid: {names[repo_id]} for cid, (repo_id, _, _) in kept.items()}
    groups: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[int]] = defaultdict(list)

    def add(group: str, commit_id: int) -> None:
        touched = entities.get(commit_id)
        if touched:
            groups[group] |= touched
            members[group].append(commit_id)

    if by == "work-item":
        for commit_id, key in eng.link_keys_since(names, since):
            found = kept.get(commit_id)
            if found is None:
                continue
            # `#42` is a pull request or issue number of one repository: it links nothing else.
            add(names[found[0]] + key if key.startswith("#") else key, commit_id)
    else:
        resolver = eng.identity_resolver()
        for commit_id, (_, email, day) in kept.items():
            person = resolver.person(email)
            who = f"person {person}" if person is not None else email
            add(f"{day.isoformat()} {who}", commit_id)
    return _LogicalChanges(since=since, names=names, groups=groups, members=members)


def _entity(entity: str) -> tuple[str, str | None]:
    repo, _, folder = entity.partition(_SEP)
    return repo, (folder if _SEP in entity else None)


def cross_repository_coupling(
    *, actor: Actor, months: int = 12, by: str = "work-item", depth: int | None = None
) -> dict[str, Any]:
    """Change coupling between repositories (or their folders at `depth` path segments).

    A commit never spans two repositories, so commits are first grouped into *logical
    changes* (docs/code-knowledge.md, "Coupling across repositories"): `work-item`, the
    commits that name the same link key (work item such as PAY-123; `#42` keys belong to one
    repository and link nothing else); `author-day`, the commits of one person (identity
    links; an unlinked e-mail is its own person) on one author day. Commits touching more
    than 30 files are ignored, then METRICS.md's change coupling runs over the logical changes
    (an entity's revisions are the logical changes touching it; logical changes touching more
    than 30 entities ignored; both ≥ 5 revisions, ≥ 5 shared, degree ≥ 30). Only pairs in
    different repositories are answered. Numbers and repository names only, over the
    repositories `actor` may see.
    """
    window = _window(actor, months, by, depth)
    return datacache.cached(  # type: ignore[no-any-return]
        window.key("cross-repository-coupling"),
        lambda: _cross_repository_coupling(window),
        window.version,
    )


def _cross_repository_coupling(window: _Window) -> dict[str, Any]:
    by, depth = window.by, window.depth
    data = _logical_changes(window)
    changesets = [sorted(entities) for entities in data.groups.values()]
    shared_groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = []
    for pair in change_coupling(changesets):
        repo, folder = _entity(pair["entity"])
        other, other_folder = _entity(pair["coupled"])
        if repo == other:
            continue
        rows.append(
            {
                "repo": repo,
                "folder": folder,
                "coupled_repo": other,
                "coupled_folder": other_folder,
                "degree": pair["degree"],
                "shared": pair["shared"],
                "revisions_entity": pair["revisions_entity"],
                "revisions_coupled": pair["revisions_coupled"],
            }
        )
        shared_groups[(pair["entity"], pair["coupled"])] = []
    if by == "work-item" and shared_groups:
        for group, entities in data.groups.items():
            for (a, b), found in shared_groups.items():
                if a in entities and b in entities:
                    found.append(group)
        for row, found in zip(rows, shared_groups.values(), strict=True):
            row["examples"] = sorted(found)[:5]
    else:
        for row in rows:
            row["examples"] = []
    return {
        "since": data.since,
        "by": by,
        "level": f"folders ({depth})" if depth else "repositories",
        "depth": depth,
        "repositories": len(data.names),
        "changes": sum(1 for e in data.groups.values() if len(e) <= 30),
        "pairs": rows,
    }


def cross_repository_changes(
    *,
    actor: Actor,
    repo: str,
    coupled_repo: str,
    folder: str | None = None,
    coupled_folder: str | None = None,
    months: int = 12,
    by: str = "work-item",
    depth: int | None = None,
) -> dict[str, Any]:
    """The evidence of one pair of `cross_repository_coupling`: the logical changes touching
    both, each with its commits in the two (id, sha, repository, day, subject; no names).
    Kept until the data version moves (the window's logical changes are read only the first
    time a pair is asked for)."""
    window = _window(actor, months, by, depth)
    pair = _digest((repo, coupled_repo, folder, coupled_folder))
    return datacache.cached(  # type: ignore[no-any-return]
        window.key(f"cross-repository-changes:{pair}"),
        lambda: _cross_repository_changes(window, repo, coupled_repo, folder, coupled_folder),
        window.version,
    )


def _cross_repository_changes(
    window: _Window,
    repo: str,
    coupled_repo: str,
    folder: str | None,
    coupled_folder: str | None,
) -> dict[str, Any]:
    by, depth = window.by, window.depth
    data = _logical_changes(window)
    a = repo + (_SEP + folder if depth and folder is not None else "")
    b = coupled_repo + (_SEP + coupled_folder if depth and coupled_folder is not None else "")
    wanted = sorted(
        group
        for group, entities in data.groups.items()
        if a in entities and b in entities and len(entities) <= 30
    )
    ids = {cid for group in wanted for cid in data.members[group]}
    found = {
        pk: (sha, name, day, message.split("\n", 1)[0])
        for pk, sha, name, day, _, _, message in eng.commit_rows_by_id(ids)
    }
    changes = []
    for group in wanted:
        commits = sorted(
            (found[c][2], found[c][1], found[c][0], found[c][3])
            for c in data.members[group]
            if c in found and found[c][1] in (repo, coupled_repo)
        )
        changes.append(
            {
                # a work item's key; for author-day only the day (no person named)
                "change": group if by == "work-item" else group.split(" ", 1)[0],
                "commits": [
                    {"day": day, "repo": name, "sha": sha, "subject": subject}
                    for day, name, sha, subject in commits
                ],
            }
        )
    return {"since": data.since, "by": by, "changes": changes}


def _module(path: str, depth: int) -> str:
    parts = path.split("/")
    return "/".join(parts[:depth]) if len(parts) > depth else "/".join(parts[:-1]) or "."


# ------------------------------------------------------------------ team-code alignment


def team_alignment(*, actor: Actor, months: int = 12) -> dict[str, Any]:
    """Per owned repository: share of its non-merge commits in the window by its owning team.

    Membership is the person's home team on the commit date (org memberships); commits by
    identities linked to no person count as not by the team.

    Read from the commits kept per repository, author and day (`AuthorDay`): summed per
    repository and author by the database for authors whose home team is the same on every
    day of the window (one membership from before the window, still open) or who are no
    person; day by day only for the others (they joined or moved within the window).
    Each part is kept until the data version moves.
    """
    today = timezone.localdate()
    since = today - timedelta(days=round(months * 30.4375))
    version = datacache.data_version()  # read once for every part
    rows = datacache.cached(
        f"knowledge:team-alignment:{since}:{today}", lambda: _repository_alignment(since), version
    )
    modules: list[dict[str, Any]] = []
    for provider in list(_MODULE_PROVIDERS.values()):
        for scope in provider(actor):
            modules += module_alignment(scope, since, version)
    return {"since": since, "repositories": rows, "modules": modules}


def _repository_alignment(since: date) -> list[dict[str, Any]]:
    from steward.org import selectors as org_selectors

    resolver = eng.identity_resolver()
    repos = eng.owned_repositories()
    ids = [r.pk for r in repos]
    totals = eng.nonmerge_commit_totals_since(ids, since)
    person_of = {email: resolver.person(email) for email in {e for _, e, _ in totals}}
    people = set(person_of.values()) - {None}
    spells: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    for pid, start, end, team_id in org_selectors.home_team_spells(
        [p for p in people if p is not None], since, timezone.localdate() + timedelta(days=1)
    ):
        spells[pid].append((start, end, team_id))

    def team_on(person: int | None, day: date) -> int | None:
        if person is None:
            return None
        for start, end, team_id in spells.get(person, ()):
            if start <= day and (end is None or day < end):
                return team_id
        return None

    # The one team of an author on every day from `since` on, if there is one.
    constant: dict[str, int | None] = {}
    for email, person in person_of.items():
        if person is None or not spells.get(person):
            constant[email] = None
            continue
        found = spells[person]
        if len(found) == 1 and found[0][0] <= since and found[0][1] is None:
            constant[email] = found[0][2]
    by_repo: dict[int, Counter[str]] = defaultdict(Counter)
    owner = {r.pk: r.team_id for r in repos}
    for repo_id, email, n in totals:
        if email not in constant:
            continue
        by_repo[repo_id]["all"] += n
        if constant[email] == owner[repo_id]:
            by_repo[repo_id]["team"] += n
    moving = [email for email in person_of if email not in constant]
    if moving:
        for repo_id, email, day, n in eng.nonmerge_commit_counts_since(ids, since, moving):
            t = team_on(person_of[email], day)
            by_repo[repo_id]["all"] += n
            if t == owner[repo_id]:
                by_repo[repo_id]["team"] += n
    rows = []
    for r in repos:
        counts = by_repo.get(r.pk, Counter())
        total = counts["all"]
        rows.append(
            {
                "repo": r.name,
                "team": r.team.slug if r.team else None,
                "team_name": r.team.name if r.team else None,
                "commits": total,
                "by_team": counts["team"],
                "share": (counts["team"] / total) if total else None,
            }
        )
    return rows


@dataclass(frozen=True)
class Module:
    """A part of a repository owned by a team: a name, a title, its paths (folders, files or
    globs as in `path_in_scope`) and its owner team (id, slug, name)."""

    name: str
    title: str
    paths: tuple[str, ...]
    team_id: int | None
    team: str | None
    team_name: str | None


@dataclass(frozen=True)
class ModuleScope:
    """The modules of one repository; files in none of them belong to `rest` (the repository's
    own module, owned by the repository's team)."""

    repository: Repository
    modules: tuple[Module, ...]
    rest: Module


# Higher apps (architecture: catalog entities with paths) name the modules of repositories.
_MODULE_PROVIDERS: dict[str, Callable[[Actor], list[ModuleScope]]] = {}


def register_module_provider(name: str, provider: Callable[[Actor], list[ModuleScope]]) -> None:
    """`provider(actor)` lists the module scopes `actor` may see; team–code alignment adds a
    row per module of each (architecture registers the catalog's entities with paths)."""
    _MODULE_PROVIDERS[name] = provider


def module_alignment(
    scope: ModuleScope, since: date, version: int | None = None
) -> list[dict[str, Any]]:
    """METRICS.md team–code alignment per module of one repository: the share of the reachable
    non-merge commits authored on or after `since` that touch the module (a file belongs to
    the module with the longest path containing it, else to the rest) made by members of the
    module's owner team on the commit's day (home team, org memberships). Rows in the order of
    `scope.modules`, then the rest; commits of no person count as not by the team. Kept until
    the data version moves (`version`: `datacache.data_version()` when the caller has it)."""
    named = _digest((scope.modules, scope.rest))
    return datacache.cached(  # type: ignore[no-any-return]
        f"knowledge:module-alignment:{scope.repository.pk}:{since}:{timezone.localdate()}:{named}",
        lambda: _module_alignment(scope, since),
        version,
    )


def _module_alignment(scope: ModuleScope, since: date) -> list[dict[str, Any]]:
    from steward.org import selectors as org_selectors

    repository = scope.repository
    normalized = [(m.name, normalize_paths(m.paths)) for m in scope.modules]
    normalized = [(name, paths) for name, paths in normalized if paths]
    cache: dict[str, str] = {}
    touched: dict[int, tuple[str, date, set[str]]] = {}
    for commit_id, path, email, _added, _status, day in eng.file_activity(repository, since):
        module = cache.get(path)
        if module is None:
            module = cache[path] = module_of(path, normalized, scope.rest.name)
        found = touched.get(commit_id)
        if found is None:
            touched[commit_id] = (email, day, {module})
        else:
            found[2].add(module)
    resolver = eng.identity_resolver()
    people = {resolver.person(email) for email, _d, _m in touched.values()} - {None}
    spells: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    for pid, start, end, team_id in org_selectors.home_team_spells(
        [p for p in people if p is not None], since, timezone.localdate() + timedelta(days=1)
    ):
        spells[pid].append((start, end, team_id))

    def team_on(person: int | None, day: date) -> int | None:
        for start, end, team_id in spells.get(person, ()) if person is not None else ():
            if start <= day and (end is None or day < end):
                return team_id
        return None

    all_modules = [*scope.modules, scope.rest]
    owner = {m.name: m.team_id for m in all_modules}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for email, day, names in touched.values():
        team = team_on(resolver.person(email), day)
        for name in names:
            counts[name]["all"] += 1
            if team is not None and team == owner.get(name):
                counts[name]["team"] += 1
    rows = []
    for m in all_modules:
        total, by_team = counts[m.name]["all"], counts[m.name]["team"]
        rows.append(
            {
                "repo": repository.name,
                "module": m.name,
                "title": m.title,
                "team": m.team,
                "team_name": m.team_name,
                "commits": total,
                "by_team": by_team,
                "share": (by_team / total) if total else None,
            }
        )
    return rows


# ------------------------------------------------------------------ reorg scenarios


def departures_effect(
    *, actor: Actor, leaving_person_ids: Iterable[int], on: date
) -> list[dict[str, Any]]:
    """Per team owning repositories: truck factor and abandoned share before and after the
    people in `leaving_person_ids` leave (people already gone on `on` count as gone in both).

    Team-level figures only (no names), so every role that sees a scenario may see them.
    """
    ids = set(leaving_person_ids)
    rows = []
    for team in teams_with_repositories(actor):
        try:
            analysis = analyse(team_repositories(team))
        except StewardError:
            continue
        outcome = what_if(analysis, developers_of_people(analysis, ids), on)
        files = outcome["files_analyzed"]
        rows.append(
            {
                "team": team.slug,
                "team_name": team.name,
                "files": files,
                "truck_factor_before": outcome["truck_factor_before"],
                "truck_factor_after": outcome["truck_factor_after"],
                "abandoned_share_before": outcome["abandoned_before"] / files if files else None,
                "abandoned_share_after": outcome["abandoned_after"] / files if files else None,
                "files_losing_last_author": len(outcome["files_losing_last_author"]),
            }
        )
    return rows


def what_if_people_leave(
    *, actor: Actor, employee_ids: Sequence[str], on: date | None = None
) -> dict[str, Any]:
    """ "What if X leaves" (METRICS.md) for one or several people, by employee id: per ingested
    repository in which any of them authored a commit, and per team owning such a repository,
    the truck factor before and after (people already gone on `on` count as gone in both), the
    abandoned files before and after, and the files that lose their last author.

    The same policy as the person page's panel: `actor` must be allowed to see each person's
    individual activity (`policy.may_see_individual_activity`), else PermissionDenied.
    """
    from django.core.exceptions import PermissionDenied

    from steward.org import selectors as org_selectors

    wanted = list(dict.fromkeys(e.strip() for e in employee_ids if e.strip()))
    if not wanted:
        raise BadInput("name at least one person (employee id)")
    people = []
    for employee_id in wanted:
        person = org_selectors.person_get(actor=actor, employee_id=employee_id)
        if person is None:
            raise BadInput(f"person {employee_id!r}: no such person")
        if not policy.may_see_individual_activity(actor, person):
            raise PermissionDenied(
                f"may not see the code knowledge of {employee_id} (their individual activity)"
            )
        people.append(person)
    on = on or timezone.localdate()
    ids = {p.pk for p in people}
    repos: dict[int, Repository] = {}
    for person in people:
        for repo in repositories_authored_by(actor, person.pk):
            repos[repo.pk] = repo

    def effect(analysis: Analysis) -> dict[str, Any]:
        leaving = developers_of_people(analysis, ids)
        outcome = what_if(analysis, leaving, on)
        authored = sum(1 for f in analysis.authorship.files if set(f.authors) & leaving)
        return {
            "files_analyzed": outcome["files_analyzed"],
            "files_authored": authored,
            "truck_factor_before": outcome["truck_factor_before"],
            "truck_factor_after": outcome["truck_factor_after"],
            "abandoned_before": outcome["abandoned_before"],
            "abandoned_after": outcome["abandoned_after"],
            "files_losing_last_author": [
                {"repo": repo, "path": path} for repo, path in outcome["files_losing_last_author"]
            ],
        }

    repo_rows = []
    problems = []
    for repo in sorted(repos.values(), key=lambda r: r.name):
        try:
            analysis = analyse([repo])
        except StewardError as exc:
            problems.append(f"{repo.name}: {exc}")
            continue
        repo_rows.append({"repo": repo.name, **effect(analysis)})
    team_rows = []
    for team in teams_with_repositories(actor):
        owned = team_repositories(team)
        if not any(r.pk in repos for r in owned):
            continue
        try:
            analysis = analyse(owned)
        except StewardError as exc:
            problems.append(f"{team.name}: {exc}")
            continue
        team_rows.append({"team": team.slug, "team_name": team.name, **effect(analysis)})
    return {
        "on": on,
        "people": [{"employee_id": p.employee_id, "name": p.name} for p in people],
        "repositories": repo_rows,
        "teams": team_rows,
        "problems": problems,
    }
