"""Technology detection: each manifest kind on hand-written files, a hand-built git repository
read at HEAD, the Hold-in-use / Adopt-unused flags on the demo and the cockpit finding."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from steward.architecture import detection, selectors, services
from steward.architecture.detection import Dependency
from steward.core import registry
from steward.core.policy import SYSTEM


def _deps(path: str, text: str) -> set[tuple[str, str, str]]:
    return {(d.ecosystem, d.name, d.version) for d in detection.parse_manifest(path, text)}


def test_pyproject_pep621_poetry_and_groups() -> None:
    text = """
[project]
requires-python = ">=3.11"
dependencies = ["Django>=5.2,<6", "psycopg[binary]>=3.2 ; python_version>'3.10'"]
[project.optional-dependencies]
test = ["pytest>=8"]
[dependency-groups]
dev = ["ruff", {include-group = "test"}]
[tool.poetry.dependencies]
python = "^3.11"
requests = {version = "^2.32", extras = ["socks"]}
"""
    assert _deps("svc/pyproject.toml", text) == {
        ("pypi", "Django", "<6,>=5.2"),
        ("pypi", "psycopg", ">=3.2"),
        ("pypi", "pytest", ">=8"),
        ("pypi", "ruff", ""),
        ("pypi", "requests", "^2.32"),
        ("language", "python", ">=3.11"),
    }


def test_requirements_skip_options_comments_and_urls() -> None:
    text = "# pinned\n-r base.txt\nflask==3.0.3  # web\n-e .\ngit+https://x/y.git\nredis\n"
    assert _deps("requirements-dev.txt", text) == {
        ("pypi", "flask", "==3.0.3"),
        ("pypi", "redis", ""),
        ("language", "python", ""),
    }
    assert detection.manifest_kind("node_modules/x/package.json") is None
    assert detection.manifest_kind("README.md") is None


def test_package_json_go_mod_cargo_gemfile() -> None:
    assert _deps(
        "web/package.json",
        '{"dependencies": {"react": "^18"}, "devDependencies": {"typescript": "5.5"},'
        ' "engines": {"node": ">=20"}}',
    ) == {
        ("npm", "react", "^18"),
        ("npm", "typescript", "5.5"),
        ("language", "typescript", ""),
        ("runtime", "node.js", ">=20"),
    }
    gomod = (
        "module x\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n"
        "require (\n\tk8s.io/client-go v0.31.0 // indirect\n)\n"
    )
    assert _deps("go.mod", gomod) == {
        ("go", "github.com/lib/pq", "v1.10.9"),
        ("go", "k8s.io/client-go", "v0.31.0"),
        ("language", "go", "1.22"),
    }
    cargo = (
        '[package]\nedition = "2021"\n[dependencies]\nserde = "1"\n'
        'tokio = { version = "1.40", features = ["full"] }\n'
    )
    assert _deps("Cargo.toml", cargo) == {
        ("cargo", "serde", "1"),
        ("cargo", "tokio", "1.40"),
        ("language", "rust", "2021"),
    }
    gemfile = "source 'https://rubygems.org'\nruby '3.3.0'\ngem 'rails', '~> 7.1'\ngem \"pg\"\n"
    assert _deps("Gemfile", gemfile) == {
        ("rubygems", "rails", "~> 7.1"),
        ("rubygems", "pg", ""),
        ("language", "ruby", "3.3.0"),
    }


def test_pom_gradle_dockerfile_and_actions() -> None:
    pom = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent>
  <dependencies><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>42.7.3</version></dependency></dependencies>
</project>"""
    assert _deps("pom.xml", pom) == {
        ("maven", "org.postgresql:postgresql", "42.7.3"),
        ("maven", "org.springframework.boot:spring-boot-starter-parent", "3.3.0"),
        ("language", "java", ""),
    }
    with pytest.raises(ValueError, match="DOCTYPE"):
        detection.parse_manifest("pom.xml", '<!DOCTYPE x [<!ENTITY a "b">]><project/>')
    gradle = (
        'plugins { id("org.jetbrains.kotlin.jvm") version "2.0.0" }\n'
        'dependencies {\n  implementation("io.ktor:ktor-server-core:2.3.12")\n'
        "  testImplementation 'junit:junit:4.13.2'\n}\n"
    )
    assert _deps("app/build.gradle.kts", gradle) == {
        ("maven", "io.ktor:ktor-server-core", "2.3.12"),
        ("maven", "junit:junit", "4.13.2"),
        ("gradle-plugin", "org.jetbrains.kotlin.jvm", "2.0.0"),
        ("language", "kotlin", ""),
        ("tool", "gradle", ""),
    }
    docker = (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build AS test\n"
        "FROM gcr.io/distroless/static@sha256:abc\nFROM postgres\nFROM scratch\n"
    )
    assert _deps("deploy/Dockerfile", docker) == {
        ("docker", "golang", "1.22"),
        ("docker", "gcr.io/distroless/static", ""),
        ("docker", "postgres", ""),
    }
    workflow = (
        "jobs:\n  b:\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: ./local-action\n      - name: tf\n"
        "        uses: 'hashicorp/setup-terraform@v3'\n"
    )
    assert _deps(".github/workflows/ci.yaml", workflow) == {
        ("github-actions", "actions/checkout", "v4"),
        ("github-actions", "hashicorp/setup-terraform", "v3"),
        ("tool", "github actions", ""),
    }


def test_matching_by_name_alias_and_last_segment() -> None:
    pg = detection.radar_names("PostgreSQL", "postgresql", ["psycopg", "postgres"])
    assert detection.matches("pypi", "psycopg", pg)
    assert detection.matches("docker", "library/postgres", pg)
    assert detection.matches("maven", "org.postgresql:postgresql", pg)
    assert not detection.matches("pypi", "psycopg-pool", pg)
    gha = detection.radar_names("GitHub Actions", "github-actions", [])
    assert detection.matches("tool", "github actions", gha)
    assert Dependency("npm", "x") == Dependency("npm", "x", "")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.mark.django_db
def test_detect_a_hand_built_repository_at_head(tmp_path: Path) -> None:
    from steward.engineering import selectors as engineering_selectors

    folder = tmp_path / "shop"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "package.json").write_text('{"dependencies": {"angular": "1.8.3"}}')
    (folder / "sub").mkdir()
    (folder / "sub" / "requirements.txt").write_text("pymongo==4.8\n")
    (folder / "go.mod").write_text("module x\nrequire (\n")  # unterminated: still read
    _git(folder, "add", "-A")
    _git(folder, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "one")
    # A later commit removes the requirements: HEAD no longer declares pymongo.
    (folder / "sub" / "requirements.txt").unlink()
    (folder / "Cargo.toml").write_text("[dependencies\nbroken")
    _git(folder, "add", "-A")
    _git(folder, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "two")
    repo = engineering_selectors.repository_list(actor=SYSTEM).order_by("name").first()
    assert repo is not None
    repo.path = str(folder)
    result = services.detect_repository(actor=SYSTEM, repository=repo)
    assert result.manifests == ["Cargo.toml", "go.mod", "package.json"]
    assert len(result.notes) == 1 and "Cargo.toml" in result.notes[0]
    uses = {
        (u.repository, u.name, u.version)
        for u in selectors.uses_by_technology(actor=SYSTEM)[
            selectors.technology_get(actor=SYSTEM, key="angularjs").pk
        ]
    }  # type: ignore[union-attr]
    assert (repo.name, "angular", "1.8.3") in uses
    # npm (angular, language, runtime) + go (language): 4 rows.
    assert result.uses == 4


@pytest.mark.django_db
def test_demo_flags_hold_in_use_and_adopt_unused() -> None:
    flags = selectors.detection_flags(actor=SYSTEM, day=date.today())
    hold = {item["blip"].technology.name: item["repositories"] for item in flags["hold_in_use"]}
    assert hold == {
        "AngularJS": ["checkout-web"],
        "MongoDB": ["catalog-importer"],
        "Moment.js": ["checkout-web"],
    }
    repositories = {r for repos in hold.values() for r in repos}
    assert repositories == {"checkout-web", "catalog-importer"}
    # Redis is on Adopt and no manifest declares it; Techniques are never flagged.
    assert [b.technology.name for b in flags["adopt_unused"]] == ["Redis"]


@pytest.mark.django_db
def test_cockpit_finding_for_hold_in_use(django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    found = [
        f
        for f in registry.findings(User.objects.get(username="engineer"), date.today())
        if f.rule == "architecture.hold-in-use"
    ]
    assert [f.statement for f in found] == [
        # Radar order: Platforms, Tools, then Languages & Frameworks.
        "MongoDB is on Hold on the radar but 1 repository still uses it: catalog-importer.",
        "Moment.js is on Hold on the radar but 1 repository still uses it: checkout-web.",
        "AngularJS is on Hold on the radar but 1 repository still uses it: checkout-web.",
    ]
    assert found[2].url == "/architecture/radar/angularjs/"
    assert found[0].severity == "warning"


@pytest.mark.django_db
def test_usage_page(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("engineer").get("/architecture/radar/usage/").content.decode()
    hold = page.split('id="hold-in-use"')[1].split("</section>")[0]
    assert "AngularJS" in hold and "package.json" in hold and "1.8.3" in hold
    assert "Redis" in page.split('id="adopt-unused"')[1].split("</section>")[0]
