"""`steward plan solve --input`: runs without a database and maps bad input to exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

INSTANCE = {
    "quarters": ["2027Q1", "2027Q2"],
    "discount_per_quarter": 0.0,
    "teams": [{"id": "payments", "capacity": {"2027Q1": 20, "2027Q2": 20}}],
    "budget": {"2027Q1": 500000, "2027Q2": 500000},
    "initiatives": [
        {
            "id": "I1",
            "value": 40,
            "effort": {"payments": 20},
            "cost": 100000,
            "duration": 1,
            "depends_on": [],
            "mandatory": False,
            "earliest": "2027Q1",
            "deadline": None,
        },
        {"id": "I2", "value": 30, "effort": {"payments": 20}, "depends_on": ["I1"]},
        {"id": "I3", "value": 10, "effort": {"payments": 20}, "deadline": "2027Q1"},
    ],
}


def _run(tmp_path: Path, data: object) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    env = {
        k: v for k, v in os.environ.items() if k not in ("STEWARD_HOME", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-m", "steward", "plan", "solve", "--input", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )


def test_solves_a_file_without_a_database(tmp_path: Path) -> None:
    done = _run(tmp_path, INSTANCE)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # I1 then I2 (its dependant) use both quarters: 70 beats I3 + I1/I2 (at most 50).
    assert result["status"] == "optimal"
    assert result["objective"] == 70.0
    assert result["schedule"] == {"I1": "2027Q1", "I2": "2027Q2"}
    assert result["unscheduled"] == ["I3"]
    assert {"status", "objective", "schedule", "unscheduled", "bottlenecks"} <= set(result)
    assert not (tmp_path / ".steward").exists()


def test_bad_input_exits_2_naming_the_field(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(INSTANCE))
    bad["initiatives"][0]["effort"] = {"ghosts": 5}
    done = _run(tmp_path, bad)
    assert done.returncode == 2
    assert "initiatives[0] (I1).effort.ghosts" in done.stderr
    assert "unknown team" in done.stderr
    assert done.stdout == ""


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    done = _run(tmp_path, '{"quarters": [\n  "2027Q1",,\n]}')
    assert done.returncode == 2
    assert "instance.json:2: column" in done.stderr
