"""Job posts rendered from a requisition's role description, in the seed's Markdown format
(`samples/role-cto.md`: YAML front matter with title and description, a summary, sections)."""

from __future__ import annotations

from typing import Any

from steward.talent.models import Requisition


def _section(node: dict[str, Any], depth: int) -> list[str]:
    lines = [f"{'#' * min(6, depth)} {node.get('heading', '')}"]
    lines += [str(item) for item in node.get("items", [])]
    lines.append("")
    for child in node.get("children", []):
        lines += _section(child, depth + 1)
    return lines


def job_post_markdown(req: Requisition) -> str:
    """The job post: front matter, the role's summary and sections, then the opening's facts."""
    role = req.role
    title = req.title
    description = role.description if role else f"{req.title} in {req.team.name}"
    lines = ["---", f"title: {title}", f"description: {description}", "---", ""]
    if role is not None and role.summary:
        lines += [role.summary, ""]
    if req.team.mission:
        lines += [f"You join {req.team.name}: {req.team.mission}", ""]
    for node in (role.sections if role else []) or []:
        lines += _section(node, 2)
    lines += [
        "## About the opening",
        f"Team: {req.team.name}",
        f"Level: {req.level}",
        f"Start: {req.target_start:%B %Y}",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n"
