"""Interview kits per role and level: the role description's competencies plus what the career
ladder expects at the level, focus attributes (the level asks more than the level below)
weighted twice. Expectations computed by hand from the inputs below."""

from __future__ import annotations

import pytest

from steward.talent import kits

ROLE = [
    {"name": "Designs services", "category": "Technical skills", "questions": ["Q1"]},
    {"name": "Communication", "category": "Collaboration", "questions": ["Q2"]},
]


def _level(has_below: bool) -> kits.LadderLevel:
    return kits.LadderLevel(
        key="L3",
        title="Senior",
        rank=3 if has_below else 1,
        track="Engineering",
        has_below=has_below,
        expectations=[
            # Changed from the level below: focus, and the role's attribute of the same name.
            kits.LadderExpectation(
                "communication", "people", ["Explains trade-offs to several teams"], [], ["x"]
            ),
            # The same as below: no focus.
            kits.LadderExpectation(
                "Impact", "delivery", ["Ships features."], [], ["Ships features."]
            ),
            # New at this level: focus.
            kits.LadderExpectation("Leadership", "", ["Mentors two engineers"], [], None),
            # No criteria: not an attribute.
            kits.LadderExpectation("Influence", "people", [], [], None),
        ],
    )


def test_a_senior_level_adds_and_weights_what_it_asks_beyond_the_level_below() -> None:
    found = kits.competencies([dict(c) for c in ROLE], _level(has_below=True))
    assert [(c["name"], c["source"], c["focus"], c["weight"]) for c in found] == [
        ("Designs services", "role", False, 1),
        ("Communication", "role and ladder", True, 2),
        ("Impact", "ladder", False, 1),
        ("Leadership", "ladder", True, 2),
    ]
    assert found[1]["expected"] == ["Explains trade-offs to several teams"]
    assert found[1]["category"] == "Collaboration"  # the role's attribute keeps its category
    assert found[2]["questions"] == ["Tell us about a time you showed this: ships features."]
    assert found[3]["category"] == "Level expectations"  # the ladder named none
    # The most junior level has nothing below it: the ladder's attributes, none a focus.
    junior = kits.competencies([dict(c) for c in ROLE], _level(has_below=False))
    assert [(c["name"], c["weight"]) for c in junior] == [
        ("Designs services", 1),
        ("Communication", 1),
        ("Impact", 1),
        ("Leadership", 1),
    ]
    # No ladder level: the role's competencies only.
    assert [c["name"] for c in kits.competencies([dict(c) for c in ROLE], None)] == [
        "Designs services",
        "Communication",
    ]


def test_weighted_rating() -> None:
    found = kits.competencies([dict(c) for c in ROLE], _level(has_below=True))
    ratings = [
        {"attribute": "Communication", "rating": 4},  # weight 2
        {"attribute": "Impact", "rating": 2},  # weight 1
        {"attribute": "Leadership", "rating": 5},  # weight 2
        {"attribute": "Not in the kit", "rating": 3},  # weight 1
    ]
    # (2×4 + 1×2 + 2×5 + 1×3) ÷ (2 + 1 + 2 + 1) = 23 ÷ 6
    assert kits.weighted_rating(ratings, found) == pytest.approx(23 / 6)
    assert kits.weighted_rating([], found) is None


@pytest.mark.django_db
def test_kits_per_level_from_the_growth_ladder(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.core.policy import SYSTEM
    from steward.growth import ladder_format
    from steward.growth import services as growth
    from steward.org import services as org
    from steward.org.roledocs import parse_role
    from steward.talent import services

    ladder = ladder_format.Ladder(id="acme", title="Acme", version="1")
    track = ladder_format.Track(id="ic", title="Individual contributor")
    track.levels = [ladder_format.Level(f"IC{r}", r, f"Engineer {r}") for r in (1, 2, 3)]
    ladder.tracks = [track]
    ladder.competencies = [
        ladder_format.Competency("mastery", "Technical mastery", "craft"),
        ladder_format.Competency("mentoring", "Mentoring", "people"),
    ]

    def expect(competency: str, level: str, text: str) -> ladder_format.Expectation:
        return ladder_format.Expectation(competency, "ic", level, [text])

    ladder.expectations = [
        expect("mastery", "IC1", "Writes working code with help"),
        expect("mastery", "IC2", "Writes working code with help"),  # unchanged at IC2
        expect("mastery", "IC3", "Designs a service alone"),  # raised at IC3
        expect("mentoring", "IC3", "Mentors one engineer"),  # new at IC3
    ]
    growth.framework_save(actor=SYSTEM, ladder=ladder)
    doc = parse_role(
        "---\ntitle: Kit Engineer\ndescription: Builds\n---\n\nBuilds.\n\n## Responsibilities\n\n"
        "### Technical skills:\nDesigns services.\nWrites tests.\n"
    )
    role, _ = org.role_description_upsert(
        actor=SYSTEM,
        slug="kit-engineer",
        title=doc.title,
        description=doc.description,
        summary=doc.summary,
        body=doc.body,
        sections=doc.sections,
        metadata=doc.metadata,
    )

    def kit(level: str) -> list[tuple[str, str, bool, int]]:
        built = services.kit_build(actor=SYSTEM, role=role, level=level)
        return [(c["name"], c["category"], c["focus"], c["weight"]) for c in built.competencies]

    role_part = [
        ("Designs services", "Technical skills", False, 1),
        ("Writes tests", "Technical skills", False, 1),
    ]
    assert kit("IC1") == [*role_part, ("Technical mastery", "craft", False, 1)]
    assert kit("IC2") == [*role_part, ("Technical mastery", "craft", False, 1)]
    assert kit("ic3") == [
        *role_part,
        ("Technical mastery", "craft", True, 2),
        ("Mentoring", "people", True, 2),
    ]
    assert kit("Z9") == role_part  # a level the ladder does not know
    # The requisition page shows the senior kit's focus.
    from datetime import date

    from steward.org.models import Team

    req = services.requisition_create(
        actor=SYSTEM,
        key="KIT-3",
        title="Kit Engineer",
        team=Team.objects.order_by("slug").first(),
        level="ic3",
        role=role,
        target_start=date(2027, 3, 1),
    )
    page = client_as("people").get(f"/talent/requisitions/{req.key}/").content.decode()
    assert page.count("focus of this level, weight 2") == 2
    assert "Expected at this level: Mentors one engineer" in page
