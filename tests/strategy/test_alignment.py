"""Effort attribution: the pure rule, and the report on a small fixture repository, by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from steward.core.policy import SYSTEM
from steward.engineering.ingest import ingest_paths
from steward.org import services as org_services
from steward.strategy import selectors, services
from steward.strategy.alignment import UNLINKED, CommitRef, attribute, objective_effort
from steward.strategy.models import Initiative, Objective
from tests.engineering.gitfixtures import commit, init, run


def test_attribute_splits_days_then_commits_then_initiatives() -> None:
    d1, d2 = date(2026, 1, 5), date(2026, 2, 1)
    commits = [
        CommitRef(1, 10, d1, ("K1",)),
        CommitRef(2, 10, d1, ("K1", "K2")),
        CommitRef(3, 10, d1, ()),
        CommitRef(4, 20, d1, ("K3", "NOPE")),
        CommitRef(5, 10, d2, ("K2",)),
    ]
    result = attribute(
        commits,
        {"K1": ["I1"], "K2": ["I2"], "K3": ["I2", "I3"]},
        lambda person, day: "a" if person == 10 else "b",
    )
    # Person 10 on d1: three commits of 1/3; commit 2 splits 1/6 + 1/6.
    assert result.by_commit[2] == [("I1", Fraction(1, 6)), ("I2", Fraction(1, 6))]
    assert result.by_commit[3] == [(UNLINKED, Fraction(1, 3))]
    # Person 20's only commit references K3, which two initiatives share: 1/2 each.
    assert result.by_commit[4] == [("I2", Fraction(1, 2)), ("I3", Fraction(1, 2))]
    assert result.person_days == 3
    assert result.cells == {
        ("a", "2026-01", "I1"): Fraction(1, 2),
        ("a", "2026-01", "I2"): Fraction(1, 6),
        ("a", "2026-01", UNLINKED): Fraction(1, 3),
        ("b", "2026-01", "I2"): Fraction(1, 2),
        ("b", "2026-01", "I3"): Fraction(1, 2),
        ("a", "2026-02", "I2"): Fraction(1),
    }
    effort = objective_effort(
        result.initiative_totals(),
        {"I1": {"OA": Fraction(1)}, "I2": {"OA": Fraction(1, 4), "OB": Fraction(3, 4)}},
    )
    # I2 = 1/6 + 1/2 + 1 = 5/3; I1 = 1/2; I3 (no link) 1/2 and unlinked 1/3 are unaligned.
    assert effort == {
        "OA": Fraction(1, 2) + Fraction(5, 12),
        "OB": Fraction(5, 4),
        "unaligned": Fraction(1, 2) + Fraction(1, 3),
    }


@pytest.fixture
def fixture_repo(tmp_path: Path, db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Two people in two new teams, one moving team mid-way, and a repository of their work.

    Dated January 2020, before the demo's history, so the demo's commits do not count.
    """
    Initiative.objects.all().delete()
    Objective.objects.all().delete()
    team_a = org_services.team_create(actor=SYSTEM, slug="aln-a", name="A", type="stream-aligned")
    team_b = org_services.team_create(actor=SYSTEM, slug="aln-b", name="B", type="stream-aligned")
    ann = org_services.person_create(
        actor=SYSTEM,
        employee_id="ALN1",
        name="Ann Aligned",
        start_date=date(2019, 12, 1),
        emails=["ann.aligned@example.com"],
        team=team_a,
    )
    org_services.person_create(
        actor=SYSTEM,
        employee_id="ALN2",
        name="Bo Aligned",
        start_date=date(2019, 12, 1),
        emails=["bo.aligned@example.com"],
        team=team_b,
    )
    org_services.person_move(actor=SYSTEM, person=ann, team=team_b, on=date(2020, 1, 6))
    oa = services.objective_upsert(
        actor=SYSTEM, key="OA", title="A", start=date(2020, 1, 1), end=date(2027, 1, 1), priority=1
    )
    ob = services.objective_upsert(
        actor=SYSTEM, key="OB", title="B", start=date(2020, 1, 1), end=date(2027, 1, 1), priority=2
    )
    services.initiative_upsert(
        actor=SYSTEM,
        key="I1",
        title="one",
        fields={"link_keys": ["ALN-1"], "status": "in-progress"},
        objectives=[(oa, Decimal(1))],
        efforts={team_a: Decimal(30)},
    )
    services.initiative_upsert(
        actor=SYSTEM,
        key="I2",
        title="two",
        fields={"link_keys": ["ALN-2", "ALN-3"], "status": "in-progress"},
        objectives=[(oa, Decimal("0.25")), (ob, Decimal("0.75"))],
        efforts={team_b: Decimal(10)},
    )
    services.initiative_upsert(
        actor=SYSTEM, key="I3", title="three", fields={"link_keys": ["ALN-9"]}
    )
    repo = init(tmp_path / "aln-repo")
    ann_id = {"name": "Ann Aligned", "email": "ann.aligned@example.com"}
    bo_id = {"name": "Bo Aligned", "email": "bo.aligned@example.com"}
    shas = {}
    (repo / "f").write_text("1")
    shas["c1"] = commit(repo, "ALN-1: first", when="2020-01-05T09:00:00+01:00", **ann_id)
    (repo / "f").write_text("2")
    shas["c2"] = commit(repo, "ALN-1 and ALN-2", when="2020-01-05T10:00:00+01:00", **ann_id)
    (repo / "f").write_text("3")
    shas["c3"] = commit(repo, "tidy up", when="2020-01-05T11:00:00+01:00", **ann_id)
    (repo / "g").write_text("1")
    shas["c4"] = commit(repo, "ALN-3: bo's work", when="2020-01-05T12:00:00+01:00", **bo_id)
    (repo / "f").write_text("4")
    shas["c5"] = commit(repo, "ALN-9 fix", when="2020-01-07T09:00:00+01:00", **ann_id)
    run(repo, "checkout", "-q", "-b", "feature/ALN-2-more")
    (repo / "h").write_text("1")
    shas["c6"] = commit(repo, "more work", when="2020-01-07T10:00:00+01:00", **ann_id)
    run(repo, "checkout", "-q", "main")
    run(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature/ALN-2-more'",
        "feature/ALN-2-more",
        env={
            "GIT_AUTHOR_NAME": "Ann Aligned",
            "GIT_AUTHOR_EMAIL": "ann.aligned@example.com",
            "GIT_AUTHOR_DATE": "2020-01-07T11:00:00+01:00",
            "GIT_COMMITTER_DATE": "2020-01-07T11:00:00+01:00",
        },
    )
    (repo / "g").write_text("2")
    # Late evening in New York: the 8th in UTC, the 7th on the author's own calendar.
    shas["c7"] = commit(repo, "ALN-1 late", when="2020-01-07T23:30:00-05:00", **bo_id)
    [result] = ingest_paths([repo])
    assert result.ok, result.error
    return shas


def test_alignment_report_matches_hand_computed_figures(fixture_repo: dict[str, str]) -> None:
    report = selectors.alignment_report(actor=SYSTEM, start=date(2020, 1, 1), end=date(2020, 2, 1))
    # Person-days: Ann on the 5th and 7th, Bo on the 5th and (local) 7th.
    assert report["person_days"] == 4
    # Ann on the 5th: three commits of 1/3 (c2 split 1/6 to I1 and I2); Bo on the 5th: c4 → I2.
    # Ann on the 7th: c5 → I3 (ALN-9) and c6, 1/2 each; c6's own message has no key (the
    # branch key sits on the merge commit, which is not counted), so c6 is unlinked.
    # Bo on the 7th: c7 → I1.
    totals = {row["key"]: row["person_days"] for row in report["initiatives"]}
    assert totals == {
        "I1": pytest.approx(1 / 3 + 1 / 6 + 1, abs=1e-3),
        "I2": pytest.approx(1 / 6 + 1, abs=1e-3),
        "I3": pytest.approx(1 / 2, abs=1e-3),
    }
    assert report["unlinked_person_days"] == pytest.approx(1 / 3 + 1 / 2, abs=1e-3)
    objectives = {row["key"]: row for row in report["objectives"]}
    assert objectives["OA"]["person_days"] == pytest.approx(1.5 + (7 / 6) * 0.25, abs=1e-3)
    assert objectives["OB"]["person_days"] == pytest.approx((7 / 6) * 0.75, abs=1e-3)
    assert report["unaligned_person_days"] == pytest.approx(1 / 2 + 1 / 3 + 1 / 2, abs=1e-3)
    assert objectives["OA"]["share"] == pytest.approx((1.5 + 7 / 24) / 4, abs=1e-3)
    # The plan: I1 (30 pw, all OA) and I2 (10 pw, 1/4 OA, 3/4 OB) are in progress.
    assert objectives["OA"]["intended_share"] == pytest.approx(32.5 / 40, abs=1e-4)
    assert objectives["OB"]["intended_share"] == pytest.approx(7.5 / 40, abs=1e-4)
    # Ann counted for team A on the 5th, for team B on the 7th (she moved on the 6th).
    cells = {(r["team"], r["month"]): r for r in report["by_team_month"]}
    assert cells[("aln-a", "2020-01")]["person_days"] == 1
    assert cells[("aln-b", "2020-01")]["person_days"] == 3
    assert cells[("aln-a", "2020-01")]["unlinked"] == pytest.approx(1 / 3, abs=1e-3)
    assert any("OA" in c and "priority 1" in c for c in report["callouts"])


def test_drill_down_lists_the_commits_behind_a_figure(fixture_repo: dict[str, str]) -> None:
    rows = selectors.alignment_commits(
        actor=SYSTEM, start=date(2020, 1, 1), end=date(2020, 2, 1), initiative="I2"
    )
    assert {r["sha"]: r["person_days"] for r in rows} == {
        fixture_repo["c2"]: pytest.approx(1 / 6, abs=1e-4),
        fixture_repo["c4"]: 1.0,
    }
    team_a = selectors.alignment_commits(
        actor=SYSTEM,
        start=date(2020, 1, 1),
        end=date(2020, 2, 1),
        initiative="unlinked",
        team="aln-a",
    )
    assert [r["sha"] for r in team_a] == [fixture_repo["c3"]]


def test_drill_down_by_objective_and_team_month(fixture_repo: dict[str, str]) -> None:
    window = {"actor": SYSTEM, "start": date(2020, 1, 1), "end": date(2020, 2, 1)}
    ob = selectors.alignment_commits(**window, objective="OB")
    # OB gets 3/4 of I2's share of each commit: c2 (1/6) and c4 (1).
    assert {r["sha"]: r["person_days"] for r in ob} == {
        fixture_repo["c2"]: pytest.approx(0.75 / 6, abs=1e-4),
        fixture_repo["c4"]: 0.75,
    }
    assert sum(r["person_days"] for r in ob) == pytest.approx(7 / 6 * 0.75, abs=1e-3)
    cell = selectors.alignment_commits(**window, team="aln-b", month="2020-01")
    # Team B in January: Bo's c4 and c7 (1 each), Ann's c5 and c6 after her move (1/2 each).
    assert {r["sha"]: r["person_days"] for r in cell} == {
        fixture_repo["c4"]: 1.0,
        fixture_repo["c5"]: 0.5,
        fixture_repo["c6"]: 0.5,
        fixture_repo["c7"]: 1.0,
    }
    assert list(selectors.alignment_commits(**window, team="aln-b", month="2020-02")) == []


def test_kept_counts_give_the_commit_by_commit_figures(
    fixture_repo: dict[str, str], tmp_path: Path
) -> None:
    """Attribution reads the per-day counts kept at ingest (`AuthorDay`, `AuthorDayKey`): on
    commits with several keys (an initiative's beside a plain ticket), a bot's and an unmatched
    author's keyed commits, and after a force-push, its groups, report and drill-downs equal
    the commit-by-commit computation over `commit_evidence`."""
    from steward.engineering import selectors as evidence
    from tests.strategy.test_alignment_groups import (
        _sorted_report,
        old_alignment_commits,
        old_alignment_report,
    )

    repo = tmp_path / "aln-repo"
    ann_id = {"name": "Ann Aligned", "email": "ann.aligned@example.com"}
    window = {"start": date(2020, 1, 1), "end": date(2020, 2, 1)}

    def check() -> None:
        wanted = {"ALN-1", "ALN-2", "ALN-3", "ALN-9"}
        for keys in (None, wanted, {"ALN-2"}, set()):
            expected: dict[tuple[int, date, tuple[str, ...]], int] = {}
            for c in evidence.commit_evidence(**window):
                kept = c.keys if keys is None else tuple(k for k in c.keys if k in keys)
                cell = (c.person_id, c.day, kept)
                expected[cell] = expected.get(cell, 0) + 1
            groups = evidence.commit_groups(**window, keys=keys)
            assert {(g.person_id, g.day, g.keys): g.commits for g in groups} == expected
        assert _sorted_report(selectors.alignment_report(actor=SYSTEM, **window)) == (
            _sorted_report(old_alignment_report(actor=SYSTEM, **window))
        )
        for filters in (
            {"initiative": "I1"},
            {"initiative": "I2"},
            {"initiative": "unlinked"},
            {"objective": "OB"},
            {"objective": "unaligned"},
            {"team": "aln-b", "month": "2020-01"},
        ):
            new = selectors.alignment_commits(actor=SYSTEM, **window, **filters)
            assert list(new) == old_alignment_commits(actor=SYSTEM, **window, **filters)

    (repo / "f").write_text("5")
    commit(repo, "ALN-3 with ALN-1 and TKT-5", when="2020-01-09T09:00:00+00:00", **ann_id)
    (repo / "f").write_text("6")
    commit(repo, "TKT-6 only", when="2020-01-09T10:00:00+00:00", **ann_id)
    (repo / "f").write_text("7")
    commit(repo, "ALN-1 TKT-6", when="2020-01-09T11:00:00+00:00", **ann_id)
    (repo / "g").write_text("3")
    bot = {"name": "ci-bot[bot]", "email": "ci-bot@example.com"}
    commit(repo, "ALN-2 by a bot", when="2020-01-09T12:00:00+00:00", **bot)
    (repo / "g").write_text("4")
    stranger = {"name": "Stranger", "email": "stranger@example.com"}
    commit(repo, "ALN-1 by a stranger", when="2020-01-09T13:00:00+00:00", **stranger)
    [result] = ingest_paths([repo])
    assert result.ok and result.new_commits == 5
    check()
    multi = selectors.alignment_commits(actor=SYSTEM, **window, initiative="I2")
    assert len(multi) == 3  # c2, c4 and the commit with ALN-3 beside ALN-1
    # A force-push drops the stranger's, the bot's and "ALN-1 TKT-6"; a new commit replaces them.
    run(repo, "reset", "-q", "--hard", "HEAD~3")
    (repo / "f").write_text("8")
    commit(repo, "ALN-2 ALN-9 rewritten", when="2020-01-09T14:00:00+00:00", **ann_id)
    [result] = ingest_paths([repo])
    assert result.ok and result.unreachable == 3
    check()
    # Ann on the 9th: three commits; the rewritten one is 1/3 split between I2 and I3.
    rows = selectors.alignment_commits(actor=SYSTEM, **window, initiative="I3")
    assert [r["person_days"] for r in rows if r["day"] == date(2020, 1, 9)] == [
        pytest.approx(1 / 6, abs=1e-4)
    ]
