"""An independent re-implementation of the authors' tool, for tests only.

Written the way `aserg-ufmg/Truck-Factor` works, not the way Steward does: it runs the tool's
own git commands on the repository (commit_log_script.sh: `git log --pretty=format:...-;-...`,
`git log --name-status --find-renames`, `git ls-files`), reads their text output line by line,
keeps one mutable object per change line whose status flips from RENAMED to RENAMED_TREATED
(DOACalculator.expandCommitFileList), merges aliases by rewriting user names with `||` as
NewAliasHandler does, and removes developers with a `while` loop over a map that is recomputed
each round (GreedyTruckFactor). It shares no code with steward.knowledge. Ties in the greedy
order go to the smallest key (the tool leaves them to Java's hash order).
"""

from __future__ import annotations

import math
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1"},
    ).stdout
    return out.decode("utf-8", errors="replace")


def _strip_accents(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text)
    nfd = nfd.replace("Ł", "L").replace("ł", "l")
    return re.sub("[\u0300-\u036f]+", "", nfd)


@dataclass
class Commit:
    sha: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    username: str = ""
    files: list[CommitFile] = field(default_factory=list)

    @property
    def source(self) -> str:
        if self.author_name == "" and self.author_email == "":
            return "committer"
        return "author"

    @property
    def main_name(self) -> str:
        return self.author_name if self.source == "author" else self.committer_name

    @property
    def main_email(self) -> str:
        return self.author_email if self.source == "author" else self.committer_email


@dataclass(eq=False)
class CommitFile:
    commit: Commit
    status: str  # ADDED, MODIFIED, RENAMED, RENAMED_TREATED
    old: str
    new: str


def read_commits(repo: Path) -> dict[str, Commit]:
    commits: dict[str, Commit] = {}
    log = _git(repo, "log", "--pretty=format:%H-;-%aN-;-%aE-;-%at-;-%cN-;-%cE-;-%ct-;-%f")
    for raw in log.split("\n"):
        if not raw:
            continue
        line = _strip_accents(raw)
        values = [v.replace(";", "&") for v in line.split("-;-")]
        if (values[1] + values[2] + values[4] + values[5]) == "":
            continue
        commits[values[0]] = Commit(values[0], values[1], values[2], values[4], values[5])
    status_log = _git(repo, "log", "--name-status", "--pretty=format:commit\t%H", "--find-renames")
    sha = ""
    for line in status_log.split("\n"):
        parts = line.split("\t")
        if parts[0] == "commit":
            sha = parts[1]
            continue
        if sha not in commits:
            continue
        c = commits[sha]
        if parts[0] == "A":
            c.files.append(CommitFile(c, "ADDED", " ", parts[1]))
        elif parts[0] == "M":
            c.files.append(CommitFile(c, "MODIFIED", " ", parts[1]))
        elif re.fullmatch(r"R\d\d\d", parts[0]):
            c.files.append(CommitFile(c, "RENAMED", parts[1], parts[2]))
    return commits


def alias(commits: dict[str, Commit]) -> None:
    """NewAliasHandler: upper-cased e-mail (or name) as user name, then merge by name."""
    for c in commits.values():
        c.username = c.main_email.upper() if c.main_email else c.main_name.upper()
    by_username: dict[str, list[Commit]] = {}
    for c in commits.values():
        by_username.setdefault(c.username, []).append(c)
    by_name: dict[str, list[Commit]] = {}
    for c in commits.values():
        by_name.setdefault(c.main_name.upper(), []).append(c)
    for name, group in by_name.items():
        if not name:
            continue
        names = sorted({c.username for c in group})
        if len(names) > 1:
            new = "||".join(names)
            for c in group:
                if c.username == new:
                    continue
                moved = by_username.pop(c.username)
                for other in moved:
                    other.username = new
                by_username.setdefault(new, []).extend(moved)


def authors_by_file(repo: Path, exclude: tuple[str, ...] = ()) -> tuple[dict[str, set[str]], int]:
    """(file -> authoring user names, files analysed) as DOACalculator + isDOAAuthor."""
    commits = read_commits(repo)
    alias(commits)
    by_new: dict[str, list[CommitFile]] = {}
    for c in commits.values():
        for f in c.files:
            by_new.setdefault(f.new, []).append(f)
    tree = [p for p in _git(repo, "ls-files").split("\n") if p]
    result: dict[str, set[str]] = {}
    analysed = 0
    for path in tree:
        if any(Path(path).match(g) for g in exclude):
            continue
        own = by_new.get(path)
        if own is None:
            continue
        analysed += 1
        history = {id(f): f for f in own}
        while any(f.status == "RENAMED" for f in history.values()):
            for f in list(history.values()):
                if f.status == "RENAMED":
                    for older in by_new.get(f.old, []):
                        history.setdefault(id(older), older)
                    f.status = "RENAMED_TREATED"
        first: set[str] = set()
        deliveries: dict[str, int] = {}
        changes = 0
        for f in history.values():
            who = f.commit.username
            deliveries.setdefault(who, 0)
            if f.status == "ADDED":
                first.add(who)
            else:
                deliveries[who] += 1
                changes += 1
        doa = {
            who: 3.293 + 1.098 * (who in first) + 0.164 * n - 0.321 * math.log(1 + changes - n)
            for who, n in deliveries.items()
        }
        best = max([0.0, *doa.values()])
        result[path] = {
            who
            for who, value in doa.items()
            if best > 0
            and value / best > 0.75
            and (value >= float(np.float32(3.293)) or who in first)
        }
    return result, analysed


def truck_factor(repo: Path, exclude: tuple[str, ...] = ()) -> tuple[int, list[tuple[str, int]]]:
    """GreedyTruckFactor with ties to the smallest key: (truck factor, [(key, files)])."""
    files, total = authors_by_file(repo, exclude)
    authored: dict[str, set[str]] = {}
    for path, who in files.items():
        for w in who:
            authored.setdefault(w, set()).add(path)
    removed: list[tuple[str, int]] = []
    while authored:
        covered: set[str] = set()
        for paths in authored.values():
            covered |= paths
        if np.float32(len(covered)) / np.float32(total) < np.float32(0.5):
            break
        top = sorted(authored, key=lambda w: (-len(authored[w]), min(w.split("||"))))[0]
        removed.append((min(top.split("||")), len(authored.pop(top))))
    return len(removed), removed
