"""Charts in one place per app (issue 8): only `<app>/charts.py` builds Vega-Lite specs (Altair)
and renders them through `core.charts`; pages, selectors and reports call those modules."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "steward"

# Altair and vl-convert build and draw specs; core.charts' spec_svg/kept_svg render them.
CHART_MODULES = ("altair", "vl_convert")
CHART_NAMES = ("spec_svg", "kept_svg", "render_svg")


def chart_code(source: str) -> list[str]:
    """What a module imports to build or render a chart itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in CHART_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in CHART_MODULES:
                found.append(node.module)
            elif node.module == "steward.core.charts":
                found += [f"core.charts.{a.name}" for a in node.names if a.name in CHART_NAMES]
    return found


def allowed(path: Path) -> bool:
    relative = path.relative_to(SRC)
    return relative.name == "charts.py" or relative.as_posix() == "core/chart_renderer.py"


def test_only_the_charts_modules_build_and_render_charts() -> None:
    files = sorted(SRC.rglob("*.py"))
    builders = [p.relative_to(SRC).as_posix() for p in files if chart_code(p.read_text())]
    assert "finance/charts.py" in builders  # the check sees chart code where it is
    offenders = {
        p.relative_to(SRC).as_posix(): chart_code(p.read_text())
        for p in files
        if not allowed(p) and chart_code(p.read_text())
    }
    assert offenders == {}, "build and render charts in <app>/charts.py"


def test_the_check_sees_chart_code_inside_a_function() -> None:
    source = (
        "def page():\n"
        "    import altair as alt\n"
        "    from steward.core.charts import HALF_WIDTH, spec_svg\n"
        "    return spec_svg(alt.Chart().to_dict())\n"
    )
    assert chart_code(source) == ["altair", "core.charts.spec_svg"]
    assert chart_code("from steward.core.charts import FULL_WIDTH\n") == []
