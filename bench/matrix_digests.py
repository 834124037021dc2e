"""The body digest of every response the policy matrix gets, to prove a rendering change
leaves every page and CSV byte-identical (issue 8 item 9).

A pytest plugin: load it with `-p bench.matrix_digests` and name the output file in
`STEWARD_MATRIX_DIGESTS`; each test's responses are recorded as (status, SHA-256 of the body)
under the test's id, in order. CSRF tokens (random per request) and
report times are blanked before hashing.

    STEWARD_MATRIX_DIGESTS=/tmp/before.json PYTHONPATH=src:. \\
        pytest -n 0 -p no:randomly -p bench.matrix_digests \\
        tests/core/test_policy_matrix.py -k "test_matrix and (cto or engineer)"
    # change the code, run again into /tmp/after.json, then
    python bench/matrix_digests.py /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

# What changes from one request to the next: CSRF tokens, and the minute a report was made.
_VOLATILE = re.compile(
    rb'((?:name="csrfmiddlewaretoken" value=|data-csrf-token=|"X-CSRFToken": '
    rb'|csrf_token" content=)")[^"]*"|(Generated )\d+ \w+ \d{4} \d\d:\d\d'
)
_digests: dict[str, list[tuple[int, str]]] = {}
_current: list[str] = []
_times: dict[str, float] = {}  # CPU seconds of the last request of each path


def _record(response: Any) -> None:
    if not _current:
        return
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.streaming:  # put the body back for the test
        response.streaming_content = [body]
    body = _VOLATILE.sub(lambda m: (m.group(1) or m.group(2)) + b"-", body)
    _digests.setdefault(_current[0], []).append(
        (response.status_code, hashlib.sha256(body).hexdigest())
    )


def pytest_configure(config: pytest.Config) -> None:
    from django.test import client

    request = client.Client.request

    def recorded(self: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        response = request(self, **kwargs)
        _times[kwargs.get("PATH_INFO", "?")] = time.process_time() - started
        _record(response)
        return response

    client.Client.request = recorded  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    _current[:] = [item.nodeid]
    yield
    _current.clear()


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("STEWARD_MATRIX_DIGESTS")
    if out:
        Path(out).write_text(json.dumps(_digests, indent=0, sort_keys=True))
        Path(out).with_suffix(".times.json").write_text(json.dumps(_times, indent=0))


def compare(before: str, after: str) -> int:
    """Print every test whose responses differ; 0 when none does."""
    old = json.loads(Path(before).read_text())
    new = json.loads(Path(after).read_text())
    differ = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for key in differ:
        print(f"differs: {key}\n  before {old.get(key)}\n  after  {new.get(key)}")
    responses = sum(len(v) for v in old.values())
    print(f"{len(old)} tests, {responses} responses; {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(compare(sys.argv[1], sys.argv[2]))
