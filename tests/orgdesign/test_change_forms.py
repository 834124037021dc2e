"""The scenario editor's forms: one small form per kind of change, people picked by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from steward.orgdesign.models import Scenario, ScenarioChange
from tests.orgdesign.test_design import tiny  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _scenario(client: Any) -> int:
    response = client.post("/org/scenarios/", {"name": "forms", "effective_date": "2026-09-01"})
    return int(response["Location"].rstrip("/").split("/")[-1])


def _add(client: Any, scenario_id: int, kind: str, **fields: str) -> Any:
    data = {"change-kind": kind, **{f"change-{k}": v for k, v in fields.items()}}
    return client.post(f"/org/scenarios/{scenario_id}/changes/", data)


def _payloads(scenario_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = ScenarioChange.objects.filter(scenario_id=scenario_id).order_by("position")
    return [(r.kind, r.payload) for r in rows]


def test_each_kind_shows_only_its_own_fields(tiny: Any, client_as: Any) -> None:  # noqa: F811
    client = client_as("cto")
    scenario_id = _scenario(client)
    move = client.get(f"/org/scenarios/{scenario_id}/?kind=move_person").content.decode()
    assert 'name="change-person"' in move and 'name="change-team"' in move
    assert '<option value="a">A</option>' in move and '<option value="b">B</option>' in move
    assert 'hx-get="/org/pick/people/?field=change-person"' in move
    assert "change-expected_start" not in move and "change-on" not in move
    hire = client.get(f"/org/scenarios/{scenario_id}/?kind=add_hire").content.decode()
    assert 'name="change-expected_start"' in hire and 'name="change-person"' not in hire


def test_move_a_person_picked_by_name(tiny: Any, client_as: Any) -> None:  # noqa: F811
    client = client_as("cto")
    scenario_id = _scenario(client)
    response = _add(client, scenario_id, "move_person", person="J", team="a", follow_lead="on")
    assert response.status_code == 302
    assert response["Location"] == f"/org/scenarios/{scenario_id}/?kind=move_person"
    assert _payloads(scenario_id) == [
        ("move_person", {"person": "J0", "team": "a", "follow_lead": True})
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Changes (1)" in page and "Lead B → Lead A" in page
    assert "Added: move person." in page


def test_a_name_nobody_has_is_an_error_beside_the_field(tiny: Any, client_as: Any) -> None:  # noqa: F811
    client = client_as("cto")
    scenario_id = _scenario(client)
    response = _add(client, scenario_id, "move_person", person="Nobody", team="a")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'id="change-person-error">no person named &#x27;Nobody&#x27;: pick one from the list'
        in html
    )
    assert _payloads(scenario_id) == []


def test_refusals_of_the_service_are_shown_and_nothing_is_stored(tiny: Any, client_as: Any) -> None:  # noqa: F811
    client = client_as("cto")
    scenario_id = _scenario(client)
    response = _add(client, scenario_id, "merge_teams", source="a", into="a")
    assert response.status_code == 400
    assert "a team cannot be merged into itself" in response.content.decode()
    assert _payloads(scenario_id) == []


def test_teams_created_in_the_scenario_can_be_picked_and_hires_get_free_keys(
    tiny: Any,  # noqa: F811
    client_as: Any,
) -> None:
    client = client_as("cto")
    scenario_id = _scenario(client)
    created = _add(client, scenario_id, "create_team", name="Data Platform", type="platform")
    assert created.status_code == 302
    move = client.get(f"/org/scenarios/{scenario_id}/?kind=move_person").content.decode()
    assert '<option value="data-platform">Data Platform (new in this scenario)</option>' in move
    assert (
        _add(client, scenario_id, "move_person", person="IC 0", team="data-platform").status_code
        == 302
    )
    for _ in range(2):
        hired = _add(
            client, scenario_id, "add_hire", team="a", level="L3", expected_start="2026-10-01"
        )
        assert hired.status_code == 302
    departure = _add(client, scenario_id, "mark_departure", person="H-a-1", on="2026-12-31")
    assert departure.status_code == 302
    kinds = _payloads(scenario_id)
    assert kinds[0] == (
        "create_team",
        {"name": "Data Platform", "type": "platform", "slug": "data-platform"},
    )
    assert kinds[1][1]["person"] == "I0" and kinds[1][1]["team"] == "data-platform"
    assert [p["key"] for k, p in kinds if k == "add_hire"] == ["H-a-1", "H-a-2"]
    assert kinds[4] == ("mark_departure", {"person": "H-a-1", "on": "2026-12-31"})


def test_split_names_the_people_who_move_one_per_line(tiny: Any, client_as: Any) -> None:  # noqa: F811
    client = client_as("cto")
    scenario_id = _scenario(client)
    response = _add(
        client,
        scenario_id,
        "split_team",
        team="a",
        new_name="A Two",
        people="IC 2\nIC 3\n",
        lead="IC 2",
    )
    assert response.status_code == 302, re.findall(
        r'class="error[^>]*>([^<]*)', response.content.decode()
    )
    kind, payload = _payloads(scenario_id)[0]
    assert kind == "split_team"
    assert payload == {
        "team": "a",
        "new_name": "A Two",
        "new_slug": "a-two",
        "people": ["I2", "I3"],
        "lead": "I2",
        "follow_lead": False,
    }


def test_roles_that_may_not_edit_are_refused(tiny: Any, client_as: Any) -> None:  # noqa: F811
    scenario_id = _scenario(client_as("cto"))
    for role in ("engineer", "architect"):
        response = _add(client_as(role), scenario_id, "move_person", person="J", team="a")
        assert response.status_code in (403, 404), role
    assert Scenario.objects.get(pk=scenario_id).changes.count() == 0
