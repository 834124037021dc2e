"""Organization pages: org chart, teams, people and role descriptions."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote_plus, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from steward.core import policy, registry
from steward.core.markdown_html import render_markdown
from steward.core.tables import list_response
from steward.org import chartlayout, chartsvg, selectors
from steward.org.filtersets import PersonFilterSet, TeamFilterSet
from steward.org.tables import PersonTable, TeamTable


def _chart_toggles(request: HttpRequest) -> frozenset[str]:
    return frozenset(t for t in request.GET.get("toggle", "").split(",") if t)


def chart(request: HttpRequest) -> HttpResponse:
    """The org chart as SVG boxes and lines, by reporting line or by team; a box's toggle
    link opens or closes its subtree (state in the URL, so it works without JavaScript)."""
    view = "teams" if request.GET.get("view") == "teams" else "reporting"
    expand_all = request.GET.get("all") == "1"
    toggles = _chart_toggles(request)
    nodes = selectors.chart_nodes(actor=request.user, view=view)
    levels = chartlayout.default_levels(nodes)

    def expanded(node_id: str, depth: int) -> bool:
        default = expand_all or depth < levels
        return default != (node_id in toggles)

    drawing = chartlayout.layout(nodes, expanded)
    # urlencode({**base, "toggle": ...}) without re-encoding the common part for every box.
    base = urlencode({"view": view, **({"all": "1"} if expand_all else {})})
    for box in drawing.boxes:
        flipped = sorted(toggles ^ {box.node.id})
        query = f"{base}&toggle={quote_plus(','.join(flipped))}" if flipped else base
        box.toggle_url = f"?{query}#n-{box.node.id}"
    return render(
        request,
        "org/chart.html",
        {
            "view": view,
            "drawing": drawing,
            "print_pages": _print_pages(nodes, expanded),
            "boxes_svg": chartsvg.boxes_svg(drawing),
            "edges_svg": chartsvg.edges_svg(drawing),
            "expand_all": expand_all,
            "people": sum(1 for n in nodes if n.kind == "person"),
        },
    )


# A4 landscape between print.css's 12 mm side and 14 mm top and bottom margins, at 96 px per
# inch: 273 x 182 mm = 1,031 x 687 px. The first page leaves room for the heading.
PRINT_WIDTH, PRINT_FIRST_PAGE, PRINT_PAGE = 1024, 560, 680


def _print_pages(nodes, expanded) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The chart as printed: the same boxes open, flowed by subtree to the landscape page's
    width at the screen's size (text 11 px and more), cut into pages between rows of boxes."""
    drawing = chartlayout.layout(
        nodes, expanded, max_width=PRINT_WIDTH, v_gap=chartlayout.PRINT_V_GAP
    )
    pages = []
    for top, height in chartlayout.page_cuts(drawing, PRINT_FIRST_PAGE, PRINT_PAGE):
        page = chartlayout.Layout(width=drawing.width, height=height)
        page.boxes = [b for b in drawing.boxes if top <= b.y < top + height]
        page.edges = [
            d
            for d, (y0, y1) in zip(drawing.edges, drawing.edge_spans, strict=True)
            if y0 < top + height and y1 > top
        ]
        pages.append(
            {
                "top": top,
                "width": drawing.width,
                "height": height,
                "boxes_svg": chartsvg.boxes_svg(page, ids=False),
                "edges_svg": chartsvg.edges_svg(page),
            }
        )
    return pages


def chart_team(request: HttpRequest, slug: str) -> HttpResponse:
    """HTMX fragment: the active members of a team."""
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    members = selectors.team_members(actor=request.user, team=team)
    return render(request, "org/_team_members.html", {"team": team, "members": members})


def chart_reports(request: HttpRequest, employee_id: str) -> HttpResponse:
    """HTMX fragment: the direct reports of a person."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    reports = selectors.direct_reports(actor=request.user, person=person)
    return render(
        request,
        "org/_reports.html",
        {"reports": reports, "report_counts": selectors.report_counts()},
    )


def team_list(request: HttpRequest) -> HttpResponse:
    """All teams with type, department, lead and size; sortable, filterable, as CSV."""
    return _team_rows(request, csv_filename=None)


def team_list_csv(request: HttpRequest) -> HttpResponse:
    """The teams of the list page (same filters and order) as a CSV download."""
    return _team_rows(request, csv_filename="teams.csv")


def _team_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.team_list_with_sizes(actor=request.user),
        table=TeamTable,
        filters=TeamFilterSet,
        template="org/team_list.html",
        csv_url=reverse("org:team_list_csv"),
        csv_filename=csv_filename,
    )


def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A team: mission, type, lead and members."""
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    members = list(selectors.team_members(actor=request.user, team=team))
    panels = registry.panels("team", request.user, team)
    context = {"team": team, "members": members, "panels": panels}
    return render(request, "org/team_detail.html", context)


def person_list(request: HttpRequest) -> HttpResponse:
    """People the user may see, filtered by name, team and manager; leavers on request."""
    return _person_rows(request, csv_filename=None)


def person_list_csv(request: HttpRequest) -> HttpResponse:
    """The people of the list page (same filters and order) as a CSV download; salary only
    for the roles that see every salary."""
    return _person_rows(request, csv_filename="people.csv")


def _person_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.person_list(actor=request.user).prefetch_related(None),  # no emails shown
        table=PersonTable,
        filters=PersonFilterSet,
        template="org/person_list.html",
        csv_url=reverse("org:person_list_csv"),
        csv_filename=csv_filename,
    )


def person_detail(request: HttpRequest, employee_id: str) -> HttpResponse:
    """A person's record, showing only the fields the user may see."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    data = selectors.person_visible_dict(actor=request.user, person=person)
    reports = selectors.direct_reports(actor=request.user, person=person)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "panels": registry.panels("person", request.user, person),
            "data": data,
            "reports": reports,
            "may_see_compensation": policy.may_see_compensation(request.user, person),
            "may_see_private": "employment_type" in data,
            "active": person.is_active_on(date.today()),
            "history": selectors.person_history(person),
        },
    )


def role_list(request: HttpRequest) -> HttpResponse:
    """Role descriptions."""
    return render(request, "org/role_list.html", {"roles": selectors.role_list(actor=request.user)})


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A role description rendered from its Markdown."""
    role = selectors.role_get(actor=request.user, slug=slug)
    if role is None:
        raise Http404("no such role")
    return render(
        request, "org/role_detail.html", {"role": role, "body_html": render_markdown(role.body)}
    )
