"""Configurable patterns of the engineering app: bots and link keys.

Stored as instance settings (editable by an admin), defaulting to the environment variables
`STEWARD_BOT_PATTERNS` (comma-separated substrings) and `STEWARD_LINK_KEY_PATTERNS` (a JSON list
of regular expressions), else the built-in defaults.
"""

from __future__ import annotations

import json
import os
import re

from steward.core.instance import setting_get, setting_set
from steward.engineering import linkkeys

BOT_KEY = "engineering.bot_patterns"
LINK_KEY = "engineering.link_key_patterns"
DEFAULT_BOT_PATTERNS = (
    "[bot]",
    "dependabot",
    "renovate",
    "github-actions",
    "noreply@github.com",
    "ci@",
    "jenkins",
)


def bot_patterns() -> list[str]:
    """Case-insensitive substrings of a name or email that mark an identity as a bot."""
    stored = setting_get(BOT_KEY)
    if stored:
        return [str(p) for p in stored]
    env = os.environ.get("STEWARD_BOT_PATTERNS")
    if env:
        return [p.strip() for p in env.split(",") if p.strip()]
    return list(DEFAULT_BOT_PATTERNS)


def link_key_patterns() -> list[str]:
    """Regular expressions whose matches in commit messages and branch names are link keys."""
    stored = setting_get(LINK_KEY)
    if stored:
        return [str(p) for p in stored]
    env = os.environ.get("STEWARD_LINK_KEY_PATTERNS")
    if env:
        return [str(p) for p in json.loads(env)]
    return list(linkkeys.DEFAULT_PATTERNS)


def patterns_set(*, bots: list[str] | None = None, link_keys: list[str] | None = None) -> None:
    """Store new patterns (validated: each link-key pattern must compile)."""
    if bots is not None:
        setting_set(BOT_KEY, [b for b in bots if b])
    if link_keys is not None:
        for pattern in link_keys:
            re.compile(pattern)
        setting_set(LINK_KEY, [p for p in link_keys if p])


def looks_like_bot(name: str, email: str, patterns: list[str]) -> bool:
    """True when the name or email contains one of `patterns` (case-insensitive)."""
    text = f"{name}\n{email}".lower()
    return any(p.lower() in text for p in patterns)
