"""Speed of the converted engineering lists on the demo company: the deployments CSV written
straight from the records (`DeploymentTable.csv_values`) against django-tables2's cell-by-cell
export (`as_values`, the baseline, measured in the same run), and the deployments page.

Then the render costs every page shares (issue 8 item 9), each page measured both ways in the
same run, alternately: as before (the session's user read with a queryset built per request,
django-tables2's template for the table rows, Django's widget templates) and as now
(`policy.user_with_roles`, `core/templatetags/steward_tables.py`, `core.widgets.FormRenderer`).
The bodies must be the same both ways (CSRF tokens blanked).

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`). Checks that both CSV ways give the same rows, then prints the
median CPU milliseconds of `--rounds` and the queries of each request.

    STEWARD_HOME=/path/to/demo python bench/list_csv.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any


def _median_cpu_ms(call: Callable[[], Any], rounds: int) -> float:
    call()  # warm caches and imports
    times = []
    for _ in range(rounds):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    os.environ.setdefault("STEWARD_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.core.tables import StewardTable
    from steward.engineering.tables import DeploymentTable

    cto = User.objects.get(username="cto")
    client = Client()
    client.force_login(cto)
    period = "from=2016-12-01&to=2026-11-30"  # ten years: every demo deployment
    csv_url = f"/engineering/delivery/deployments/export.csv?{period}"

    def csv() -> bytes:
        response = client.get(csv_url)
        assert response.status_code == 200
        return response.content

    def cell_by_cell() -> bytes:
        fast = DeploymentTable.csv_values
        DeploymentTable.csv_values = StewardTable.csv_values  # type: ignore[method-assign]
        try:
            return csv()
        finally:
            DeploymentTable.csv_values = fast  # type: ignore[method-assign]

    assert csv() == cell_by_cell(), "the two CSV ways differ"
    rows = csv().count(b"\n") - 1

    def page() -> Any:
        response = client.get(f"/engineering/delivery/deployments/?{period}")
        assert response.status_code == 200
        return response

    for name, call in (("csv", csv), ("page", page)):
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"{name}: {len(queries)} queries")
    fast_ms = _median_cpu_ms(csv, args.rounds)
    slow_ms = _median_cpu_ms(cell_by_cell, args.rounds)
    page_ms = _median_cpu_ms(page, args.rounds)
    print(f"deployments CSV, {rows:,} rows, identical both ways")
    print(f"  csv_values: {fast_ms:.0f} ms CPU; as_values (baseline): {slow_ms:.0f} ms CPU")
    print(f"  ratio {fast_ms / slow_ms:.2f}")
    print(f"deployments page (100 rows of {rows:,}): {page_ms:.0f} ms CPU")
    render_before_after(client, args.rounds)


# django-tables2's own body row (bootstrap5.html), the way rows were rendered before.
LIBRARY_ROWS = """{% extends "components/data_table.html" %}{% load l10n %}
{% block table.tbody.row %}
                    <tr {{ row.attrs.as_html }}>
                        {% for column, cell in row.items %}
                            <td {{ column.attrs.td.as_html }}>{% if column.localize == None %}{{ cell }}{% else %}{% if column.localize %}{{ cell|localize }}{% else %}{{ cell|unlocalize }}{% endif %}{% endif %}</td>
                        {% endfor %}
                    </tr>
                    {% endblock table.tbody.row %}"""  # noqa: E501 - the library's line
PAGES = [
    "/org/people/",
    "/org/teams/",
    "/engineering/delivery/deployments/",
    "/org/people/E0006/edit/",
    "/org/teams/payments/edit/",
    "/org/roles/",
]
_CSRF = re.compile(rb'(csrfmiddlewaretoken" value=")[^"]*')


_SAVED: dict[str, Any] = {}  # the ways of now, put back after each "before" request


def _before_way(on: bool) -> None:
    """Switch the three render costs to the way before issue 8 item 9 (`on`) or back."""
    import django_tables2
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.forms import renderers

    from steward.core import policy

    def user_built_per_request(pk: Any) -> Any:
        policy._role_flags.clear()
        return policy.users_with_roles(User._default_manager.filter(pk=pk)).first()

    policy.user_with_roles = user_built_per_request if on else _SAVED["user"]  # type: ignore[assignment]
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates" if on else _SAVED["forms"]
    renderers.get_default_renderer.cache_clear()  # type: ignore[attr-defined]
    library_rows = property(lambda self: "bench_library_rows.html", lambda self, value: None)
    django_tables2.Table.template_name = library_rows if on else _SAVED["table"]  # type: ignore[method-assign,assignment]


def render_before_after(client: Any, rounds: int) -> None:
    """Each page's median CPU before and now, measured alternately in this process."""
    import django_tables2
    from django.conf import settings
    from django.template import engines

    from steward.core import policy

    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "bench_library_rows.html"), "w") as handle:
        handle.write(LIBRARY_ROWS)
    engines["django"].engine.dirs.append(folder)  # type: ignore[attr-defined]
    _SAVED.update(
        user=policy.user_with_roles,
        forms=settings.FORM_RENDERER,
        table=django_tables2.Table.__dict__["template_name"],
    )
    print("\nrender costs (issue 8 item 9): median ms CPU per page, before -> now")
    total = {True: 0.0, False: 0.0}
    for path in PAGES:
        bodies = {}
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(rounds + 1):  # the first round warms caches up and is not counted
            for before in (True, False):
                _before_way(before)
                started = time.process_time()
                response = client.get(path)
                times[before].append((time.process_time() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                bodies[before] = _CSRF.sub(rb"\1-", response.content)
        _before_way(False)
        assert bodies[True] == bodies[False], f"{path}: the two ways differ"
        old, new = (statistics.median(times[b][1:]) for b in (True, False))
        total[True] += old
        total[False] += new
        print(f"  {path:<40} {old:7.1f} -> {new:7.1f}  ratio {new / old:.2f}  (same bytes)")
    ratio = total[False] / total[True]
    print(f"  {'all of them':<40} {total[True]:7.1f} -> {total[False]:7.1f}  ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
