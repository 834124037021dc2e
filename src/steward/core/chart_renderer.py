"""A helper process that renders Vega-Lite to SVG for a process whose own renderer is unusable.

`python -m steward.core.chart_renderer` reads requests from stdin and answers on stdout, each a
length line (decimal bytes) followed by that many bytes of UTF-8: a spec's JSON text in, the
SVG out (or an error, marked by a leading `!`). The parent starts one helper on first need, and
a new one if the old one died; a lock keeps one request in flight per helper.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

_lock = threading.Lock()
_helper: subprocess.Popen[bytes] | None = None
_owner_pid: int | None = None


class RenderError(RuntimeError):
    """The helper could not render the spec (the message is vl-convert's)."""


def _write(stream: IO[bytes], text: str) -> None:
    data = text.encode()
    stream.write(b"%d\n" % len(data))
    stream.write(data)
    stream.flush()


def _read(stream: IO[bytes]) -> str | None:
    line = stream.readline()
    if not line:
        return None
    return stream.read(int(line)).decode()


def _new_lock_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # a thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_new_lock_in_child)


def _started() -> subprocess.Popen[bytes]:
    global _helper, _owner_pid
    alive = _helper is not None and _helper.poll() is None and _owner_pid == os.getpid()
    if not alive:
        source = str(Path(__file__).resolve().parents[2])  # the folder that holds `steward`
        path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
        _helper = subprocess.Popen(
            [sys.executable, "-m", "steward.core.chart_renderer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        _owner_pid = os.getpid()
    assert _helper is not None
    return _helper


def render(text: str) -> str:
    """The SVG of a spec's JSON text, rendered by this process's helper."""
    with _lock:
        helper = _started()
        assert helper.stdin is not None and helper.stdout is not None
        _write(helper.stdin, text)
        answer = _read(helper.stdout)
    if answer is None:
        raise RenderError("the chart renderer stopped before answering")
    if answer.startswith("!"):
        raise RenderError(answer[1:])
    return answer


def main() -> None:
    import vl_convert

    while (spec := _read(sys.stdin.buffer)) is not None:
        try:
            answer = str(vl_convert.vegalite_to_svg(spec))
        except Exception as exc:  # the parent raises it as a RenderError
            answer = "!" + str(exc)
        _write(sys.stdout.buffer, answer)


if __name__ == "__main__":
    main()
