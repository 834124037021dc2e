"""Decision pages: list filters, the rendered (sanitized) body, the chain, the forms."""

from __future__ import annotations

import pytest

from steward.architecture.models import Decision

pytestmark = pytest.mark.django_db


def test_demo_has_20_decisions_across_statuses_and_a_chain() -> None:
    statuses = sorted(set(Decision.objects.values_list("status", flat=True)))
    assert statuses == ["accepted", "deprecated", "draft", "proposed", "rejected", "superseded"]
    assert Decision.objects.count() == 20
    assert list(Decision.objects.values_list("number", flat=True)) == list(range(1, 21))
    newest = Decision.objects.get(number=15)
    assert newest.supersedes is not None and newest.supersedes.number == 8
    assert newest.supersedes.supersedes is not None
    assert newest.supersedes.supersedes.number == 3


def test_list_filters_by_status_and_tag(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    page = client.get("/architecture/decisions/?status=superseded").content.decode()
    assert "Host services on Heroku" in page and "Host services on AWS ECS" in page
    assert "Use Kafka for domain events" not in page
    page = client.get("/architecture/decisions/?tag=messaging").content.decode()
    assert "Use Kafka for domain events" in page
    assert "Host services on Heroku" not in page


def test_detail_renders_markdown_sanitized_and_links_the_chain(client_as) -> None:  # type: ignore[no-untyped-def]
    decision = Decision.objects.get(number=8)
    decision.body = (
        '## Why\n\n<script>alert(1)</script><a href="javascript:x()" onclick="y()">x</a>'
    )
    decision.save()
    page = client_as("manager").get("/architecture/decisions/8/").content.decode()
    assert "<h2>Why</h2>" in page
    # Raw HTML is shown as text, never as live markup.
    article = page.split('<article class="markdown">')[1].split("</article>")[0]
    assert "<script" not in article and "<a " not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    chain = page.split('id="supersede-chain"')[1].split("</ol>")[0]
    assert chain.index("/architecture/decisions/3/") < chain.index("ADR-0008")
    assert chain.index("ADR-0008") < chain.index("/architecture/decisions/15/")


def test_create_through_the_form_allocates_the_next_number(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    response = client.post(
        "/architecture/decisions/new/",
        {"title": "Use Temporal for workflows", "tags": "workflow, backend", "body": "Hi"},
    )
    assert response.status_code == 302
    created = Decision.objects.get(number=21)
    assert response["Location"] == "/architecture/decisions/21/"
    assert (created.status, created.tags) == ("draft", ["workflow", "backend"])


def test_edit_form_moves_the_workflow_and_refuses_engineers(client_as) -> None:  # type: ignore[no-untyped-def]
    proposed = Decision.objects.get(number=17)
    assert proposed.status == "proposed"
    form = {"title": proposed.title, "status": "accepted", "body": proposed.body}
    assert client_as("engineer").post("/architecture/decisions/17/edit/", form).status_code == 403
    response = client_as("architect").post("/architecture/decisions/17/edit/", form)
    assert response.status_code == 302
    assert Decision.objects.get(number=17).status == "accepted"
    bad = client_as("cto").post(
        "/architecture/decisions/17/edit/", {**form, "status": "superseded"}
    )
    assert bad.status_code == 422
    assert "pick the decision that replaces this one" in bad.content.decode()
    assert Decision.objects.get(number=17).status == "accepted"


def test_navigation_link_in_architecture_area(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("engineer").get("/architecture/decisions/").content.decode()
    assert 'href="/architecture/decisions/"' in page


def test_preview_renders_sanitized_markdown_for_posts_only(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    html = client.post(
        "/architecture/decisions/preview/", {"body": "# Hi\n\n<img src=x onerror=alert(1)>"}
    ).content.decode()
    assert "<h1>Hi</h1>" in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text
    assert client.get("/architecture/decisions/preview/").status_code == 405
    assert (
        client_as(None).post("/architecture/decisions/preview/", {"body": "x"}).status_code == 302
    )
    form = client.get("/architecture/decisions/new/").content.decode()
    assert 'hx-post="/architecture/decisions/preview/"' in form
    assert 'id="body-preview"' in form
