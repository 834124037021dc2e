"""Whatever the bytes, the readers answer with records and located problems, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.worktracking import formats
from tests.worktracking.conftest import FIXTURES

pytestmark = pytest.mark.fuzz

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
PULL = json.loads((FIXTURES / "gitlab_merge_requests.json").read_text())[0]
KEYS = sorted(PULL)
GITHUB_PULL = json.loads((FIXTURES / "github_pulls.json").read_text().split("\n]")[0] + "\n]")[0]
GITHUB_KEYS = [*sorted(GITHUB_PULL), "reviews", "timeline", "commits", "comments"]
JIRA = json.loads((FIXTURES / "jira_search.json").read_text())["issues"][0]


def _located(problems: list[formats.Problem]) -> None:
    for p in problems:
        assert p.message
        assert p.line is None or p.line >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_as_pulls(text: str) -> None:
    _pulls, problems = formats.read_pulls(text)
    _located(problems)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["x.json", "x.csv"]))
def test_any_text_as_issues(text: str, name: str) -> None:
    _items, problems = formats.read_issues(text, name=name)
    _located(problems)


LIST_KEYS = ["notes", "commits", "labels", "approvals", "author", "references", "iid"]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(LIST_KEYS) | st.sampled_from(KEYS), JSON_VALUES, min_size=1, max_size=6
    )
)
def test_merge_requests_with_wrong_types(changes: dict[str, Any]) -> None:
    # A real merge request whose fields are replaced by values of any JSON type.
    obj = {**PULL, **changes}
    pulls, problems = formats.read_pull_objects([obj])
    _located(problems)
    assert len(pulls) + len(problems) >= 1


def test_a_list_that_is_not_one_is_located() -> None:
    # (found by the test above: iterating a number raised TypeError)
    _pulls, problems = formats.read_pull_objects([{**PULL, "notes": 5}])
    assert [(p.line, p.column) for p in problems] == [(1, "notes")]
    assert "is int, not a list" in problems[0].message


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(GITHUB_KEYS), JSON_VALUES, min_size=1, max_size=6))
def test_github_pulls_with_wrong_types(changes: dict[str, Any]) -> None:
    pulls, problems = formats.read_pull_objects([{**GITHUB_PULL, **changes}])
    _located(problems)
    assert len(pulls) + len(problems) >= 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(sorted(JIRA["fields"])), JSON_VALUES, max_size=6),
    st.dictionaries(st.sampled_from(["key", "changelog", "fields"]), JSON_VALUES, max_size=2),
)
def test_jira_issues_with_wrong_types(fields: dict[str, Any], top: dict[str, Any]) -> None:
    issue = {**JIRA, "fields": {**JIRA["fields"], **fields}, **top}
    _items, problems = formats.read_issues(json.dumps({"issues": [issue]}), name="x.json")
    _located(problems)
