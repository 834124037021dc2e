"""`steward import radar` / `export radar --format`, `import catalog` / `export catalog` and
`steward architecture detect`, run as a user runs them (a fresh SQLite home on which
`steward init` has run)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

BYOR = (
    "name,ring,quadrant,isNew,status,description\n"
    "PostgreSQL,Adopt,Platforms,FALSE,No Change,<p>Default store.</p>\n"
    "Jenkins,Hold,Tools,FALSE,Moved Out,\n"
    "Go,Trial,Languages & Frameworks,TRUE,New,\n"
    "TDD,Adopt,Techniques,FALSE,No Change,\n"
    "Zig,Assess,Languages & Frameworks,TRUE,New,\n"
)


def test_cli_radar_catalog_and_detect(tmp_path: Path, initialized_home: Path) -> None:
    from tests.conftest import steward_cli

    home = initialized_home
    radar = tmp_path / "radar.csv"
    radar.write_text(BYOR)
    done = steward_cli(home, "import", "radar", str(radar), "--json")
    # 4 quadrants, 4 rings, 5 technologies and their 5 first events.
    assert json.loads(done.stdout)["counts"]["added"] == 4 + 4 + 5 + 5
    again = steward_cli(home, "import", "radar", str(radar), "--json")
    assert json.loads(again.stdout)["counts"] == {
        "added": 0,
        "changed": 0,
        "unchanged": 5,
        "ended": 0,
    }
    out = tmp_path / "z.json"
    steward_cli(home, "export", "radar", "--format", "zalando", str(out))
    zalando = json.loads(out.read_text())
    assert [q["name"] for q in zalando["quadrants"]] == [
        "Techniques",
        "Platforms",
        "Tools",
        "Languages & Frameworks",
    ]
    jenkins = next(e for e in zalando["entries"] if e["label"] == "Jenkins")
    assert (jenkins["quadrant"], jenkins["ring"], jenkins["moved"]) == (2, 3, -1)
    bad = steward_cli(home, "export", "radar", "--format", "svg", str(out), check=False)
    assert bad.returncode == 2 and "--format 'svg'" in bad.stderr

    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: shop}\n"
        "spec: {type: service, lifecycle: production, owner: nobody}\n"
    )
    steward_cli(home, "import", "catalog", str(catalog))
    exported = tmp_path / "out.yaml"
    steward_cli(home, "export", "catalog", str(exported))
    assert "owner: group:default/nobody" in exported.read_text()

    # A repository with a Hold technology, ingested, then detected.
    repo = tmp_path / "repos" / "ci"
    repo.mkdir(parents=True)
    (repo / "pom.xml").write_text(
        "<project><dependencies><dependency><groupId>org.jenkins-ci</groupId>"
        "<artifactId>jenkins</artifactId><version>2.4</version></dependency>"
        "</dependencies></project>"
    )
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=a", "-c", "user.email=a@b.c", "commit", "-q", "-m", "x"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    steward_cli(home, "ingest", "git", str(repo))
    detected = json.loads(steward_cli(home, "architecture", "detect", "--json").stdout)
    assert detected["repositories"][0]["manifests"] == ["pom.xml"]
    assert detected["hold_in_use"] == [{"technology": "Jenkins", "repositories": ["ci"]}]
    # PostgreSQL is on Adopt and no repository declares it; TDD (Techniques) is never flagged.
    assert detected["adopt_unused"] == ["PostgreSQL"]
