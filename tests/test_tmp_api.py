import pytest

pytestmark = pytest.mark.django_db


def test_x(client_as):
    c = client_as("cto")
    r = c.post(
        "/api/v1/org/teams",
        {"slug": "new-team", "name": "New team", "type": "platform"},
        content_type="application/json",
    )
    print(r.status_code, r.content)
    r = c.post(
        "/api/v1/org/teams",
        {"slug": "Bad Slug", "name": "New team", "type": "nope"},
        content_type="application/json",
    )
    print(r.status_code, r.content)
    r = c.patch(
        "/api/v1/org/people/E0006",
        {"title": "Staff engineer", "currency": "XXQ"},
        content_type="application/json",
    )
    print(r.status_code, r.content)
    r = c.patch(
        "/api/v1/org/people/E0006",
        {"team": "checkout", "on": "2026-12-01"},
        content_type="application/json",
    )
    print(r.status_code, r.content[:300])
    r = client_as("engineer").patch(
        "/api/v1/org/people/E0006", {"title": "x"}, content_type="application/json"
    )
    print(r.status_code, r.content[:300])
    r = c.delete("/api/v1/org/teams/payments")
    print(r.status_code, r.content[:300])
    r = c.post(
        "/api/v1/org/roles",
        {"title": "Staff Engineer", "description": "d", "body": "Summary.\n\n## Duties\n- code\n"},
        content_type="application/json",
    )
    print(r.status_code, r.content[:300])
