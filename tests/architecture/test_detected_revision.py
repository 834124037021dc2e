"""Issue 11: technology detection keeps the revision it read, and the pages that show detected
technologies say "detected at revision <short sha> on <date>" (the technology page's uses, the
radar usage page's repositories and a component's technologies)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from steward.architecture.models import Component, RepositoryDetection, TechnologyUse
from steward.architecture.selectors import uses_by_technology
from steward.core.policy import SYSTEM
from steward.engineering.models import Repository
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db

REVISION = "3f2a9c1b0d4e5f60718293a4b5c6d7e8f9012345"
WHEN = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
SAID = re.compile(
    r'detected at revision <code title="([0-9a-f]{40})">([0-9a-f]{10})</code> on ([^<]+)<'
)


def test_the_demo_detection_kept_each_head() -> None:
    # The demo detects at each repository's ingested head (demo/architecture.py).
    for done in RepositoryDetection.objects.select_related("repository"):
        assert done.revision == done.repository.head_sha and len(done.revision) == 40
        assert set(
            TechnologyUse.objects.filter(repository=done.repository).values_list(
                "revision", flat=True
            )
        ) <= {done.revision}


def test_pages_say_which_revision_was_read(client_as) -> None:  # type: ignore[no-untyped-def]
    repo = Repository.objects.get(name="payments-api")
    RepositoryDetection.objects.filter(repository=repo).update(revision=REVISION, detected_at=WHEN)
    others = dict(
        RepositoryDetection.objects.exclude(repository=repo).values_list(
            "repository__name", "revision"
        )
    )
    assert others
    client = client_as("engineer")

    # The radar usage page: one row per repository, each with its own revision.
    body = client.get("/architecture/radar/usage/").content.decode()
    section = body[body.index('id="by-repository"') :]
    rows = re.findall(r'<tr><td><a href="/engineering/repositories/([^/]+)/">.*?</tr>', section)
    said = dict(
        (name, SAID.search(row).groups())  # type: ignore[union-attr]
        for name, row in re.findall(
            r'<tr><td><a href="/engineering/repositories/([^/]+)/">(.*?)</tr>', section
        )
    )
    assert rows and said["payments-api"] == (REVISION, REVISION[:10], "3 Nov 2026")
    for name, (full, short, _) in said.items():
        if name != "payments-api":
            assert full == others[name] and short == others[name][:10]
    assert problems(visible_text(body)) == []

    # A technology used in payments-api: its uses table says so for that repository.
    tech_pk = next(
        pk
        for pk, uses in uses_by_technology(actor=SYSTEM).items()
        if any(u.repository == "payments-api" for u in uses)
    )
    from steward.architecture.models import Technology

    tech = Technology.objects.get(pk=tech_pk)
    page = client.get(f"/architecture/radar/{tech.key}/").content.decode()
    uses = page[page.index('id="uses"') :]
    row = re.search(r"payments-api</a></td>.*?</tr>", uses, re.S)
    assert (
        row
        and f'detected at revision <code title="{REVISION}">{REVISION[:10]}</code> on 3 Nov 2026'
        in row.group(0)
    )
    assert problems(visible_text(page)) == []

    # The component whose repository is payments-api.
    component = Component.objects.filter(repository=repo).first()
    assert component is not None
    page = client.get(
        f"/architecture/catalog/{component.kind}/{component.namespace}/{component.name}/"
    ).content.decode()
    assert "From its manifests: detected at revision" in visible_text(page)
    expected = (
        f'id="detected">From its manifests: <span class="detected">detected at revision '
        f'<code title="{REVISION}">{REVISION[:10]}</code> on 3 Nov 2026</span>'
    )
    assert expected in page
