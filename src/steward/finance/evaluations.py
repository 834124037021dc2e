"""Weighted vendor evaluations and their decision record. Plain data in and out, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal


def weighted_scores(
    weights: Mapping[str, Decimal | float | int],
    scores: Mapping[str, Mapping[str, Decimal | float | int]],
) -> list[tuple[str, Decimal]]:
    """(vendor, Σ weight x score ÷ Σ weight) best first; a missing score counts 0."""
    total = sum((Decimal(str(w)) for w in weights.values()), Decimal(0))
    out = []
    for vendor, given in scores.items():
        value = sum(
            (Decimal(str(w)) * Decimal(str(given.get(c, 0))) for c, w in weights.items()),
            Decimal(0),
        )
        out.append((vendor, (value / total).quantize(Decimal("0.01")) if total else Decimal(0)))
    out.sort(key=lambda r: (-r[1], r[0]))
    return out


def decision_markdown(
    title: str,
    weights: Mapping[str, Decimal | float | int],
    scores: Mapping[str, Mapping[str, Decimal | float | int]],
) -> str:
    """A MADR-shaped body: the options, the weighted table and the chosen (best) vendor."""
    ranked = weighted_scores(weights, scores)
    criteria = list(weights)
    lines = [
        "## Context and Problem Statement",
        "",
        f"{title}: vendors compared on weighted criteria (scores 0-5).",
        "",
        "## Considered Options",
        "",
        *[f"* {vendor}" for vendor, _ in ranked],
        "",
        "## Decision Outcome",
        "",
        f'Chosen option: "{ranked[0][0]}", because it has the highest weighted score '
        f"({ranked[0][1]})."
        if ranked
        else "No option scored.",
        "",
        "| vendor | " + " | ".join(f"{c} (×{weights[c]})" for c in criteria) + " | weighted |",
        "|---|" + "---|" * len(criteria) + "---|",
    ]
    for vendor, score in ranked:
        cells = " | ".join(str(scores[vendor].get(c, 0)) for c in criteria)
        lines.append(f"| {vendor} | {cells} | {score} |")
    return "\n".join(lines) + "\n"
