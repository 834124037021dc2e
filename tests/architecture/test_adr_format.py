"""The pure decision-record parser on real-world-shaped files of every FORMATS.md dialect."""

from __future__ import annotations

from datetime import date

import pytest

from steward.architecture.adr_format import (
    NotARecord,
    ParsedRecord,
    RecordError,
    file_name,
    parse_record,
    write_madr4,
)

MADR4 = """---
status: "accepted"
date: 2025-03-04
decision-makers: [Ana Ruiz, Li Wei]
consulted: Sam Okafor
informed: []
---
# Use PostgreSQL for the billing service

## Context and Problem Statement

Billing needs reporting.

## Considered Options

* PostgreSQL
* DynamoDB

## Decision Outcome

Chosen option: "PostgreSQL", because it meets the reporting need.
"""

MADR3 = """---
status: "superseded by [ADR-0005](0005-example.md)"
date: 2022-1-5
deciders: Ana Ruiz, Li Wei
consulted: {list everyone whose opinions are sought}
informed:
---
# Use Kafka for events

## Context and Problem Statement

Events.

## Validation

Load test.
"""

MADR2 = """# Use Markdown Architectural Decision Records <!-- optional -->

* Status: proposed <!-- optional -->
* Deciders: Ana Ruiz, Li Wei
* Date: 2019-05-07

Technical Story: TICKET-12

## Context and Problem Statement

We want to record decisions.

### Positive Consequences <!-- optional -->

* Good.
"""

LOG4BRAINS = """# Use Log4brains to manage the ADRs

- Status: draft
- Date: 2024-01-15
- Tags: doc, tooling process

## Context and Problem Statement

Docs.

## Links

- Refined by [x](20240101-x.md)
"""

NYGARD_OLD = """# 2. Use Oracle

Date: 2016-02-12

## Status

Superceded by [3. Use PostgreSQL](0003-use-postgresql.md)

## Context

Licences.

## Decision

Oracle.
"""

NYGARD_NEW = """# 3. Use PostgreSQL

Date: 2017-03-01

## Status

Accepted

Supercedes [2. Use Oracle](0002-use-oracle.md)

## Context

Costs.
"""


def test_madr4_front_matter() -> None:
    record = parse_record("0001-use-postgresql-for-the-billing-service.md", MADR4)
    assert record.number == 1
    assert record.title == "Use PostgreSQL for the billing service"
    assert record.status == "accepted"
    assert record.date == date(2025, 3, 4)
    assert record.decision_makers == ["Ana Ruiz", "Li Wei"]
    assert record.consulted == ["Sam Okafor"]
    assert record.informed == []
    assert record.body.startswith("## Context and Problem Statement\n")
    assert record.dialect == "madr4"


def test_madr3_deciders_link_status_loose_date_and_placeholder() -> None:
    record = parse_record("0004-use-kafka-for-events.md", MADR3)
    assert record.status == "superseded"
    assert record.superseded_by == 5
    assert record.date == date(2022, 1, 5)  # `2022-1-5` is a string to YAML
    assert record.decision_makers == ["Ana Ruiz", "Li Wei"]
    assert record.consulted == []  # an unfilled {placeholder} is a mapping: unset
    assert record.informed == []


def test_madr2_bullets_with_html_comments() -> None:
    record = parse_record("0000-use-markdown-architectural-decision-records.md", MADR2)
    assert record.number == 0
    assert record.title == "Use Markdown Architectural Decision Records"
    assert record.status == "proposed"
    assert record.decision_makers == ["Ana Ruiz", "Li Wei"]
    assert record.date == date(2019, 5, 7)
    assert record.body.startswith("Technical Story: TICKET-12\n")
    assert record.dialect == "madr2"


def test_log4brains_dash_bullets_tags_and_date_prefix_is_not_a_number() -> None:
    dated = parse_record("20240115-use-log4brains.md", LOG4BRAINS)
    assert dated.number is None  # the importer allocates one
    record = parse_record("0007-use-log4brains.md", LOG4BRAINS)
    assert record.number == 7
    assert record.status == "draft"
    assert record.tags == ["doc", "tooling", "process"]
    assert record.dialect == "log4brains"


def test_log4brains_with_id_in_front_matter_keeps_the_date_prefix_file() -> None:
    text = "---\nid: ADR-0042\n---\n" + LOG4BRAINS
    record = parse_record("20240115-use-log4brains.md", text)
    assert record.number == 42
    assert record.status == "accepted"  # front matter has no status: bullets are not read


def test_nygard_superceded_spelling_both_directions() -> None:
    old = parse_record("0002-use-oracle.md", NYGARD_OLD)
    assert (old.number, old.title, old.status, old.superseded_by) == (
        2,
        "Use Oracle",
        "superseded",
        3,
    )
    assert old.date == date(2016, 2, 12)
    assert "## Status" not in old.body
    new = parse_record("0003-use-postgresql.md", NYGARD_NEW)
    assert (new.status, new.supersedes) == ("accepted", 2)
    assert new.body.startswith("## Context")


def test_navigation_only_front_matter_and_no_status_import_as_accepted() -> None:
    text = "---\nparent: Decisions\nnav_order: 3\n---\n# Keep it simple\n\nBody.\n"
    record = parse_record("0003-keep-it-simple.md", text)
    assert (record.status, record.title, record.body) == ("accepted", "Keep it simple", "Body.\n")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.md", "# Decisions\n"),
        ("index.md", "# Index\n"),
        ("adr-template.md", "# {short title}\n"),
        ("template.md", "# Title\n"),
        (
            "0000-x.md",
            '---\nstatus: "{proposed | rejected\n---\n# {short title, of solved problem}\n',
        ),
        ("notes.txt", "# Not markdown\n"),
    ],
)
def test_non_records_are_not_records(name: str, text: str) -> None:
    with pytest.raises(NotARecord):
        parse_record(name, text)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("---\nstatus: [unclosed\n---\n# T\n", 2, "not valid YAML"),
        ("---\nstatus: accepted\n# T\n", 1, "never closed"),
        ("# T\n\n* Status: pondering\n", 3, "status 'pondering'"),
        ("# T\n\n* Date: 12/01/2024\n", 3, "not YYYY-MM-DD"),
        ("No heading here.\n", 1, "no '# Title'"),
        ("---\ntags: &a [x]\nstatus: *a\n---\n# T\n", 2, "anchor"),
    ],
)
def test_unparseable_records_say_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(RecordError) as exc:
        parse_record("0009-t.md", text)
    assert exc.value.line == line
    assert reason in exc.value.reason


def test_write_madr4_round_trips_byte_for_byte() -> None:
    record = ParsedRecord(
        title="Use Kafka: events, not polls",
        number=12,
        status="superseded",
        date=date(2024, 2, 1),
        decision_makers=["Ana Ruiz", "O'Brien, Pat"],
        consulted=["Li Wei"],
        tags=["messaging", "yes"],
        supersedes=3,
        superseded_by=15,
        body="## Context and Problem Statement\n\nPolls are slow.\n",
    )
    text = write_madr4(record)
    assert file_name(12, record.title) == "0012-use-kafka-events-not-polls.md"
    again = parse_record(file_name(12, record.title), text)
    again.dialect = ""
    assert again == record
    assert write_madr4(again) == text
    assert text.startswith('---\nstatus: "superseded by ADR-0015"\ndate: 2024-02-01\n')
