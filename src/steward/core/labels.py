"""Plain-language labels for the codes the product stores (flag kinds, statuses, field names).

One registry: each app registers its codes in `AppConfig.ready()` (`labels.register(...)`), and
templates show `{{ code|label }}` (or `{{ code|label:"namespace" }}` where a code means different
things in different places). A code nobody registered is still shown readably ("team_of_one" →
"Team of one"), never as an identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_LABELS: dict[tuple[str, str], str] = {}

_SEPARATORS = re.compile(r"[_\-]+")


def register(labels: Mapping[str, str], namespace: str = "") -> None:
    """Add `code -> label` pairs, optionally under a namespace (a later call wins)."""
    for code, text in labels.items():
        _LABELS[(namespace, str(code))] = str(text)


def register_choices(choices: object, namespace: str = "") -> None:
    """Register the labels of a Django `TextChoices` class (its `.choices` pairs)."""
    register(dict(choices.choices), namespace)  # type: ignore[attr-defined]


def humanize(code: str) -> str:
    """A readable fallback for an unregistered code: separators to spaces, first letter upper."""
    text = _SEPARATORS.sub(" ", code).strip()
    return text[:1].upper() + text[1:] if text else text


def label(code: object, namespace: str = "") -> str:
    """The label of `code` in `namespace`, else in the global namespace, else humanized."""
    if code is None:
        return ""
    key = str(code)
    if namespace and (namespace, key) in _LABELS:
        return _LABELS[(namespace, key)]
    if ("", key) in _LABELS:
        return _LABELS[("", key)]
    return humanize(key)


def registered() -> dict[tuple[str, str], str]:
    """A copy of every registered label (for docs and tests)."""
    return dict(_LABELS)


# Codes shared across apps.
register(
    {
        "admin": "Administrator",
        "cto": "CTO",
        "executive": "Executive",
        "finance": "Finance",
        "people": "People",
        "architect": "Architect",
        "manager": "Manager",
        "engineer": "Engineer",
    },
    "role",
)
