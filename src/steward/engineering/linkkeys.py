"""Link keys (issue or initiative references such as PAY-123 or #42) found in commit text.

Plain Python: the patterns are passed in, so tests and settings decide what counts as a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

DEFAULT_PATTERNS = (r"\b[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,6}\b", r"(?<![\w&])#[1-9][0-9]{0,6}\b")

# "Merge branch 'x'", "Merge branch 'x' into main", "Merge pull request #42 from owner/x",
# "Merge remote-tracking branch 'origin/x'": the merged branch names the work too.
_MERGE_BRANCH = re.compile(
    r"^Merge (?:remote-tracking )?branch '(?P<branch>[^']+)'"
    r"|^Merge pull request #\d+ from (?P<pr>\S+)"
)


# Cheap tests that every match of a default pattern passes (a key has "-" then a digit; an issue
# number has "#" then a digit): most commit messages hold no key and are skipped after them,
# instead of running the full pattern (whose leading \b or look-behind rules out the regex
# engine's literal-prefix search) over the whole message.
_PREFILTERS = {
    DEFAULT_PATTERNS[0]: re.compile(r"-[1-9]"),
    DEFAULT_PATTERNS[1]: re.compile(r"#[1-9]"),
}
_PLAIN = re.compile("").flags  # flags of a pattern compiled without any (re.UNICODE for str)


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile the configured patterns (a pattern with a group keeps the first group)."""
    return [re.compile(p) for p in patterns]


def extract(text: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """Distinct keys in `text`, in order of first appearance."""
    found: dict[str, None] = {}
    for pattern in patterns:
        prefilter = _PREFILTERS.get(pattern.pattern) if pattern.flags == _PLAIN else None
        if prefilter is not None and prefilter.search(text) is None:
            continue
        if pattern.groups > 1:
            keys = [match.group(1) for match in pattern.finditer(text)]
        else:
            # findall gives the whole match (no group) or the group ("" where it took no part).
            keys = pattern.findall(text)
        for key in keys:
            if key:
                found.setdefault(key, None)
    return list(found)


def merged_branch(message: str) -> str | None:
    """The branch a merge commit's message says it merged, if any."""
    match = _MERGE_BRANCH.match(message)
    if match is None:
        return None
    branch = match.group("branch") or match.group("pr") or ""
    return branch or None


def commit_keys(message: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[str, str]]:
    """(key, source) pairs of a commit: source "message" or "branch" (the merged branch's name)."""
    branch = merged_branch(message)
    branch_keys = extract(branch, patterns) if branch else []
    keys = [(k, "branch") for k in branch_keys]
    keys += [(k, "message") for k in extract(message, patterns) if k not in branch_keys]
    return keys
