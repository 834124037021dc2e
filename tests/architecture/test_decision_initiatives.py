"""Links from decisions (ADRs) to strategy initiatives: made on the initiative's page (strategy
sits above architecture), stored by architecture under the initiative's key, shown on both
pages and in the decisions API, audited; only strategy editors change them in the browser."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User

from steward.architecture import selectors, services
from steward.architecture.models import Decision, DecisionInitiative
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db

URL = "/strategy/initiatives/PAY-LAUNCH/decisions/"


def test_link_in_the_browser_and_see_it_on_both_pages(client_as) -> None:  # type: ignore[no-untyped-def]
    cto = client_as("cto")
    assert (
        'id="initiative-decisions-edit"'
        in cto.get("/strategy/initiatives/PAY-LAUNCH/").content.decode()
    )
    response = cto.post(URL, {"decisions": "ADR-0008, 15"})
    assert response.status_code == 302
    assert sorted(
        DecisionInitiative.objects.filter(initiative_key="PAY-LAUNCH").values_list(
            "decision__number", flat=True
        )
    ) == [8, 15]
    page = cto.get("/strategy/initiatives/PAY-LAUNCH/").content.decode()
    linked = page.split('id="initiative-decisions">')[1].split("</dd>")[0]
    adr8 = Decision.objects.get(number=8)
    assert f"ADR-0008 {adr8.title}" in linked and "/architecture/decisions/15/" in linked
    decision_page = client_as("engineer").get("/architecture/decisions/8/").content.decode()
    section = decision_page.split('id="decision-initiatives">')[1].split("</section>")[0]
    assert "/strategy/initiatives/PAY-LAUNCH/" in section and "<code>PAY-LAUNCH</code>" in section
    api = client_as("engineer").get("/api/v1/architecture/decisions/8").json()
    assert api["initiatives"] == ["PAY-LAUNCH"]
    # The form shows what is linked; replacing the list drops the others (audited).
    assert 'value="8, 15"' in cto.get(URL).content.decode()
    link15 = DecisionInitiative.objects.get(initiative_key="PAY-LAUNCH", decision__number=15)
    assert cto.post(URL, {"decisions": "8"}).status_code == 302
    assert list(
        DecisionInitiative.objects.filter(initiative_key="PAY-LAUNCH").values_list(
            "decision__number", flat=True
        )
    ) == [8]
    deleted = LogEntry.objects.filter(object_pk=str(link15.pk), action=LogEntry.Action.DELETE)
    assert deleted.get().actor == User.objects.get(username="cto")
    assert cto.post(URL, {"decisions": ""}).status_code == 302
    assert not DecisionInitiative.objects.filter(initiative_key="PAY-LAUNCH").exists()


def test_unknown_numbers_are_inline_errors(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").post(URL, {"decisions": "8, 9999, abc"})
    assert response.status_code == 422
    assert "&#x27;abc&#x27; is not an ADR number" in response.content.decode()
    response = client_as("cto").post(URL, {"decisions": "8, 9999"})
    assert response.status_code == 422 and "no decision number 9999" in response.content.decode()
    assert not DecisionInitiative.objects.exists()


def test_who_may_link(client_as) -> None:  # type: ignore[no-untyped-def]
    for who in ("engineer", "architect", "manager"):
        assert client_as(who).get(URL).status_code == 403
        assert client_as(who).post(URL, {"decisions": "8"}).status_code == 403
    decision = Decision.objects.get(number=8)
    engineer = User.objects.get(username="engineer")
    with pytest.raises(Exception, match="only strategy editors and deciders"):
        services.initiative_set_decisions(
            actor=engineer, initiative_key="PAY-LAUNCH", decisions=[decision]
        )
    # A decider may link through the service (e.g. the API of a later issue).
    services.initiative_set_decisions(
        actor=User.objects.get(username="architect"), initiative_key="X", decisions=[decision]
    )
    assert [d.number for d in selectors.decisions_of_initiative(actor=SYSTEM, key="X")] == [8]
