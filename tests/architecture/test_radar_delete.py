"""Deleting radar quadrants and rings in the browser: refused with a clear reason while
technologies use them, done with their technologies (or their whole history) moved to the
chosen quadrant or ring, moves worked out again, audited; only the radar's editors may."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from steward.architecture import selectors, services
from steward.architecture.models import BlipEvent, RadarQuadrant, RadarRing, Technology
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db

D = date


def _deleted_by(model: type, pk: int) -> User | None:
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
    ).first()
    return entry.actor if entry else None


@pytest.fixture
def retire() -> dict[str, object]:
    """A fifth ring, Retire (outermost), and Zed in Tools: Assess on 1 Jan 2026, Retire on
    1 Feb (moved out), Hold on 1 Mar (moved in: Hold is position 3, Retire 4)."""
    rings = {r.name: r for r in RadarRing.objects.all()}
    retire = services.ring_save(actor=SYSTEM, name="Retire", position=4)
    tools = RadarQuadrant.objects.get(key="tools")
    zed = services.technology_save(actor=SYSTEM, name="Zed", quadrant=tools)
    for day, ring in ((D(2026, 1, 1), rings["Assess"]), (D(2026, 2, 1), retire)):
        services.blip_record(actor=SYSTEM, technology=zed, day=day, ring=ring, reason="r")
    services.blip_record(
        actor=SYSTEM, technology=zed, day=D(2026, 3, 1), ring=rings["Hold"], reason="back"
    )
    moves = list(zed.events.order_by("date").values_list("ring__name", "moved"))
    assert moves == [("Assess", "new"), ("Retire", "out"), ("Hold", "in")]
    return {"ring": retire, "zed": zed, "hold": rings["Hold"]}


def test_a_ring_with_history_is_refused_without_a_target(client_as, retire) -> None:  # type: ignore[no-untyped-def]
    url = "/architecture/radar/setup/rings/retire/delete/"
    page = client_as("architect").get(url).content.decode()
    assert "1 technology has been in it" in page and "Zed" in page
    response = client_as("architect").post(url, {"move_to": ""})
    assert response.status_code == 422
    assert "1 technology has been in Retire (Zed): choose the ring they move to." in (
        response.content.decode()
    )
    assert RadarRing.objects.filter(key="retire").exists()


def test_delete_a_ring_moves_its_history_and_recomputes_moves(client_as, retire) -> None:  # type: ignore[no-untyped-def]
    hold = retire["hold"]
    ring = retire["ring"]
    response = client_as("architect").post(
        "/architecture/radar/setup/rings/retire/delete/",
        {"move_to": hold.pk},  # type: ignore[attr-defined]
    )
    assert response.status_code == 302
    assert not RadarRing.objects.filter(key="retire").exists()
    zed = Technology.objects.get(key="zed")
    # Assess (new) -> Hold (out: 2 -> 3) -> Hold (no change; the reason stays).
    assert list(zed.events.order_by("date").values_list("ring__name", "moved", "reason")) == [
        ("Assess", "new", "r"),
        ("Hold", "out", "r"),
        ("Hold", "unchanged", "back"),
    ]
    on_15_feb = {
        b.technology.key: b.ring.name for b in selectors.radar_on(actor=SYSTEM, day=D(2026, 2, 15))
    }
    assert on_15_feb["zed"] == "Hold"
    architect = User.objects.get(username="architect")
    assert _deleted_by(RadarRing, ring.pk) == architect  # type: ignore[attr-defined]
    event = zed.events.get(date=D(2026, 2, 1))
    assert LogEntry.objects.get_for_object(event).first().actor == architect  # type: ignore[union-attr]


def test_an_unused_ring_goes_without_a_target() -> None:
    ring = services.ring_save(actor=SYSTEM, name="Spare", position=9)
    assert services.ring_delete(actor=SYSTEM, ring=ring) == 0
    assert not RadarRing.objects.filter(key="spare").exists()


def test_the_last_ring_with_history_cannot_go() -> None:
    BlipEvent.objects.all().delete()
    Technology.objects.all().delete()
    RadarRing.objects.all().delete()
    only = services.ring_save(actor=SYSTEM, name="Only", position=0)
    tech = services.technology_save(
        actor=SYSTEM, name="T", quadrant=RadarQuadrant.objects.get(key="tools")
    )
    services.blip_record(actor=SYSTEM, technology=tech, day=D(2026, 1, 1), ring=only)
    with pytest.raises(services.RadarError, match="add another ring for them first"):
        services.ring_delete(actor=SYSTEM, ring=only)
    with pytest.raises(services.RadarError, match="cannot take its own"):
        services.ring_delete(actor=SYSTEM, ring=only, move_to=only)


def test_delete_a_quadrant_refused_then_moved(client_as) -> None:  # type: ignore[no-untyped-def]
    extra = services.quadrant_save(actor=SYSTEM, name="Data", position=5)
    for name in ("Quokka DB", "Wombat"):
        services.technology_save(actor=SYSTEM, name=name, quadrant=extra)
    url = "/architecture/radar/setup/quadrants/data/delete/"
    client = client_as("cto")
    page = client.get(url).content.decode()
    assert "2 technologies are in it: Quokka DB, Wombat" in page
    refused = client.post(url, {"move_to": ""})
    assert refused.status_code == 422
    assert (
        "2 technologies are still in Data (Quokka DB, Wombat): choose the quadrant they move to."
        in (refused.content.decode())
    )
    tools = RadarQuadrant.objects.get(key="tools")
    done = client.post(url, {"move_to": tools.pk})
    assert done.status_code == 302
    assert not RadarQuadrant.objects.filter(key="data").exists()
    assert set(Technology.objects.filter(quadrant=tools).values_list("name", flat=True)) >= {
        "Quokka DB",
        "Wombat",
    }
    assert _deleted_by(RadarQuadrant, extra.pk) == User.objects.get(username="cto")
    # An empty quadrant goes without a target.
    empty = services.quadrant_save(actor=SYSTEM, name="Empty", position=6)
    assert client.post("/architecture/radar/setup/quadrants/empty/delete/", {}).status_code == 302
    assert not RadarQuadrant.objects.filter(pk=empty.pk).exists()


def test_only_radar_editors_delete(client_as) -> None:  # type: ignore[no-untyped-def]
    for who in ("engineer", "manager"):
        client = client_as(who)
        assert client.get("/architecture/radar/setup/rings/hold/delete/").status_code == 403
        assert client.post("/architecture/radar/setup/quadrants/tools/delete/").status_code == 403
    with pytest.raises(Exception, match="only architects and the CTO"):
        services.ring_delete(
            actor=User.objects.get(username="engineer"), ring=RadarRing.objects.get(key="hold")
        )
    setup = client_as("architect").get("/architecture/radar/setup/").content.decode()
    assert "/architecture/radar/setup/rings/hold/delete/" in setup
    assert (
        "/delete/" not in client_as("engineer").get("/architecture/radar/setup/").content.decode()
    )
