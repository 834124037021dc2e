"""CSV rows every kind reads alike: short and long rows, NUL, Unicode line separators, identifiers.

Each rule is checked on every registered CSV kind through `run_import` (the code path of
`steward import`), with expected messages written out by hand, and each refusal proves that
nothing was written (row counts of every table before and after).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from steward.core.errors import InvalidInput
from steward.core.importing import CsvImporter, get_importer, normalize_identifier, run_import
from steward.core.policy import SYSTEM

CSV_KINDS = (
    "people",
    "teams",
    "deployments",
    "incidents",
    "objectives",
    "key-results",
    "initiatives",
)

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    """Rows in every table (the fingerprint of 'nothing was written')."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def columns(kind: str) -> list[str]:
    importer = get_importer(kind)
    assert issubclass(importer, CsvImporter)
    return importer.accepted_columns()


def refused(path: Path, kind: str) -> list[str]:
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        run_import(kind, path, actor=SYSTEM)
    assert table_counts() == before
    return [str(p).replace(str(path.parent) + "/", "") for p in info.value.problems]


def test_every_csv_kind_is_registered() -> None:
    for kind in CSV_KINDS:
        assert issubclass(get_importer(kind), CsvImporter)


@pytest.mark.parametrize("kind", CSV_KINDS)
def test_a_row_cut_short_is_an_error_naming_the_missing_columns(kind: str, tmp_path: Path) -> None:
    header = columns(kind)
    short = ["x"] * (len(header) - 2)
    path = tmp_path / f"{kind}.csv"
    path.write_text(",".join(header) + "\n" + ",".join(short) + "\n", encoding="utf-8")
    missing = header[-2:]
    assert refused(path, kind) == [
        f"{kind}.csv:2: column {missing[0]}: has {len(header) - 2} values but the header has "
        f"{len(header)} columns: no value for {missing[0]}, {missing[1]} (fix: give every column "
        "a value (an empty one as an empty field, e.g. ',,'); a row cut short is never read as "
        "empty values)"
    ]


@pytest.mark.parametrize("kind", CSV_KINDS)
def test_a_row_with_more_values_than_columns_is_an_error(kind: str, tmp_path: Path) -> None:
    header = columns(kind)
    path = tmp_path / f"{kind}.csv"
    path.write_text(
        ",".join(header) + "\n" + ",".join(["x"] * (len(header) + 1)) + "\n", encoding="utf-8"
    )
    assert refused(path, kind) == [
        f"{kind}.csv:2: has {len(header) + 1} values but the header has {len(header)} columns "
        "(fix: quote values that contain commas)"
    ]


@pytest.mark.parametrize("kind", CSV_KINDS)
def test_a_nul_in_any_field_is_refused_with_line_and_column(kind: str, tmp_path: Path) -> None:
    header = columns(kind)
    values = [""] * len(header)
    values[1] = "a\x00b"
    path = tmp_path / f"{kind}.csv"
    path.write_text(",".join(header) + "\n\n" + ",".join(values) + "\n", encoding="utf-8")
    assert refused(path, kind) == [
        f"{kind}.csv:3: column {header[1]}: contains a NUL character (\\0) (fix: remove the NUL "
        "character; PostgreSQL cannot store it in text)"
    ]


def test_a_nul_in_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text("slug,name\x00,type\n", encoding="utf-8")
    assert refused(path, "teams") == [
        "teams.csv:1: the header contains a NUL character (\\0) (fix: remove the NUL character; "
        "PostgreSQL cannot store it in text)"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_unicode_line_separators_inside_a_value_do_not_split_the_row(
    separator: str, tmp_path: Path
) -> None:
    header = columns("teams")
    assert header == ["slug", "name", "type", "parent", "lead_employee_id", "mission"]
    path = tmp_path / "teams.csv"
    path.write_text(
        ",".join(header) + "\n"
        f"sep-a,Team{separator}A,platform,,,one{separator}two\n"
        f'sep-b,"Team B",enabling,,,"quoted{separator}value"\n',
        encoding="utf-8",
    )
    diff = run_import("teams", path, actor=SYSTEM)
    assert [(c.kind, c.key, c.line) for c in diff.changes] == [
        ("added", "sep-a", 2),
        ("added", "sep-b", 3),
    ]
    team_model = apps.get_model("org", "Team")
    a = team_model.objects.get(slug="sep-a")
    assert (a.name, a.mission) == (f"Team{separator}A", f"one{separator}two")
    assert team_model.objects.get(slug="sep-b").mission == f"quoted{separator}value"


def test_identifiers_are_normalized_with_nfkc() -> None:
    assert normalize_identifier("Ｅ０００６") == "E0006"
    assert normalize_identifier(" E0006 ") == "E0006"
    assert normalize_identifier("ｐａｙｍｅｎｔｓ－ｃｏｒｅ") == "payments-core"
    assert normalize_identifier("Е0006") == "Е0006"  # Cyrillic Е has no ASCII form: kept, refused


def test_an_identifier_that_is_not_ascii_after_nfkc_is_refused(tmp_path: Path) -> None:
    header = columns("objectives")
    path = tmp_path / "objectives.csv"
    rows = [
        "Оbj-1,Title,,,2027-01-01,2027-03-31,1",  # a Cyrillic О
        "obj\u200b2,Title,,,2027-01-01,2027-03-31,1",  # a zero-width space
    ]
    path.write_text(",".join(header) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    hint = (
        "(fix: use ASCII letters, digits and punctuation without spaces (full-width characters "
        "are read as their ASCII forms))"
    )
    found = refused(path, "objectives")
    assert f"objectives.csv:2: column key: 'Оbj-1' is not a valid identifier {hint}" in found
    assert f"objectives.csv:3: column key: 'obj\\u200b2' is not a valid identifier {hint}" in found
