"""Reading pull requests and tracker items out of the files the code hosts and trackers export.

Plain Python, no Django: text in, plain records and located problems out (FORMATS.md 7.3–7.6).

Pull requests (`read_pulls`):
- GitHub REST JSON as `gh api --paginate` writes it: one JSON array per page, written one after
  another (`[...][...]`), or `--slurp`'s array of pages. A file may mix pull requests
  (`/pulls`, `/pulls/N`), reviews (`/pulls/N/reviews`, joined by `pull_request_url`), review
  comments (`/pulls/N/comments`) and conversation comments (`/issues/N/comments`, joined by
  `issue_url`). A pull request may also carry those lists under `reviews`, `comments`,
  `review_comments`, `commits` (`/pulls/N/commits`) and `timeline` (`/issues/N/timeline`, for
  `ready_for_review`).
- GitLab merge request JSON (`/projects/:id/merge_requests`), each optionally with `approvals`
  (`/merge_requests/:iid/approvals`), `notes` (`/merge_requests/:iid/notes`) and `commits`
  (`/merge_requests/:iid/commits`). Approval times come from the system notes "approved this
  merge request"; an approval with no such note is kept without a time.

Tracker items (`read_issues`): Jira CSV (repeated headers such as `Labels`, dates as
`15/Jan/24 10:31 AM` or ISO) and REST JSON (`{"issues": [...]}` or a list), GitHub issues JSON,
Linear CSV.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

GITHUB = "github"
GITLAB = "gitlab"
JIRA = "jira"
LINEAR = "linear"

REVIEW = "review"  # a submitted review (GitHub) or an approval / change request (GitLab)
COMMENT = "comment"  # a comment in the conversation or on a line


@dataclass(frozen=True)
class Problem:
    """Something wrong at a line and column (1-based) of the input."""

    line: int | None
    column: str | None
    message: str
    hint: str = ""


@dataclass
class UserIn:
    """A code-host account as the export names it."""

    login: str
    name: str = ""
    email: str = ""
    bot: bool = False


@dataclass
class CommitIn:
    """A commit of a pull request as the host lists it."""

    sha: str
    authored_at: datetime | None
    email: str = ""
    name: str = ""
    login: str = ""


@dataclass
class ReviewIn:
    """A review, approval or comment on a pull request."""

    external_id: str
    user: UserIn | None
    kind: str  # REVIEW or COMMENT
    state: str  # approved, changes_requested, commented, dismissed, pending
    submitted_at: datetime | None


@dataclass
class PullIn:
    """One pull (merge) request with what it carries."""

    source: str
    repo: str  # owner/name (GitHub) or the project's full path (GitLab)
    number: int
    line: int
    title: str = ""
    url: str = ""
    state: str = "open"  # open, closed, merged
    draft: bool = False
    author: UserIn | None = None
    created_at: datetime | None = None
    ready_at: datetime | None = None
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    head_ref: str = ""
    base_ref: str = ""
    head_sha: str = ""
    merge_commit_sha: str = ""
    additions: int | None = None
    deletions: int | None = None
    labels: list[str] = field(default_factory=list)
    commits: list[CommitIn] = field(default_factory=list)
    reviews: list[ReviewIn] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The natural key: `github:owner/name#12`."""
        return f"{self.source}:{self.repo}#{self.number}"


# ---------------------------------------------------------------- JSON with positions


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


_WS = re.compile(r"[ \t\n\r]*")


def json_values(text: str) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """The objects of a JSON text as `gh api --paginate` writes it, each with its line.

    Top-level arrays (pages) are opened, and so are arrays inside them (`--slurp`); a top-level
    object is one value. A syntax error is a problem at its line and column.
    """
    decoder = json.JSONDecoder()
    lines = _Lines(text)
    out: list[tuple[int, Any]] = []
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("\ufeff"):
        pos = _WS.match(text, 1).end()  # type: ignore[union-attr]

    def syntax(offset: int, message: str) -> list[Problem]:
        line, col = lines.at(offset)
        return [Problem(line, f"character {col}", message, "export the file again as JSON")]

    def array(pos: int, nested: bool) -> int:
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            return pos + 1
        while True:
            if text.startswith("[", pos) and not nested:
                pos = array(pos, True)
            else:
                value, end = decoder.raw_decode(text, pos)
                out.append((lines.at(pos)[0], value))
                pos = end
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith(",", pos):
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("]", pos):
                return pos + 1
            raise json.JSONDecodeError("expected ',' or ']'", text, pos)

    try:
        while pos < len(text):
            if text.startswith("[", pos):
                pos = array(pos, False)
            else:
                value, pos = decoder.raw_decode(text, pos)
                out.append((lines.at(pos)[0], value))
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    except json.JSONDecodeError as exc:
        return out, syntax(exc.pos, f"not valid JSON: {exc.msg}")
    except RecursionError:
        return out, syntax(pos, "not valid JSON: nested too deeply")
    if not out and not text.strip("\ufeff \t\r\n"):
        return out, [Problem(1, None, "the file is empty", "export the pull requests again")]
    return out, []


# ---------------------------------------------------------------- values


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 / RFC 3339 time (`Z`, `+00:00` or `+0000`), in UTC; None when not one."""
    if not isinstance(value, str) or not value:
        return None
    return _parse_time(value)


@functools.lru_cache(maxsize=1 << 16)
def _parse_time(value: str) -> datetime | None:
    # Exports repeat timestamps (reviews, commits, pages that overlap): parse each once.
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _list(value: Any) -> list[Any]:
    # A list field holding something else is read as empty (the fields that matter are
    # checked where they are read); iterating a number or a string would be wrong.
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


BOT_LOGIN = re.compile(r"\[bot\]$|-bot$|^dependabot|^renovate", re.IGNORECASE)


def _user(value: Any) -> UserIn | None:
    if not isinstance(value, dict):
        return None
    login = _str(value.get("login") or value.get("username"))
    if not login:
        return None
    bot = value.get("type") == "Bot" or value.get("bot") is True or bool(BOT_LOGIN.search(login))
    return UserIn(
        login=login,
        name=_str(value.get("name")),
        email=_str(value.get("email") or value.get("public_email")).lower(),
        bot=bot,
    )


_GITLAB_MR_URL = re.compile(r"https?://[^/]+/(?P<path>.+?)/-/merge_requests/")
_PULL_URL = re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/(?:pulls|issues)/(?P<number>\d+)")


def _pull_ref(url: Any) -> tuple[str, int] | None:
    match = _PULL_URL.search(_str(url))
    if match is None:
        return None
    return match.group("repo"), int(match.group("number"))


# ---------------------------------------------------------------- pull requests


class _PullReader:
    def __init__(self) -> None:
        self.pulls: dict[tuple[str, int], PullIn] = {}
        self.loose: list[tuple[int, tuple[str, int], ReviewIn]] = []
        self.problems: list[Problem] = []

    def problem(self, line: int, column: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(line, column, message, hint))

    def listed(self, line: int, obj: dict[str, Any], name: str) -> list[Any]:
        value = obj.get(name)
        if value is None or isinstance(value, list):
            return value or []
        self.problem(line, name, f"is {type(value).__name__}, not a list", "export it again")
        return []

    def time(self, line: int, obj: dict[str, Any], name: str, required: bool = False) -> Any:
        raw = obj.get(name)
        if raw is None or raw == "":
            if required:
                self.problem(line, name, "is missing", f"the export must give {name}")
            return None
        moment = parse_time(raw)
        if moment is None:
            self.problem(
                line, name, f"{raw!r} is not a time", "times are ISO 8601 (2024-01-15T10:31:22Z)"
            )
        return moment

    # GitHub ------------------------------------------------------------

    def github_pull(self, line: int, obj: dict[str, Any]) -> None:
        number = _int(obj.get("number"))
        base = _dict(obj.get("base"))
        head = _dict(obj.get("head"))
        repo_obj = _dict(base.get("repo"))
        repo = _str(repo_obj.get("full_name"))
        if not repo:
            ref = _pull_ref(obj.get("url"))
            repo = ref[0] if ref else ""
        if number is None:
            self.problem(line, "number", "is missing or not a whole number")
            return
        if not repo:
            self.problem(
                line,
                "base.repo.full_name",
                f"pull request #{number} names no repository",
                "export with the GitHub REST API (it gives base.repo.full_name and url)",
            )
            return
        state = _str(obj.get("state"))
        if state not in ("open", "closed"):
            self.problem(line, "state", f"{state!r} is not open or closed")
        merged_at = self.time(line, obj, "merged_at")
        pull = PullIn(
            source=GITHUB,
            repo=repo,
            number=number,
            line=line,
            title=_str(obj.get("title")),
            url=_str(obj.get("html_url")),
            state="merged" if merged_at else ("open" if state == "open" else "closed"),
            draft=obj.get("draft") is True,
            author=_user(obj.get("user")),
            created_at=self.time(line, obj, "created_at", required=True),
            merged_at=merged_at,
            closed_at=self.time(line, obj, "closed_at"),
            updated_at=self.time(line, obj, "updated_at"),
            head_ref=_str(head.get("ref")),
            base_ref=_str(base.get("ref")),
            head_sha=_str(head.get("sha")),
            merge_commit_sha=_str(obj.get("merge_commit_sha")) if merged_at else "",
            additions=_int(obj.get("additions")),
            deletions=_int(obj.get("deletions")),
            labels=[
                _str(label.get("name"))
                for label in _list(obj.get("labels"))
                if isinstance(label, dict) and label.get("name")
            ],
        )
        for item in self.listed(line, obj, "reviews"):
            review = self.github_review(line, item)
            if review is not None:
                pull.reviews.append(review)
        for name in ("comments", "review_comments"):
            items = obj.get(name)
            if isinstance(items, list):  # on /pulls/N `comments` is a count
                for item in items:
                    comment = self.github_comment(line, item)
                    if comment is not None:
                        pull.reviews.append(comment)
        listed = obj.get("commits")  # on /pulls/N `commits` is a count
        for item in listed if isinstance(listed, list) else []:
            commit = self.github_commit(line, item)
            if commit is not None:
                pull.commits.append(commit)
        for event in self.listed(line, obj, "timeline"):
            if isinstance(event, dict) and event.get("event") == "ready_for_review":
                moment = self.time(line, event, "created_at")
                if moment is not None:
                    pull.ready_at = max(pull.ready_at or moment, moment)
        self.add(pull)

    def github_review(self, line: int, obj: Any) -> ReviewIn | None:
        if not isinstance(obj, dict):
            self.problem(line, "reviews", "a review is not an object")
            return None
        state = _str(obj.get("state")).lower()
        if state == "pending":  # not submitted: no time, not a review yet
            return None
        if state not in ("approved", "changes_requested", "commented", "dismissed"):
            self.problem(line, "state", f"review state {obj.get('state')!r} is not known")
            return None
        return ReviewIn(
            external_id=f"review:{obj.get('id')}",
            user=_user(obj.get("user")),
            kind=REVIEW,
            state=state,
            submitted_at=self.time(line, obj, "submitted_at", required=True),
        )

    def github_comment(self, line: int, obj: Any) -> ReviewIn | None:
        if not isinstance(obj, dict):
            self.problem(line, "comments", "a comment is not an object")
            return None
        prefix = "review-comment" if "diff_hunk" in obj else "comment"
        return ReviewIn(
            external_id=f"{prefix}:{obj.get('id')}",
            user=_user(obj.get("user")),
            kind=COMMENT,
            state="commented",
            submitted_at=self.time(line, obj, "created_at", required=True),
        )

    def github_commit(self, line: int, obj: Any) -> CommitIn | None:
        if not isinstance(obj, dict) or not isinstance(obj.get("sha"), str):
            self.problem(line, "commits", "a commit has no sha")
            return None
        inner = _dict(obj.get("commit"))
        author = _dict(inner.get("author"))
        login = _user(obj.get("author"))
        return CommitIn(
            sha=obj["sha"],
            authored_at=parse_time(author.get("date")),
            email=_str(author.get("email")).lower(),
            name=_str(author.get("name")),
            login=login.login if login else "",
        )

    # GitLab ------------------------------------------------------------

    def gitlab_merge_request(self, line: int, obj: dict[str, Any]) -> None:
        number = _int(obj.get("iid"))
        if number is None:
            self.problem(line, "iid", "is missing or not a whole number")
            return
        repo = _gitlab_project(obj)
        if not repo:
            self.problem(
                line,
                "references.full",
                f"merge request !{number} names no project",
                "export with the GitLab REST API (it gives references.full and web_url)",
            )
            return
        state = _str(obj.get("state"))
        if state not in ("opened", "closed", "merged", "locked"):
            self.problem(line, "state", f"{state!r} is not opened, closed, merged or locked")
        merged_at = self.time(line, obj, "merged_at")
        if state == "merged" and merged_at is None:
            self.problem(line, "merged_at", "a merged merge request has no merged_at")
        draft = obj.get("draft")
        if draft is None:
            draft = obj.get("work_in_progress")
        pull = PullIn(
            source=GITLAB,
            repo=repo,
            number=number,
            line=line,
            title=_str(obj.get("title")),
            url=_str(obj.get("web_url")),
            state={"opened": "open", "locked": "open"}.get(state, state),
            draft=draft is True,
            author=_user(obj.get("author")),
            created_at=self.time(line, obj, "created_at", required=True),
            merged_at=merged_at,
            closed_at=self.time(line, obj, "closed_at"),
            updated_at=self.time(line, obj, "updated_at"),
            head_ref=_str(obj.get("source_branch")),
            base_ref=_str(obj.get("target_branch")),
            head_sha=_str(obj.get("sha")),
            merge_commit_sha=_str(obj.get("squash_commit_sha") or obj.get("merge_commit_sha")),
            labels=[_str(x) for x in _list(obj.get("labels")) if isinstance(x, str)],
        )
        approved_with_time = self.gitlab_notes(line, obj, pull)
        self.gitlab_approvals(line, obj, pull, approved_with_time)
        self.gitlab_commits(line, obj, pull)
        self.add(pull)

    def gitlab_notes(self, line: int, obj: dict[str, Any], pull: PullIn) -> set[str]:
        """Notes as comments, approvals and change requests (system notes), and the ready
        time; returns the logins whose approval has a time."""
        approved_with_time: set[str] = set()
        for note in self.listed(line, obj, "notes"):
            if not isinstance(note, dict):
                self.problem(line, "notes", "a note is not an object")
                continue
            user = _user(note.get("author"))
            body = _str(note.get("body")).strip().lower()
            when = self.time(line, note, "created_at", required=True)
            if note.get("system"):
                if body.startswith("approved this merge request"):
                    kind, state_ = REVIEW, "approved"
                elif body.startswith("requested changes"):
                    kind, state_ = REVIEW, "changes_requested"
                elif body.startswith("marked this merge request as **ready**"):
                    if when is not None:
                        pull.ready_at = max(pull.ready_at or when, when)
                    continue
                else:
                    continue
                if user:
                    approved_with_time.add(user.login)
            else:
                kind, state_ = COMMENT, "commented"
            pull.reviews.append(ReviewIn(f"note:{note.get('id')}", user, kind, state_, when))
        return approved_with_time

    def gitlab_approvals(
        self, line: int, obj: dict[str, Any], pull: PullIn, approved_with_time: set[str]
    ) -> None:
        """`approvals.approved_by` without a note (no time), the author's own left out."""
        author = pull.author.login if pull.author else ""
        approvals = obj.get("approvals")
        if not isinstance(approvals, dict):
            return
        for entry in self.listed(line, approvals, "approved_by"):
            user = _user(entry.get("user") if isinstance(entry, dict) else None)
            if user is None or user.login in approved_with_time or user.login == author:
                continue
            pull.reviews.append(ReviewIn(f"approval:{user.login}", user, REVIEW, "approved", None))

    def gitlab_commits(self, line: int, obj: dict[str, Any], pull: PullIn) -> None:
        """The merge request's commits (GitLab names their author, not a login)."""
        for item in self.listed(line, obj, "commits"):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                self.problem(line, "commits", "a commit has no id")
                continue
            pull.commits.append(
                CommitIn(
                    sha=item["id"],
                    authored_at=parse_time(item.get("authored_date")),
                    email=_str(item.get("author_email")).lower(),
                    name=_str(item.get("author_name")),
                )
            )

    # -------------------------------------------------------------------

    def add(self, pull: PullIn) -> None:
        key = (pull.repo, pull.number)
        first = self.pulls.get(key)
        if first is not None and first.source == pull.source:
            # The same pull request twice (pages overlap when it changed while exporting):
            # the later update wins, its lists are merged.
            never = datetime.min.replace(tzinfo=UTC)
            newer = (
                pull
                if (pull.updated_at or pull.created_at or never)
                >= (first.updated_at or first.created_at or never)
                else first
            )
            older = first if newer is pull else pull
            newer.reviews = _merge(older.reviews, newer.reviews, lambda r: r.external_id)
            newer.commits = _merge(older.commits, newer.commits, lambda c: c.sha)
            newer.line = first.line
            self.pulls[key] = newer
            return
        self.pulls[key] = pull

    def read(self, line: int, obj: Any) -> None:
        if not isinstance(obj, dict):
            self.problem(line, None, "not an object", "give pull requests, reviews or comments")
            return
        if "number" in obj and "head" in obj and "base" in obj:
            self.github_pull(line, obj)
        elif "iid" in obj and ("source_branch" in obj or "target_branch" in obj):
            self.gitlab_merge_request(line, obj)
        elif "pull_request_url" in obj and "diff_hunk" not in obj:
            ref = _pull_ref(obj["pull_request_url"])
            review = self.github_review(line, obj)
            if ref and review:
                self.loose.append((line, ref, review))
        elif "pull_request_url" in obj or "issue_url" in obj:
            ref = _pull_ref(obj.get("pull_request_url") or obj.get("issue_url"))
            comment = self.github_comment(line, obj)
            if ref and comment:
                self.loose.append((line, ref, comment))
        else:
            keys = ", ".join(sorted(obj)[:6])
            self.problem(
                line,
                None,
                f"not a pull request, merge request, review or comment (keys: {keys})",
                "export /pulls, /pulls/N/reviews or GitLab /merge_requests as JSON",
            )

    def finish(self) -> list[PullIn]:
        for line, ref, review in self.loose:
            pull = self.pulls.get(ref)
            if pull is None:
                self.problem(
                    line,
                    "pull_request_url",
                    f"a review or comment of {ref[0]}#{ref[1]}, which is not in the file",
                    "export the pull request in the same file",
                )
                continue
            if all(r.external_id != review.external_id for r in pull.reviews):
                pull.reviews.append(review)
        return sorted(self.pulls.values(), key=lambda p: (p.source, p.repo, p.number))


def _merge(a: list[Any], b: list[Any], key: Any) -> list[Any]:
    seen = {key(x): x for x in a}
    seen.update({key(x): x for x in b})
    return list(seen.values())


def read_pull_objects(objects: list[Any]) -> tuple[list[PullIn], list[Problem]]:
    """Pull requests from API objects already decoded (the live connectors); the "line" of a
    problem is the object's position (1-based)."""
    reader = _PullReader()
    for index, obj in enumerate(objects, start=1):
        reader.read(index, obj)
    pulls = reader.finish()
    return pulls, reader.problems


def read_pulls(text: str) -> tuple[list[PullIn], list[Problem]]:
    """Pull requests (with reviews, comments and commits) and the problems found."""
    values, problems = json_values(text)
    reader = _PullReader()
    for line, value in values:
        reader.read(line, value)
    pulls = reader.finish()
    return pulls, problems + reader.problems


# ---------------------------------------------------------------- tracker items


@dataclass
class IssueIn:
    """One tracker item (Jira issue, GitHub issue, Linear issue)."""

    source: str
    key: str
    line: int
    title: str = ""
    item_type: str = ""
    status: str = ""
    status_category: str = ""  # todo, in_progress, done
    project: str = ""
    repo: str = ""
    labels: list[str] = field(default_factory=list)
    parent_key: str = ""
    epic_key: str = ""
    assignee: str = ""
    estimate: Decimal | None = None
    url: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    resolved_at: datetime | None = None


_JIRA_CATEGORY = {"new": "todo", "indeterminate": "in_progress", "done": "done"}
_DONE_WORDS = ("done", "closed", "resolved", "complete", "completed", "released", "canceled")
_TODO_WORDS = ("to do", "todo", "open", "backlog", "new", "triage", "selected for development")


def status_category(status: str) -> str:
    """todo / in_progress / done from a status name, when the export has no category."""
    lowered = status.strip().lower()
    if lowered in _DONE_WORDS or lowered.startswith("done"):
        return "done"
    if lowered in _TODO_WORDS:
        return "todo"
    return "in_progress" if lowered else ""


_JIRA_CSV_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%Y-%m-%d %H:%M")


def parse_tracker_time(value: str) -> datetime | None:
    """ISO 8601, or Jira's `15/Jan/24 10:31 AM` (month by name: never ambiguous), in UTC."""
    moment = parse_time(value)
    if moment is not None:
        return moment
    for pattern in _JIRA_CSV_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@dataclass
class _CsvRow:
    line: int
    pairs: list[tuple[str, str]]

    def get(self, name: str) -> str:
        for header, value in self.pairs:
            if header == name and value.strip():
                return value.strip()
        return ""

    def all(self, name: str) -> list[str]:
        return [v.strip() for h, v in self.pairs if h == name and v.strip()]


def _csv_rows(text: str) -> tuple[list[str], list[_CsvRow], list[Problem]]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [], [Problem(line, None, "contains a NUL character", "remove it")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [], [Problem(1, None, "the file is empty", "export the issues again")]
    except csv.Error as exc:
        return [], [], [Problem(1, None, f"not valid CSV: {exc}")]
    headers = [h.strip().lower() for h in header]
    rows: list[_CsvRow] = []
    problems: list[Problem] = []
    previous = reader.line_num
    try:
        for values in reader:
            line = previous + 1
            previous = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(headers):
                problems.append(
                    Problem(
                        line,
                        None,
                        f"has {len(values)} values, the header has {len(headers)}",
                        "quote values that contain commas",
                    )
                )
                continue
            rows.append(_CsvRow(line, list(zip(headers, values, strict=True))))
    except csv.Error as exc:
        problems.append(Problem(previous + 1, None, f"not valid CSV: {exc}"))
    return headers, rows, problems


class _IssueReader:
    def __init__(self) -> None:
        self.items: list[IssueIn] = []
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}

    def problem(self, line: int | None, column: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(line, column, message, hint))

    def time(self, line: int, column: str, raw: str) -> datetime | None:
        if not raw:
            return None
        moment = parse_tracker_time(raw)
        if moment is None:
            self.problem(
                line,
                column,
                f"{raw!r} is not a date-time Steward can read without guessing",
                "use ISO 8601 (2024-01-15T10:31:22Z) or Jira's 15/Jan/24 10:31 AM",
            )
        return moment

    def add(self, item: IssueIn) -> None:
        if item.key in self.seen:
            self.problem(
                item.line,
                None,
                f"duplicate key {item.key!r}: already on line {self.seen[item.key]}",
                "keep one row per issue",
            )
            return
        self.seen[item.key] = item.line
        self.items.append(item)

    # Jira CSV ------------------------------------------------------------

    def jira_csv(self, rows: list[_CsvRow]) -> None:
        ids: dict[str, str] = {row.get("issue id"): row.get("issue key") for row in rows}
        for row in rows:
            key = row.get("issue key")
            if not key:
                self.problem(row.line, "Issue key", "is empty", "every row needs its issue key")
                continue
            parent = row.get("parent") or row.get("parent id")
            parent = ids.get(parent, parent)  # Jira often exports the parent's numeric id
            status = row.get("status")
            category = row.get("status category")
            self.add(
                IssueIn(
                    source=JIRA,
                    key=key,
                    line=row.line,
                    title=row.get("summary"),
                    item_type=row.get("issue type"),
                    status=status,
                    status_category=_JIRA_CATEGORY.get(category.lower(), "")
                    or status_category(category or status),
                    project=row.get("project key") or key.rsplit("-", 1)[0],
                    labels=row.all("labels"),
                    parent_key=parent,
                    epic_key=row.get("custom field (epic link)"),
                    assignee=row.get("assignee"),
                    estimate=self.number(
                        row.line, "Story Points", row.get("custom field (story points)")
                    ),
                    created_at=self.time(row.line, "Created", row.get("created")),
                    resolved_at=self.time(row.line, "Resolved", row.get("resolved")),
                )
            )

    def number(self, line: int, column: str, raw: str) -> Decimal | None:
        if not raw:
            return None
        try:
            value = Decimal(raw)
            if not value.is_finite() or value < 0 or value >= 10**6:
                raise InvalidOperation
        except InvalidOperation:
            self.problem(line, column, f"{raw!r} is not an estimate", "write a plain number")
            return None
        return value

    # Linear CSV ----------------------------------------------------------

    def linear_csv(self, rows: list[_CsvRow]) -> None:
        for row in rows:
            key = row.get("id")
            if not key:
                self.problem(row.line, "ID", "is empty", "every row needs the issue's ID")
                continue
            status = row.get("status")
            canceled = self.time(row.line, "Canceled", row.get("canceled"))
            completed = self.time(row.line, "Completed", row.get("completed"))
            labels = [x.strip() for x in row.get("labels").split(",") if x.strip()]
            self.add(
                IssueIn(
                    source=LINEAR,
                    key=key,
                    line=row.line,
                    title=row.get("title"),
                    item_type=labels[0] if labels else "",
                    status=status,
                    status_category="done" if (completed or canceled) else status_category(status),
                    project=row.get("project") or row.get("team"),
                    labels=labels,
                    parent_key=row.get("parent issue"),
                    assignee=row.get("assignee"),
                    estimate=self.number(row.line, "Estimate", row.get("estimate")),
                    created_at=self.time(row.line, "Created", row.get("created")),
                    started_at=self.time(row.line, "Started", row.get("started")),
                    resolved_at=completed or canceled,
                )
            )

    # JSON ----------------------------------------------------------------

    def jira_json(self, line: int, obj: dict[str, Any]) -> None:
        fields = _dict(obj.get("fields"))
        key = _str(obj.get("key"))
        if not key:
            self.problem(line, "key", "a Jira issue without its key", "export with the key field")
            return
        status = _dict(fields.get("status"))
        category = _dict(status.get("statusCategory"))
        kind = _dict(fields.get("issuetype"))
        project = _dict(fields.get("project"))
        parent = _dict(fields.get("parent"))
        assignee = _dict(fields.get("assignee"))
        created = self.time(line, "fields.created", _str(fields.get("created")))
        if created is None and not fields.get("created"):
            self.problem(line, "fields.created", "is missing", "export with fields=*all")
        started = None
        changelog = _dict(obj.get("changelog"))
        for history in _list(changelog.get("histories")):
            for change in _list(_dict(history).get("items")):
                moved = _dict(change).get("field") == "status"
                if moved and status_category(_str(change.get("toString"))) == "in_progress":
                    moment = parse_time(history.get("created"))
                    if moment is not None and (started is None or moment < started):
                        started = moment
        # The Epic Link is a custom field with a site-specific id: a field named like an epic
        # link whose value is an issue key (`customfield_10014`, exported with names).
        epic = ""
        names = _dict(obj.get("names"))
        for name, value in fields.items():
            label = _str(names.get(name)).lower()
            is_key = isinstance(value, str) and re.fullmatch(r"[A-Z][A-Z0-9]+-\d+", value)
            if name.startswith("customfield_") and is_key and "epic" in label:
                epic = value
        self.add(
            IssueIn(
                source=JIRA,
                key=key,
                line=line,
                title=_str(fields.get("summary")),
                item_type=_str(kind.get("name")),
                status=_str(status.get("name")),
                status_category=_JIRA_CATEGORY.get(_str(category.get("key")), "")
                or status_category(_str(status.get("name"))),
                project=_str(project.get("key")) or key.rsplit("-", 1)[0],
                labels=[_str(x) for x in _list(fields.get("labels")) if isinstance(x, str)],
                parent_key=_str(parent.get("key")),
                epic_key=epic,
                assignee=_str(assignee.get("displayName")),
                url=_str(obj.get("self")),
                created_at=created,
                started_at=started,
                resolved_at=self.time(
                    line, "fields.resolutiondate", _str(fields.get("resolutiondate"))
                ),
            )
        )

    def github_issue(self, line: int, obj: dict[str, Any]) -> None:
        if "pull_request" in obj:
            return  # /issues lists pull requests too: they come in through `import pulls`
        number = _int(obj.get("number"))
        match = re.search(r"/repos/([^/]+/[^/]+)$", _str(obj.get("repository_url")))
        repo = match.group(1) if match else ""
        if number is None or not repo:
            self.problem(line, "repository_url", "a GitHub issue without number or repository_url")
            return
        labels = [_str(x.get("name")) for x in _list(obj.get("labels")) if isinstance(x, dict)]
        kind = _dict(obj.get("type"))
        assignee = _user(obj.get("assignee"))
        milestone = _dict(obj.get("milestone"))
        parent = _pull_ref(obj.get("parent_issue_url"))
        state = _str(obj.get("state"))
        self.add(
            IssueIn(
                source=GITHUB,
                key=f"{repo}#{number}",
                line=line,
                title=_str(obj.get("title")),
                item_type=_str(kind.get("name")),
                status=state,
                status_category="done" if state == "closed" else "todo",
                project=_str(milestone.get("title")) or repo,
                repo=repo,
                labels=labels,
                parent_key=f"{parent[0]}#{parent[1]}" if parent else "",
                assignee=assignee.login if assignee else "",
                url=_str(obj.get("html_url")),
                created_at=self.time(line, "created_at", _str(obj.get("created_at"))),
                resolved_at=self.time(line, "closed_at", _str(obj.get("closed_at"))),
            )
        )


def read_issues(text: str, *, name: str = "") -> tuple[list[IssueIn], list[Problem]]:
    """Tracker items from a Jira CSV/JSON, GitHub issues JSON or Linear CSV export."""
    reader = _IssueReader()
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")) or name.lower().endswith(".json"):
        values, problems = json_values(text)
        reader.problems.extend(problems)
        for line, obj in _jira_pages(values):
            if not isinstance(obj, dict):
                reader.problem(line, None, "not an object", "give Jira issues or GitHub issues")
            elif "key" in obj and "fields" in obj:
                reader.jira_json(line, obj)
            elif "number" in obj and ("repository_url" in obj or "html_url" in obj):
                reader.github_issue(line, obj)
            else:
                reader.problem(
                    line,
                    None,
                    "neither a Jira issue (key, fields) nor a GitHub issue "
                    "(number, repository_url)",
                    "export Jira's /rest/api/2/search or GitHub's /repos/OWNER/REPO/issues",
                )
        return reader.items, reader.problems
    headers, rows, problems = _csv_rows(text)
    reader.problems.extend(problems)
    if "issue key" in headers:
        reader.jira_csv(rows)
    elif "id" in headers and "title" in headers:
        reader.linear_csv(rows)
    elif headers:
        reader.problem(
            1,
            None,
            "neither a Jira export (Issue key, Summary, ...) nor a Linear export (ID, Title, ...)",
            "export all fields as CSV from Jira or Linear",
        )
    return reader.items, reader.problems


def _jira_pages(values: list[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    # Jira's search answers {"issues": [...]} per page; the issues' lines are not tracked
    # inside such a page (the page's line is given).
    for line, value in values:
        if isinstance(value, dict) and isinstance(value.get("issues"), list):
            for issue in value["issues"]:
                yield line, issue
        else:
            yield line, value


def _gitlab_project(obj: dict[str, Any]) -> str:
    """The project path of a merge request: from `references.full`, else its `web_url`."""
    full = _str(_dict(obj.get("references")).get("full"))
    repo = full.rsplit("!", 1)[0] if "!" in full else ""
    if not repo:
        match = re.search(
            r"https?://[^/]+/(?P<path>.+?)/-/merge_requests/", _str(obj.get("web_url"))
        )
        repo = match.group("path") if match else ""
    return repo
