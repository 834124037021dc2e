"""The lead-time commits of a period, paged without sorting or counting every one of them.

In their default order (the deployment's finish, newest first, then the commit's time, newest
first, then sha and id for ties) the commits of one page belong to a few deployments of the
period. Each deployment's `shipped_times` (shipped.py) says how many of its commits count
(those committed no later than it finished), so the total is a sum over the period's
deployments (hundreds of rows, not the ~100,000 commits they shipped at scale), and a slice
(offset, limit) is read from the commits of only the deployments it covers: deployments that
finished at the same moment are taken together, since their commits interleave by time.

`ShippedCommitRows` stands in for the queryset where a paginator needs it (`count()`, `len()`
and slicing); anything else (another sort, `values()` for the CSV, iteration) is the plain
queryset's, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import BigIntegerField, QuerySet
from django.db.models.expressions import RawSQL

from steward.engineering import shipped
from steward.engineering.models import Commit, Deployment

# The order of the rows: a total order, so that a slice of a few deployments' commits is the
# same as that slice of all of them (sha, then id, break ties of time).
ORDER = ("-deployment__finished_at", "-committed_at", "sha", "pk")


def _counts(deployments: QuerySet[Deployment]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The deployments newest first: their ids, when they finished (microseconds, read as
    integers in SQL: no datetime made per row) and how many of their shipped commit times are
    no later than that (one numpy pass over all their times)."""
    quote = connection.ops.quote_name
    finished = RawSQL(
        shipped.epoch_micros_sql(f"{quote(Deployment._meta.db_table)}.{quote('finished_at')}"),
        [],
        output_field=BigIntegerField(),
    )
    rows = list(
        deployments.annotate(finished_micros=finished)
        .order_by("-finished_at")
        .values_list("pk", "finished_micros", "shipped_times")
    )
    ends = np.fromiter((r[1] for r in rows), dtype=shipped.DTYPE, count=len(rows))
    blobs = [bytes(r[2] or b"") for r in rows]
    times = np.frombuffer(b"".join(blobs), dtype=shipped.DTYPE)
    owner = np.repeat(np.arange(len(rows)), [len(b) // shipped.DTYPE.itemsize for b in blobs])
    counted = np.bincount(owner[times <= ends[owner]], minlength=len(rows))
    return [r[0] for r in rows], ends, counted


def _groups(deployments: QuerySet[Deployment]) -> list[tuple[list[int], int]]:
    """The deployments with counted commits, those finished at the same moment together,
    newest first: (their ids, how many commits they count)."""
    groups: list[tuple[list[int], int]] = []
    ids, ends, counted = _counts(deployments)
    last = None
    for pk, end, n in zip(ids, ends.tolist(), counted.tolist(), strict=True):
        if not n:
            continue
        if groups and end == last:
            members, total = groups[-1]
            groups[-1] = ([*members, pk], total + n)
        else:
            groups.append(([pk], n))
        last = end
    return groups


def _covering(groups: list[tuple[list[int], int]], start: int, stop: int) -> tuple[list[int], int]:
    """The deployments whose commits hold rows [start, stop) and how many rows come before
    the first of them."""
    picked: list[int] = []
    before = seen = 0
    for ids, n in groups:
        if seen >= stop:
            break
        if seen + n > start:
            if not picked:
                before = seen
            picked += ids
        seen += n
    return picked, before


class ShippedCommitRows:
    """The lead-time commits (`commits`, a queryset in `ORDER`) of `deployments` (the period's
    deployments they may be shipped by), counted and sliced from `shipped_times`."""

    def __init__(self, commits: QuerySet[Commit], deployments: QuerySet[Deployment]) -> None:
        self.commits = commits.order_by(*ORDER)
        self.deployments = deployments
        self._groups: list[tuple[list[int], int]] | None = None

    @property
    def groups(self) -> list[tuple[list[int], int]]:
        """The deployments with counted commits, newest first (read once)."""
        if self._groups is None:
            self._groups = _groups(self.deployments)
        return self._groups

    def count(self) -> int:
        """How many commits count, from the deployments' shipped times."""
        return sum(n for _ids, n in self.groups)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Commit]:
        return iter(self.commits)

    def __getitem__(self, key: Any) -> Any:
        """A slice reads the commits of the deployments it covers; anything else (an index, a
        step, an open end) is the queryset's."""
        if not isinstance(key, slice) or key.step is not None or key.stop is None:
            return self.commits[key]
        start = key.start or 0
        picked, before = _covering(self.groups, start, key.stop)
        if not picked or key.stop <= start:
            return self.commits.none()
        page = self.commits.filter(deployment_id__in=picked)
        return page[start - before : key.stop - before]

    def annotate(self, *args: Any, **kwargs: Any) -> ShippedCommitRows:
        """The same rows with an annotation (the drill-down's `lead`), still paged this way."""
        made = ShippedCommitRows(self.commits.annotate(*args, **kwargs), self.deployments)
        made._groups = self._groups
        return made

    def __getattr__(self, name: str) -> Any:
        if name in ("commits", "deployments", "_groups"):  # not set yet (a copy being made)
            raise AttributeError(name)
        # Another order, `values()`, `none()`, `query`, `model`: the queryset's.
        return getattr(self.commits, name)
