"""Read git repositories by streaming `git log`: plain Python, no Django, bounded memory.

`stream_log` runs one `git log -z --numstat` subprocess and yields one `GitCommit` at a time.
A reader thread drains the pipe into a bounded queue, so git keeps producing on its own core
while the caller parses and writes; memory is bounded by the queue (at most ~16 MB of output).
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# One record per commit: \x1e, ten \x1f-separated header fields, then the raw message. With -z
# the record ends with NUL and each numstat entry is NUL-terminated; a message cannot hold NUL.
LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aN%x1f%aE%x1f%ad%x1f%cn%x1f%ce%x1f%cd%x1f%B"
CHUNK_BYTES = 1 << 18
QUEUE_CHUNKS = 64
# git writes its log in pieces of about 1 KB. Read as they come, that is one wake-up of the
# reader (and one hand-over to the parser) per piece: ~80,000 on git/git, costing both processes
# CPU. So the pipe is enlarged (where the system allows) and, after a short read, the reader
# lets git fill it for a moment: reads then return tens of KB each, and git never waits on a
# full pipe (1 MB is half a second of git's output).
PIPE_BYTES = 1 << 20
SHORT_READ = 1 << 16
READ_PAUSE = 0.01


class GitError(Exception):
    """A repository could not be read; the message says why, for a person to act on."""


@dataclass(slots=True)
class FileChange:
    """One file touched by a commit, as `git log --numstat` reports it."""

    path: str
    old_path: str
    added: int
    deleted: int
    binary: bool
    # git's status letter (`--raw`): A, M, D, T or R (score dropped); "" when not known.
    status: str = ""


@dataclass(slots=True)
class GitCommit:
    """One commit with its author, committer (times in UTC seconds plus offset minutes)."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    mailmap_name: str
    mailmap_email: str
    author_time: int
    author_offset: int
    committer_name: str
    committer_email: str
    committer_time: int
    committer_offset: int
    message: str
    files: list[FileChange] = field(default_factory=list)


@dataclass(frozen=True)
class TagInfo:
    """A tag: its name, the commit it points to, and its date (tagger date, else commit date)."""

    name: str
    sha: str
    time: int


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _offset_minutes(raw: str) -> int:
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("+-")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))


# Offsets seen so far ("+0100" -> 60): a history has few distinct ones.
_OFFSETS: dict[str, int] = {}


def _raw_date(raw: str) -> tuple[int, int]:
    seconds, _, offset = raw.partition(" ")
    minutes = _OFFSETS.get(offset)
    if minutes is None:
        minutes = _offset_minutes(offset or "+0000")
        if len(_OFFSETS) < 10_000:
            _OFFSETS[offset] = minutes
    return int(seconds), minutes


def _parse_header(token: bytes) -> GitCommit:
    # One decode for the whole record: \x1f is ASCII and never part of a UTF-8 sequence, so
    # decoding before splitting gives exactly the fields (and replacements) of decoding each.
    parts = token[1:].decode("utf-8", errors="replace").split("\x1f", 10)
    if len(parts) != 11:
        raise GitError(f"unexpected git log output near {token[:60]!r}")
    sha, parents, an, ae, amn, ame, ad, cn, ce, cd, message = parts
    author_time, author_offset = _raw_date(ad)
    committer_time, committer_offset = _raw_date(cd)
    return GitCommit(
        sha,
        tuple(parents.split()),
        an,
        ae.lower(),
        amn,
        ame.lower(),
        author_time,
        author_offset,
        cn,
        ce.lower(),
        committer_time,
        committer_offset,
        message,
        [],
    )


def _set_statuses(commit: GitCommit, statuses: list[tuple[str, bytes]]) -> None:
    """Match files to `--raw` status letters by path (when their counts differ).

    git prints both from the same queue of file pairs, in the same order, so the i-th raw entry
    is the i-th numstat entry and the parser gives each file its letter as it reads it; only
    if the counts differ are the entries matched by path, here.
    """
    by_path = {_decode(path): letter for letter, path in statuses}
    for f in commit.files:
        f.status = by_path.get(f.path, "")


def _finish_commit(commit: GitCommit, statuses: list[tuple[str, bytes]]) -> GitCommit:
    if statuses and len(statuses) != len(commit.files):
        _set_statuses(commit, statuses)
    return commit


def parse_stream(chunks: Iterable[bytes]) -> Iterator[GitCommit]:
    """Commits from the raw output of `git log -z [--raw] --numstat --format=LOG_FORMAT`.

    With `--raw` each file's status letter (A, M, D, T, R) is kept on its numstat entry; the
    raw entries of a commit come before its numstat entries, in the same order.
    """
    current: GitCommit | None = None
    files: list[FileChange] = []
    pending_rename: list[bytes] | None = None  # [added, deleted] waiting for old and new path
    rename_paths: list[bytes] = []
    statuses: list[tuple[str, bytes]] = []  # (letter, new path) of the current commit
    raw_letter: str | None = None  # a raw entry waiting for its path(s)
    raw_paths = 0
    rest = b""
    for chunk in chunks:
        data = rest + chunk if rest else chunk
        tokens = data.split(b"\0")
        rest = tokens.pop()
        for token in tokens:
            if raw_letter is not None:
                raw_paths -= 1
                if raw_paths == 0:
                    statuses.append((raw_letter, token))
                    raw_letter = None
                continue
            if pending_rename is not None:
                rename_paths.append(token)
                if len(rename_paths) == 2:
                    added, deleted = pending_rename
                    binary = added == b"-"
                    n = len(files)
                    files.append(
                        FileChange(
                            rename_paths[1].decode("utf-8", errors="replace"),
                            rename_paths[0].decode("utf-8", errors="replace"),
                            0 if binary else int(added),
                            0 if binary else int(deleted),
                            binary,
                            statuses[n][0] if n < len(statuses) else "",
                        )
                    )
                    pending_rename = None
                    rename_paths = []
                continue
            first = token[:1]
            if first == b"\x1e":
                if current is not None:
                    yield _finish_commit(current, statuses)
                    statuses = []
                current = _parse_header(token)
                files = current.files
                continue
            if first == b"\n":
                token = token[1:]
                first = token[:1]
            if not token:
                continue
            if first == b":":
                # `:old_mode new_mode old_sha new_sha STATUS`, then one path (two for R and C).
                space = token.rindex(b" ")
                letter = token[space + 1 : space + 2]
                raw_letter = letter.decode("ascii", errors="replace")
                raw_paths = 2 if letter in (b"R", b"C") else 1
                continue
            added, deleted, path = token.split(b"\t", 2)
            if not path:
                pending_rename = [added, deleted]
                continue
            binary = added == b"-"
            n = len(files)
            files.append(
                FileChange(
                    path.decode("utf-8", errors="replace"),
                    "",
                    0 if binary else int(added),
                    0 if binary else int(deleted),
                    binary,
                    statuses[n][0] if n < len(statuses) else "",
                )
            )
    if rest.startswith(b"\x1e"):
        if current is not None:
            yield _finish_commit(current, statuses)
            statuses = []
        current = _parse_header(rest)
    if current is not None:
        yield _finish_commit(current, statuses)


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    # Read the repository as stored: no pager, no prompts, no user-specific log decorations.
    env.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def git(path: Path | str, *args: str) -> bytes:
    """Run one git command in `path`; its stdout, or GitError with git's message."""
    proc = subprocess.run(
        ["git", "-C", str(path), *args],
        capture_output=True,
        env=_git_env(),
        check=False,
    )
    if proc.returncode != 0:
        message = _decode(proc.stderr).strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed ({proc.returncode})")
    return proc.stdout


def log_args(include: list[str], exclude: list[str], since: str | None = None) -> list[str]:
    """The `git log` arguments Steward uses (rename detection as git's default, -M).

    `--raw --no-abbrev` adds each file's status letter (code knowledge needs A/M/R) in the
    same pass; full object names spare git the work of abbreviating them.
    """
    args = [
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--numstat",
        "-M",
        "--date=raw",
        f"--format={LOG_FORMAT}",
    ]
    if since:
        args.append(f"--since={since}")
    args += include
    args += [f"^{sha}" for sha in exclude]
    args.append("--")
    return args


def _enlarge_pipe(fd: int) -> bool:
    """Give the pipe from git PIPE_BYTES of buffer (Linux); False where that is not possible."""
    try:
        import fcntl

        return int(fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)) >= PIPE_BYTES
    except (ImportError, AttributeError, OSError):  # not Linux, or not allowed
        return False


def stream_log(
    path: Path | str,
    include: list[str],
    exclude: list[str] | None = None,
    since: str | None = None,
) -> Iterator[GitCommit]:
    """Commits reachable from `include` and not from `exclude`, newest first, streamed."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUE_CHUNKS)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            ["git", "-C", str(path), *log_args(include, exclude or [], since)],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_git_env(),
        )
        assert proc.stdout is not None
        stdout = proc.stdout

        def drain() -> None:
            fd = stdout.fileno()
            pause = READ_PAUSE if _enlarge_pipe(fd) else READ_PAUSE / 5
            try:
                while True:
                    data = os.read(fd, CHUNK_BYTES)
                    if not data:
                        break
                    chunks.put(data)
                    if len(data) < SHORT_READ:
                        time.sleep(pause)
            finally:
                chunks.put(None)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()

        def from_queue() -> Iterator[bytes]:
            while True:
                item = chunks.get()
                if item is None:
                    return
                yield item

        finished = False
        try:
            yield from parse_stream(from_queue())
            finished = True
        finally:
            if not finished:
                proc.kill()
                while reader.is_alive():
                    with contextlib.suppress(queue.Empty):
                        chunks.get(timeout=0.1)
            reader.join()
            stdout.close()
            code = proc.wait()
        if finished and code != 0:
            errors.seek(0)
            message = _decode(errors.read()).strip().splitlines()
            raise GitError(message[0] if message else f"git log failed ({code})")


def rev_list(path: Path | str, include: list[str], exclude: list[str] | None = None) -> list[str]:
    """Shas reachable from `include` and not from `exclude` (40 bytes each; fine for millions)."""
    args = ["rev-list", *include, *[f"^{s}" for s in exclude or []], "--"]
    return git(path, *args).decode("ascii").split()


def count_commits(path: Path | str, include: list[str], exclude: list[str] | None = None) -> int:
    """How many commits `stream_log` with the same arguments would yield."""
    args = ["rev-list", "--count", *include, *[f"^{s}" for s in exclude or []], "--"]
    return int(git(path, *args).decode("ascii").strip() or 0)


def has_commit(path: Path | str, sha: str) -> bool:
    """True when `sha` names a commit present in the repository."""
    try:
        git(path, "cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


@dataclass(frozen=True)
class RepoInfo:
    """What a repository is: its folder, whether bare, and the commit HEAD points to."""

    path: Path
    git_dir: Path
    bare: bool
    head: str


def inspect(path: Path | str) -> RepoInfo:
    """Check that `path` is a readable, complete, non-empty repository (else GitError)."""
    folder = Path(path)
    if not folder.exists():
        raise GitError("no such folder")
    if not folder.is_dir():
        raise GitError("not a folder")
    try:
        out = _decode(
            git(folder, "rev-parse", "--is-bare-repository", "--absolute-git-dir")
        ).split()
    except GitError as exc:
        raise GitError(f"not a git repository ({exc})") from exc
    bare, git_dir = out[0] == "true", Path(out[1])
    top = folder if bare else Path(_decode(git(folder, "rev-parse", "--show-toplevel")).strip())
    if top.resolve() != folder.resolve() and not bare:
        raise GitError(f"not the root of a repository (its root is {top})")
    if _decode(git(folder, "rev-parse", "--is-shallow-repository")).strip() == "true":
        raise GitError("shallow clone: history is incomplete (run `git fetch --unshallow` first)")
    try:
        head = _decode(git(folder, "rev-parse", "--verify", "-q", "HEAD^{commit}")).strip()
    except GitError:
        head = ""
    if not head:
        raise GitError(_unborn_head(folder))
    return RepoInfo(path=folder, git_dir=git_dir, bare=bare, head=head)


def _unborn_head(folder: Path) -> str:
    """Why HEAD names no commit: usually the branch it names does not exist (yet)."""
    try:
        branch = _decode(git(folder, "symbolic-ref", "-q", "--short", "HEAD")).strip()
    except GitError:
        branch = ""
    try:
        others = _decode(git(folder, "for-each-ref", "--format=%(refname:short)", "refs/heads"))
    except GitError:
        others = ""
    names = others.split()
    if not branch:
        return "HEAD names no commit (it is neither a commit nor a branch)"
    if not names:
        return f"HEAD names branch {branch!r}, which does not exist: the repository has no commits"
    listed = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    return (
        f"HEAD names branch {branch!r}, which does not exist (branches: {listed}); "
        "check out an existing branch (git symbolic-ref HEAD refs/heads/NAME)"
    )


def is_repository(path: Path) -> bool:
    """True when `path` looks like the root of a repository (work tree or bare)."""
    if (path / ".git").exists():
        return True
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def find_repositories(path: Path | str) -> list[Path]:
    """`path` itself when it is a repository, else the repositories directly inside it."""
    folder = Path(path)
    if not folder.is_dir() or is_repository(folder):
        return [folder]
    found = [child for child in sorted(folder.iterdir()) if child.is_dir() and is_repository(child)]
    return found or [folder]


def tags(path: Path | str) -> list[TagInfo]:
    """Every tag that points (perhaps through an annotated tag) to a commit."""
    fmt = "%(refname:short)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:unix)"
    out = _decode(git(path, "for-each-ref", f"--format={fmt}", "refs/tags"))
    result = []
    for line in out.splitlines():
        name, kind, sha, peeled, when = line.split("\0")
        target = peeled if kind == "tag" else sha
        if kind == "tag" and not peeled:
            continue
        if kind not in ("commit", "tag"):
            continue
        result.append(TagInfo(name=name, sha=target, time=int(when or 0)))
    return result


def read_blobs(path: Path | str, objects: list[str]) -> dict[str, bytes]:
    """The contents of blobs by object name, read by one `git cat-file --batch`."""
    if not objects:
        return {}
    proc = subprocess.run(
        ["git", "-C", str(path), "cat-file", "--batch"],
        input="".join(f"{name}\n" for name in objects).encode("ascii"),
        capture_output=True,
        env=_git_env(),
        check=False,
    )
    if proc.returncode != 0:
        message = _decode(proc.stderr).strip().splitlines()
        raise GitError(message[0] if message else f"git cat-file failed ({proc.returncode})")
    out, at = proc.stdout, 0
    found: dict[str, bytes] = {}
    for name in objects:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:  # "<name> missing"
            raise GitError(f"object {name} is missing")
        size = int(header[2])
        found[name] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1  # content, then a newline
    return found


def read_head_file(path: Path | str, name: str) -> bytes | None:
    """The content of `name` in HEAD's tree, or None if absent."""
    try:
        return git(path, "show", f"HEAD:{name}")
    except GitError:
        return None
