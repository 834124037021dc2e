"""Fuzzed importers: any input ends in exit 0 or exit 2, never a traceback, and 2 writes nothing.

Hypothesis feeds every CSV kind random bytes, random text and random rows against the real
headers (values drawn from both plausible and hostile pools), and the YAML/Markdown readers
(org as code, role descriptions) random text and random YAML documents. Each input goes through
the Python API the CLI wraps (`run_import`, `import_org`); `InvalidInput`/`BadInput` is exit 2,
any other exception fails the test. When the import is refused, the row count of every table is
compared before and after, inside a savepoint that is rolled back after each example (so
examples do not see each other's writes). One case runs the real CLI in a subprocess to prove
the exit codes. Marked `fuzz` (runs by default; `-m "not fuzz"` leaves it out).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from steward.core.errors import BadInput
from steward.core.importing import CsvImporter, get_importer, run_import
from steward.core.policy import SYSTEM
from steward.org import orgcode
from tests.conftest import steward_cli, wipe_org

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CSV_KINDS = (
    "people",
    "teams",
    "deployments",
    "incidents",
    "objectives",
    "key-results",
    "initiatives",
)
# STEWARD_FUZZ_EXAMPLES raises the number of examples for a longer hunt (the suite keeps 40).
FUZZ = settings(
    max_examples=int(os.environ.get("STEWARD_FUZZ_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Values that are valid somewhere (demo keys, dates, scales), nearly valid, or hostile.
PLAUSIBLE = [
    "",
    " ",
    "x",
    "E0006",
    "E0050",
    "Ｅ0006",
    "Е0006",
    "checkout",
    "platform-core",
    "ｃｈｅｃｋｏｕｔ",
    "O1",
    "O2",
    "CAT-COST",
    "CAT-COST;CHK-COST",
    "O1;O2",
    "0.5;0.5",
    "checkout:4;platform-core:2.5",
    "checkout:x",
    "ada@ex.io",
    "a@ex.io;b@ex.io",
    "not-an-address",
    "2024-01-01",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "2024-01-01T10:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2027Q1",
    "2027Q5",
    "1",
    "0",
    "-1",
    "0.8",
    "13",
    "1e999",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    "yes",
    "no",
    "ic",
    "manager",
    "EUR",
    "eur",
    "Europe/Berlin",
    "Mars/Base",
    "stream-aligned",
    "platform",
    "production",
    "success",
    "failure",
    "sev1",
    "voluntary",
    "proposed",
    "a\x00b",
    "a\u2028b",
    "a\u2029b\x85c\x0bd\x0ce",
    "line\nbreak",
    'quote"inside',
    "comma, inside",
    "\ufeffbom",
    "x" * 300,
]
VALUES = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=12))
CSV_ALPHABET = st.sampled_from(list(',"\n\r\x00\u2028\u2029\x85\x0b\x0c;:-. aE0Ｅ1é\t'))


def _fingerprint_sql() -> str:
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed})
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)


def fingerprint(sql: str) -> tuple[Any, ...]:
    """Row counts of every table, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def outcome(sql: str, call: Callable[[], Any]) -> int:
    """Run one import in a savepoint rolled back afterwards: 0 done, 2 refused (nothing written).

    Any exception other than BadInput (exit 2) propagates: a traceback is a failure.
    """
    with transaction.atomic():
        before = fingerprint(sql)
        try:
            call()
            code = 0
        except BadInput:
            # Inside the savepoint, so a half-written import would still be visible here.
            assert fingerprint(sql) == before
            code = 2
        transaction.set_rollback(True)
    event(f"exit {code}")
    return code


def header_of(kind: str) -> list[str]:
    importer = get_importer(kind)
    assert issubclass(importer, CsvImporter)
    return importer.accepted_columns()


@st.composite
def csv_text(draw: st.DrawFn, kind: str) -> str:
    """A CSV for `kind`: the real columns (shuffled, some optional ones dropped, maybe an extra
    one), then rows of drawn values, some a value short or long."""
    importer = get_importer(kind)
    assert issubclass(importer, CsvImporter)
    optional = [c for c in importer.optional_columns if draw(st.booleans())]
    columns = draw(st.permutations([*importer.required_columns, *optional]))
    if draw(st.integers(0, 4)) == 0:
        columns = [*columns, draw(st.sampled_from(["shirt", "", "name", "Ｓhirt"]))]
    width = len(columns)
    rows = draw(
        st.lists(
            st.lists(VALUES, min_size=max(0, width - 1), max_size=width + 1)
            | st.lists(VALUES, min_size=width, max_size=width),
            max_size=4,
        )
    )
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(out, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


@given(data=st.data())
@FUZZ
def test_csv_kinds_with_random_rows_end_in_0_or_2(data: st.DataObject, tmp_path: Path) -> None:
    sql = _fingerprint_sql()
    kind = data.draw(st.sampled_from(CSV_KINDS), label="kind")
    text = data.draw(csv_text(kind), label="csv")
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert outcome(sql, lambda: run_import(kind, path, actor=SYSTEM)) in (0, 2)


@given(data=st.data())
@FUZZ
def test_csv_kinds_with_random_bytes_end_in_0_or_2(data: st.DataObject, tmp_path: Path) -> None:
    sql = _fingerprint_sql()
    kind = data.draw(st.sampled_from(CSV_KINDS), label="kind")
    # Half the time after the real header, so the bytes reach the row reader.
    prefix = ",".join(header_of(kind)).encode() + b"\n" if data.draw(st.booleans()) else b""
    body = data.draw(
        st.binary(max_size=300) | st.text(CSV_ALPHABET, max_size=200).map(str.encode),
        label="body",
    )
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(prefix + body)
    assert outcome(sql, lambda: run_import(kind, path, actor=SYSTEM)) in (0, 2)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
PERSON_KEYS = [*orgcode.PERSON_KEYS, "unknown"]
YAML_ALPHABET = st.sampled_from(list("-:[]{}&*!|>'\"#%@`,?\n \t\x00\x07\ufeffaE01é."))


# Plain (unquoted) scalars that YAML resolves as dates, numbers or booleans, some of them
# impossible (`2024-02-30`, `!!int 0x`): written by hand, since yaml.safe_dump would quote them.
RAW_SCALARS = st.sampled_from(
    [
        "2024-02-30",
        "2024-01-01",
        "2024-01-01 25:00:00",
        "!!int 0x",
        "!!float abc",
        "!!binary '@@'",
        "!!set {a: 1}",
        ".inf",
        "-.nan",
        "1e999",
        "0o17",
        "yes",
        "~",
        "E0006",
        "Ｅ0006",
        "'quoted'",
        '"esc\\0aped"',
        "[a, b]",
        "{a: 1}",
    ]
)


@st.composite
def raw_yaml_record(draw: st.DrawFn, keys: list[str], indent: str) -> str:
    """One mapping written by hand: `key: scalar` lines, maybe with nested attributes."""
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=6, unique=True))
    lines = [f"{indent}{key}: {draw(RAW_SCALARS)}" for key in chosen]
    if draw(st.booleans()):
        lines.append(f"{indent}attributes:")
        lines.extend(f"{indent}  k{i}: {draw(RAW_SCALARS)}" for i in range(draw(st.integers(1, 3))))
    return "\n".join(lines) + "\n"


@st.composite
def org_record(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(PERSON_KEYS), max_size=8, unique=True))
    values = st.one_of(st.sampled_from(PLAUSIBLE), JSONISH)
    return {key: draw(values) for key in keys}


@pytest.fixture
def small_org(tmp_path: Path) -> None:
    """Two teams and two people (keys that PLAUSIBLE names) instead of the demo's 150 people,
    since org as code exports the whole organization to diff against on every example."""
    wipe_org()
    teams = tmp_path / "teams.csv"
    teams.write_text(
        "slug,name,type,parent,lead_employee_id,mission\n"
        "checkout,Checkout,stream-aligned,eng,,\nplatform-core,Core,platform,eng,,\n"
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "employee_id,name,email,title,level,track,team,manager_employee_id,location,"
        "employment_type,start_date,end_date,salary,currency\n"
        "E0050,Ada,ada@ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01,,150000,EUR\n"
        "E0006,Bob,bob@ex.io,Engineer,L3,ic,checkout,E0050,Lisbon,full-time,2021-02-01,,,\n"
    )
    run_import("teams", teams, actor=SYSTEM)
    run_import("people", people, actor=SYSTEM)


@given(data=st.data())
@FUZZ
def test_org_as_code_files_end_in_0_or_2(
    data: st.DataObject, tmp_path: Path, small_org: None
) -> None:
    sql = _fingerprint_sql()
    name = data.draw(
        st.sampled_from(["people.yaml", "teams.yaml", "departments.yaml", "roles.yaml"]),
        label="file",
    )
    text = data.draw(
        st.one_of(
            st.text(YAML_ALPHABET, max_size=200),
            st.lists(org_record(), max_size=3).map(
                lambda records: yaml.safe_dump(records, allow_unicode=True)
            ),
            JSONISH.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
            st.lists(raw_yaml_record(PERSON_KEYS, "  "), min_size=1, max_size=3).map(
                lambda records: "".join("-" + r[1:] for r in records)
            ),
        ),
        label="yaml",
    )
    folder = tmp_path / "org"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_text(text, encoding="utf-8")
    assert outcome(sql, lambda: orgcode.import_org(folder)) in (0, 2)


@given(data=st.data())
@FUZZ
def test_role_markdown_ends_in_0_or_2(data: st.DataObject, tmp_path: Path) -> None:
    sql = _fingerprint_sql()
    front = data.draw(
        st.one_of(
            st.text(YAML_ALPHABET, max_size=120),
            st.dictionaries(
                st.sampled_from(["title", "description", "tags", "level", "x"]),
                st.one_of(st.sampled_from(PLAUSIBLE), JSONISH),
                max_size=4,
            ).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
            raw_yaml_record(["title", "description", "date", "tags", "level"], ""),
        ),
        label="front matter",
    )
    body = data.draw(st.text(max_size=120) | st.sampled_from(PLAUSIBLE), label="body")
    framed = data.draw(st.booleans(), label="framed")
    path = tmp_path / "role.md"
    path.write_text(f"---\n{front}\n---\n{body}" if framed else front + body, encoding="utf-8")
    assert outcome(sql, lambda: run_import("roles", path, actor=SYSTEM)) in (0, 2)


def test_the_cli_exits_2_on_fuzzed_kinds_of_bad_input_and_0_on_good(
    tmp_path: Path, demo_home: Path
) -> None:
    """Exit codes through the real `steward` process, on the shared demo home (a dry run for
    the good file, so nothing is written there)."""
    home = demo_home
    teams = tmp_path / "teams.csv"
    header = "slug,name,type,parent,lead_employee_id,mission\n"
    teams.write_text(header + "fuzz-payments,Payments,platform,eng,,Take the money\n")
    bad = {
        "short.csv": header + "payments,Payments,platform\n",
        "nul.csv": header + "payments,Pay\x00ments,platform,eng,,\n",
        "bytes.csv": "\udcff",  # not UTF-8 once written with surrogateescape
    }
    for name, text in bad.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        result = steward_cli(home, "import", "teams", str(path), check=False)
        assert result.returncode == 2, result.stderr
        assert f"{path}:" in result.stderr and "Traceback" not in result.stderr
    done = steward_cli(home, "import", "teams", str(teams), "--dry-run", "--json", check=False)
    assert done.returncode == 0, done.stderr
    assert '"added": 1' in done.stdout
