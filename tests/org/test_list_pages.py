"""The people and teams lists (core.tables, core.filters): sorting, pages, filters by name, bad
values and the CSV download through the policy. Expected rows come from the models and the
rules written out here, never from the tables' own code."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date

import pytest

from steward.org.models import Person, Team
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db

PERSON_LINK = re.compile(r'<a href="/org/people/([^/"]+)/">')
TEAM_LINK = re.compile(r'<td ?[^>]*><a href="/org/teams/([^/"]+)/">')


def _active(day: date | None = None) -> list[Person]:
    day = day or date.today()
    return [p for p in Person.objects.all() if p.is_active_on(day)]


def _ids_on_page(body: str) -> list[str]:
    table = body[body.index("<tbody") : body.index("</tbody>")]
    return [m for m in PERSON_LINK.findall(table)]


def _all_pages(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    page = 1
    while True:
        sep = "&" if "?" in url else "?"
        body = client.get(f"{url}{sep}page={page}").content.decode()
        ids += _ids_on_page(body)
        if f"page={page + 1}" not in body:
            return ids
        page += 1


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- sorting and pages ---------------------------------------------------------------------


def test_people_sort_by_start_date_both_ways(client_as) -> None:  # type: ignore[no-untyped-def]
    # Dates, not names: the order of names depends on the database's collation.
    client = client_as("cto")
    starts = sorted(p.start_date for p in _active())
    body = client.get("/org/people/", {"sort": "start_date"}).content.decode()
    shown = [Person.objects.get(employee_id=i).start_date for i in _ids_on_page(body)]
    assert shown == starts[:50]
    assert 'aria-sort="ascending"' in body
    body = client.get("/org/people/", {"sort": "-start_date"}).content.decode()
    shown = [Person.objects.get(employee_id=i).start_date for i in _ids_on_page(body)]
    assert shown == starts[::-1][:50]
    assert 'aria-sort="descending"' in body
    assert starts[0] != starts[-1]


def test_teams_sort_by_size_counts_active_members(client_as) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    size = {
        t.slug: sum(1 for p in Person.objects.filter(team=t) if p.is_active_on(today))
        for t in Team.objects.all()
    }
    body = client_as("engineer").get("/org/teams/", {"sort": "-size"}).content.decode()
    slugs = TEAM_LINK.findall(body)
    assert sorted(slugs) == sorted(size)
    assert [size[s] for s in slugs] == sorted(size.values(), reverse=True)
    # The size cell of the biggest team, formatted.
    assert f'<td class="num">{size[slugs[0]]}</td>' in body


def test_people_pages_hold_fifty_and_count_everyone(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    everyone = Person.objects.count()  # the CTO sees leavers too when asked
    pages = math.ceil(everyone / 50)
    assert pages >= 2, "the demo company has more than one page of people"
    body = client.get("/org/people/", {"leavers": "1", "page": 2}).content.decode()
    assert len(_ids_on_page(body)) == min(50, everyone - 50)
    text = visible_text(body)
    assert f"{everyone:,} people · page 2 of {pages}" in text
    last = client.get("/org/people/", {"leavers": "1", "page": 999}).content.decode()
    assert f"page {pages} of {pages}" in visible_text(last)
    assert len(_ids_on_page(last)) == everyone - 50 * (pages - 1)
    first = client.get("/org/people/", {"leavers": "1", "page": "x"}).content.decode()
    assert f"page 1 of {pages}" in visible_text(first)
    assert problems(text) == []


# --- filters by name -----------------------------------------------------------------------


def test_people_filtered_by_team_name_and_manager_name(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    team = Team.objects.get(slug="payments")
    expected = {p.employee_id for p in _active() if p.team_id == team.pk}
    assert expected
    assert set(_all_pages(client, f"/org/people/?team={team.name}")) == expected
    # Lower case works too; the team slug is not what users type, but it is a name part here.
    assert set(_all_pages(client, f"/org/people/?team={team.name.lower()}")) == expected

    manager = Person.objects.get(employee_id="E0005")
    reports = {p.employee_id for p in _active() if p.manager_id == manager.pk}
    assert reports
    assert set(_all_pages(client, f"/org/people/?manager={manager.name}")) == reports


def test_a_bad_filter_value_says_so_with_status_400(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    response = client.get("/org/people/", {"team": "Nowhere Team"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "no team named &#x27;Nowhere Team&#x27;: pick one from the list" in body
    assert 'id="filter-problems"' in body and "is-invalid" in body
    assert "<tbody" not in body  # no rows as if the filter had not been given
    assert "Download CSV" not in body
    assert problems(visible_text(body)) == []

    teams = client.get("/org/teams/", {"type": "squad"})
    assert teams.status_code == 400
    assert "Select a valid choice. squad is not one of the available choices." in (
        teams.content.decode()
    )
    bad_csv = client.get("/org/people/export.csv", {"team": "Nowhere Team"})
    assert bad_csv.status_code == 400
    assert bad_csv.content.decode() == "Team: no team named 'Nowhere Team': pick one from the list"


def test_team_types_filter_by_label(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/org/teams/", {"type": "platform"}).content.decode()
    expected = {t.slug for t in Team.objects.filter(type="platform")}
    assert expected and set(TEAM_LINK.findall(body)) == expected
    assert '<option value="platform" selected>Platform</option>' in body


# --- the CSV through the policy ------------------------------------------------------------


def test_people_csv_for_the_cto_has_salaries_and_the_page_rows(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    rows = _csv(client.get("/org/people/export.csv", {"sort": "-start_date"}))
    assert list(rows[0]) == [
        "Name",
        "Title",
        "Team",
        "Manager",
        "Location",
        "Started",
        "Employee ID",
        "Left",
        "Salary",
        "Currency",
    ]
    active = _active()
    assert len(rows) == len(active)
    assert sorted(r["Name"] for r in rows) == sorted(p.name for p in active)
    assert [r["Started"] for r in rows] == sorted(
        (p.start_date.isoformat() for p in active), reverse=True
    )
    e7 = Person.objects.get(employee_id="E0007")
    row = next(r for r in rows if r["Employee ID"] == "E0007")
    assert row["Salary"] == str(e7.salary) and row["Currency"] == e7.currency
    assert row["Started"] == e7.start_date.isoformat()
    assert row["Team"] == (e7.team.name if e7.team else "")


@pytest.mark.parametrize("role", ["engineer", "manager", "architect", "executive"])
def test_people_csv_for_restricted_roles_has_no_salary_and_the_page_rows(client_as, role) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    response = client.get("/org/people/export.csv", {"leavers": "1"})
    rows = _csv(response)
    assert "Salary" not in rows[0] and "Currency" not in rows[0]
    assert "Employee ID" in rows[0]
    assert {r["Employee ID"] for r in rows} == set(_all_pages(client, "/org/people/?leavers=1"))
    # Rows written out from the rules: whole-org roles see everyone; others the active people,
    # themselves and (a manager) their reporting chain, leavers included.
    if role in ("architect", "executive"):
        expected = set(Person.objects.values_list("employee_id", flat=True))
    else:
        me = Person.objects.get(user__username=role)
        chain: set[int] = set()
        frontier = {me.pk} if role == "manager" else set()
        while frontier:
            frontier = (
                set(Person.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
                - chain
            )
            chain |= frontier
        expected = {p.employee_id for p in _active()} | {me.employee_id}
        expected |= set(Person.objects.filter(pk__in=chain).values_list("employee_id", flat=True))
    assert {r["Employee ID"] for r in rows} == expected
    text = response.content.decode()
    for person in Person.objects.exclude(salary=None).exclude(user__username=role):
        assert str(person.salary) not in text


def test_teams_csv_matches_the_page(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("manager")
    page = client.get("/org/teams/", {"sort": "name"}).content.decode()
    assert 'href="/org/teams/export.csv?sort=name"' in page
    rows = _csv(client.get("/org/teams/export.csv", {"sort": "name"}))
    assert list(rows[0]) == ["Team", "Type", "Department", "Lead", "Size"]
    assert sorted(r["Team"] for r in rows) == sorted(t.name for t in Team.objects.all())
    payments = next(r for r in rows if r["Team"] == Team.objects.get(slug="payments").name)
    today = date.today()
    size = sum(1 for p in Person.objects.filter(team__slug="payments") if p.is_active_on(today))
    assert payments["Size"] == str(size)
    assert payments["Type"] == Team.objects.get(slug="payments").get_type_display()


# --- no query per row ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/org/people/?leavers=1",
        "/org/people/export.csv?leavers=1",
        "/org/teams/",
        "/architecture/decisions/",
        "/talent/requisitions/export.csv",
        "/engineering/delivery/deployments/?from=2025-01-01&to=2027-01-01",
        "/engineering/delivery/deployments/?team=Payments&failed=1&sort=-finished_at",
        "/engineering/delivery/deployments/export.csv?from=2025-01-01&to=2027-01-01",
        "/engineering/delivery/incidents/?from=2026-01-01&to=2026-11-27&sort=-hours",
        "/engineering/delivery/incidents/export.csv?from=2026-01-01&to=2026-11-27",
        "/engineering/repositories/?team=payments",
        "/engineering/repositories/export.csv",
        "/talent/candidates/",
        "/talent/candidates/export.csv",
    ],
)
def test_list_pages_do_not_query_per_row(client_as, django_assert_max_num_queries, path) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    client.get(path)  # warm the session and the role caches
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200
