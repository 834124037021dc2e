"""The lead-time drill-down, the author identities and the Delivery page's filters from the
libraries (core.tables, core.filters). Expected rows, states and counts are computed here from
the models, not from the selectors."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from steward.engineering.models import AuthorSummary, Commit, Identity
from steward.org.models import PersonEmail
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-08-01", "to": "2026-11-27"}
START, END = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC)
SHA = re.compile(r"<td ?[^>]*><code>([0-9a-f]{10})</code></td>")
EMAIL = re.compile(r"<tr[^>]*>\s*<td ?[^>]*>([^<]+@[^<]+)</td>")


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _payments_lead_commits() -> dict[str, float]:
    """METRICS.md lead time: commits shipped first by a successful production deployment of
    the payments team finished in PERIOD, not the first of its repository, committed no later
    than it finished; sha -> hours."""
    found = {}
    for c in Commit.objects.select_related("deployment__repository__team").exclude(deployment=None):
        d = c.deployment
        if (
            c.reachable
            and d.environment.lower() == "production"
            and d.status == "success"
            and not d.first_of_repository
            and START <= d.finished_at < END
            and d.repository is not None
            and d.repository.team is not None
            and d.repository.team.slug == "payments"
            and c.committed_at <= d.finished_at
        ):
            found[c.sha] = (d.finished_at - c.committed_at).total_seconds() / 3600
    return found


# --- lead time ---------------------------------------------------------------------------------


def test_lead_time_rows_sort_and_csv(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    expected = _payments_lead_commits()
    assert len(expected) > 100
    url = "/engineering/delivery/lead-time/"
    # The Delivery page's link (the team's slug) and the team typed by name: the same rows.
    for team in ("payments", "Payments"):
        rows = _csv(client.get(f"{url}export.csv", {**PERIOD, "team": team, "sort": "-hours"}))
        assert list(rows[0]) == [
            "Commit",
            "Repository",
            "Committed",
            "Deployment",
            "Lead time (hours)",
            "Subject",
        ]
        assert sorted(r["Commit"] for r in rows) == sorted(expected)
        hours = [float(r["Lead time (hours)"]) for r in rows]
        assert hours == sorted((round(expected[r["Commit"]], 1) for r in rows), reverse=True)
        assert hours == sorted(hours, reverse=True)
    page = client.get(url, {**PERIOD, "team": "payments", "sort": "hours"})
    body = page.content.decode()
    short = {sha[:10]: hours for sha, hours in expected.items()}
    shown = SHA.findall(body[body.index("<tbody") : body.index("</tbody>")])
    assert [short[x] for x in shown] == sorted(expected.values())[:100]
    text = visible_text(body)
    assert f"· {len(expected):,} commits." in text
    assert "/engineering/delivery/lead-time/export.csv?" in body
    assert problems(text) == []


def test_lead_time_bad_team_is_a_400(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").get(
        "/engineering/delivery/lead-time/", {**PERIOD, "team": "Nowhere Team"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="team-error">no team named &#x27;Nowhere Team&#x27;: pick one from the list' in body
    assert "<tbody" not in body


# --- identities --------------------------------------------------------------------------------


def _kinds() -> dict[str, str]:
    """Each identity's state as the resolver rules say: a bot mark, else an admin's link or a
    person's email, else unmatched."""
    person_emails = {e.lower() for e in PersonEmail.objects.values_list("email", flat=True)}
    kinds = {}
    for i in Identity.objects.all():
        if i.is_bot:
            kinds[i.email] = "bot"
        elif (i.manual and i.person_id is not None) or i.email in person_emails:
            kinds[i.email] = "linked"
        else:
            kinds[i.email] = "unmatched"
    return kinds


def _commits() -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for email, n in AuthorSummary.objects.values_list("email", "all_commits"):
        counts[email] += n
    return counts


def test_identities_states_counts_and_csv(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("admin")
    kinds, commits = _kinds(), _commits()
    assert set(kinds.values()) == {"bot", "linked", "unmatched"}
    labels = {"bot": "Bot", "linked": "Linked to a person", "unmatched": "Unmatched"}
    for state, kind in (("unmatched", "unmatched"), ("bots", "bot"), ("linked", "linked")):
        rows = _csv(client.get("/engineering/identities/export.csv", {"state": state}))
        expected = sorted(e for e, k in kinds.items() if k == kind)
        assert [r["Email"] for r in rows] == expected
        for r in rows:
            assert r["Commits"] == str(commits.get(r["Email"], 0))
            assert r["State"].startswith(labels[kind])
    # No state: the unmatched ones, as before.
    page = client.get("/engineering/identities/")
    shown = EMAIL.findall(page.content.decode())
    assert shown == sorted(e for e, k in kinds.items() if k == "unmatched")[:100]
    everyone = _csv(client.get("/engineering/identities/export.csv", {"state": "all"}))
    assert len(everyone) == len(kinds) > 100
    # Paginated: 100 a page, the commits of the page's rows.
    body = client.get("/engineering/identities/", {"state": "all", "page": 2}).content.decode()
    text = visible_text(body)
    assert f"{len(kinds):,} identities · page 2 of {(len(kinds) + 99) // 100}" in text
    second = sorted(kinds)[100:200]
    assert EMAIL.findall(body) == second
    assert problems(text) == []
    search = _csv(client.get("/engineering/identities/export.csv", {"state": "all", "q": "bot"}))
    assert {r["Email"] for r in search} == {
        i.email
        for i in Identity.objects.all()
        if "bot" in i.email.lower() or "bot" in i.name.lower()
    }
    bad = client.get("/engineering/identities/", {"state": "robots"})
    assert bad.status_code == 400
    assert "Select a valid choice. robots is not one of the available choices." in (
        bad.content.decode()
    )
    assert client_as("cto").get("/engineering/identities/export.csv").status_code == 403


def test_identity_linked_by_name(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import Person

    identity = Identity.objects.get(email="kim@devagency.example")
    person = Person.objects.order_by("employee_id").first()
    assert person is not None
    client = client_as("admin")
    done = client.post(
        "/engineering/identities/",
        {
            "identity": identity.pk,
            "action": "link",
            "person": f"{person.name} ({person.employee_id})",
        },
    )
    assert done.status_code == 302
    identity.refresh_from_db()
    assert (identity.person_id, identity.manual) == (person.pk, True)
    rows = _csv(client.get("/engineering/identities/export.csv", {"state": "linked"}))
    assert "kim@devagency.example" in {r["Email"] for r in rows}


# --- the Delivery page's filters ----------------------------------------------------------------


def _figures(body: str) -> str:
    """The page without its filter form (which echoes what was typed) and CSRF tokens."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'<form method="get" class="filters.*?</form>', "", body, flags=re.S)


def test_delivery_team_by_name_or_slug_gives_the_same_page(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    by_slug = client.get("/engineering/delivery/", {**PERIOD, "team": "payments"})
    by_name = client.get("/engineering/delivery/", {**PERIOD, "team": "Payments"})
    assert by_slug.status_code == by_name.status_code == 200
    assert _figures(by_slug.content.decode()) == _figures(by_name.content.decode())
    body = by_name.content.decode()
    # A team picker by name (HTMX suggestions), not a drop-down of slugs.
    assert 'name="team"' in body and '<select name="team"' not in body
    assert 'hx-get="/org/pick/teams/?field=team"' in body
    assert "Delivery · Payments" in visible_text(body)
    # The figures are the payments team's: its failed deployments link carries its slug.
    assert "/engineering/delivery/deployments/?team=payments&amp;from=2026-08-01" in body
    whole = client.get("/engineering/delivery/", PERIOD).content.decode()
    assert _figures(whole) != _figures(body)
    bad = client.get("/engineering/delivery/", {**PERIOD, "team": "Nowhere Team"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'id="team-error">no team named &#x27;Nowhere Team&#x27;: pick one from the list' in text
    assert "Weekly trends" not in text
    assert problems(visible_text(text)) == []


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("cto", "/engineering/delivery/lead-time/?from=2025-01-01&to=2027-01-01"),
        ("cto", "/engineering/delivery/lead-time/?team=Payments&sort=-hours"),
        ("cto", "/engineering/delivery/lead-time/export.csv?from=2025-01-01&to=2027-01-01"),
        ("admin", "/engineering/identities/?state=all"),
        ("admin", "/engineering/identities/?state=all&page=3"),
        ("admin", "/engineering/identities/export.csv?state=all"),
        ("cto", "/engineering/delivery/?team=Payments"),
    ],
)
def test_list_pages_do_not_query_per_row(
    client_as, django_assert_max_num_queries, role, path
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    client.get(path)  # warm the session and the role caches
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200
