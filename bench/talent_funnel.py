"""Speed of the hiring funnel figures (`talent.selectors.hiring_metrics`) on the demo company.

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`). Measured in the same run, by median of `--rounds`:

- `old`: the figures as they were computed before (the applications in scope loaded as model
  instances with prefetched moves and offers, then every application loaded again for the
  historical pass-through rates);
- `new`: `hiring_metrics`, which loads every application once, as plain rows;
- `select`: the floor, one SELECT of every application's row;
- `page`: the funnel page `/talent/funnel/` as the CTO, the old way and the new.

Checks that old and new give identical figures (for the CTO, a team and the manager), then
prints milliseconds and the ratios new/old and new/select.

    STEWARD_HOME=/path/to/demo python bench/talent_funnel.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any


def _median_ms(call: Callable[[], Any], rounds: int) -> float:
    call()  # warm caches and imports
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def old_records(applications: Any) -> list[Any]:
    """`selectors._records` before this change: model instances with prefetched moves and
    offers."""
    from django.db.models import Prefetch

    from steward.talent import funnel
    from steward.talent.models import Offer, StageMove

    apps = applications.select_related("requisition", "source").prefetch_related(
        Prefetch("moves", queryset=StageMove.objects.order_by("position")),
        Prefetch("offers", queryset=Offer.objects.order_by("-version")),
    )
    records = []
    for a in apps:
        offers = list(a.offers.all())
        latest = offers[0] if offers else None
        records.append(
            funnel.AppRecord(
                key=str(a.pk),
                requisition=a.requisition.key,
                pipeline=a.requisition.pipeline,
                applied_at=a.applied_at,
                moves=[(m.stage, m.entered_at) for m in a.moves.all()],
                outcome=a.outcome,
                closed_at=a.closed_at,
                source=a.source.name if a.source else None,
                opened_on=a.requisition.opened_on,
                offer=(
                    funnel.OfferRecord(latest.status, latest.sent_at, latest.resolved_at)
                    if latest
                    else None
                ),
                group=None,
                person=str(a.candidate_id),
            )
        )
    return records


def old_hiring_metrics(
    *, actor: Any, start: date, end: date, team: str | None = None, requisition: str | None = None
) -> Any:
    """hiring_metrics before this change: the applications in scope loaded as model instances,
    then every application loaded again for the historical pass-through rates."""
    from steward.talent import funnel, selectors
    from steward.talent.models import Application, RequisitionStatus

    reqs = selectors.requisition_list(actor=actor, team=team)
    if requisition:
        reqs = reqs.filter(key=requisition)
    records = old_records(Application.objects.filter(requisition__in=reqs))
    result = funnel.summary(records, start, end)
    result["team"] = team
    if requisition:
        result["requisition"] = requisition
    rates = funnel.historical_rates(old_records(Application.objects.all()))
    expected = funnel.expected_hires(records, rates)
    per_quarter: dict[str, dict[str, Any]] = {}
    for req in reqs.exclude(status=RequisitionStatus.CANCELLED):
        row = per_quarter.setdefault(
            req.quarter,
            {"quarter": req.quarter, "planned": 0, "filled": 0, "expected_hires": 0.0},
        )
        row["planned"] += 1
        row["filled"] += int(req.status == RequisitionStatus.FILLED)
        if req.status != RequisitionStatus.FILLED:
            row["expected_hires"] += expected.get(req.key, 0.0)
    result["plan"] = [
        {**r, "expected_hires": round(r["expected_hires"], 2)}
        for _, r in sorted(per_quarter.items())
    ]
    return result


def main() -> None:
    """Check old == new, then time old, new, one SELECT and the page; print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    os.environ.setdefault("STEWARD_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.talent.models import Application
    from steward.talent.selectors import hiring_metrics

    cto = User.objects.get(username="cto")
    manager = User.objects.get(username="manager")
    start, end = date(2020, 1, 1), date(2030, 1, 1)  # the longest period allowed
    team = Application.objects.values_list("requisition__team__slug", flat=True).first()
    for actor, scope in ((cto, None), (cto, team), (manager, None)):
        old = old_hiring_metrics(actor=actor, start=start, end=end, team=scope)
        new = hiring_metrics(actor=actor, start=start, end=end, team=scope)
        assert old == new, f"figures differ for {actor.username}, team {scope}"
    print(
        f"figures identical (cto, cto on team {team}, manager); {Application.objects.count()} "
        "applications"
    )

    def counted(call: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as queries:
            call()
        return len(queries)

    def old() -> Any:
        return old_hiring_metrics(actor=cto, start=start, end=end)

    def new() -> Any:
        return hiring_metrics(actor=cto, start=start, end=end)

    def select() -> Any:
        return list(Application.objects.values_list())

    client = Client()
    client.force_login(cto)

    def page() -> Any:
        response = client.get("/talent/funnel/?from=2020-01-01&to=2030-01-01")
        assert response.status_code == 200
        return response

    from steward.talent import selectors

    def page_old() -> Any:
        new_way = selectors.hiring_metrics
        selectors.hiring_metrics = old_hiring_metrics  # type: ignore[assignment]
        try:
            return page()
        finally:
            selectors.hiring_metrics = new_way

    ms = {
        name: _median_ms(call, args.rounds)
        for name, call in (
            ("old", old),
            ("new", new),
            ("select", select),
            ("page_old", page_old),
            ("page", page),
        )
    }
    print(f"old    {ms['old']:8.1f} ms  {counted(old):3d} queries")
    print(f"new    {ms['new']:8.1f} ms  {counted(new):3d} queries")
    print(f"select {ms['select']:8.1f} ms  (one SELECT of every application)")
    print(f"page   {ms['page_old']:8.1f} ms  /talent/funnel/ as the CTO, the old way")
    print(f"page   {ms['page']:8.1f} ms  /talent/funnel/ as the CTO")
    print(f"new / old    = {ms['new'] / ms['old']:.2f}")
    print(f"new / select = {ms['new'] / ms['select']:.1f}")
    print(f"page new / old = {ms['page'] / ms['page_old']:.2f}")


if __name__ == "__main__":
    main()
