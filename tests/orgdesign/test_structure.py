"""Structure analysis on small hand-built organizations (pure; no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from steward.orgdesign.structure import (
    Interaction,
    OrgSnapshot,
    PersonRow,
    Spell,
    TeamRow,
    analyze,
    compare,
    utc_offset_hours,
)

D = date(2027, 1, 15)
ALWAYS = (Spell(date(2020, 1, 1)),)


def person(
    key: str, manager: str | None = None, team: str | None = None, **kw: object
) -> PersonRow:
    kw.setdefault("spells", ALWAYS)
    kw.setdefault("timezone", "Europe/Berlin")
    return PersonRow(key=key, manager=manager, team=team, **kw)  # type: ignore[arg-type]


def small_org() -> OrgSnapshot:
    """C → V1 → {M1, M2, p1}; M1 → a1..a4; M2 → b1 (+ leaver b2); C → s1 (solo team)."""
    people = [
        person("C", track="manager", department="eng"),
        person("V1", "C", track="manager", department="eng"),
        person("M1", "V1", "alpha", track="manager", level="M1"),
        # A manager whose home team (alpha) is not the team they lead (beta).
        person("M2", "V1", "alpha", track="manager", level="M2", timezone="America/New_York"),
        person("a1", "M1", "alpha", level="L2"),
        person("a2", "M1", "alpha", level="L2"),
        person("a3", "M1", "alpha", level="L3"),
        person("a4", "M1", "alpha", level="L4", timezone="Asia/Kolkata"),
        person("b1", "M2", "beta", level="L3"),
        person(
            "b2", "M2", "beta", level="L3", spells=(Spell(date(2021, 1, 1), date(2027, 1, 10)),)
        ),
        person("s1", "C", "gamma", level="L4"),
        person("p1", "V1", None, level="L3"),
        person("f1", "M1", "alpha", level="L1", spells=(Spell(date(2027, 2, 1)),)),
    ]
    teams = [
        TeamRow("alpha", lead="M1", department="prod", target_mix=(("L2", 0.5), ("L3", 0.5))),
        TeamRow("beta", lead="M2", department="prod", type="platform"),
        TeamRow("gamma", department="plat", type="enabling"),
        TeamRow("delta", type="platform"),
    ]
    interactions = [
        Interaction("alpha", "beta", "collaboration"),
        Interaction("alpha", "gamma", "x-as-a-service"),
        Interaction("beta", "gamma", "facilitating"),
        Interaction("alpha", "delta", "collaboration"),
        Interaction("gamma", "delta", "collaboration"),
    ]
    return OrgSnapshot(
        on=D,
        people={p.key: p for p in people},
        teams={t.slug: t for t in teams},
        interactions=interactions,
    )


def kinds(result: dict[str, object]) -> set[tuple[str, str]]:
    return {(f["kind"], f["subject"]) for f in result["flags"]}  # type: ignore[attr-defined,index]


def test_headline_figures() -> None:
    r = analyze(small_org())
    assert r["date"] == "2027-01-15"
    # Active: C V1 M1 M2 a1-a4 b1 s1 p1 (b2 left on 2027-01-10, f1 starts 2027-02-01).
    assert r["people"] == 11
    assert r["managers"] == 4
    assert r["individual_contributors"] == 7
    assert r["manager_to_ic_ratio"] == 1.75
    assert r["layers"] == 3
    assert r["span_of_control"] == {
        "median": 2.5,
        "max": 4,
        "by_manager": {"C": 2, "M1": 4, "M2": 1, "V1": 3},
    }


def test_teams_and_flags() -> None:
    r = analyze(small_org())
    teams = {t["slug"]: t for t in r["teams"]}
    assert teams["alpha"]["size"] == 6  # M1, M2 (member of alpha, leads beta), a1-a4
    assert teams["beta"]["size"] == 1
    assert teams["beta"]["flags"] == ["team_of_one"]
    assert teams["gamma"]["flags"] == ["team_of_one"]
    assert teams["delta"]["flags"] == ["team_empty"]
    assert kinds(r) == {
        ("span_under_3", "C"),
        ("span_under_3", "M2"),
        ("team_of_one", "beta"),
        ("team_of_one", "gamma"),
        ("team_empty", "delta"),
        ("person_without_team", "p1"),
        ("seniority_mix_off_target", "alpha"),
        ("timezone_spread", "alpha"),
    }
    # Flags come in the health page's order: spans and team sizes before mix and zones.
    assert r["flags"][0]["kind"] == "team_of_one"
    assert r["people_without_team"] == ["p1"]
    assert r["managers_without_team"] == []
    span_flag = next(f for f in r["flags"] if f["subject"] == "M2")
    assert span_flag["detail"] == "1 direct reports"
    assert span_flag["people"] == ["M2", "b1"]


def test_seniority_mix_against_target() -> None:
    alpha = next(t for t in analyze(small_org())["teams"] if t["slug"] == "alpha")
    # Levels M1, M2, L2, L2, L3, L4 among 6 members.
    assert alpha["seniority_mix"] == {
        "L2": 0.3333,
        "L3": 0.1667,
        "L4": 0.1667,
        "M1": 0.1667,
        "M2": 0.1667,
    }
    assert alpha["seniority_gap"]["L2"] == -0.1667
    assert alpha["seniority_gap"]["L3"] == -0.3333
    flag = next(f for f in analyze(small_org())["flags"] if f["kind"].startswith("seniority"))
    assert flag["detail"] == "L3: 17% against a target of 50%"
    assert flag["people"] == ["a3"]


def test_timezone_spread_uses_dst_of_the_date() -> None:
    alpha = next(t for t in analyze(small_org())["teams"] if t["slug"] == "alpha")
    # January: Kolkata +5.5, Berlin +1, New York -5 → 10.5 hours.
    assert alpha["timezone_spread_hours"] == 10.5
    # 2027-03-20: New York is on summer time (-4) since 14 March, Berlin not until 28 March.
    assert utc_offset_hours("America/New_York", date(2027, 3, 20)) == -4
    assert utc_offset_hours("Europe/Berlin", date(2027, 3, 20)) == 1
    assert utc_offset_hours("Europe/Berlin", date(2027, 3, 29)) == 2
    assert utc_offset_hours("Not/AZone", D) is None
    july = small_org()
    july.on = date(2027, 7, 1)
    alpha = next(t for t in analyze(july)["teams"] if t["slug"] == "alpha")
    # f1 (Berlin) has started; July: Kolkata +5.5, New York -4 → 9.5 hours.
    assert alpha["size"] == 7
    assert alpha["timezone_spread_hours"] == 9.5


def test_departments_types_and_interactions() -> None:
    r = analyze(small_org())
    assert r["by_department"] == {
        "(none)": {
            "people": 1,
            "managers": 0,
            "individual_contributors": 1,
            "manager_to_ic_ratio": None,
        },
        "eng": {
            "people": 2,
            "managers": 2,
            "individual_contributors": 0,
            "manager_to_ic_ratio": 0.0,
        },
        "plat": {
            "people": 1,
            "managers": 0,
            "individual_contributors": 1,
            "manager_to_ic_ratio": None,
        },
        "prod": {
            "people": 7,
            "managers": 2,
            "individual_contributors": 5,
            "manager_to_ic_ratio": 2.5,
        },
    }
    assert r["team_types"] == {
        "stream-aligned": 1,
        "platform": 2,
        "enabling": 1,
        "complicated-subsystem": 0,
    }
    assert r["interactions"]["counts"] == {
        "collaboration": 3,
        "x-as-a-service": 1,
        "facilitating": 1,
    }


def test_large_team_overloaded_manager_and_collaboration_overload() -> None:
    people = [person("M", track="manager")]
    people += [person(f"i{n}", "M", "big", fte=Decimal("0.5")) for n in range(10)]
    teams = {t: TeamRow(t) for t in ("big", "x", "y", "z")}
    snap = OrgSnapshot(
        on=D,
        people={p.key: p for p in people},
        teams=teams,
        interactions=[Interaction("big", o, "collaboration") for o in ("x", "y", "z")],
    )
    r = analyze(snap)
    assert ("span_over_8", "M") in kinds(r)
    assert ("team_over_9", "big") in kinds(r)
    assert ("collaboration_overload", "big") in kinds(r)
    # M manages 10 ICs without a team of their own.
    assert ("manager_without_team", "M") in kinds(r)
    big = next(t for t in r["teams"] if t["slug"] == "big")
    assert big["fte"] == 5.0
    assert r["layers"] == 1


def test_team_of_four_manager_without_reports_cycle_and_inactive_manager() -> None:
    people = [
        person("L", track="manager", team="t"),
        *[person(f"i{n}", "L", "t") for n in range(3)],
        person("ghost", spells=(Spell(date(2020, 1, 1), date(2026, 1, 1)),)),
        person("orphan", "ghost", "t"),
        person("x", "y", "u"),
        person("y", "x", "u"),
        person("m", None, "u", track="manager"),
    ]
    snap = OrgSnapshot(
        on=D, people={p.key: p for p in people}, teams={"t": TeamRow("t"), "u": TeamRow("u")}
    )
    r = analyze(snap)
    found = kinds(r)
    assert ("team_under_5", "u") in found  # x, y, m
    assert ("span_under_3", "x") in found
    assert ("reports_to_inactive_manager", "orphan") in found
    assert ("reporting_cycle", "x,y") in found
    assert ("manager_without_team", "m") in found
    assert ("team_under_5", "t") not in found  # L, i0-i2, orphan: 5 members
    assert next(t for t in r["teams"] if t["slug"] == "t")["size"] == 5


def test_empty_org() -> None:
    r = analyze(OrgSnapshot(on=D))
    assert r["people"] == 0
    assert r["manager_to_ic_ratio"] is None
    assert r["layers"] == 0
    assert r["span_of_control"] == {"median": None, "max": None, "by_manager": {}}


def test_compare_reports_figures_and_flag_changes() -> None:
    before = small_org()
    after = small_org()
    after.people["b1"] = person("b1", "M1", "alpha", level="L3")
    after.people["s1"] = person("s1", "M1", "alpha", level="L4")
    result = compare(analyze(before), analyze(after))
    # M2 has no reports left: managers C, V1, M1; 8 ICs.
    assert result["figures"]["manager_to_ic_ratio"] == {"before": 1.75, "after": 2.67}
    assert result["figures"]["span_max"] == {"before": 4, "after": 6}
    beta = next(t for t in result["teams"] if t["slug"] == "beta")
    assert (beta["size_before"], beta["size_after"]) == (1, 0)
    added = {(f["kind"], f["subject"]) for f in result["flags_added"]}
    removed = {(f["kind"], f["subject"]) for f in result["flags_removed"]}
    assert ("team_empty", "beta") in added
    assert ("span_under_3", "M2") in removed  # M2 has no reports: no longer a manager
    assert ("manager_without_team", "M2") not in added  # still leads beta
    assert ("team_of_one", "gamma") in removed
