"""A repository's `remote.origin.url`, read from its config file instead of running git.

The employer-brand page asks every ingested repository for its remote (to offer the public
ones as open-source activities); one `git config` process per repository cost ~4 ms of wall
time each, most of that page's time. The common layouts are read directly: a work tree's
`.git/config` and a bare repository's `config`. Anything else — a `.git` file (worktree,
submodule), an `[include]` or `[includeIf]` section, a line this reader does not understand —
falls back to `git config --get remote.origin.url`, so the answer is always git's.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_SECTION = re.compile(r'^\[([A-Za-z0-9.-]+)(?: +"([^"\\]*)")?\]$')
_VARIABLE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")


class _Unreadable(Exception):
    """The file needs git itself (an include, a quoted or escaped value, an odd line)."""


def remote_url(path: str) -> str:
    """`remote.origin.url` of the repository at `path` ("" when there is none)."""
    if not path:
        return ""
    config = _config_file(Path(path))
    if config is not None:
        try:
            return _origin_url(config.read_text(encoding="utf-8"))
        except (_Unreadable, OSError, UnicodeDecodeError):
            pass
    return _ask_git(path)


def _config_file(root: Path) -> Path | None:
    """The repository's own config file in the two plain layouts, else None."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git / "config"
    if not dot_git.exists() and (root / "HEAD").is_file() and (root / "config").is_file():
        return root / "config"  # a bare repository
    return None


def _origin_url(text: str) -> str:
    """The last `url` of `[remote "origin"]` in a git config file's text."""
    section: tuple[str, str | None] = ("", None)
    found = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            match = _SECTION.match(line)
            if match is None:
                raise _Unreadable(line)
            section = (match.group(1).lower(), match.group(2))
            if section[0] in ("include", "includeif") or section[0].startswith("includeif."):
                raise _Unreadable(line)
            continue
        match = _VARIABLE.match(line)
        if match is None:
            raise _Unreadable(line)
        if section == ("remote", "origin") and match.group(1).lower() == "url":
            if match.group(2) is None:
                raise _Unreadable(line)
            found = _value(match.group(2))
    return found


def _value(text: str) -> str:
    """A plain config value with a trailing comment dropped (quotes and escapes go to git)."""
    if "\\" in text or '"' in text:
        raise _Unreadable(text)
    return re.split(r"[#;]", text, maxsplit=1)[0].strip()


def _ask_git(path: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", path, "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()
