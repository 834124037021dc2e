"""Mapping rules applied to ledger and cloud-bill rows. Plain data in and out, no Django.

A rule matches one field of a row against a shell-style pattern (`*`, `?`), case-insensitive;
the first matching rule (lowest priority, then oldest) gives the targets. FOCUS fields:
`tag:<key>` (a key of the `Tags` JSON object), `sub_account` (id or name), `service`
(ServiceName), `resource` (id or name), `provider`. Ledger fields: `account`, `vendor`,
`cost_center`, `description`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """Where a row's cost goes; blank parts are not set by the rule."""

    category: str = ""
    cost_center_id: int | None = None
    team_id: int | None = None
    service: str = ""
    initiative: str = ""


UNMAPPED = Target()


@dataclass(frozen=True)
class Rule:
    """A compiled rule."""

    field: str
    regex: re.Pattern[str]
    target: Target


def compile_rules(rows: Iterable[tuple[str, str, Target]]) -> list[Rule]:
    """(field, pattern, target) in priority order -> compiled rules."""
    return [
        Rule(field.strip().lower(), re.compile(fnmatch.translate(pattern), re.IGNORECASE), target)
        for field, pattern, target in rows
    ]


def match(rules: Iterable[Rule], values: Mapping[str, Iterable[str]]) -> Target:
    """The target of the first rule matching one of the values of its field, else UNMAPPED."""
    for rule in rules:
        for value in values.get(rule.field, ()):
            if value and rule.regex.match(value):
                return rule.target
    return UNMAPPED


def focus_values(
    tags: Mapping[str, object],
    sub_account_id: str,
    sub_account_name: str,
    service: str,
    resource_id: str,
    resource_name: str,
    provider: str,
) -> dict[str, list[str]]:
    """The fields a FOCUS row offers to the rules."""
    values: dict[str, list[str]] = {
        "sub_account": [sub_account_id, sub_account_name],
        "service": [service],
        "resource": [resource_id, resource_name],
        "provider": [provider],
    }
    for key, value in tags.items():
        values[f"tag:{key.lower()}"] = ["true" if value is True else str(value)]
    return values
