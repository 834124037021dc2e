"""Charts render in a process forked after its parent rendered (gunicorn's workers after
`steward demo` built the demo in the same process): vl-convert's own renderer would hang there."""

from __future__ import annotations

import json
import os
import time

import pytest

from steward.core import chart_renderer, charts


def _spec(mark: str) -> str:
    return json.dumps(
        {
            "mark": mark,
            "data": {"values": [{"a": 1}, {"a": 3}]},
            "encoding": {"x": {"field": "a", "type": "quantitative"}},
        }
    )


def _wait(pid: int, seconds: float) -> int | None:
    """The child's exit status, or None when it is still running after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    return None


def test_a_child_forked_after_a_render_renders_the_same_svg(tmp_path) -> None:
    charts.render_svg(_spec("bar"))  # this process's renderer is now live
    out = tmp_path / "child.svg"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            out.write_text(charts.render_svg(_spec("point")))
            code = 0
        finally:
            os._exit(code)
    status = _wait(pid, 60)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child did not render within 60 s")
    assert status == 0
    assert out.read_text() == charts.render_svg(_spec("point"))
    assert out.read_text().startswith("<svg")


def test_the_helper_reports_a_spec_it_cannot_render() -> None:
    with pytest.raises(chart_renderer.RenderError):
        chart_renderer.render("{not json")
    # and it still renders the next one
    assert chart_renderer.render(_spec("bar")) == charts.render_svg(_spec("bar"))
