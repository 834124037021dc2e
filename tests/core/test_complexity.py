"""No function of Steward is ranked E or F by radon's cyclomatic complexity (issue 8).

A rank of E (31-40) or F (41 and more) means a function does too many things to read or test;
such a function is broken into named steps. D (21-30) and better pass. Methods and nested
functions are checked too (radon counts a closure's branches in the function around it).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

SRC = Path(__file__).resolve().parents[2] / "src" / "steward"


def too_complex(source: str, name: str) -> list[str]:
    """`name:line function (rank complexity)` of every function and method of `source` ranked
    E or F (a class's own rank is its methods' average: they are checked one by one)."""
    return [
        f"{name}:{block.lineno} {block.fullname} ({cc_rank(block.complexity)} {block.complexity})"
        for block in cc_visit(source)
        if isinstance(block, Function) and cc_rank(block.complexity) in ("E", "F")
    ]


def test_no_function_is_ranked_e_or_f() -> None:
    files = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)
    assert len(files) > 100  # the walk found the sources
    found = [
        hit
        for path in files
        for hit in too_complex(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    ]
    assert found == [], "break these into named steps:\n" + "\n".join(found)


def test_the_check_finds_a_function_ranked_e() -> None:
    # 31 ifs: complexity 32, rank E; one if fewer per function in `fine` keeps it at D (21).
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(31))
    source = f"def tangled(x):\n{branches}    return -1\n"
    fine = (
        "def fine(x):\n"
        + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(20))
        + "    return -1\n"
    )
    assert too_complex(source, "m.py") == ["m.py:1 tangled (E 32)"]
    assert too_complex(fine, "m.py") == []
    method = "class C:\n" + textwrap.indent(source.replace("(x)", "(self, x)"), "    ")
    assert too_complex(method, "m.py") == ["m.py:2 C.tangled (E 32)"]
