"""Strategy pages: objectives tree, roadmap, board, prioritization, plan, alignment, innovation."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from steward.architecture import selectors as architecture_selectors
from steward.core.errors import BadInput
from steward.core.limits import Busy, expensive_slot
from steward.core.periods import parse_period, quarter_of
from steward.core.tables import list_response
from steward.org import selectors as org_selectors
from steward.strategy import charts, selectors, services
from steward.strategy.filtersets import InitiativeFilterSet
from steward.strategy.solving import live_plan_limits
from steward.strategy.tables import InitiativeTable


def objectives(request: HttpRequest) -> HttpResponse:
    """Objectives → key results and initiatives, with progress."""
    tree = selectors.objective_tree(actor=request.user)
    return render(request, "strategy/objectives.html", {"tree": tree})


def objective_detail(request: HttpRequest, key: str) -> HttpResponse:
    """An objective with its key results and their check-in history."""
    objective = selectors.objective_get(actor=request.user, key=key)
    if objective is None:
        raise Http404("no such objective")
    data = selectors.objective_dict(objective)
    history = {
        kr["key"]: selectors.key_result_history(
            actor=request.user, objective_key=key, key=kr["key"]
        )
        for kr in data["key_results"]
    }
    return render(
        request, "strategy/objective_detail.html", {"objective": data, "history": history}
    )


def initiatives(request: HttpRequest) -> HttpResponse:
    """Every initiative: sortable, filtered by team, owner, status and horizon, as CSV."""
    return _initiative_rows(request, csv_filename=None)


def initiatives_csv(request: HttpRequest) -> HttpResponse:
    """The initiatives of the list page (same filters and order) as a CSV download."""
    return _initiative_rows(request, csv_filename="initiatives.csv")


def _initiative_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.initiative_list(actor=request.user),
        table=InitiativeTable,
        filters=InitiativeFilterSet,
        template="strategy/initiatives.html",
        csv_url=reverse("strategy:initiatives_csv"),
        csv_filename=csv_filename,
    )


def initiative_detail(request: HttpRequest, key: str) -> HttpResponse:
    """An initiative with every field."""
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    return render(
        request,
        "strategy/initiative_detail.html",
        {
            "initiative": selectors.initiative_dict(initiative),
            "owner_team": initiative.owner_team,
            "efforts": [
                {"team": e.team, "person_weeks": e.person_weeks} for e in initiative.efforts.all()
            ],
            "objectives": [
                {"objective": link.objective, "weight": link.weight}
                for link in initiative.objective_links.all()
            ],
            "decisions": architecture_selectors.decisions_of_initiative(
                actor=request.user, key=initiative.key
            ),
        },
    )


def roadmap(request: HttpRequest) -> HttpResponse:
    """The quarter-by-quarter timeline with one lane per team."""
    return render(
        request, "strategy/roadmap.html", {"roadmap": selectors.roadmap(actor=request.user)}
    )


def board(request: HttpRequest) -> HttpResponse:
    """The now / next / later board."""
    team = request.GET.get("team") or None
    return render(
        request,
        "strategy/board.html",
        {"columns": selectors.board(actor=request.user, team=team), "team": team},
    )


def prioritization(request: HttpRequest) -> HttpResponse:
    """WSJF and RICE side by side, sortable; value-vs-effort chart; one-step rank changes."""
    sort = request.GET.get("sort", "wsjf")
    if sort not in selectors.SORT_KEYS:
        sort = "wsjf"
    data = selectors.prioritization(actor=request.user, sort=sort)
    chart = mark_safe(charts.value_effort_svg(data["items"])) if data["items"] else ""
    return render(
        request,
        "strategy/prioritization.html",
        {"data": data, "chart": chart, "sort_keys": selectors.SORT_KEYS},
    )


def plan(request: HttpRequest) -> HttpResponse:
    """The optimizer's roadmap for the live data beside the current one (a stored solution,
    recomputed when its inputs change); in-progress work stays put unless `replan` is set."""
    from datetime import datetime

    first = quarter_of(date.today()) + 1
    quarters = request.GET.get("quarters") or f"{first}..{first + 3}"
    replan = request.GET.get("replan") in ("1", "on", "true")
    context: dict[str, object] = {"quarters": quarters, "replan": replan}
    try:
        with expensive_slot(str(request.user.pk), what="portfolio solve", retry_after=21):
            result = services.plan_current(
                quarters=quarters, replan_in_progress=replan, **live_plan_limits()
            )
    except (BadInput, Busy) as exc:
        context["error"] = str(exc)
        return render(request, "strategy/plan.html", context)
    initiatives = list(selectors.initiative_list(actor=request.user))
    current = {i.key: i.planned_start or None for i in initiatives}
    titles = {i.key: i.title for i in initiatives}
    team_names = dict(
        org_selectors.team_list(actor=request.user).values_list("slug", "name")  # type: ignore[arg-type]
    )
    fixed = result.get("fixed", {})
    rows = []
    for key in sorted(set(result["schedule"]) | set(result["unscheduled"]) | set(fixed)):
        proposed = fixed.get(key) or result["schedule"].get(key)
        rows.append(
            {
                "key": key,
                "title": titles.get(key, ""),
                "current": current.get(key),
                "proposed": proposed,
                "fixed": key in fixed,
                "changed": key not in fixed and (current.get(key) or None) != proposed,
                "cells_current": [current.get(key) == q for q in result["quarters"]],
                "cells_proposed": [proposed == q for q in result["quarters"]],
            }
        )
    bottlenecks = [
        {**b, "team_name": team_names.get(b["team"], b["team"])} for b in result["bottlenecks"]
    ]
    context.update(
        {
            "result": result,
            "rows": rows,
            "bottlenecks": bottlenecks,
            "computed_at": datetime.fromisoformat(result["computed_at"]),
        }
    )
    return render(request, "strategy/plan.html", context)


def alignment(request: HttpRequest) -> HttpResponse:
    """Where engineering time went against the plan's intended share per objective."""
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    team = request.GET.get("team") or None
    report = selectors.alignment_report(actor=request.user, start=start, end=end, team=team)
    # Slugs and names only: 245 teams as objects with their leads and departments cost ~10 ms.
    teams = [
        (slug, name)
        for slug, name in org_selectors.team_list(actor=request.user)
        .order_by("name")
        .values_list("slug", "name")
    ]
    names = dict(teams)
    for row in report["by_team_month"]:
        row["team_name"] = names.get(row["team"], row["team"])
    return render(
        request,
        "strategy/alignment.html",
        {
            "report": report,
            "teams": [{"slug": slug, "name": name} for slug, name in teams],
            "team_name": names.get(team or "", team),
        },
    )


def alignment_commits(request: HttpRequest) -> HttpResponse:
    """The commits behind an initiative's attributed effort."""
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    initiative = request.GET.get("initiative") or None
    objective = request.GET.get("objective") or None
    if initiative is None and objective is None and not request.GET.get("month"):
        initiative = "unlinked"
    team = request.GET.get("team") or None
    month = request.GET.get("month") or None
    rows = selectors.alignment_commits(
        actor=request.user,
        start=start,
        end=end,
        initiative=initiative,
        objective=objective,
        team=team,
        month=month,
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return render(
        request,
        "strategy/alignment_commits.html",
        {
            "rows": page.object_list,
            "page": page,
            "q": query,
            "count": rows.rows,
            "total": rows.total,
            "initiative": initiative or (f"objective {objective}" if objective else "all effort"),
            "team": team,
            "month": month,
            "start": start,
            "end": end,
        },
    )


def innovation(request: HttpRequest) -> HttpResponse:
    """The idea/experiment pipeline and the improvement actions with their closure rate."""
    ideas = list(selectors.idea_list(actor=request.user))
    columns = {
        s: [i for i in ideas if i.status == s]
        for s in ("proposed", "experimenting", "adopted", "dropped")
    }
    return render(
        request,
        "strategy/innovation.html",
        {
            "columns": columns,
            "actions": selectors.action_list(actor=request.user),
            "closure": selectors.action_closure(actor=request.user, today=date.today()),
            "today": date.today(),
        },
    )
