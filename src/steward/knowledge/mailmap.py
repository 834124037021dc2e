"""git's `.mailmap`, parsed and applied as git does it (mailmap.c), in plain Python.

Code knowledge applies the `.mailmap` of the analysed revision to the identities stored at
ingestion, so that a later change to `.mailmap` counts for every old commit without reading the
history again. Semantics follow git: e-mails and names are matched case-insensitively; an entry
with a commit name (`Proper <proper> Commit <commit>`) wins over the plain entry for that
e-mail; a later line replaces an earlier one's name or e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _fold(text: str) -> str:
    """git compares with strcasecmp: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


@dataclass
class _Info:
    name: str | None = None
    email: str | None = None
    # Entries that also match the commit name: lower-cased commit name -> replacement.
    by_name: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def _parse_name_and_email(
    buffer: str, allow_empty_email: bool
) -> tuple[str | None, str | None, str | None]:
    """(name, email, rest) like git's parse_name_and_email; email None when there is none."""
    left = buffer.find("<")
    if left < 0:
        return None, None, None
    right = buffer.find(">", left + 1)
    if right < 0:
        return None, None, None
    if not allow_empty_email and right == left + 1:
        return None, None, None
    name = buffer[:left].strip(" \t\n\r\f\v")
    email = buffer[left + 1 : right]
    rest = buffer[right + 1 :]
    return (name or None), email, (rest if rest else None)


class Mailmap:
    """A parsed `.mailmap`; `map(name, email)` gives the identity git's %aN / %aE would show."""

    def __init__(self, text: str | None = None) -> None:
        self._map: dict[str, _Info] = {}
        if text:
            for line in text.split("\n"):
                self._read_line(line)

    def __bool__(self) -> bool:
        return bool(self._map)

    def _read_line(self, line: str) -> None:
        if line.startswith("#"):
            return
        name1, email1, rest = _parse_name_and_email(line, allow_empty_email=False)
        if email1 is None:
            return
        name2: str | None = None
        email2: str | None = None
        if rest is not None:
            name2, email2, _ = _parse_name_and_email(rest, allow_empty_email=True)
        self._add(name1, email1, name2, email2)

    def _add(
        self,
        new_name: str | None,
        new_email: str | None,
        old_name: str | None,
        old_email: str | None,
    ) -> None:
        if old_email is None:
            old_email, new_email = new_email, None
        assert old_email is not None
        info = self._map.setdefault(_fold(old_email), _Info())
        if old_name is None:
            if new_name:
                info.name = new_name
            if new_email:
                info.email = new_email
        else:
            info.by_name[_fold(old_name)] = (new_name, new_email)

    def map(self, name: str, email: str) -> tuple[str, str]:
        """The mapped (name, email); unchanged when no entry applies."""
        info = self._map.get(_fold(email))
        if info is None:
            return name, email
        new_name, new_email = info.name, info.email
        if info.by_name:
            hit = info.by_name.get(_fold(name))
            if hit is not None:
                new_name, new_email = hit
        return (new_name or name), (new_email or email)
