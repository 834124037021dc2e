"""The funnel chart and its drill-down: the applications behind each number are exactly the
ones the number counts (by hand on plain records, and against the page's table on the demo);
the bars link to them; candidates are named only for those who may see candidate data."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from steward.talent import funnel
from tests.talent.test_funnel import RECORDS

START, END = date(2026, 1, 1), date(2026, 3, 1)


def _keys(what: str, stage: str | None = None) -> list[str]:
    return [r["key"] for r in funnel.behind(RECORDS, START, END, what=what, stage=stage)]


def test_behind_each_number_by_hand() -> None:
    # Screen entered in the period and left: a (1/15 → Onsite 1/25), b (1/20 → rejected 1/22),
    # d (1/30 → Onsite 2/10), e (2/3 → Offer 2/8); went further: a, d, e; stopped: b.
    assert _keys("reached", "Screen") == ["a", "b", "d", "e"]
    assert _keys("passed", "Screen") == ["a", "d", "e"]
    assert _keys("stopped", "Screen") == ["b"]
    # Onsite: a (1/25 → Offer 2/1) went further; d is still in Onsite (open): not counted.
    assert _keys("reached", "Onsite") == ["a"]
    assert _keys("applications") == ["a", "b", "c", "d", "e"]
    assert _keys("hires") == ["a"]
    rows = funnel.behind(RECORDS, START, END, what="reached", stage="Screen")
    assert [(r["day"], r["left"], r["days"]) for r in rows][:2] == [
        (date(2026, 1, 15), date(2026, 1, 25), 10),
        (date(2026, 1, 20), date(2026, 1, 22), 2),
    ]
    # The rows are the figures: reached and passed of every stage.
    for figure in funnel.stages(RECORDS, START, END):
        assert len(_keys("reached", figure.stage)) == figure.reached
        assert len(_keys("passed", figure.stage)) == figure.passed
    with pytest.raises(ValueError, match="one of"):
        funnel.behind(RECORDS, START, END, what="everything")


PERIOD = "from=2026-01-01&to=2027-01-01"


@pytest.mark.django_db
def test_chart_bars_and_table_numbers_open_the_applications_behind_them(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    page = client.get(f"/talent/funnel/?{PERIOD}").content.decode()
    assert '<figure class="chart" id="funnel-chart">' in page
    svg_links = re.findall(r'<a xlink:href="(/talent/funnel/applications/[^"]+)"', page)
    assert svg_links, "the bars are links"
    table = page[page.index('id="funnel-stages"') :]
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num"><a href="([^"]+)">([\d,]+)</a>', table)
    assert rows
    for stage, url, number in rows:
        body = client.get(unescape(url)).content.decode()
        shown = len(re.findall(r"<tr><td>", body[body.index('id="funnel-applications"') :]))
        expected = int(number.replace(",", ""))
        assert shown == expected or (expected == 0 and "No application" in body), stage
    # The API drill-down gives the same count as the API funnel.
    api = client.get(f"/api/v1/talent/funnel?{PERIOD}").json()
    first = api["stages"][0]
    drill = client.get(
        f"/api/v1/talent/funnel/applications?{PERIOD}&what=reached&stage={first['stage']}"
    ).json()
    assert drill["count"] == first["reached"]
    assert drill["hidden_candidates"] == 0
    hires = client.get(f"/api/v1/talent/funnel/applications?{PERIOD}&what=hires").json()
    assert hires["count"] == api["hires"]


@pytest.mark.django_db
def test_per_requisition_and_candidates_only_for_those_who_may_see_them(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.talent.models import Application

    req = "REQ-0001"
    body = client_as("cto").get(f"/api/v1/talent/funnel?{PERIOD}&requisition={req}").json()
    assert body["requisition"] == req
    apps = Application.objects.filter(
        requisition__key=req, applied_at__date__gte="2026-01-01", applied_at__date__lt="2027-01-01"
    )
    assert body["applications"] == apps.count()

    url = f"/talent/funnel/applications/?{PERIOD}&what=applications&requisition={req}"
    cto_page = client_as("cto").get(url).content.decode()
    names = [a.candidate.name for a in apps.select_related("candidate") if a.candidate.name]
    assert names and all(n in cto_page for n in names[:5])
    # The executive sees the funnel, not candidates: the same rows, nobody named.
    executive = client_as("executive").get(url)
    assert executive.status_code == 200
    text = executive.content.decode()
    assert "not shown" in text and not any(n in text for n in names)
    api = (
        client_as("finance")
        .get(f"/api/v1/talent/funnel/applications?{PERIOD}&what=applications&requisition={req}")
        .json()
    )
    assert api["count"] == apps.count() == api["hidden_candidates"]
    assert all(r["candidate"] is None for r in api["rows"])
    # No funnel at all for engineers.
    assert client_as("engineer").get(url).status_code == 403


@pytest.mark.django_db
def test_a_manager_sees_names_only_on_their_own_requisitions(client_as) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import Q

    from steward.talent.models import Application

    body = (
        client_as("manager")
        .get(f"/api/v1/talent/funnel/applications?{PERIOD}&what=applications")
        .json()
    )
    named = {int(r["key"]) for r in body["rows"] if r["candidate"] is not None}
    # Their requisitions' applications and the panels they sat on (docs/talent.md).
    theirs = set(
        Application.objects.filter(
            Q(requisition__hiring_manager__user__username="manager")
            | Q(scorecards__interviewer__username="manager"),
            pk__in=[int(r["key"]) for r in body["rows"]],
        ).values_list("pk", flat=True)
    )
    assert named == theirs and named
    assert body["hidden_candidates"] == body["count"] - len(named)
