"""Career ladders: the FORMATS.md files (Steward's and Monzo's) read, written and round-tripped
through the database; located problems; levels with history; plans; promotion decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.growth import ladder_format, selectors, services
from steward.growth.models import Framework, LadderLevel, PersonLevel, PromotionCase
from tests.factories import PersonFactory

MONZO = """---
path: "/engineering/backend"
title: "Backend Engineering Framework"
sidebarGroup: "engineering"
yaml: true
levels: 3
topics:
  - name: "communication"
    content:
      - level: 1
        criteria: ["Provides regular status updates to their mentor/buddy"]
        exampleCriteria:
          - criteria: "Provides helpful feedback in code reviews"
            examples: ["Leaves actionable review comments"]
      - level: 3
        criteria: ["Explains trade-offs to the team"]
  - name: "impact"
    content:
      - level: 2
        criteria: ["Ships features end to end", "Owns a service"]
---
Prose about sub-levels A-E is ignored.
"""

STEWARD = """framework:
  id: acme
  title: Acme engineering
  version: '3'
  tracks:
  - id: ic
    title: Individual contributor
    levels:
    - id: E1
      rank: 1
      title: Engineer
      sfia_level: 3
    - id: E2
      rank: 2
      title: Senior engineer
  - id: em
    levels:
    - id: E2
      rank: 1
      title: Engineering manager
  competencies:
  - id: delivery
    name: Delivery
    category: craft
  - id: people
    name: People
  expectations:
  - competency: delivery
    track: ic
    level: E1
    criteria:
    - Ships small changes safely
    examples:
    - Fixed a bug behind a flag
  - competency: delivery
    track: ic
    level: E2
    criteria:
    - Plans a quarter of work
    examples: []
  - competency: people
    track: em
    level: E2
    criteria:
    - Runs 1:1s on a cadence
    examples:
    - criteria: Grows people
      examples:
      - Promoted two engineers
  scoring:
    points:
    - 0
    - 1
    - 3
"""


def test_monzo_file_is_one_track_whose_topics_are_competencies() -> None:
    ladder = ladder_format.parse_monzo(MONZO, "backend.md")
    assert (ladder.id, ladder.title) == ("engineering-backend", "Backend Engineering Framework")
    assert [(t.id, [lv.id for lv in t.levels]) for t in ladder.tracks] == [
        ("backend", ["1", "2", "3"])
    ]
    assert [c.id for c in ladder.competencies] == ["communication", "impact"]
    first = ladder.expectations[0]
    assert (first.competency, first.level, first.criteria) == (
        "communication",
        "1",
        ["Provides regular status updates to their mentor/buddy"],
    )
    assert first.examples == [
        {
            "criteria": "Provides helpful feedback in code reviews",
            "examples": ["Leaves actionable review comments"],
        }
    ]
    assert [(e.competency, e.level) for e in ladder.expectations] == [
        ("communication", "1"),
        ("communication", "3"),
        ("impact", "2"),
    ]
    # Written as a Monzo file and read again: the same ladder.
    again = ladder_format.parse_monzo(ladder_format.dump_monzo(ladder), "backend.md")
    assert again == ladder


def test_steward_file_reads_and_writes_the_same_text() -> None:
    ladder = ladder_format.parse_steward(STEWARD)
    assert [lv.id for t in ladder.tracks for lv in t.levels] == ["E1", "E2", "E2"]
    assert ladder.scoring == {"points": [0, 1, 3]}
    assert ladder_format.dump_yaml(ladder_format.steward_data(ladder)) == STEWARD
    # JSON is read by the same parser.
    as_json = ladder_format.dump_json(ladder_format.steward_data(ladder))
    assert ladder_format.parse_steward(as_json) == ladder


def test_problems_name_the_line_and_field() -> None:
    broken = STEWARD.replace("      rank: 2\n", "      rank: two\n").replace(
        "  - competency: people\n", "  - competency: peeple\n"
    )
    with pytest.raises(ladder_format.LadderFileError) as error:
        ladder_format.parse_steward(broken)
    lines = broken.splitlines()
    rank, peeple = lines.index("      rank: two") + 1, lines.index("  - competency: peeple") + 1
    # Line and column of the value (6 spaces + "rank: "; 2 spaces + "- competency: ").
    assert [str(p) for p in error.value.problems] == [
        f"ladder.yaml:{rank}: column 13: key 'framework.tracks[0].levels[1].rank': must be a "
        "whole number from 1 to 100",
        f"ladder.yaml:{peeple}: column 17: key 'framework.expectations[2].competency': no "
        "competency 'peeple' (fix: use an id from competencies)",
    ]
    # A level id in two tracks needs `track:` on the expectation.
    ambiguous = STEWARD.replace("    track: em\n", "")
    with pytest.raises(ladder_format.LadderFileError, match="several tracks"):
        ladder_format.parse_steward(ambiguous)


@pytest.mark.django_db
def test_import_round_trip_and_idempotence(tmp_path: Path, client_as) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "acme.yaml"
    path.write_text(STEWARD, encoding="utf-8")
    dry = run_import("ladder", path, actor=SYSTEM, dry_run=True)
    assert dry.counts()["added"] == 1 and not Framework.objects.filter(key="acme").exists()
    first = run_import("ladder", path, actor=SYSTEM)
    assert first.counts()["added"] == 1
    again = run_import("ladder", path, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 1, "ended": 0}
    # Exported from the database (page and API): the file as it was imported.
    download = client_as("engineer").get("/growth/ladders/acme/export.yaml")
    assert download.content.decode() == STEWARD
    api = client_as("engineer").get("/api/v1/growth/ladders/acme").json()
    assert api == ladder_format.steward_data(ladder_format.parse_steward(STEWARD))
    # A change is a change, and it is applied.
    path.write_text(STEWARD.replace("Plans a quarter of work", "Plans a half-year"), "utf-8")
    assert run_import("ladder", path, actor=SYSTEM).counts()["changed"] == 1
    assert "Plans a half-year" in client_as("cto").get("/growth/ladders/acme/").content.decode()


@pytest.mark.django_db
def test_import_problems_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    text = MONZO.replace("      - level: 2\n", "      - level: 9\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        run_import("ladder", path, actor=SYSTEM)
    line = text.splitlines().index("      - level: 9") + 1
    # The value's column: 6 spaces, "- level: ".
    assert [str(p) for p in error.value.problems] == [
        f"{path}:{line}: column 16: front matter: key 'topics[1].content[0].level': must be a "
        "whole number from 1 to 3"
    ]
    assert not Framework.objects.filter(key="engineering-backend").exists()


@pytest.mark.django_db
def test_only_ladder_editors_import(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(STEWARD, encoding="utf-8")
    with pytest.raises(PermissionDenied):
        run_import("ladder", path, actor=User.objects.get(username="manager"))


@pytest.mark.django_db
def test_level_history_and_promotion_decision() -> None:
    services.framework_save(actor=SYSTEM, ladder=ladder_format.parse_steward(STEWARD))
    e1 = LadderLevel.objects.get(track__framework__key="acme", track__key="ic", key="E1")
    e2 = LadderLevel.objects.get(track__framework__key="acme", track__key="ic", key="E2")
    person = PersonFactory(start_date=date(2024, 1, 1))
    services.person_level_set(actor=SYSTEM, person=person, level=e1, start=date(2024, 1, 1))
    with pytest.raises(services.GrowthError):
        services.person_level_set(actor=SYSTEM, person=person, level=e2, start=date(2023, 12, 1))
    case = services.promotion_open(
        actor=SYSTEM,
        person=person,
        to_level=e2,
        opened_on=date(2025, 5, 1),
        evidence=[(None, "Led the migration", "https://example.org/pr/1")],
    )
    manager = User.objects.get(username="manager")
    with pytest.raises(PermissionDenied):
        services.promotion_decide(actor=manager, case=case, outcome="approved", on=date(2025, 6, 1))
    services.promotion_decide(
        actor=User.objects.get(username="people"),
        case=case,
        outcome="approved",
        on=date(2025, 6, 1),
    )
    history = [
        (r.level.key, r.start, r.end)
        for r in PersonLevel.objects.filter(person=person).order_by("start")
    ]
    assert history == [("E1", date(2024, 1, 1), date(2025, 6, 1)), ("E2", date(2025, 6, 1), None)]
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.APPROVED
    assert [d.outcome for d in case.decisions.all()] == ["approved"]
    with pytest.raises(services.GrowthError):
        services.promotion_decide(actor=SYSTEM, case=case, outcome="declined", on=date(2025, 7, 1))
    rows = selectors.person_levels(actor=SYSTEM, person=person)
    assert selectors.level_on(rows, date(2025, 5, 31)).level.key == "E1"  # type: ignore[union-attr]
    assert selectors.level_on(rows, date(2025, 6, 1)).level.key == "E2"  # type: ignore[union-attr]
    # A level people hold cannot disappear from the framework.
    smaller = ladder_format.parse_steward(STEWARD)
    smaller.tracks[0].levels.pop()
    smaller.expectations = [e for e in smaller.expectations if e.track != "ic" or e.level != "E2"]
    with pytest.raises(services.GrowthError, match="held by people"):
        services.framework_save(actor=SYSTEM, ladder=smaller)


@pytest.mark.django_db
def test_plans_are_the_persons_and_their_managers(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import Person

    engineer = Person.objects.get(employee_id="E0006")
    plans = selectors.plans_of(actor=User.objects.get(username="engineer"), person=engineer)
    assert [p.title for p in plans] == ["Towards the next level"]
    goals = list(plans[0].goals.all())
    # Demo check-ins at 30 %, 70 % and 100 % of each goal's progress (60, 40, 100).
    assert [g.latest_check_in.progress for g in goals] == [60, 40, 100]
    assert [g.status for g in goals] == ["open", "open", "done"]
    assert selectors.plans_of(actor=User.objects.get(username="architect"), person=engineer) == []
    body = client_as("manager").get("/growth/people/E0006/").content.decode()
    assert "Lead the design of the refunds service" in body and "60 %" in body
    response = client_as("engineer").post(
        f"/growth/goals/{goals[0].pk}/check-in/", {"on": "2026-11-30", "progress": "80"}
    )
    assert response.status_code == 302
    assert (
        selectors.plans_of(actor=SYSTEM, person=engineer)[0].goals.all()[0].latest_check_in.progress
        == 80
    )
