"""Attrition and Kaplan-Meier against hand-computed values (and lifelines), the small-group
rule on groups, exit reasons, retention signals, and who may see them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from steward.growth import attrition, survival
from steward.growth.attrition import Employment

# --- attrition by hand ----------------------------------------------------------------------


def test_sample_days_are_month_starts_and_the_end() -> None:
    assert attrition.sample_days(date(2026, 1, 1), date(2026, 4, 1)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]
    # A period not starting on the 1st: its first month start is the next one.
    assert attrition.sample_days(date(2026, 1, 15), date(2026, 3, 10)) == [
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 3, 10),
    ]
    assert attrition.sample_days(date(2025, 12, 1), date(2026, 2, 1)) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def _people() -> list[Employment]:
    """Period [2026-01-01, 2026-04-01): samples on 1 Jan, 1 Feb, 1 Mar, 1 Apr."""
    long = date(2020, 1, 1)
    rows = [Employment(f"P{i}", long) for i in range(8)]  # 8 present throughout
    rows += [
        # left 15 Feb: active 1 Jan, 1 Feb -> counted twice; voluntary, regretted
        Employment("L1", long, date(2026, 2, 15), "voluntary", True),
        # left 1 Mar: active 1 Jan, 1 Feb (not on 1 Mar: end is exclusive); involuntary
        Employment("L2", long, date(2026, 3, 1), "involuntary", False),
        # joined 10 Feb: active 1 Mar, 1 Apr
        Employment("J1", date(2026, 2, 10)),
        # left on 1 Apr: not in the period [.., 1 Apr); active on all four samples but 1 Apr
        Employment("L3", long, date(2026, 4, 1), "voluntary", False),
        # left in 2025: no part of anything
        Employment("OLD", long, date(2025, 6, 1), "voluntary", True),
    ]
    return rows


def test_attrition_rate_by_hand() -> None:
    result = attrition.attrition(_people(), date(2026, 1, 1), date(2026, 4, 1))
    # Headcount: 1 Jan: 8 + L1 + L2 + L3 = 11; 1 Feb: 11; 1 Mar: 8 + J1 + L3 = 10;
    # 1 Apr: 8 + J1 = 9. Average = 41 / 4 = 10.25.
    assert result["average_headcount"] == 10.25
    assert (result["separations"], result["voluntary"], result["involuntary"]) == (2, 1, 1)
    assert result["regretted"] == 1
    # Rate = 2 / 10.25 × 100 = 19.5122 %; annualized × 365 / 90 days = 79.1328 %.
    assert result["rate"] == pytest.approx(19.5122, abs=1e-4)
    assert result["annualized_rate"] == pytest.approx(79.1328, abs=1e-4)


def test_no_headcount_is_no_data_not_zero() -> None:
    result = attrition.attrition([], date(2026, 1, 1), date(2026, 2, 1))
    assert result["rate"] is None and result["level"] == "no data"


def test_small_groups_are_hidden_with_a_complement() -> None:
    rows = []
    for i in range(6):
        rows.append(Employment(f"A{i}", date(2020, 1, 1), groups={"team": "Alpha"}))
    for i in range(7):
        rows.append(Employment(f"B{i}", date(2020, 1, 1), groups={"team": "Beta"}))
    # Gamma: 2 people, one left. Hidden (2 < 5); then the smallest other team is hidden too,
    # or Gamma's departure would be the total minus Alpha and Beta.
    rows.append(Employment("G0", date(2020, 1, 1), groups={"team": "Gamma"}))
    rows.append(
        Employment("G1", date(2020, 1, 1), date(2026, 2, 1), "voluntary", groups={"team": "Gamma"})
    )
    result = attrition.attrition(rows, date(2026, 1, 1), date(2026, 4, 1), by="team", min_group=5)
    assert result["groups"] == [
        {"group": "Alpha", "suppressed": True},
        {"group": "Beta", "separations": 0, "average_headcount": 7.0, "rate": 0.0},
        {"group": "Gamma", "suppressed": True},
    ]
    assert result["separations"] == 1


# --- Kaplan-Meier by hand and against lifelines --------------------------------------------

ON = date(2026, 1, 1)


def _spells() -> list[survival.Spell]:
    """Durations (days) 100 (left), 200 (left), 200 (censored: still here), 300 (left,
    involuntary), 399 (censored)."""
    return [
        survival.Spell(date(2025, 1, 1), date(2025, 4, 11), True),  # 100, voluntary
        survival.Spell(date(2024, 1, 1), date(2024, 7, 19), True),  # 200, voluntary
        survival.Spell(date(2025, 6, 15)),  # 200 days to ON, censored
        survival.Spell(date(2023, 1, 1), date(2023, 10, 28), False),  # 300, involuntary
        survival.Spell(date(2024, 11, 28)),  # 399 days to ON, censored
    ]


def test_durations() -> None:
    rows = survival.observations(_spells(), ON)
    assert rows == [(100, True), (200, True), (200, False), (300, True), (399, False)]


def test_kaplan_meier_by_hand() -> None:
    curve = survival.kaplan_meier(survival.observations(_spells(), ON))
    # t=100: 5 at risk, 1 event: S = 4/5 = 0.8
    # t=200: 4 at risk (the censored 200 is at risk), 1 event: S = 0.8 × 3/4 = 0.6
    # t=300: 2 at risk, 1 event: S = 0.6 × 1/2 = 0.3
    assert curve == [(0, 1.0), (100, 0.8), (200, pytest.approx(0.6)), (300, pytest.approx(0.3))]
    assert survival.median_days(curve) == 300
    assert survival.survival_at(curve, 365) == pytest.approx(0.3)
    assert survival.survival_at(curve, 199) == pytest.approx(0.8)


def test_voluntary_curve_censors_involuntary_departures() -> None:
    rows = survival.observations(_spells(), ON, voluntary_only=True)
    curve = survival.kaplan_meier(rows)
    # t=100: 0.8; t=200: 0.6; the involuntary 300 is censored: the curve stays at 0.6.
    assert curve == [(0, 1.0), (100, 0.8), (200, pytest.approx(0.6))]
    assert survival.median_days(curve) is None
    summary = survival.tenure_summary(_spells(), ON, voluntary_only=True)
    assert (summary["median_days"], summary["retention_12m"], summary["departures"]) == (
        None,
        0.6,
        2,
    )


def test_kaplan_meier_matches_lifelines() -> None:
    lifelines = pytest.importorskip("lifelines")
    import random

    rng = random.Random(7)
    for _ in range(20):
        spells = []
        for _ in range(rng.randrange(5, 60)):
            start = date(2019, 1, 1).toordinal() + rng.randrange(0, 2400)
            end = start + rng.randrange(10, 1500) if rng.random() < 0.6 else None
            spells.append(
                survival.Spell(
                    date.fromordinal(start),
                    date.fromordinal(end) if end else None,
                    rng.random() < 0.7,
                )
            )
        rows = survival.observations(spells, ON)
        if not any(e for _, e in rows):
            continue
        ours = survival.kaplan_meier(rows)
        fitter = lifelines.KaplanMeierFitter().fit([d for d, _ in rows], [e for _, e in rows])
        theirs = fitter.survival_function_.iloc[:, 0]
        for t, s in ours[1:]:
            assert s == pytest.approx(float(theirs.loc[t]), abs=1e-12)
        median = fitter.median_survival_time_
        expected = None if median == float("inf") else int(median)
        assert survival.median_days(ours) == expected


# --- the demo through pages, API and CLI ----------------------------------------------------


@pytest.mark.django_db
def test_attrition_api_matches_an_independent_count(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import EmploymentSpell

    start, end = date(2024, 1, 1), date(2026, 1, 1)
    body = client_as("people").get("/api/v1/growth/attrition?from=2024-01-01&to=2026-01-01").json()
    spells = list(EmploymentSpell.objects.all())
    left = [s for s in spells if s.end_date and start <= s.end_date < end]
    days = [date(y, m, 1) for y in (2024, 2025) for m in range(1, 13)] + [end]
    heads = [
        sum(1 for s in spells if s.start_date <= d and (s.end_date is None or s.end_date > d))
        for d in days
    ]
    average = sum(heads) / len(heads)
    assert body["separations"] == len(left) > 0
    assert body["voluntary"] == sum(1 for s in left if s.termination_type == "voluntary")
    assert body["average_headcount"] == pytest.approx(average, abs=1e-4)
    assert body["rate"] == pytest.approx(100 * len(left) / average, abs=1e-4)
    assert body["annualized_rate"] == pytest.approx(100 * len(left) / average * 365 / 731, abs=1e-4)
    assert set(body) >= {
        "from", "to", "separations", "voluntary", "involuntary", "regretted",
        "average_headcount", "rate", "annualized_rate", "groups",
    }  # fmt: skip


@pytest.mark.django_db
def test_attrition_by_team_hides_small_groups(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("cto").get("/api/v1/growth/attrition?from=2024-01-01&to=2026-01-01&by=team")
    groups = body.json()["groups"]
    shown = [g for g in groups if not g.get("suppressed")]
    assert shown and all(
        set(g) == {"group", "separations", "average_headcount", "rate"} for g in shown
    )
    for g in groups:
        if g.get("suppressed"):
            assert set(g) == {"group", "suppressed"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "attrition_status", "signals_status"),
    [
        ("admin", 200, 403),
        ("cto", 200, 200),
        ("executive", 200, 403),
        ("finance", 403, 403),
        ("people", 200, 200),
        ("architect", 403, 403),
        ("manager", 403, 403),
        ("engineer", 403, 403),
    ],
)
def test_who_sees_attrition_and_retention(
    client_as, role, attrition_status, signals_status
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    assert client.get("/growth/attrition/").status_code == attrition_status
    assert client.get("/api/v1/growth/attrition").status_code == attrition_status
    assert client.get("/api/v1/growth/tenure").status_code == attrition_status
    assert client.get("/growth/retention/").status_code == signals_status
    assert client.get("/api/v1/growth/retention-signals").status_code == signals_status


@pytest.mark.django_db
def test_retention_signals_are_cohorts_never_people(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import Person

    body = client_as("people").get("/api/v1/growth/retention-signals").json()
    keys = [s["signal"] for s in body["signals"]]
    assert keys == ["no-promotion-3y", "manager-changed-twice", "overdue-1on1s", "low-team-enps"]
    text = client_as("people").get("/growth/retention/").content.decode()
    for person in Person.objects.all():
        assert person.employee_id not in text
    for s in body["signals"]:
        assert s.get("suppressed") or s["people"] == 0 or s["people"] >= 5


@pytest.mark.django_db
def test_tenure_api_is_the_kaplan_meier_of_the_spells(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import EmploymentSpell

    today = date.today()
    spells = [
        survival.Spell(s.start_date, s.end_date, s.termination_type == "voluntary")
        for s in EmploymentSpell.objects.all()
    ]
    rows = survival.observations(spells, today)
    expected = survival.kaplan_meier(rows)
    body = client_as("cto").get("/api/v1/growth/tenure").json()
    assert [(p["days"], p["survival"]) for p in body["curve"]] == [
        (t, round(s, 6)) for t, s in expected
    ]
    assert body["retention_12m"] == round(survival.survival_at(expected, 365), 6)


@pytest.mark.django_db
def test_manager_changes_signal_matches_an_independent_count(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import Person, ReportingLine

    on = date.today()
    year_ago = on - timedelta(days=365)
    active = [p for p in Person.objects.all() if p.is_active_on(on)]
    changed = 0
    for person in active:
        starts = ReportingLine.objects.filter(person=person).values_list("start", flat=True)
        if sum(1 for s in starts if year_ago <= s <= on and s > person.start_date) >= 2:
            changed += 1
    body = client_as("people").get("/api/v1/growth/retention-signals").json()
    signal = next(s for s in body["signals"] if s["signal"] == "manager-changed-twice")
    assert signal["active_people"] == len(active)
    if 0 < changed < 5:
        assert signal["suppressed"] is True
    else:
        assert signal["people"] == changed


@pytest.mark.django_db
def test_attrition_and_retention_pages_read_people_in_a_few_queries(client_as) -> None:  # type: ignore[no-untyped-def]
    """Not one query per person: the demo's ~150 people and 2,000 cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("cto")
    for url in ("/growth/attrition/", "/growth/retention/", "/api/v1/growth/tenure"):
        client.get(url)  # warm caches (session, settings)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= 30, (url, len(queries))


@pytest.mark.django_db
def test_the_attrition_page_reads_the_people_and_their_spells_once(client_as) -> None:  # type: ignore[no-untyped-def]
    """The rates and both tenure curves share one read of the people (it was three a page;
    the figures are unchanged: the tests above and bench/alignment_reads.py's answers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("cto")
    client.get("/growth/attrition/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/growth/attrition/")
    assert page.status_code == 200
    spells = [q for q in queries if 'FROM "org_employmentspell"' in q["sql"]]
    people = [q for q in queries if q["sql"].startswith('SELECT "org_person"."id" AS "pk"')]
    assert len(spells) == 1 and len(people) == 1
