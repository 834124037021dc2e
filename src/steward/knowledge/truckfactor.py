"""Degree of authorship and truck factor (Avelino, Passos, Hora, Valente, ICPC 2016).

Plain Python on plain data, no Django: METRICS.md "Code knowledge" step by step, reproducing
the authors' tool `aserg-ufmg/Truck-Factor` (GitLogExtractor, NewAliasHandler, DOACalculator,
GreedyTruckFactor and PrunedGreedyTruckFactor), including its quirks:

- identities: accents stripped (NFD, combining marks U+0300-U+036F removed, Ł/ł -> L/l as
  commons-lang3 does), `;` in a name or e-mail read as `&`; the author, or the committer when the
  author's name and e-mail are both empty; commits with no identity at all are skipped;
- a developer is the upper-cased e-mail (upper-cased name without e-mail), and keys that share a
  non-empty upper-cased name are one developer, transitively;
- a rename line is expanded at most once in the whole computation (the tool marks the shared
  line object RENAMED_TREATED), files taken in tree order;
- thresholds compared as the tool does: 3.293 and the coverage ratio as 32-bit floats.

Ties in the greedy order, which the tool leaves to Java's hash order, are broken by developer
key ascending (METRICS.md); the pruned variant first prefers the developer with more changes
(as PrunedGreedyTruckFactor does).
"""

from __future__ import annotations

import fnmatch
import math
import struct
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from steward.knowledge.mailmap import Mailmap


def f32(value: float) -> float:
    """`value` rounded to a 32-bit float (Java `float`)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def f32_ratio(numerator: int, denominator: int) -> float:
    """Java's `(float) a / b` for ints a, b."""
    return f32(f32(float(numerator)) / f32(float(denominator)))


ABSOLUTE_DOA = f32(3.293)  # config.properties absoluteDOA, read as a float
NORMALIZED_DOA = f32(0.75)
TF_COVERAGE = f32(0.5)
MIN_PERCENTAGE = f32(0.1)
CHANGE_STATUSES = frozenset({"A", "M", "R"})


def strip_accents(text: str) -> str:
    """commons-lang3 `StringUtils.stripAccents`: NFD, drop combining marks, Ł/ł -> L/l."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text).replace("\u0141", "L").replace("\u0142", "l")
    return "".join(ch for ch in decomposed if not 0x300 <= ord(ch) <= 0x36F)


def _clean(text: str) -> str:
    return strip_accents(text).replace(";", "&")


def doa(first_authorship: bool, deliveries: int, acceptances: int) -> float:
    """DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC), evaluated as the tool does."""
    return (
        3.293
        + 1.098 * (1 if first_authorship else 0)
        + 0.164 * deliveries
        - 0.321 * math.log(1 + acceptances)
    )


@dataclass(slots=True)
class Source:
    """One repository's input: identities per commit, change lines, tree files, `.mailmap`.

    `commits[i]` is (author name, author e-mail, committer name, committer e-mail) as stored
    (before `.mailmap`) of a non-merge commit reachable from the revision; `lines` holds
    (commit index, status letter, path, old path) for its name-status lines (any status: those
    other than A, M and R are ignored); `files` is the revision's tree in tree order. `prefix`
    keeps paths of several repositories apart (a team is the union of its repositories).
    """

    commits: Sequence[tuple[str, str, str, str]]
    lines: Iterable[tuple[int, str, str, str]]
    files: Sequence[str]
    mailmap: Mailmap = field(default_factory=Mailmap)
    prefix: str = ""
    # Optional: an id per commit (e.g. the database key) kept on each developer for evidence.
    commit_ids: Sequence[int] | None = None


@dataclass(slots=True)
class Developer:
    """One developer after alias merging: its key, a display name, its identities."""

    key: str
    name: str
    usernames: list[str]
    emails: list[str]  # upper-cased e-mails among `usernames` ("" for name-only keys excluded)


@dataclass(slots=True)
class FileAuthorship:
    """One analysed file: DOA of each developer with changes in its history, and its authors."""

    path: str
    doa: dict[int, float]
    authors: list[int]
    first_authors: set[int]
    deliveries: dict[int, int]


@dataclass(slots=True)
class Authorship:
    """The DOA step's result: developers and the analysed files (tree order)."""

    developers: list[Developer]
    files: list[FileAuthorship]
    dev_changes: list[int]  # per developer: Σ over files (FA ? 1 : 0) + deliveries

    def authored_files(self, developer: int) -> list[int]:
        """Indexes of the files `developer` is an author of."""
        return [i for i, f in enumerate(self.files) if developer in f.authors]


@dataclass(slots=True)
class TruckFactor:
    """The greedy removal's result."""

    truck_factor: int
    coverage: float | None  # files still covered after the removal ÷ files analysed
    files_analyzed: int
    removed: list[tuple[int, int]]  # (developer index, authored files) in removal order


def _matches(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def compute_authorship(
    sources: Sequence[Source],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Authorship:
    """Steps 1 to 5 of METRICS.md: developers, files, DOA and authors of every file."""
    # 1-2. Identities and developers.
    usernames, display, name_keys = _commit_identities(sources)
    developers, commit_dev = _developers(usernames, name_keys)
    _name_developers(developers, commit_dev, display)
    # 3. Change lines by new path, and the files analysed.
    lines, tree = _change_lines(sources, commit_dev, include, exclude)
    # 4-5. History of each file (renames followed, each rename line expanded once), DOA, authors.
    treated: set[int] = set()
    files: list[FileAuthorship] = []
    dev_changes = [0] * len(developers)
    for path in tree:
        own = lines.by_path.get(path)
        if not own:
            continue
        history = _file_history(own, lines, treated)
        files.append(_file_authorship(path, history, lines, dev_changes))
    return Authorship(developers=developers, files=files, dev_changes=dev_changes)


def _commit_identities(sources: Sequence[Source]) -> tuple[list[str], list[str], list[str]]:
    """Per commit of every source (in order): its username (upper-cased e-mail, else name; ""
    for a commit without any identity), the name as written, and the upper-cased name."""
    usernames: list[str] = []  # per global commit; "" = skipped
    display: list[str] = []
    name_keys: list[str] = []
    for source in sources:
        mm = source.mailmap
        # A history has few distinct identities: each is mapped and cleaned once.
        seen: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
        for identity in source.commits:
            known = seen.get(identity)
            if known is None:
                an_raw, ae_raw, cn_raw, ce_raw = identity
                if mm:
                    an_raw, ae_raw = mm.map(an_raw, ae_raw)
                    cn_raw, ce_raw = mm.map(cn_raw, ce_raw)
                an, ae, cn, ce = _clean(an_raw), _clean(ae_raw), _clean(cn_raw), _clean(ce_raw)
                if not (an or ae or cn or ce):
                    known = ("", "", "")
                else:
                    if an or ae:
                        main_name, main_email, shown = an, ae, an_raw
                    else:
                        main_name, main_email, shown = cn, ce, cn_raw
                    username = main_email.upper() if main_email else main_name.upper()
                    known = (username, shown, main_name.upper())
                seen[identity] = known
            usernames.append(known[0])
            display.append(known[1])
            name_keys.append(known[2])
    return usernames, display, name_keys


def _find(parent: dict[str, str], key: str) -> str:
    """The root of `key`'s set (union-find, paths compressed)."""
    root = key
    while parent[root] != root:
        root = parent[root]
    while parent[key] != root:
        parent[key], key = root, parent[key]
    return root


def _developers(usernames: list[str], name_keys: list[str]) -> tuple[list[Developer], list[int]]:
    """Usernames sharing a name merged into developers (sorted by their smallest username),
    and each commit's developer index (-1 for a commit without identity)."""
    parent: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for username, name_key in zip(usernames, name_keys, strict=True):
        if not username:
            continue
        parent.setdefault(username, username)
        if name_key:
            other = by_name.setdefault(name_key, username)
            a, b = _find(parent, other), _find(parent, username)
            if a != b:
                parent[max(a, b)] = min(a, b)
    dev_index: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for username in parent:
        members.setdefault(_find(parent, username), []).append(username)
    developers: list[Developer] = []
    for root in sorted(members):
        names = sorted(members[root])
        dev_index[root] = len(developers)
        developers.append(
            Developer(
                key=names[0],
                name="",
                usernames=names,
                emails=[n for n in names if "@" in n],
            )
        )
    commit_dev = [dev_index[_find(parent, u)] if u else -1 for u in usernames]
    return developers, commit_dev


def _name_developers(
    developers: list[Developer], commit_dev: list[int], display: list[str]
) -> None:
    """Each developer's name: the one written on most of their commits (ties: the first in
    sort order), else their key."""
    shown_names: list[Counter[str]] = [Counter() for _ in developers]
    for dev, shown in zip(commit_dev, display, strict=True):
        if dev >= 0 and shown:
            shown_names[dev][shown] += 1
    for developer, counter in zip(developers, shown_names, strict=True):
        if counter:
            developer.name = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            developer.name = developer.key


@dataclass(slots=True)
class _ChangeLines:
    """Every change line of the analysed commits: developer, status, old path (renames), and
    the lines of each new path."""

    dev: list[int] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    old: list[str] = field(default_factory=list)
    by_path: dict[str, list[int]] = field(default_factory=dict)


def _change_lines(
    sources: Sequence[Source],
    commit_dev: list[int],
    include: Sequence[str],
    exclude: Sequence[str],
) -> tuple[_ChangeLines, list[str]]:
    """The change lines by new path, and the files analysed (tree order, include/exclude)."""
    lines = _ChangeLines()
    line_dev, line_status, line_old, by_path = lines.dev, lines.status, lines.old, lines.by_path
    offset = 0
    tree: list[str] = []
    for source in sources:
        prefix = source.prefix
        for commit, status, path, old_path in source.lines:
            if status not in CHANGE_STATUSES:
                continue
            dev = commit_dev[offset + commit]
            if dev < 0:
                continue
            key = prefix + path if prefix else path
            found = by_path.get(key)
            if found is None:
                by_path[key] = [len(line_dev)]
            else:
                found.append(len(line_dev))
            line_dev.append(dev)
            line_status.append(status)
            line_old.append((prefix + old_path if prefix else old_path) if status == "R" else "")
        offset += len(source.commits)
        tree.extend(prefix + path for path in _analysed(source.files, include, exclude))
    return lines, tree


def _analysed(paths: Iterable[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """The paths matching `include` (all when empty) and not `exclude`."""
    kept = []
    for path in paths:
        if include and not _matches(path, include):
            continue
        if exclude and _matches(path, exclude):
            continue
        kept.append(path)
    return kept


def _file_history(own: list[int], lines: _ChangeLines, treated: set[int]) -> set[int]:
    """A file's change lines with those of its older paths (renames followed; each rename line
    is expanded once over the whole analysis, `treated`)."""
    line_status, line_old, by_path = lines.status, lines.old, lines.by_path
    history = set(own)
    stack = [i for i in own if line_status[i] == "R" and i not in treated]
    while stack:
        rename = stack.pop()
        if rename in treated:
            continue
        treated.add(rename)
        for older in by_path.get(line_old[rename], ()):
            if older not in history:
                history.add(older)
                if line_status[older] == "R" and older not in treated:
                    stack.append(older)
    return history


def _file_authorship(
    path: str, history: set[int], lines: _ChangeLines, dev_changes: list[int]
) -> FileAuthorship:
    """DOA of every developer who touched the file and its authors; adds their changes to
    `dev_changes`."""
    line_dev, line_status = lines.dev, lines.status
    first: set[int] = set()
    deliveries: dict[int, int] = {}
    changes = 0
    for line in history:
        dev = line_dev[line]
        if line_status[line] == "A":
            first.add(dev)
        else:
            deliveries[dev] = deliveries.get(dev, 0) + 1
            changes += 1
    values: dict[int, float] = {}
    best = 0.0
    for dev in first | deliveries.keys():
        dl = deliveries.get(dev, 0)
        value = doa(dev in first, dl, changes - dl)
        values[dev] = value
        if value > best:
            best = value
        dev_changes[dev] += (1 if dev in first else 0) + dl
    authors = (
        sorted(
            dev
            for dev, value in values.items()
            if value / best > NORMALIZED_DOA and (value >= ABSOLUTE_DOA or dev in first)
        )
        if best > 0
        else []
    )
    return FileAuthorship(
        path=path,
        doa=values,
        authors=authors,
        first_authors=first,
        deliveries=deliveries,
    )


def truck_factor(
    authorship: Authorship,
    *,
    without: Iterable[int] = (),
    pruned: bool = False,
    file_filter: Sequence[bool] | None = None,
) -> TruckFactor:
    """Step 6: greedy removal of the top authors until coverage drops below 50 %.

    `without`: developers whose authorship is taken away first ("what if X leaves").
    `file_filter`: which analysed files count (a folder or a catalog component); all if None.
    """
    gone = set(without)
    selected = [i for i in range(len(authorship.files)) if file_filter is None or file_filter[i]]
    total = len(selected)
    authored: dict[int, list[int]] = {}
    count: dict[int, int] = {}
    for i in selected:
        authors = [a for a in authorship.files[i].authors if a not in gone]
        count[i] = len(authors)
        for a in authors:
            authored.setdefault(a, []).append(i)
    developers = authorship.developers
    if pruned:
        order = sorted(
            authored,
            key=lambda d: (-len(authored[d]), -authorship.dev_changes[d], developers[d].key),
        )
    else:
        order = sorted(authored, key=lambda d: (-len(authored[d]), developers[d].key))
    covered = sum(1 for n in count.values() if n > 0)
    removed: list[tuple[int, int]] = []
    for dev in order:
        if f32_ratio(covered, total) < TF_COVERAGE:
            break
        for i in authored[dev]:
            count[i] -= 1
            if count[i] == 0:
                covered -= 1
        removed.append((dev, len(authored[dev])))
    if pruned and removed:
        top = max(files for _, files in removed)
        removed = [(d, n) for d, n in removed if not f32_ratio(n, top) < MIN_PERCENTAGE]
    return TruckFactor(
        truck_factor=len(removed),
        coverage=(covered / total) if total else None,
        files_analyzed=total,
        removed=removed,
    )
