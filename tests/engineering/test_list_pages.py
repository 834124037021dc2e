"""The engineering lists from the libraries (core.tables, core.filters): the deployments and
incidents drill-downs of the Delivery page and the repositories. The Delivery page's links
(`?team=<slug>&repo=<name>&from=&to=&failed=1`) keep giving the rows behind its figures; teams
and repositories are picked by name; a bad value is a 400 beside its field; the CSV holds the
page's rows. Expected rows are written out here from the models, not from the selectors."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest

from steward.engineering.models import Commit, Deployment, Incident, Repository
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-08-01", "to": "2026-11-27"}
START, END = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC)
DEPLOYMENT_LINK = re.compile(r'<a href="/engineering/delivery/deployments/\d+/">([^<]+)</a>')
REPOSITORY_LINK = re.compile(r'<td ?[^>]*><a href="/engineering/repositories/([^/"]+)/">')


def _rows(body: str, pattern: re.Pattern[str]) -> list[str]:
    table = body[body.index("<tbody") : body.index("</tbody>")]
    return pattern.findall(table)


def _all_pages(client, url: str, params: dict[str, str], pattern: re.Pattern[str]) -> list[str]:  # type: ignore[no-untyped-def]
    found: list[str] = []
    page = 1
    while True:
        response = client.get(url, {**params, "page": page})
        assert response.status_code == 200
        body = response.content.decode()
        found += _rows(body, pattern)
        if f"page={page + 1}" not in body:
            return found
        page += 1


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _payments_deployments(*, failed: bool) -> set[str]:
    """Production deployments of the payments team's repositories finished in PERIOD; with
    `failed`, those whose status is failure or that an incident names (METRICS.md)."""
    named = set(Incident.objects.values_list("deployment_external_id", flat=True)) - {""}
    return {
        d.external_id
        for d in Deployment.objects.select_related("repository__team")
        if d.environment.lower() == "production"
        and START <= d.finished_at < END
        and d.repository is not None
        and d.repository.team is not None
        and d.repository.team.slug == "payments"
        and (not failed or d.status == "failure" or d.external_id in named)
    }


# --- the Delivery page's links, and the same rows picked by name -----------------------------


def test_delivery_links_keep_giving_the_same_rows(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    url = "/engineering/delivery/deployments/"
    every = _payments_deployments(failed=False)
    failed = _payments_deployments(failed=True)
    assert len(failed) == 7 and len(every) > len(failed)
    by_slug = _all_pages(client, url, {**PERIOD, "team": "payments"}, DEPLOYMENT_LINK)
    assert sorted(by_slug) == sorted(every)
    assert (
        set(_all_pages(client, url, {**PERIOD, "team": "payments", "failed": "1"}, DEPLOYMENT_LINK))
        == failed
    )
    # The same rows with the team picked by its name, as a user types it.
    assert (
        set(_all_pages(client, url, {**PERIOD, "team": "Payments", "failed": "1"}, DEPLOYMENT_LINK))
        == failed
    )
    # The Delivery page links here with exactly these parameters.
    delivery = client.get("/engineering/delivery/", {**PERIOD, "team": "payments"}).content.decode()
    assert (
        "/engineering/delivery/deployments/?team=payments&amp;from=2026-08-01&amp;to=2026-11-27&amp;failed=1"
        in delivery
    )


def test_deployments_of_a_repository_picked_by_name(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    expected = {
        d.external_id
        for d in Deployment.objects.select_related("repository")
        if d.environment.lower() == "production"
        and START <= d.finished_at < END
        and (
            (d.repository and d.repository.name == "payments-api") or d.repo_name == "payments-api"
        )
    }
    assert expected
    url = "/engineering/delivery/deployments/"
    for typed in ("payments-api", "PAYMENTS-API"):
        shown = _all_pages(client, url, {**PERIOD, "repo": typed}, DEPLOYMENT_LINK)
        assert sorted(shown) == sorted(expected)
    # Part of a name that matches several repositories is not a pick.
    response = client.get(url, {**PERIOD, "repo": "payments"})
    assert response.status_code == 400
    assert "3 repositories match &#x27;payments&#x27;" in response.content.decode()


def test_deployments_sort_by_finish_both_ways(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    finished = dict(Deployment.objects.values_list("external_id", "finished_at"))
    url = "/engineering/delivery/deployments/"
    body = client.get(url, {**PERIOD, "team": "payments", "sort": "finished_at"}).content.decode()
    shown = [finished[e] for e in _rows(body, DEPLOYMENT_LINK)]
    every = sorted(finished[e] for e in _payments_deployments(failed=False))
    assert len(every) > 100  # two pages of 100
    assert shown == every[:100]
    body = client.get(url, {**PERIOD, "team": "payments", "sort": "-finished_at"}).content.decode()
    shown = [finished[e] for e in _rows(body, DEPLOYMENT_LINK)]
    assert shown == every[::-1][:100]
    assert 'aria-sort="descending"' in body
    assert problems(visible_text(body)) == []


@pytest.mark.parametrize("role", ["cto", "engineer", "finance"])
def test_deployments_csv_holds_the_page_rows_with_their_shipped_commits(client_as, role) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    params = {**PERIOD, "team": "payments", "sort": "finished_at"}
    page = client.get("/engineering/delivery/deployments/", params).content.decode()
    assert "/engineering/delivery/deployments/export.csv?" in page and "team=payments" in page
    rows = _csv(client.get("/engineering/delivery/deployments/export.csv", params))
    assert list(rows[0]) == [
        "Deployment",
        "Repository",
        "Finished",
        "Status",
        "Named by an incident",
        "Commits shipped first",
        "Source",
        "First of its repository (no baseline)",
    ]
    by_ext = {d.external_id: d for d in Deployment.objects.select_related("repository")}
    assert [r["Deployment"] for r in rows] == sorted(
        _payments_deployments(failed=False), key=lambda e: by_ext[e].finished_at
    )
    named = set(Incident.objects.values_list("deployment_external_id", flat=True))
    for row in rows:
        d = by_ext[row["Deployment"]]
        assert row["Commits shipped first"] == str(Commit.objects.filter(deployment=d).count())
        assert row["Finished"] == d.finished_at.isoformat(timespec="seconds")
        assert row["Repository"] == d.repository.name
        assert row["Named by an incident"] == ("yes" if d.external_id in named else "no")
    assert sum(int(r["Commits shipped first"]) for r in rows) > 0


# --- bad values -------------------------------------------------------------------------------


def test_a_bad_filter_value_is_a_400_beside_its_field(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    for url in ("/engineering/delivery/deployments/", "/engineering/delivery/incidents/"):
        response = client.get(url, {**PERIOD, "team": "Nowhere Team"})
        assert response.status_code == 400, url
        body = response.content.decode()
        assert (
            'id="team-error">no team named &#x27;Nowhere Team&#x27;: pick one from the list' in body
        )
        assert "<tbody" not in body and "Download CSV" not in body
        assert problems(visible_text(body)) == []

        response = client.get(url, {"from": "2026-13-01"})
        assert response.status_code == 400
        assert 'id="from-error">Enter a valid date.' in response.content.decode()

        response = client.get(url, {"from": "2026-09-01", "to": "2026-08-01"})
        assert response.status_code == 400
        assert 'id="from-error">from 2026-09-01: must be before to 2026-08-01' in (
            response.content.decode()
        )
    bad_csv = client.get(
        "/engineering/delivery/incidents/export.csv", {"from": "2026-09-01", "to": "2026-08-01"}
    )
    assert bad_csv.status_code == 400
    assert bad_csv.content.decode() == "From: from 2026-09-01: must be before to 2026-08-01"
    bad = client.get("/engineering/repositories/", {"status": "broken"})
    assert bad.status_code == 400
    assert "Select a valid choice. broken is not one of the available choices." in (
        bad.content.decode()
    )


# --- incidents --------------------------------------------------------------------------------


def test_incidents_sort_by_hours_to_resolve(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    params = {"from": "2026-01-01", "to": "2026-11-27"}
    resolved = [
        i
        for i in Incident.objects.exclude(resolved_at=None)
        if datetime(2026, 1, 1, tzinfo=UTC) <= i.resolved_at < END
    ]
    hours = {i.external_id: (i.resolved_at - i.created_at).total_seconds() / 3600 for i in resolved}
    assert len(hours) > 100
    rows = _csv(
        client.get("/engineering/delivery/incidents/export.csv", {**params, "sort": "-hours"})
    )
    assert sorted(r["Incident"] for r in rows) == sorted(hours)
    assert [float(r["Hours to resolve"]) for r in rows] == [
        round(h, 1) for h in sorted(hours.values(), reverse=True)
    ]
    longest = max(hours, key=lambda e: hours[e])
    page = client.get("/engineering/delivery/incidents/", {**params, "sort": "-hours"})
    text = visible_text(page.content.decode())
    assert f"{len(hours):,} incidents · page 1 of 2" in text
    assert f"{longest} " in text and f"{hours[longest]:,.1f}" in text
    assert problems(text) == []


# --- repositories -----------------------------------------------------------------------------


def test_repositories_by_team_name_or_slug_and_csv(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    payments = set(Repository.objects.filter(team__slug="payments").values_list("name", flat=True))
    assert len(payments) == 4
    for typed in ("Payments", "payments"):
        body = client.get("/engineering/repositories/", {"team": typed}).content.decode()
        assert set(_rows(body, REPOSITORY_LINK)) == payments
    rows = _csv(client.get("/engineering/repositories/export.csv", {"sort": "-commit_count"}))
    assert list(rows[0]) == [
        "Repository",
        "Team",
        "Owner declared by",
        "Commits",
        "Status",
        "Last ingested",
        "Last error",
    ]
    everything = {r.name: r for r in Repository.objects.select_related("team")}
    assert sorted(r["Repository"] for r in rows) == sorted(everything)
    assert [int(r["Commits"]) for r in rows] == sorted(
        (r.reachable_commits for r in everything.values()), reverse=True
    )
    api = next(r for r in rows if r["Repository"] == "payments-api")
    assert api["Team"] == everything["payments-api"].team.name
    assert api["Commits"] == str(
        Commit.objects.filter(repository__name="payments-api", reachable=True).count()
    )


def test_the_repository_picker_offers_names(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/engineering/pick/repositories/", {"q": "ledger"}).content
    expected = Repository.objects.filter(name__icontains="ledger").order_by("name")
    assert body.decode() == "".join(f'<option value="{r.name}"></option>' for r in expected)
    assert expected.exists()


def test_the_fast_deployments_csv_equals_the_cell_by_cell_export(rf) -> None:  # type: ignore[no-untyped-def]
    """`DeploymentTable.csv_values` skips django-tables2's per-cell work; its rows must be the
    ones the library's `as_values` gives."""
    from django.contrib.auth.models import User
    from django.utils.encoding import force_str

    from steward.engineering import selectors
    from steward.engineering.tables import DeploymentTable

    cto = User.objects.get(username="cto")
    named = set(Incident.objects.values_list("deployment_external_id", flat=True))
    # Every deployment of the demo: some are the first of their repository (no baseline).
    rows = selectors.deployment_list(actor=cto, start=date(2016, 12, 1), end=date(2026, 11, 30))
    assert rows.filter(first_of_repository=True).exists()
    table = DeploymentTable(rows, actor=cto, named=named)
    table.configure(rf.get("/", {"sort": "-status"}), paginate=False)
    fast = [[force_str(v) for v in row] for row in table.csv_rows()]
    slow = [[force_str(v) for v in row] for row in table.as_values()]
    assert len(fast) == rows.count() + 1 > 100
    assert fast == slow
    assert {r[4] for r in fast[1:]} == {"yes", "no"} == {r[7] for r in fast[1:]}
    assert all(r[5].isdigit() for r in fast[1:])
