"""The import floors of ARCHITECTURE.md: an app imports only from the floors below it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "steward"

# app -> apps it may import (besides itself)
FLOORS: dict[str, set[str]] = {
    "core": set(),
    "org": {"core"},
    "engineering": {"core", "org"},
    "orgdesign": {"core", "org", "engineering"},
    "architecture": {"core", "org", "engineering", "orgdesign"},
    "strategy": {"core", "org", "engineering", "orgdesign", "architecture"},
    "finance": {"core", "org", "engineering", "orgdesign", "architecture", "strategy"},
    "talent": {"core", "org", "engineering", "orgdesign", "architecture", "strategy"},
    "growth": {"core", "org", "engineering", "orgdesign", "architecture", "strategy"},
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
