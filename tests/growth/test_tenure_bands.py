"""Attrition by tenure band (under 1 year, 1–2, 2–4, 4+): a band is measured on each day, so
people move between bands; figures by hand, band edges, the small-group rule, page and API."""

from __future__ import annotations

from datetime import date

import pytest

from steward.growth import attrition
from steward.growth.attrition import Employment

START, END = date(2026, 1, 1), date(2026, 4, 1)  # sample days: Jan 1, Feb 1, Mar 1, Apr 1


def _spells() -> list[Employment]:
    rows = [Employment(f"N{i}", date(2025, 7, 1)) for i in range(1, 7)]
    rows.append(Employment("N7", date(2025, 9, 1), date(2026, 2, 15), "voluntary", True))
    rows += [Employment(f"M{i}", date(2024, 2, 15)) for i in range(1, 6)]
    rows.append(Employment("M6", date(2024, 2, 15), date(2026, 3, 10), "involuntary"))
    rows += [Employment(f"O{i}", date(2015, 1, 1)) for i in range(1, 5)]
    rows.append(Employment("O5", date(2015, 1, 1), date(2026, 1, 20), "voluntary"))
    return rows


def test_band_edges_are_anniversaries() -> None:
    assert attrition.tenure_band(date(2025, 3, 1), date(2026, 2, 28)) == "under 1 year"
    assert attrition.tenure_band(date(2025, 3, 1), date(2026, 3, 1)) == "1–2 years"
    assert attrition.tenure_band(date(2024, 2, 29), date(2025, 2, 27)) == "under 1 year"
    assert attrition.tenure_band(date(2024, 2, 29), date(2025, 2, 28)) == "1–2 years"
    assert attrition.tenure_band(date(2022, 5, 1), date(2026, 4, 30)) == "2–4 years"
    assert attrition.tenure_band(date(2022, 5, 1), date(2026, 5, 1)) == "4+ years"


def test_attrition_by_tenure_band_by_hand() -> None:
    report = attrition.attrition(_spells(), START, END, by="tenure", min_group=3)
    # under 1 year: N1-N6 on all 4 days (24) + N7 on Jan 1 and Feb 1 (2) = 26 → 6.5; N7 left
    #   (tenure 5½ months): 1 / 6.5 = 15.3846 %.
    # 1–2 years: M1-M6 joined 2024-02-15, second anniversary 2026-02-15: Jan 1 and Feb 1 for
    #   six people = 12 → 3.0; none left in the band: 0 %.
    # 2–4 years: M1-M5 on Mar 1 and Apr 1 (10) + M6 on Mar 1 (1) = 11 → 2.75; M6 left on
    #   2026-03-10 past the anniversary: 1 / 2.75 = 36.3636 %.
    # 4+ years: O1-O4 × 4 days (16) + O5 on Jan 1 (1) = 17 → 4.25; O5 left: 1 / 4.25 = 23.5294 %.
    assert report["groups"] == [
        {"group": "under 1 year", "separations": 1, "average_headcount": 6.5, "rate": 15.3846},
        {"group": "1–2 years", "separations": 0, "average_headcount": 3.0, "rate": 0.0},
        {"group": "2–4 years", "separations": 1, "average_headcount": 2.75, "rate": 36.3636},
        {"group": "4+ years", "separations": 1, "average_headcount": 4.25, "rate": 23.5294},
    ]
    # The bands split the organization on every day: 66 / 4 = 16.5, 3 left → 18.1818 %.
    assert (report["average_headcount"], report["separations"], report["rate"]) == (
        16.5,
        3,
        18.1818,
    )
    assert sum(g["average_headcount"] for g in report["groups"]) == report["average_headcount"]


def test_small_bands_are_hidden_with_a_complement() -> None:
    # 4+ years is made of 5 people (O1-O5): under a threshold of 6 it is hidden, and one more
    # band too, or the organization's figures minus the shown bands would give it away.
    report = attrition.attrition(_spells(), START, END, by="tenure", min_group=6)
    hidden = [g["group"] for g in report["groups"] if g.get("suppressed")]
    assert "4+ years" in hidden and len(hidden) == 2
    assert all(set(g) == {"group", "suppressed"} for g in report["groups"] if g.get("suppressed"))


@pytest.mark.django_db
def test_api_and_page_by_tenure_band(client_as) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/growth/attrition?from=2024-01-01&to=2026-01-01&by=tenure"
    body = client_as("cto").get(url).json()
    names = [g["group"] for g in body["groups"]]
    order = [name for _, name in attrition.TENURE_BANDS]
    assert names == [n for n in order if n in names] and names
    shown = [g for g in body["groups"] if not g.get("suppressed")]
    if len(shown) == len(body["groups"]):
        assert sum(g["separations"] for g in shown) == body["separations"]
        assert sum(g["average_headcount"] for g in shown) == pytest.approx(
            body["average_headcount"], abs=1e-3
        )
    assert client_as("engineer").get(url).status_code == 403
    page = client_as("people").get("/growth/attrition/?from=2024-01-01&to=2026-01-01&by=tenure")
    text = page.content.decode()
    assert page.status_code == 200 and "By tenure band" in text and "under 1 year" in text
