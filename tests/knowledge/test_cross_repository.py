"""Coupling across repositories (docs/code-knowledge.md): three small repositories built with
git, hand-counted logical changes by work item and by person-day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from steward.core.policy import SYSTEM
from steward.engineering import ingest
from steward.knowledge import selectors
from tests.engineering.gitfixtures import commit, init
from tests.plain_text import heading_problems, problems, visible_text

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = date(2026, 6, 30)
ANN = ("Ann", "ann@example.com")
BOB = ("Bob", "bob@example.com")


def _when(day: int) -> str:
    moment = datetime.combine(TODAY - timedelta(days=60 - day), time(10), tzinfo=UTC)
    return f"@{int(moment.timestamp())} +0000"


def _change(repo: Path, path: str, who: tuple[str, str], day: int, message: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((target.read_text() if target.exists() else "") + f"{message}\n")
    commit(repo, message, name=who[0], email=who[1], when=_when(day))


@pytest.fixture
def repos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """front (ui/), back (api/) and docs, in the 12 months before TODAY:

    - XRC-1..XRC-6: a commit in front by Ann and one in back by Bob, on day i;
    - XRC-7, XRC-8: front only (Ann, days 7 and 8); XRC-9: back only (Bob, day 9);
    - "Fix (#k)", k = 1..5: a commit in front and one in back, both by Ann on day 20 + k
      (`#k` is each repository's own pull request: no work-item link, a person-day link);
    - day 40: Bob changes 31 files of back in one commit naming XRC-7 (ignored: > 30 files);
    - docs: Ann, day 1, "XRC-1: document" (one shared change with front: below 5).

    By work item: front 13 logical changes (XRC-1..8 and its own #1..#5), back 12 (XRC-1..6,
    XRC-9, its #1..#5), shared 6 (XRC-1..6): degree 6 ÷ 12.5 = 48 %.
    By person-day: front 13 (Ann's days 1..8 and 21..25), back 12 (Bob's days 1..6 and 9,
    Ann's days 21..25), shared 5 (Ann's days 21..25): degree 5 ÷ 12.5 = 40 %.
    """
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    front, back, docs = init(tmp_path / "front"), init(tmp_path / "back"), init(tmp_path / "docs")
    for i in range(1, 7):
        _change(front, f"ui/page{i}.js", ANN, i, f"XRC-{i}: front part")
        _change(back, f"api/handler{i}.py", BOB, i, f"XRC-{i}: back part")
    _change(front, "ui/page7.js", ANN, 7, "XRC-7: front only")
    _change(front, "ui/page8.js", ANN, 8, "XRC-8: front only")
    _change(back, "api/handler9.py", BOB, 9, "XRC-9: back only")
    for k in range(1, 6):
        _change(front, "ui/fix.js", ANN, 20 + k, f"Fix (#{k})")
        _change(back, "api/fix.py", ANN, 20 + k, f"Fix (#{k})")
    for n in range(31):
        (back / "vendor" / f"lib{n}.py").parent.mkdir(parents=True, exist_ok=True)
        (back / "vendor" / f"lib{n}.py").write_text(f"{n}\n")
    commit(back, "XRC-7: vendor update", name=BOB[0], email=BOB[1], when=_when(40))
    _change(docs, "guide.md", ANN, 1, "XRC-1: document")
    results = ingest.ingest_paths([front, back, docs])
    assert all(r.ok for r in results), results


def _pairs(**kwargs: object) -> list[dict]:  # type: ignore[type-arg]
    """The pairs among this test's repositories (the test database also holds the demo's)."""
    data = selectors.cross_repository_coupling(actor=SYSTEM, **kwargs)  # type: ignore[arg-type]
    mine = {"front", "back", "docs"}
    return [p for p in data["pairs"] if {p["repo"], p["coupled_repo"]} & mine]


@pytest.mark.usefixtures("repos")
def test_by_work_item() -> None:
    data = selectors.cross_repository_coupling(actor=SYSTEM)
    assert (data["since"], data["by"], data["level"], data["depth"]) == (
        TODAY - timedelta(days=365),
        "work-item",
        "repositories",
        None,
    )
    assert _pairs() == [
        {
            "repo": "back",
            "folder": None,
            "coupled_repo": "front",
            "coupled_folder": None,
            "degree": 48.0,
            "shared": 6,
            "revisions_entity": 12,
            "revisions_coupled": 13,
            "examples": ["XRC-1", "XRC-2", "XRC-3", "XRC-4", "XRC-5"],
        }
    ]


@pytest.mark.usefixtures("repos")
def test_by_person_day_and_by_folder() -> None:
    [pair] = _pairs(by="author-day")
    assert (pair["repo"], pair["coupled_repo"], pair["degree"], pair["shared"]) == (
        "back",
        "front",
        40.0,
        5,
    )
    assert (pair["revisions_entity"], pair["revisions_coupled"], pair["examples"]) == (12, 13, [])
    [folders] = _pairs(depth=1)
    assert (folders["repo"], folders["folder"], folders["coupled_repo"]) == ("back", "api", "front")
    assert (folders["coupled_folder"], folders["degree"], folders["shared"]) == ("ui", 48.0, 6)


@pytest.mark.usefixtures("repos")
def test_window_and_bad_input() -> None:
    # One month (30 days before TODAY = day 30 onwards): only the 31-file commit, ignored.
    assert _pairs(months=1) == []
    from steward.core.errors import BadInput

    with pytest.raises(BadInput):
        _pairs(by="same-moon")


@pytest.mark.usefixtures("repos")
def test_drill_down_api_and_page(client_as) -> None:  # type: ignore[no-untyped-def]
    data = selectors.cross_repository_changes(actor=SYSTEM, repo="back", coupled_repo="front")
    assert [c["change"] for c in data["changes"]] == [f"XRC-{i}" for i in range(1, 7)]
    first = data["changes"][0]["commits"]
    assert [(c["repo"], c["subject"]) for c in first] == [
        ("back", "XRC-1: back part"),
        ("front", "XRC-1: front part"),
    ]
    days = selectors.cross_repository_changes(
        actor=SYSTEM, repo="back", coupled_repo="front", by="author-day"
    )
    assert [c["change"] for c in days["changes"]] == [
        (TODAY - timedelta(days=60 - 20 - k)).isoformat() for k in range(1, 6)
    ]
    assert all("Ann" not in str(c) for c in days["changes"])
    engineer = client_as("engineer")
    api = engineer.get("/api/v1/engineering/cross-repository-coupling?by=author-day").json()
    mine = [p for p in api["pairs"] if p["repo"] == "back"]
    assert [(p["coupled_repo"], p["degree"], p["shared"]) for p in mine] == [("front", 40.0, 5)]
    changes = engineer.get(
        "/api/v1/engineering/cross-repository-changes?repo=back&coupled_repo=front"
    ).json()
    assert [c["change"] for c in changes["changes"]] == [f"XRC-{i}" for i in range(1, 7)]
    page = engineer.get(
        "/engineering/knowledge/coupling/across/?repo=back&coupled_repo=front&by=work-item"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "XRC-6: front part" in text and "back and front" in text
    assert heading_problems(text) == [] and problems(visible_text(text)) == []
    by_day = engineer.get(
        "/engineering/knowledge/coupling/across/?repo=back&coupled_repo=front&by=author-day"
    ).content.decode()
    assert "Fix (#5)" in by_day and "Ann" not in visible_text(by_day).replace("Annual", "")
    assert heading_problems(by_day) == [] and problems(visible_text(by_day)) == []
    assert engineer.get("/engineering/knowledge/coupling/across/?repo=back").status_code == 404
    coupling = engineer.get("/engineering/knowledge/coupling/").content.decode()
    # The panel: both strategies, with the degree and the drill-down link.
    assert "back and front (same work item)" in coupling
    assert "change together in 48 % of their work items (6 shared of 12 and 13)" in coupling
    assert "back and front (same person-day)" in coupling
    assert "coupling/across/?repo=back&amp;coupled_repo=front&amp;by=author-day" in coupling


@pytest.mark.usefixtures("repos")
def test_cli_json() -> None:
    import json

    from typer.testing import CliRunner

    from steward.cli import app

    result = CliRunner().invoke(
        app, ["metrics", "cross-repository-coupling", "--by", "author-day", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["since", "by", "level", "depth", "repositories", "changes", "pairs"]
    mine = [p for p in data["pairs"] if p["repo"] == "back"]
    assert [(p["coupled_repo"], p["degree"], p["shared"]) for p in mine] == [("front", 40.0, 5)]
    bad = CliRunner().invoke(app, ["metrics", "cross-repository-coupling", "--by", "moon"])
    assert bad.exit_code == 2


def _recomputed(by: str = "work-item", depth: int | None = None) -> list[dict]:  # type: ignore[type-arg]
    """The pairs computed from the commits again, past the cache (core's datacache)."""
    window = selectors._window(SYSTEM, 12, by, depth)
    changes = selectors._compute_logical_changes(window.since, window.names, by, depth)
    original = selectors._logical_changes
    try:
        selectors._logical_changes = lambda _window: changes  # type: ignore[assignment]
        data = selectors._cross_repository_coupling(window)
    finally:
        selectors._logical_changes = original  # type: ignore[assignment]
    mine = {"front", "back", "docs"}
    return [p for p in data["pairs"] if {p["repo"], p["coupled_repo"]} & mine]


@pytest.mark.usefixtures("repos")
def test_kept_answers_equal_a_recomputation_and_move_with_a_new_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for by, depth in (("work-item", None), ("author-day", None), ("work-item", 1)):
        assert _pairs(by=by, depth=depth) == _recomputed(by, depth)
    # A second request is served from the cache: the commits are not read again.
    computed = selectors._compute_logical_changes
    monkeypatch.setattr(selectors, "_compute_logical_changes", None)
    before = _pairs()
    assert before[0]["shared"] == 6
    drill = selectors.cross_repository_changes(actor=SYSTEM, repo="back", coupled_repo="front")
    assert len(drill["changes"]) == 6
    monkeypatch.setattr(selectors, "_compute_logical_changes", computed)
    # XRC-7 gains a commit in back (day 7, 3 files): front 13, back 13 (XRC-1..7, XRC-9, #1..#5),
    # shared 7: degree 7 ÷ 13 = 53.8 %.
    _change(tmp_path / "back", "api/handler7.py", BOB, 7, "XRC-7: back part")
    assert all(r.ok for r in ingest.ingest_paths([tmp_path / "back"]))
    [after] = _pairs()
    assert (after["degree"], after["shared"]) == (53.8, 7)
    assert (after["revisions_entity"], after["revisions_coupled"]) == (13, 13)
    assert after["examples"] == ["XRC-1", "XRC-2", "XRC-3", "XRC-4", "XRC-5"]
    assert _pairs() == _recomputed()
    drill = selectors.cross_repository_changes(actor=SYSTEM, repo="back", coupled_repo="front")
    assert [c["change"] for c in drill["changes"]] == [f"XRC-{i}" for i in range(1, 8)]
    # By person-day, back gains Bob's day 7 (Ann's front commit of day 7 is hers: not shared):
    # back 13, front 13, shared 5, degree 5 ÷ 13 = 38.5 %.
    [days] = _pairs(by="author-day")
    assert (days["degree"], days["shared"], days["revisions_entity"]) == (38.5, 5, 13)
    assert _pairs(by="author-day") == _recomputed("author-day")
