"""Backstage catalog substitutions (issue 11, FORMATS.md 3): `$text`, `$json` and `$yaml`
placeholders, resolved relative to the catalog file, never outside the imported folder, never
over the network. The files are shaped like real ones (Backstage's petstore example, an
AsyncAPI definition in a sibling folder, labels and links kept in separate files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steward.architecture import catalog_format
from steward.architecture.models import Component
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db

OPENAPI = """openapi: 3.0.3
info:
  title: Billing API
  version: 1.4.0
paths:
  /invoices/{id}:
    get:
      operationId: getInvoice
      responses:
        '200':
          description: The invoice
"""

ASYNCAPI = """asyncapi: 2.6.0
info: {title: Billing events, version: 1.0.0}
channels:
  invoice/paid:
    subscribe:
      message: {name: InvoicePaid}
"""

CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-api
  description:
    $text: ./docs/summary.txt
  labels:
    $json: ./labels.json
  links:
    $yaml: ./links.yaml
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
  providesApis: [billing]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing
  description: The public billing API
spec:
  type: openapi
  lifecycle: production
  owner: group:default/payments
  definition:
    $text: ./openapi.yaml
"""

EVENTS = """apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-events
spec:
  type: asyncapi
  lifecycle: experimental
  owner: payments
  definition:
    $text: ../specs/events.asyncapi.yaml
"""

# Backstage's own example (packages/catalog-model/examples/apis/petstore-api.yaml): a URL.
PETSTORE = """apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: petstore
  description: The petstore API
  tags:
    - store
    - rest
spec:
  type: openapi
  lifecycle: experimental
  owner: team-c
  definition:
    $text: https://petstore.swagger.io/v2/swagger.json
"""


def _tree(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "apis").mkdir()
    (root / "specs").mkdir()
    (root / "catalog-info.yaml").write_text(CATALOG)
    (root / "docs" / "summary.txt").write_text("Invoices, credit notes and taxes.\n")
    (root / "labels.json").write_text(json.dumps({"cost-center": "cc-410", "pci": "true"}))
    (root / "links.yaml").write_text(
        "- url: https://runbooks.example/billing\n  title: Runbook\n  type: runbook\n"
    )
    (root / "openapi.yaml").write_text(OPENAPI)
    (root / "apis" / "catalog-info.yaml").write_text(EVENTS)
    (root / "specs" / "events.asyncapi.yaml").write_text(ASYNCAPI)
    return root


def test_text_json_yaml_relative_to_each_file(tmp_path: Path) -> None:
    root = _tree(tmp_path / "catalog")
    diff = run_import("catalog", root, actor=SYSTEM)
    assert diff.counts()["added"] == 3
    component = Component.objects.get(kind="component", name="billing-api")
    assert component.description == "Invoices, credit notes and taxes.\n"
    assert component.extra["labels"] == {"cost-center": "cc-410", "pci": "true"}
    assert component.links == [
        {"url": "https://runbooks.example/billing", "title": "Runbook", "type": "runbook"}
    ]
    assert component.runbook == "https://runbooks.example/billing"  # read from the links
    api = Component.objects.get(kind="api", name="billing")
    assert api.extra["spec"]["definition"] == OPENAPI
    # apis/catalog-info.yaml names ../specs/...: relative to its own folder, inside the root.
    events = Component.objects.get(kind="api", name="billing-events")
    assert events.extra["spec"]["definition"] == ASYNCAPI
    # Importing again changes nothing (the substituted values compare equal).
    again = run_import("catalog", root, actor=SYSTEM)
    assert again.counts().get("added", 0) == 0 and again.counts().get("changed", 0) == 0


def test_a_url_is_not_fetched_and_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "petstore-api.yaml"
    path.write_text(PETSTORE)
    diff = run_import("catalog", path, actor=SYSTEM)
    assert (
        "petstore-api.yaml: line 14: $text https://petstore.swagger.io/v2/swagger.json not "
        "fetched (Steward reads no URLs); kept as written" in diff.warnings
    )
    api = Component.objects.get(kind="api", name="petstore")
    assert api.extra["spec"]["definition"] == {
        "$text": "https://petstore.swagger.io/v2/swagger.json"
    }


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("../secret.txt", "$text ../secret.txt: outside the imported folder"),
        ("/etc/hostname", "$text /etc/hostname: an absolute path"),
        ("./link.txt", "$text ./link.txt: outside the imported folder"),  # a symlink out
        ("./missing.yaml", "$text ./missing.yaml: no such file"),
        ("~/notes.txt", "$text ~/notes.txt: an absolute path"),
    ],
)
def test_refused_paths_import_nothing(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "secret.txt").write_text("not for the catalog\n")
    root = _tree(tmp_path / "catalog")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    broken = CATALOG.replace("$text: ./openapi.yaml", f"$text: {target}")
    (root / "catalog-info.yaml").write_text(broken)
    before = Component.objects.count()
    with pytest.raises(InvalidInput) as caught:
        run_import("catalog", root, actor=SYSTEM)
    [problem] = caught.value.problems
    assert problem.message.startswith(message), problem.message
    assert problem.file.endswith("catalog-info.yaml") and problem.file.count("apis") == 0
    assert problem.line == 27  # the `$text:` line of the second document
    assert Component.objects.count() == before  # nothing half-imported


def test_bad_json_and_yaml_are_problems(tmp_path: Path) -> None:
    root = _tree(tmp_path / "catalog")
    (root / "labels.json").write_text("{'single': 'quotes'}")
    (root / "links.yaml").write_text("- url: [unclosed\n")
    with pytest.raises(InvalidInput) as caught:
        run_import("catalog", root, actor=SYSTEM)
    messages = sorted(p.message for p in caught.value.problems)
    assert len(messages) == 2
    assert messages[0].startswith("$json ./labels.json: not JSON (")
    assert messages[1].startswith("$yaml ./links.yaml: ")
    assert sorted(p.line for p in caught.value.problems) == [8, 10]


def test_without_where_or_other_shapes_nothing_is_read() -> None:
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a}\n"
        "spec: {type: openapi, lifecycle: production, owner: team-a,"
        " definition: {$text: ./x.yaml}}\n"
    )
    [entity], problems, _ = catalog_format.read_entities(text)
    assert problems == []
    assert entity.spec["definition"] == {"$text": "./x.yaml"}  # no `where`: left as written
    # Only a mapping with one known `$` key and a string value is a placeholder.
    where = catalog_format.Substitutions(base=Path("/nonexistent"), root=Path("/nonexistent"))
    data = {"a": {"$other": "./x"}, "b": [{"$text": 3}], "c": {"$text": "./x", "extra": 1}}
    result, refused = catalog_format.substitute(data, where)
    assert (result, refused, where.warnings) == (data, [], [])
    # The same placeholder with `where` set is read (and here refused: no such file).
    _, refused = catalog_format.substitute({"d": {"$yaml": "./x.yaml"}}, where)
    assert [str(p) for p in refused] == ["$yaml ./x.yaml: no such file"]
