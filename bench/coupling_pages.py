"""The change-coupling pages before and after, on the same company, in the same run.

    python bench/coupling_pages.py --home STEWARD_HOME [--baseline main] [--rounds 5]
                                   [--passes 2] [--path URL]... [--dump FOLDER]
                                   [--user cto] [--cold]

`bench/alignment_reads.py` with the coupling pages' URLs (issue 18): the page and every view
its filters and links reach on the demo (another repository, both folder levels, the drill-down
of a pair by work item and by person-day), the APIs behind them, and `/healthz` as the baseline
(a request that does no work). Prints CPU ms per URL for the baseline's `src/` (`git archive`)
and this checkout, measured alternately in fresh processes, and whether the answers are
byte-identical. `--cold` also prints the first request's CPU time after the cache was emptied
(what a request pays once after the data moved). A company to run it on:
`STEWARD_HOME=/tmp/demo steward demo --no-serve`, or `bench/scale.py --commits 200000 --keep`.
"""

from __future__ import annotations

import alignment_reads

PAIR = "repo=catalog-api&coupled_repo=product-media"
PATHS = [
    "/healthz",
    "/engineering/knowledge/coupling/",
    "/engineering/knowledge/coupling/?repo=payments-api",
    "/engineering/knowledge/coupling/?repo=payments-api&depth=1",
    "/engineering/knowledge/coupling/?repo=payments-api&depth=2",
    f"/engineering/knowledge/coupling/across/?{PAIR}&by=work-item",
    f"/engineering/knowledge/coupling/across/?{PAIR}&by=author-day",
    "/api/v1/engineering/cross-repository-coupling",
    "/api/v1/engineering/cross-repository-coupling?by=author-day",
    "/api/v1/engineering/cross-repository-coupling?depth=1",
    "/api/v1/engineering/cross-repository-coupling?by=author-day&depth=2",
    f"/api/v1/engineering/cross-repository-changes?{PAIR}",
    "/api/v1/engineering/coupling?repo=payments-api",
    "/api/v1/engineering/team-alignment",
    "/api/v1/architecture/cross-team-coupling",
]

if __name__ == "__main__":
    alignment_reads.main(PATHS, description=__doc__.splitlines()[0])
