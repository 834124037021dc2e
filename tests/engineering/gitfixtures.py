"""Small git repositories built with the git command line, and git's own figures for them."""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from pathlib import Path


def run(
    repo: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None
) -> bytes:
    """Run git in `repo` with a clean, fixed configuration."""
    full_env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ann Author",
        "GIT_AUTHOR_EMAIL": "ann@example.com",
        "GIT_COMMITTER_NAME": "Ann Author",
        "GIT_COMMITTER_EMAIL": "ann@example.com",
        "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+02:00",
        "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+02:00",
        **(env or {}),
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=full_env, check=True, capture_output=True, input=data
    ).stdout


def commit(
    repo: Path,
    message: str,
    *,
    name: str = "Ann Author",
    email: str = "ann@example.com",
    when: str = "2026-01-05T10:00:00+02:00",
    allow_empty: bool = False,
) -> str:
    """Commit everything in the work tree as the given author; returns the sha."""
    run(repo, "add", "-A")
    env = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    args = ["commit", "-q", "-m", message] + (["--allow-empty"] if allow_empty else [])
    run(repo, *args, env=env)
    return run(repo, "rev-parse", "HEAD").decode().strip()


def init(repo: Path) -> Path:
    """An empty repository on branch main."""
    repo.mkdir(parents=True)
    run(repo, "init", "-q", "-b", "main")
    return repo


def build_tricky(repo: Path) -> dict[str, str]:
    """A repository with renames, binary files, a merge, an empty commit, non-UTF-8 and unicode
    author names, identical timestamps and a .mailmap. Returns named shas."""
    init(repo)
    shas: dict[str, str] = {}
    (repo / "a.txt").write_text("one\ntwo\nthree\n")
    (repo / "logo.png").write_bytes(bytes(range(256)) * 4)
    shas["root"] = commit(repo, "Initial import PAY-1")
    (repo / "a.txt").write_text("one\ntwo\nthree\nfour\n")
    shas["same_time_1"] = commit(repo, "Add four", name="Zoë Ünicode", email="ZOE@Example.com")
    (repo / "b.txt").write_text("bee\n")
    shas["same_time_2"] = commit(repo, "Add b (#42)", name="Zoë Ünicode", email="zoe@example.com")
    run(repo, "mv", "a.txt", "renamed.txt")
    shas["rename"] = commit(repo, "Rename a", when="2026-01-06T09:00:00-05:00")
    (repo / "logo.png").write_bytes(bytes(range(255, -1, -1)) * 4)
    shas["binary"] = commit(repo, "New logo", when="2026-01-06T09:30:00+00:00")
    shas["empty"] = commit(
        repo, "Nothing PAY-2", allow_empty=True, when="2026-01-07T01:00:00+00:00"
    )
    # A branch merged with a merge commit.
    run(repo, "checkout", "-q", "-b", "feature/PAY-7-thing")
    (repo / "c.txt").write_text("sea\nsee\n")
    shas["feature"] = commit(
        repo, "Feature work", name="Bob", email="bob@example.com", when="2026-01-07T12:00:00+00:00"
    )
    run(repo, "checkout", "-q", "main")
    (repo / "b.txt").write_text("bee\nbuzz\n")
    shas["mainline"] = commit(repo, "More b", when="2026-01-07T13:00:00+00:00")
    run(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature/PAY-7-thing'",
        "feature/PAY-7-thing",
        env={
            "GIT_COMMITTER_DATE": "2026-01-07T14:00:00+00:00",
            "GIT_AUTHOR_DATE": "2026-01-07T14:00:00+00:00",
        },
    )
    shas["merge"] = run(repo, "rev-parse", "HEAD").decode().strip()
    # A latin-1 author name: git stores the bytes as given (no encoding header).
    (repo / "d.txt").write_text("dee\n")
    run(repo, "add", "-A")
    tree = run(repo, "write-tree").decode().strip()
    raw = (
        f"tree {tree}\nparent {shas['merge']}\n".encode()
        + "author J\xfcrgen Latin <jurgen@example.com> 1767787200 +0100\n".encode("latin-1")
        + b"committer Ann Author <ann@example.com> 1767787200 +0100\n\nLatin-1 author\n"
    )
    sha = run(repo, "hash-object", "-t", "commit", "-w", "--stdin", data=raw).decode().strip()
    run(repo, "update-ref", "refs/heads/main", sha)
    run(repo, "reset", "-q", "--hard", sha)
    shas["latin1"] = sha
    # .mailmap: Bob's old address maps to his new one.
    (repo / ".mailmap").write_text("Bob Builder <bob@new.example.com> <bob@example.com>\n")
    shas["mailmap"] = commit(
        repo, "Add mailmap", email="bob@example.com", name="Bob", when="2026-01-08T08:00:00+00:00"
    )
    run(repo, "tag", "v1.0", shas["binary"])
    run(repo, "tag", "-a", "-m", "release", "v1.1", shas["mailmap"])
    return shas


def git_contributors(repo: Path) -> dict[str, tuple[int, int, int]]:
    """Per mailmapped, lowercased author email: (commits, added, deleted), computed by git."""
    out = run(repo, "log", "HEAD", "--no-merges", "--numstat", "--format=@@%aE").decode(
        "utf-8", errors="replace"
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    current = None
    for line in out.splitlines():
        if line.startswith("@@"):
            current = line[2:].lower()
            totals[current][0] += 1
        elif line.strip():
            added, deleted, _path = line.split("\t", 2)
            assert current is not None
            totals[current][1] += 0 if added == "-" else int(added)
            totals[current][2] += 0 if deleted == "-" else int(deleted)
    return {email: (c, a, d) for email, (c, a, d) in totals.items()}
