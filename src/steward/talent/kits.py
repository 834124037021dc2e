"""Interview kits per role and level: the role description's competencies, plus what the career
ladder expects at the level, weighted towards what the level asks beyond the level below.

The ladder lives in the growth app, on talent's floor (ARCHITECTURE.md: neither imports the
other), so a face (the cockpit's `ready()`) registers growth's selector here
(`register_level_expectations`); it answers "what does the ladder expect at level X" with plain
data. Without a provider, or for a level the ladder does not know, a kit has the role's
competencies only.

Steward's rule (the issue and FORMATS.md 5.1 name "focus attributes" but no weights):
- every competency of the role description: weight 1;
- every ladder competency with an expectation at the level: an attribute whose `expected` is
  the ladder's criteria (one question per criterion); weight 2 and `focus` when the level asks
  more than the level below — the competency has no expectation there, or a different one —,
  else weight 1. The most junior level of a track has nothing below it: no focus;
- a ladder competency with the name of a role competency (ignoring case) is that attribute (it
  takes the ladder's criteria, focus and weight), not a second one.
Role competencies come first, in the role's order, then the ladder's, in the ladder's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FOCUS_WEIGHT = 2


@dataclass(frozen=True)
class LadderExpectation:
    """What the ladder expects of one competency at a level (and at the level below)."""

    competency: str
    category: str
    criteria: list[str]
    examples: list[str] = field(default_factory=list)
    # The criteria at the level below; None when the competency has no expectation there.
    below: list[str] | None = None


@dataclass(frozen=True)
class LadderLevel:
    """A ladder level as the provider describes it."""

    key: str
    title: str
    rank: int
    track: str
    has_below: bool
    expectations: list[LadderExpectation]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LadderLevel:
        """From a provider's plain data (the keys of this class and of LadderExpectation)."""
        return cls(
            key=str(data["key"]),
            title=str(data.get("title", "")),
            rank=int(data["rank"]),
            track=str(data.get("track", "")),
            has_below=bool(data["has_below"]),
            expectations=[
                LadderExpectation(
                    competency=str(e["competency"]),
                    category=str(e.get("category", "")),
                    criteria=[str(c) for c in e.get("criteria", [])],
                    examples=[str(x) for x in e.get("examples", [])],
                    below=None if e.get("below") is None else [str(c) for c in e["below"]],
                )
                for e in data.get("expectations", [])
            ],
        )


# (actor, level key) -> the ladder level of that key as plain data, or None.
LevelProvider = Callable[[Any, str], "dict[str, Any] | None"]
_providers: list[LevelProvider] = []


def register_level_expectations(provider: LevelProvider) -> None:
    """Called from a face's `ready()`: `provider(actor, level_key)` answers the ladder's level
    of that key as plain data (or None)."""
    if provider not in _providers:
        _providers.append(provider)


def ladder_level(actor: Any, level: str) -> LadderLevel | None:
    """The first provider's answer for `level` (None without a provider or a match)."""
    if not level.strip():
        return None
    for provider in _providers:
        found = provider(actor, level.strip())
        if found is not None:
            return LadderLevel.from_data(found)
    return None


def _question(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"Tell us about a time you showed this: {text[0].lower()}{text[1:]}." if text else ""


def is_focus(expectation: LadderExpectation, has_below: bool) -> bool:
    """Whether the level asks more of this competency than the level below."""
    if not has_below:
        return False
    return expectation.below is None or list(expectation.below) != list(expectation.criteria)


def competencies(
    role_competencies: list[dict[str, Any]], level: LadderLevel | None
) -> list[dict[str, Any]]:
    """The kit's attributes: the role's (weight 1) and the ladder's at `level` (see the module
    docstring for the weights)."""
    found = [
        {**c, "weight": 1, "focus": False, "source": "role", "expected": []}
        for c in role_competencies
    ]
    if level is None:
        return found
    by_name = {c["name"].lower(): c for c in found}
    for e in level.expectations:
        if not e.criteria:
            continue
        focus = is_focus(e, level.has_below)
        ladder = {
            "focus": focus,
            "weight": FOCUS_WEIGHT if focus else 1,
            "expected": list(e.criteria),
        }
        same = by_name.get(e.competency.lower())
        if same is not None:
            same.update(ladder, source="role and ladder")
            continue
        entry = {
            "name": e.competency[:120],
            "category": e.category or "Level expectations",
            "questions": [q for q in (_question(c) for c in e.criteria) if q],
            "source": "ladder",
            **ladder,
        }
        found.append(entry)
        by_name[e.competency.lower()] = entry
    return found


def weighted_rating(ratings: list[dict[str, Any]], kit_competencies: list[dict[str, Any]]) -> Any:
    """Σ weight × rating ÷ Σ weight over the rated attributes (weight 1 for an attribute the
    kit does not name); None when nothing is rated."""
    weights = {c["name"]: int(c.get("weight", 1)) for c in kit_competencies}
    total = weight_sum = 0
    for r in ratings:
        if r.get("rating") is None:
            continue
        w = weights.get(r.get("attribute", ""), 1)
        total += w * int(r["rating"])
        weight_sum += w
    return total / weight_sum if weight_sum else None
