"""What code knowledge adds to a team's page (its truck factor) and a person's page (what if
they left), through core's panel registry."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from steward.core import policy
from steward.core.errors import StewardError
from steward.core.registry import Panel, PanelRow
from steward.core.templatetags.steward_format import format_number
from steward.knowledge import selectors
from steward.knowledge.truckfactor import truck_factor


def _files(n: int) -> str:
    return f"{format_number(n)} file{'' if n == 1 else 's'}"


def team_knowledge(user: Any, team: Any) -> Panel | None:
    """The team's truck factor over its repositories, and its abandoned files."""
    repos = selectors.team_repositories(team)
    if not repos:
        return None
    try:
        analysis = selectors.analyse(repos)
    except StewardError:
        return None
    on = timezone.localdate()
    gone = selectors.departed_developers(analysis, on)
    result = truck_factor(analysis.authorship, without=gone)
    abandoned = len(selectors.abandoned_files(analysis, on))
    url = reverse("knowledge:risk") + f"#team-{team.slug}"
    return Panel(
        title="Code knowledge",
        rows=(
            PanelRow(
                "Truck factor",
                f"{result.truck_factor} (people whose departure leaves most of its "
                f"{_files(len(analysis.authorship.files))} without an author)",
                url,
            ),
            PanelRow("Abandoned files (every author has left)", _files(abandoned), url),
        ),
        more_url=reverse("knowledge:risk"),
        more_label="Code knowledge of every team",
    )


def person_knowledge(user: Any, person: Any) -> Panel | None:
    """Where the person is an author, and the files that would lose their last author if they
    left; only for the roles that may see the person's individual activity."""
    if not policy.may_see_individual_activity(user, person):
        return None
    on = timezone.localdate()
    rows = []
    for repo in selectors.repositories_authored_by(user, person.pk):
        try:
            analysis = selectors.analyse([repo])
        except StewardError:
            continue
        mine = selectors.developers_of_people(analysis, {person.pk})
        if not mine:
            continue
        authored = sum(1 for f in analysis.authorship.files if set(f.authors) & mine)
        if not authored:
            continue
        outcome = selectors.what_if(analysis, mine, on)
        lost = len(outcome["files_losing_last_author"])
        rows.append(
            PanelRow(
                repo.name,
                f"author of {_files(authored)}; {_files(lost)} would lose their last author"
                + (
                    f", truck factor {outcome['truck_factor_before']} → "
                    f"{outcome['truck_factor_after']}"
                    if outcome["truck_factor_before"] != outcome["truck_factor_after"]
                    else ""
                ),
                reverse("knowledge:map", args=[repo.name]),
            )
        )
    return Panel(
        title="Code knowledge: what if they left",
        rows=tuple(rows),
        empty="Not an author of any file in the ingested repositories.",
        more_url=reverse("knowledge:risk") + f"?leave={person.pk}",
        more_label="Effect on every repository and team",
    )


def cross_repository_coupling(user: Any, request: Any) -> Panel | None:
    """On the change-coupling page: repositories changed by the same work items, or by the
    same person on the same day (docs/code-knowledge.md, "Coupling across repositories")."""
    from urllib.parse import urlencode

    rows = []
    for by, unit in (("work-item", "work items"), ("author-day", "person-days")):
        data = selectors.cross_repository_coupling(actor=user, by=by)
        for pair in data["pairs"]:
            examples = f"; e.g. {', '.join(pair['examples'][:3])}" if pair["examples"] else ""
            query = urlencode(
                {"repo": pair["repo"], "coupled_repo": pair["coupled_repo"], "by": by}
            )
            rows.append(
                PanelRow(
                    f"{pair['repo']} and {pair['coupled_repo']} (same {unit[:-1]})",
                    f"change together in {format_number(pair['degree'])} % of their {unit} "
                    f"({format_number(pair['shared'])} shared of "
                    f"{format_number(pair['revisions_entity'])} and "
                    f"{format_number(pair['revisions_coupled'])}){examples}",
                    reverse("knowledge:cross_repository") + "?" + query,
                )
            )
    return Panel(
        title="Coupling across repositories (the same work item, or the same person on a day)",
        rows=tuple(rows),
        empty=(
            "No two repositories change together in the last 12 months (at least 5 shared "
            "work items or person-days and a degree of at least 30 %)."
        ),
    )
