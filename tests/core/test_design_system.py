"""The design system's server side: format filters, the labels registry, responsive chart SVG,
styled error pages and the base layout (navigation, breadcrumbs, local Bootstrap)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template

from steward.core import labels
from steward.core.charts import responsive, spec_svg
from steward.core.templatetags import steward_format as fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1038485, "1,038,485"),
        (91.666667, "91.7"),
        (280250.0, "280,250"),
        (Decimal("7.33"), "7.33"),
        (14.0, "14"),
        (0, "0"),
        (-0.001, "0"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_number(value: object, expected: str) -> None:
    assert fmt.number(value) == expected


def test_money_percent_units_and_dates() -> None:
    assert fmt.money(Decimal("280250.00"), "EUR") == "280,250 EUR"
    assert fmt.money(1234567.4) == "1,234,567"
    assert fmt.money(None) == "—"
    assert fmt.percent(0.9166) == "92 %"
    assert fmt.percent(0.05, 1) == "5.0 %"
    assert fmt.points(-0.4) == "−40 pts"
    assert fmt.person_weeks(13) == "13.0 person-weeks"
    assert fmt.hours(26.24) == "26.2 h"
    assert fmt.number(2.5, 2) == "2.50"
    day = dt.date(2026, 12, 2)
    assert fmt.date_(day) == "2 Dec 2026"
    assert fmt.date_(dt.datetime(2026, 12, 2, 9, 5)) == "2 Dec 2026"
    assert fmt.date_(day, "Y-m-d") == "2026-12-02"  # form inputs and URLs keep ISO
    assert fmt.datetime(dt.datetime(2026, 12, 2, 9, 5)) == "2 Dec 2026 09:05"
    assert fmt.date_("2026-12-02") == "2 Dec 2026"
    assert fmt.date_(None) == ""


def test_filters_are_builtins_and_replace_djangos_date() -> None:
    out = Template("{{ d|date }} · {{ d|date:'Y-m-d' }} · {{ n|number }} · {{ x|blank }}").render(
        Context({"d": dt.date(2026, 12, 2), "n": 12345, "x": None})
    )
    assert out == "2 Dec 2026 · 2026-12-02 · 12,345 · —"


def test_labels_registry() -> None:
    assert labels.label("span_over_8") == "Span of control over 8"
    assert labels.label("team_over_9", "flag") == "Team over 9 people"
    assert labels.label("ktlo") == "Keep the lights on"
    assert labels.label("ktlo", "allocation") == "Keep the lights on"
    assert labels.label("manager_to_ic_ratio").startswith("Manager to IC ratio")
    assert labels.label("job_size") == "Job size"
    assert labels.label("in-progress", "initiative_status") == "In progress"
    assert labels.label("elite", "dora_level") == "Elite"
    # Unregistered codes still read as words, never as identifiers.
    assert labels.label("some_new_code") == "Some new code"
    assert labels.label(None) == ""
    labels.register({"x_test": "A test label"}, "test")
    assert labels.label("x_test", "test") == "A test label"
    assert labels.label("x_test") == "X test"


@pytest.mark.django_db
def test_chart_svg_fills_its_container_and_keeps_text_readable() -> None:
    spec = {
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 5}]},
        "mark": "line",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
        },
        "width": 400,
        "height": 100,
    }
    svg = spec_svg(spec)
    root = re.match(r"<svg[^>]*>", svg)
    assert root is not None
    tag = root.group(0)
    assert 'width="100%"' in tag and "viewBox=" in tag
    assert re.search(r"max-width:\d+px", tag) and 'height="' not in tag
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', svg)]
    assert sizes and min(sizes) >= 11


def test_responsive_adds_a_viewbox_when_missing() -> None:
    out = responsive('<svg class="marks" width="300" height="120"><rect/></svg>')
    assert 'viewBox="0 0 300 120"' in out and 'width="100%"' in out and "max-width:300px" in out
    assert 'height="120"' not in out


def test_bootstrap_is_served_from_a_python_package() -> None:
    path = finders.find("bootstrap/css/bootstrap.min.css")
    assert path is not None and "steward" not in str(path)  # from the package, not our static
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")
    assert finders.find("steward/print.css")


@pytest.mark.django_db
def test_base_layout_navigation_breadcrumbs_and_local_assets(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("cto").get("/org/teams/payments/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in body and "cdn" not in body.lower()
    assert 'media="print"' in body
    for area in ("Strategy &amp; roadmap", "Architecture &amp; delivery", "People &amp; team"):
        assert area in body
    crumbs = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', body, re.S)
    assert crumbs is not None
    assert "People &amp; team" in crumbs.group(1) and "Teams" in crumbs.group(1)
    assert '<h1 class="h3 mb-1">Payments' in body


@pytest.mark.django_db
def test_error_pages_are_styled_with_a_way_back(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    missing = client.get("/org/people/NOBODY/", HTTP_REFERER="http://testserver/org/people/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "error-page" in html and 'href="http://testserver/org/people/"' in html
    assert "No such person" in html
    forbidden = client.get("/org/headcount-plan/")
    assert forbidden.status_code == 403
    assert "You may not do this" in forbidden.content.decode()
    foreign = client.get("/org/people/NOBODY/", HTTP_REFERER="https://elsewhere.example/")
    assert 'href="https://elsewhere.example/"' not in foreign.content.decode()


@pytest.mark.django_db
def test_bad_capacity_share_gives_a_styled_validation_page(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").post(
        "/org/capacity/allocations/",
        {"team": "payments", "kind": "ktlo", "share": "1.7", "quarter": ""},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Those values were not accepted" in html and "error-page" in html
    assert 'href="/org/capacity/"' in html and "share" in html.lower()


def test_server_error_page_renders_without_a_request_context() -> None:
    from django.test import RequestFactory

    from steward.core.errorpages import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'href="/"' in html


def test_form_component_renders_bootstrap_widgets_and_inline_errors() -> None:
    from django import forms
    from django.template.loader import render_to_string

    class AllocationForm(forms.Form):
        team = forms.ChoiceField(choices=[("payments", "Payments"), ("growth", "Growth")])
        share = forms.DecimalField(max_value=1, help_text="A share of the quarter, 0 to 1.")
        note = forms.CharField(required=False)

    form = AllocationForm(data={"team": "payments", "share": "1.7"})
    assert not form.is_valid()
    html = render_to_string("components/form.html", {"form": form})
    assert 'class="form-select"' in html  # the select
    assert re.search(r'<input[^>]*name="share"[^>]*class="form-control is-invalid"', html) or (
        'class="form-control is-invalid"' in html and 'name="share"' in html
    )
    assert 'class="error invalid-feedback d-block" id="share-error"' in html
    assert "less than or equal to 1" in html
    assert "A share of the quarter" in html
    assert html.count('class="text-danger"') == 2  # required marks on team and share only
