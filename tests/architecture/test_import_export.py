"""`steward import decisions DIR` and `steward export decisions DIR` on a messy folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from steward.architecture.exporting import export_decisions
from steward.architecture.models import Decision
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from tests.architecture.test_adr_format import (
    LOG4BRAINS,
    MADR2,
    MADR3,
    MADR4,
    NYGARD_NEW,
    NYGARD_OLD,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean() -> None:
    Decision.objects.update(supersedes=None)
    Decision.objects.all().delete()


def _folder(root: Path) -> Path:
    files = {
        "0000-use-markdown-architectural-decision-records.md": MADR2,
        "0001-use-postgresql-for-the-billing-service.md": MADR4,
        "0002-use-oracle.md": NYGARD_OLD,
        "0003-use-postgresql.md": NYGARD_NEW,
        "0004-use-kafka-for-events.md": MADR3,
        "0005-example.md": "---\nnav_order: 5\n---\n# Example\n\nNo status at all.\n",
        "sub/0006-use-log4brains.md": LOG4BRAINS,
        "README.md": "# Decisions\n\nSee below.\n",
        "adr-template.md": "# {short title}\n",
        "index.md": "# Index\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_import_every_dialect_skips_non_records_and_is_idempotent(
    clean: None, tmp_path: Path
) -> None:
    folder = _folder(tmp_path / "adr")
    created = LogEntry.objects.get_for_model(Decision).filter(action=LogEntry.Action.CREATE)
    before = created.count()
    diff = run_import("decisions", folder, actor=SYSTEM)
    assert diff.counts()["added"] == 7
    assert sorted(w for w in diff.warnings if w.startswith("skipped")) == [
        "skipped README.md (not a decision record)",
        "skipped adr-template.md (not a decision record)",
        "skipped index.md (not a decision record)",
    ]
    by_number = {d.number: d for d in Decision.objects.select_related("supersedes")}
    assert sorted(by_number) == [0, 1, 2, 3, 4, 5, 6]
    assert by_number[2].status == "superseded"
    assert by_number[3].supersedes == by_number[2]
    assert by_number[4].status == "superseded"
    assert by_number[5].supersedes == by_number[4]  # from 0004's `superseded by [ADR-0005]`
    assert by_number[5].status == "accepted"
    assert by_number[6].tags == ["doc", "tooling", "process"]
    assert by_number[0].date == date(2019, 5, 7)
    assert created.count() - before == 7  # bulk-created records are audited too
    again = run_import("decisions", folder, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 7, "ended": 0}
    assert not again.writes


def test_a_bad_record_is_reported_and_nothing_is_written(clean: None, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "adr")
    (folder / "0009-bad.md").write_text("# Bad\n\n* Status: pondering\n", encoding="utf-8")
    (folder / "0010-dup.md").write_text("# Dup\n", encoding="utf-8")
    (folder / "0010-dup-again.md").write_text("# Dup again\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        run_import("decisions", folder, actor=SYSTEM)
    problems = [(Path(p.file).name, p.line, p.message) for p in exc.value.problems]
    assert (
        "0009-bad.md",
        3,
        "status 'pondering' is not one of "
        "draft, proposed, accepted, rejected, deprecated, superseded",
    ) in problems
    assert any(name.startswith("0010-dup") and "also used by" in msg for name, _, msg in problems)
    assert len(problems) == 2
    assert not Decision.objects.exists()


def test_export_then_import_round_trips_byte_for_byte(clean: None, tmp_path: Path) -> None:
    run_import("decisions", _folder(tmp_path / "adr"), actor=SYSTEM)
    first = tmp_path / "out1"
    paths = export_decisions(first, actor=SYSTEM)
    names = sorted(p.name for p in paths)
    assert names[:3] == [
        "0000-use-markdown-architectural-decision-records.md",
        "0001-use-postgresql-for-the-billing-service.md",
        "0002-use-oracle.md",
    ]
    before = {
        d.number: (
            d.title,
            d.status,
            d.date,
            d.tags,
            d.body,
            d.supersedes_id and d.supersedes.number,
        )
        for d in Decision.objects.all()
    }
    Decision.objects.update(supersedes=None)
    Decision.objects.all().delete()
    diff = run_import("decisions", first, actor=SYSTEM)
    assert diff.counts()["added"] == 7
    after = {
        d.number: (
            d.title,
            d.status,
            d.date,
            d.tags,
            d.body,
            d.supersedes_id and d.supersedes.number,
        )
        for d in Decision.objects.all()
    }
    assert after == before
    second = tmp_path / "out2"
    export_decisions(second, actor=SYSTEM)
    for path in paths:
        assert (second / path.name).read_bytes() == path.read_bytes()
    assert run_import("decisions", first, actor=SYSTEM).counts()["unchanged"] == 7


def test_cli_import_and_export_decisions(tmp_path: Path, initialized_home: Path) -> None:
    """`steward import decisions DIR` then `steward export decisions DIR`, as a user runs them
    (in a home where `steward init` has run)."""
    from tests.conftest import steward_cli

    home = initialized_home
    folder = _folder(tmp_path / "adr")
    done = steward_cli(home, "import", "decisions", str(folder))
    assert "skipped README.md" in done.stdout + done.stderr
    out = tmp_path / "out"
    exported = steward_cli(home, "export", "decisions", str(out), "--json")
    assert '"decisions": 7' in exported.stdout
    expected = '---\nstatus: "accepted"\ndate: 2017-03-01\ndecision-makers: []\n'
    text = (out / "0003-use-postgresql.md").read_text(encoding="utf-8")
    assert text.startswith(expected + 'supersedes: "ADR-0002"\n')
    (folder / "0009-bad.md").write_text("# Bad\n\n* Status: pondering\n", encoding="utf-8")
    refused = steward_cli(home, "import", "decisions", str(folder), check=False)
    assert refused.returncode == 2
    assert "0009-bad.md:3: status 'pondering'" in refused.stderr
    unknown = steward_cli(home, "export", "gadgets", str(out), check=False)
    assert unknown.returncode == 2
    # A radar is one file, not a folder.
    assert steward_cli(home, "export", "radar", str(out), check=False).returncode == 2


def test_date_prefixed_log4brains_files_get_numbers_kept_on_reimport(
    clean: None, tmp_path: Path
) -> None:
    folder = tmp_path / "l4b"
    folder.mkdir()
    Decision.objects.create(number=4, title="Already here")
    (folder / "20240301-second.md").write_text(LOG4BRAINS.replace("Use Log4brains", "Second"))
    (folder / "20240115-first.md").write_text(LOG4BRAINS.replace("Use Log4brains", "First"))
    (folder / "0002-numbered.md").write_text(MADR4)
    diff = run_import("decisions", folder, actor=SYSTEM)
    assert diff.counts()["added"] == 3
    numbers = dict(Decision.objects.values_list("title", "number"))
    # Numberless files take the next free numbers after every known one, in date order.
    assert numbers["First to manage the ADRs"] == 5
    assert numbers["Second to manage the ADRs"] == 6
    again = run_import("decisions", folder, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 3, "ended": 0}
    (folder / "20240401-third.md").write_text(LOG4BRAINS.replace("Use Log4brains", "Third"))
    third = run_import("decisions", folder, actor=SYSTEM)
    assert third.counts()["added"] == 1
    assert Decision.objects.get(title="Third to manage the ADRs").number == 7
