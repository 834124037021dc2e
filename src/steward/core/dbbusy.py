"""A busy SQLite database: who is running, and a true message when a writer gives up waiting.

SQLite lets one process write at a time; the others wait up to `STEWARD_SQLITE_BUSY_TIMEOUT`
seconds (settings.py). When a writer gives up, its transaction was rolled back, so retrying is
safe. Each `steward` command notes itself in `STEWARD_HOME/run/<pid>.json` while it runs, so the
message can say which commands were running (one of them held the write lock).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    """True when `exc` is SQLite giving up on a lock held by another connection."""
    return isinstance(exc, OperationalError) and any(text in str(exc).lower() for text in _BUSY)


def _run_folder() -> Path:
    return Path(settings.STEWARD_HOME) / "run"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def running(command: str) -> Iterator[None]:
    """Note this process as running `command` while the block runs (SQLite only)."""
    if connections["default"].vendor != "sqlite":
        yield
        return
    note = _run_folder() / f"{os.getpid()}.json"
    try:
        note.parent.mkdir(mode=0o700, exist_ok=True)
        note.write_text(json.dumps({"command": command, "started": time.time()}))
    except OSError:
        note = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if note is not None:
            with suppress(OSError):
                note.unlink()


def running_commands() -> list[str]:
    """`steward` commands running now in other processes, as "steward X (pid N, for S s)"."""
    found: list[str] = []
    folder = _run_folder()
    if not folder.is_dir():
        return found
    for note in sorted(folder.glob("*.json")):
        try:
            pid = int(note.stem)
            data: dict[str, Any] = json.loads(note.read_text())
        except (ValueError, OSError):
            continue
        if pid == os.getpid():
            continue
        if not _alive(pid):
            with suppress(OSError):
                note.unlink()
            continue
        age = max(0, int(time.time() - float(data.get("started", time.time()))))
        found.append(f"{data.get('command', 'steward')} (pid {pid}, for {age} s)")
    return found


def busy_message(*, who: bool = True) -> str:
    """Why the write failed, who was running (`who`), and that retrying is safe."""
    waited = settings.STEWARD_SQLITE_BUSY_TIMEOUT
    holders = ""
    if who:
        others = running_commands()
        holders = (
            f"; running now: {'; '.join(others)}"
            if others
            else "; no other steward command is noted as running (another program may hold it)"
        )
    return (
        f"the database is busy: another process held the SQLite write lock for longer than "
        f"{waited:g} s (STEWARD_SQLITE_BUSY_TIMEOUT){holders}. Nothing of the interrupted "
        "transaction was written; retrying is safe (or raise STEWARD_SQLITE_BUSY_TIMEOUT)."
    )


class DatabaseBusyMiddleware:
    """A request whose write gave up on the lock gets 503 with Retry-After, not a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer 503 for a busy database; leave every other error alone."""
        if not is_busy(exception):
            return None
        message = busy_message(who=False)  # process names are not for web users
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                f"Steward is busy: {message}", status=503, content_type="text/plain"
            )
        response["Retry-After"] = "5"
        return response
