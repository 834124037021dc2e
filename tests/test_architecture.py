"""The import floors of ARCHITECTURE.md: an app imports only from the floors below it."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "steward"

# app -> apps it may import (besides itself)
FLOORS: dict[str, set[str]] = {
    "core": set(),
    "org": {"core"},
    "engineering": {"core", "org"},
    "knowledge": {"core", "org", "engineering"},
    "orgdesign": {"core", "org", "engineering", "knowledge"},
    "architecture": {"core", "org", "engineering", "orgdesign", "knowledge"},
    "strategy": {"core", "org", "engineering", "orgdesign", "architecture", "knowledge"},
    # Above finance, talent and growth (pyproject.toml's layers): cost per investment category
    # reads finance's people cost.
    "worktracking": {
        "core",
        "org",
        "engineering",
        "orgdesign",
        "architecture",
        "strategy",
        "knowledge",
        "finance",
        "talent",
        "growth",
    },
    "finance": {"core", "org", "engineering", "orgdesign", "architecture", "strategy", "knowledge"},
    "talent": {"core", "org", "engineering", "orgdesign", "architecture", "strategy", "knowledge"},
    "growth": {"core", "org", "engineering", "orgdesign", "architecture", "strategy", "knowledge"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "steward" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_apps_import_only_lower_floors() -> None:
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    violations = []
    for app, allowed in FLOORS.items():
        if app not in apps:
            continue
        for path in (SRC / app).rglob("*.py"):
            bad = _imported_apps(path) - allowed - {app}
            if bad:
                violations.append(f"{path.relative_to(SRC)} imports {sorted(bad)}")
    assert violations == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from steward.strategy import optimizer\nimport steward.org.models\n")
    assert _imported_apps(sample) == {"strategy", "org"}


# --- import-linter: the contracts in pyproject.toml ([tool.importlinter]) ---

ROOT = SRC.parent.parent


def _lint_imports(config: Path, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command as c; c()",
            "--config",
            str(config),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT / "pyproject.toml", ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    # Every contract ran: the floors and one "no other app's models" contract per app.
    assert result.stdout.count("KEPT") == 6


def _fake_steward(tmp_path: Path, violations: dict[str, str]) -> Path:
    """A package `fakesteward` with the apps' shape, `violations` as {module file: source}."""
    root = tmp_path / "fakesteward"
    for app in (
        "core",
        "org",
        "engineering",
        "knowledge",
        "orgdesign",
        "architecture",
        "strategy",
        "growth",
        "talent",
        "demo",
        "cockpit",
        "worktracking",
        "finance",
    ):
        (root / app).mkdir(parents=True)
        for name in ("__init__", "models", "selectors"):
            (root / app / f"{name}.py").write_text("")
    for name in ("__init__", "cli", "api", "urls"):
        (root / f"{name}.py").write_text("")
    # Allowed: a higher app reads a lower one's selectors; an app imports its own models.
    (root / "strategy" / "services.py").write_text(
        "from fakesteward.org import selectors\nfrom fakesteward.strategy import models\n"
    )
    # The exceptions pyproject.toml lists (import-linter insists that each still occurs).
    for name in ("models", "selectors", "services", "views", "orgcode"):
        (root / "orgdesign" / f"{name}.py").write_text("from fakesteward.org import models\n")
    for file, source in violations.items():
        (root / file).write_text(source)
    return tmp_path


def _fake_config(tmp_path: Path) -> Path:
    """Our own [tool.importlinter] contracts, pointed at `fakesteward`."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text[text.index("[tool.importlinter]") : text.index("[tool.pytest.ini_options]")]
    config = tmp_path / "contracts.toml"
    config.write_text(re.sub(r"\bsteward\b", "fakesteward", section))
    return config


def test_the_contracts_fail_on_violations(tmp_path: Path) -> None:
    clean = _lint_imports(_fake_config(tmp_path), _fake_steward(tmp_path, {}))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    other = tmp_path / "broken"
    other.mkdir()
    broken = _lint_imports(
        _fake_config(other),
        _fake_steward(
            other,
            {
                "core/selectors.py": "from fakesteward.org import selectors\n",
                "strategy/selectors.py": "from fakesteward.engineering.models import x\n",
                "orgdesign/api.py": "import fakesteward.strategy.selectors\n",
            },
        ),
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    out = broken.stdout
    assert "fakesteward.core.selectors -> fakesteward.org.selectors" in out
    assert "fakesteward.orgdesign.api -> fakesteward.strategy.selectors" in out
    assert "fakesteward.strategy is not allowed to import fakesteward.engineering.models" in out
    assert out.count("BROKEN") == 2  # the floors and the engineering-models contract


# --- core names no app: apps register themselves (docs/architecture.md) ---

APP_NAMES = (
    "org",
    "orgdesign",
    "engineering",
    "knowledge",
    "architecture",
    "strategy",
    "growth",
    "cockpit",
    "demo",
    "worktracking",
)


def _app_mentions(text: str) -> list[str]:
    """Model labels ("org.person"), URL names ("org:chart") or modules naming an app."""
    names = "|".join(APP_NAMES)
    pattern = rf"""["'](?:{names})[.:]|steward\.(?:{names})\b"""
    return re.findall(pattern, text)


def test_core_names_no_app() -> None:
    found = {
        str(path.relative_to(SRC)): _app_mentions(path.read_text(encoding="utf-8"))
        for path in (SRC / "core").rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_core_check_sees_an_app_name() -> None:
    assert _app_mentions('OPEN = {"org.team"}\nlink("strategy:plan")\n') == ['"org.', '"strategy:']
    assert _app_mentions("from steward.orgdesign import selectors\n") == ["steward.orgdesign"]
    assert _app_mentions('"core.loginattempt"  # org chart: see org/models.py\n') == []
