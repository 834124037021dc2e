"""The fast paths of the org pages (issue 18) give exactly what the slow ones gave.

- the chart's boxes written in Python (org/chartsvg.py) against the template loop they replaced;
- the people API read as plain rows against each person serialized and validated through the
  schema one by one, for every role (field visibility differs);
- URLs made from one `reverse` against `reverse` itself;
- the OpenAPI document built once per process.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.urls import reverse
from ninja.responses import NinjaJSONEncoder

from steward.org import chartlayout, chartsvg, selectors
from steward.org.chartlayout import ChartNode
from steward.org.schemas import PersonPage

pytestmark = pytest.mark.django_db

# The loop of org/chart.html before issue 18, verbatim.
OLD_LOOP = """{% load steward_format %}{% for box in drawing.boxes %}
  <g class="node kind-{{ box.node.kind }}" id="n-{{ box.node.id }}" data-node="{{ box.node.id }}" data-parent="{{ box.node.parent|default:"" }}"{% if box.collapsed %} data-collapsed="1"{% endif %} transform="translate({{ box.x|floatformat:1 }},{{ box.y|floatformat:1 }})">
    <title>{{ box.node.name }}{% if box.node.subtitle %} — {{ box.node.subtitle }}{% endif %}</title>
    {% if box.node.href %}<a class="box-link" href="{{ box.node.href }}">{% endif %}
      <rect class="box" width="{{ drawing.box_w }}" height="{{ drawing.box_h }}" rx="6"/>
      <text class="name" x="10" y="{% if box.sub_text %}20{% else %}29{% endif %}">{{ box.name_text }}</text>
      {% if box.sub_text %}<text class="sub" x="10" y="37">{{ box.sub_text }}</text>{% endif %}
    {% if box.node.href %}</a>{% endif %}
    {% if box.children %}
    <a class="toggle" href="{{ box.toggle_url }}" aria-label="{% if box.collapsed %}Show{% else %}Hide{% endif %} the {{ box.descendants|number }} people under {{ box.node.name }}">
      <rect x="{{ drawing.box_w|add:'-18' }}" y="14" width="36" height="20" rx="10"/>
      <text x="{{ drawing.box_w }}" y="28" text-anchor="middle">{% if box.collapsed %}+{{ box.descendants|number }}{% else %}−{% endif %}</text>
    </a>
    {% endif %}
  </g>
  {% endfor %}"""  # noqa: E501
OLD_EDGES = '{% for d in drawing.edges %}<path class="edge" d="{{ d }}"/>{% endfor %}'


def _tricky_tree() -> list[ChartNode]:
    """Names and ids that need escaping, no href, no subtitle, long names, a wide subtree (1,200
    descendants: thousands separators) and an odd number of children (quarter-pixel x)."""
    nodes = [
        ChartNode(id="root&<1>", parent=None, name='Ada "A" <Lovelace> & co', subtitle="CEO"),
        ChartNode(id="b'2", parent="root&<1>", name="Bob", subtitle="", href="/org/people/b'2/"),
        ChartNode(id="c3", parent="root&<1>", name="C" * 40, subtitle="x" * 40, kind="team"),
        ChartNode(id="d4", parent="b'2", name="Dee", href="/org/people/d4/?a=1&b=2"),
    ]
    nodes += [ChartNode(id=f"e{i}", parent="c3", name=f"E{i}") for i in range(3)]
    nodes += [ChartNode(id=f"f{i}", parent="e0", name=f"F{i}") for i in range(1200)]
    return nodes


@pytest.mark.parametrize("all_open", [False, True])
def test_boxes_svg_is_the_template_loop_byte_for_byte(all_open: bool) -> None:
    drawing = chartlayout.layout(
        _tricky_tree(), (lambda _id, _d: True) if all_open else (lambda _id, d: d < 2)
    )
    for n, box in enumerate(drawing.boxes):
        box.toggle_url = f"?view=reporting&toggle=x%2C{n}#n-{box.node.id}"
    context = Context({"drawing": drawing})
    assert str(chartsvg.boxes_svg(drawing)) == Template(OLD_LOOP).render(context)
    assert str(chartsvg.edges_svg(drawing)) == Template(OLD_EDGES).render(context)
    assert any(box.collapsed for box in drawing.boxes) is not all_open


def test_detail_url_maker_matches_reverse() -> None:
    person_url = selectors.detail_url_maker("org:person_detail")
    for key in ["E0001", "a b", "ü-1", "x%y", "a?b#c", "50% & more", "~:@!$&'()*+,;="]:
        assert person_url(key) == reverse("org:person_detail", args=[key])
    team_url = selectors.detail_url_maker("org:team_detail")
    assert team_url("payments") == reverse("org:team_detail", args=["payments"])


@pytest.mark.parametrize("role", ["cto", "people", "manager", "engineer", "finance"])
def test_people_api_matches_the_schema_validated_dicts(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    user = User.objects.get(username=role)
    for query, active in (("limit=1000", False), ("limit=4&offset=3&active=true", True)):
        got = client.get(f"/api/v1/org/people?{query}").json()
        qs = selectors.person_list(actor=user, active_on=date.today() if active else None)
        limit, offset = (1000, 0) if not active else (4, 3)
        items = [
            selectors.person_visible_dict(actor=user, person=p) for p in qs[offset : offset + limit]
        ]
        expected = PersonPage.model_validate({"items": items, "count": qs.count()}).model_dump(
            exclude_unset=True
        )
        assert got == json.loads(json.dumps(expected, cls=NinjaJSONEncoder))
        assert got["items"]


def test_openapi_document_is_built_once(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.api import api

    first = api.get_openapi_schema()
    assert api.get_openapi_schema() is first
    served = client_as("cto").get("/api/v1/openapi.json").json()
    assert served == json.loads(json.dumps(first, cls=NinjaJSONEncoder))
    assert "/api/v1/org/people" in served["paths"]


def test_the_openapi_document_built_once_is_the_one_built_afresh(client_as) -> None:  # type: ignore[no-untyped-def]
    """After requests have been served from it (callers must not change it), the document
    built once equals one built now the way each request built it before the cache."""
    from ninja import NinjaAPI

    from steward.api import api
    from steward.core import api_errors

    for role in ("cto", "engineer"):
        assert client_as(role).get("/api/v1/openapi.json").status_code == 200
    cached = api.get_openapi_schema()
    fresh = api_errors.document_errors(
        NinjaAPI.get_openapi_schema(api, path_prefix=api.get_root_path({}))
    )
    assert fresh is not cached
    as_json = {"cls": NinjaJSONEncoder, "sort_keys": True}
    assert json.dumps(cached, **as_json) == json.dumps(fresh, **as_json)  # type: ignore[arg-type]
    assert len(fresh["paths"]) > 50
