"""`steward architecture ...`: technology detection from the repositories' manifests."""

from __future__ import annotations

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, err_console, print_json
from steward.core.errors import BadInput

architecture_app = typer.Typer(
    help="Architecture stewardship: detect the technologies the repositories use.",
    no_args_is_help=True,
)


@architecture_app.command("detect")
@command
def detect(
    repo: list[str] = typer.Option(  # noqa: B008 - typer's way to declare a repeated option
        [], "--repo", metavar="NAME", help="Only this repository (repeatable); default: all."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was found as JSON."),
) -> None:
    """Read every ingested repository's manifests at HEAD and store the technologies they use;
    then list Hold technologies still in use and Adopt technologies used nowhere."""
    from django.utils import timezone

    from steward.architecture import selectors, services
    from steward.engineering import selectors as engineering_selectors

    repos = engineering_selectors.repository_list(actor=SYSTEM).exclude(path="")
    if repo:
        repos = repos.filter(name__in=repo)
        missing = sorted(set(repo) - set(repos.values_list("name", flat=True)))
        if missing:
            raise BadInput(f"--repo {', '.join(missing)}: no such ingested repository")
    results = []
    for repository in repos.order_by("name"):
        try:
            results.append(services.detect_repository(actor=SYSTEM, repository=repository))
        except services.RadarError as exc:
            err_console.print(str(exc), markup=False)
    flags = selectors.detection_flags(actor=SYSTEM, day=timezone.localdate())
    hold = [
        {"technology": item["blip"].technology.name, "repositories": item["repositories"]}
        for item in flags["hold_in_use"]
    ]
    unused = [b.technology.name for b in flags["adopt_unused"]]
    if as_json:
        print_json(
            {
                "repositories": [
                    {
                        "repo": r.repository,
                        "rev": r.revision,
                        "manifests": r.manifests,
                        "uses": r.uses,
                        "notes": r.notes,
                    }
                    for r in results
                ],
                "hold_in_use": hold,
                "adopt_unused": unused,
            }
        )
        return
    for r in results:
        console.print(f"{r.repository}: {r.uses} dependencies in {len(r.manifests)} manifests")
        for note in r.notes:
            err_console.print(note, markup=False)
    for item in hold:
        console.print(
            f"On Hold but used: {item['technology']} in {', '.join(item['repositories'])}"
        )
    if unused:
        console.print(f"On Adopt but unused: {', '.join(unused)}")


def _register_metrics() -> None:
    """`steward metrics cross-team-coupling` (on engineering's `metrics` group)."""
    from steward.engineering.cli import metrics_app

    @metrics_app.command("cross-team-coupling")
    @command
    def metrics_cross_team_coupling(
        months: int = typer.Option(12, min=1, help="Window in months (default 12)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (docs/api.md shape)."),
    ) -> None:
        """Change coupling between modules owned by different teams (catalog entities with
        paths, the rest of their repository), compared with the declared team interactions."""
        from steward.architecture import selectors

        data = selectors.cross_team_coupling(actor=SYSTEM, months=months)
        if as_json:
            print_json(data)
            return
        console.print(
            f"Cross-team coupling since {data['since']}: {len(data['teams']):,} pairs of teams",
            markup=False,
        )
        for row in data["teams"]:
            declared = (
                f"declared: {', '.join(row['modes'])}"
                if row["declared"]
                else "no declared interaction"
            )
            console.print(
                f"  {row['team_name']} ~ {row['other_name']}: up to {row['degree']} % "
                f"({row['shared']:,} shared commits; {declared})",
                markup=False,
            )
        for pair in data["pairs"]:
            console.print(
                f"    {pair['repo']}: {pair['module']} ({pair['module_team_name']}) ~ "
                f"{pair['coupled']} ({pair['coupled_team_name']}): {pair['degree']} % "
                f"({pair['shared']:,} of {pair['revisions_module']:,} and "
                f"{pair['revisions_coupled']:,} commits)",
                markup=False,
            )


_register_metrics()
