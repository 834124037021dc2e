"""The CSV reader: `CsvImporter` reads a file with a header row into `Row`s, recording every
problem of encoding, header, row width, NUL characters and identifiers; and the identifier rules
(NFKC form, printable ASCII without spaces) other readers share."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from typing import Any, ClassVar

from steward.core.importing.framework import Importer, Row

# An identifier as stored: printable ASCII, no spaces (the fast path of `CsvImporter._identifier`).
_PLAIN_IDENTIFIER = re.compile(r"[!-~]+")
_NUL_HINT = "remove the NUL character; PostgreSQL cannot store it in text"


def normalize_identifier(value: str) -> str:
    """An identifier (employee_id, key, slug) in Unicode NFKC form, stripped.

    Full-width and other compatibility forms become plain ASCII ('Ｅ0006' -> 'E0006'), so an
    HRIS export typed with an East Asian input method matches the stored person.
    """
    if value.isascii():
        return value.strip()
    return unicodedata.normalize("NFKC", value).strip()


def identifier_is_valid(value: str) -> bool:
    """Whether a normalized identifier is printable ASCII without spaces (the stored form)."""
    return bool(_PLAIN_IDENTIFIER.fullmatch(value))


IDENTIFIER_HINT = (
    "use ASCII letters, digits and punctuation without spaces "
    "(full-width characters are read as their ASCII forms)"
)


class CsvImporter(Importer):
    """An importer of a CSV file with a header row."""

    reader = "csv"
    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()
    # When true, columns not listed above are accepted (see `extra_columns`); else a problem.
    extra_columns_allowed: ClassVar[bool] = False
    # Columns holding one identifier (a key, an employee_id): NFKC-normalized, then refused
    # unless printable ASCII without spaces. `normalized_columns` (slugs, which the importer
    # validates itself, and lists of keys): NFKC-normalized only; each value is then checked
    # against the slug rule or the known keys.
    identifier_columns: ClassVar[tuple[str, ...]] = ()
    normalized_columns: ClassVar[tuple[str, ...]] = ()

    header: list[str]

    @classmethod
    def accepted_columns(cls) -> list[str]:
        """Every column name the format knows."""
        return [*cls.required_columns, *cls.optional_columns]

    @property
    def extra_columns(self) -> list[str]:
        """Columns of the file's header that the format does not name."""
        known = set(self.accepted_columns())
        return [c for c in self.header if c not in known]

    def read_rows(self) -> list[Row]:
        """The data rows; header problems are recorded (and no rows returned) when found."""
        self.header = []
        text = self._decoded_text()
        if text is None:
            return []
        # newline="": only \n, \r and \r\n end a line. str.splitlines() would also split at
        # U+2028, U+2029, U+0085, \v and \f, which are ordinary characters inside a value.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        has_nul = "\x00" in text
        if not self._read_header(reader, has_nul) or not self._header_is_valid():
            return []
        return self._data_rows(reader, has_nul)

    def _decoded_text(self) -> str | None:
        """The file as text (a UTF-8 byte-order mark dropped), or None with a problem recorded."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            self.problem(None, None, f"cannot read the file: {exc.strerror or exc}")
            return None
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(line, None, "is not valid UTF-8", "save the file as UTF-8")
            return None

    def _read_header(self, reader: Any, has_nul: bool) -> bool:
        """Read the header row into `self.header`; False (with a problem) when there is none."""
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.problem(1, None, f"cannot read the header: {exc}")
            return False
        if not header or not any(h.strip() for h in header):
            self.problem(1, None, "the file has no header row", self._columns_hint())
            return False
        if has_nul and any("\x00" in h for h in header):
            self.problem(1, None, "the header contains a NUL character (\\0)", _NUL_HINT)
            return False
        self.header = [h.strip() for h in header]
        return True

    def _header_is_valid(self) -> bool:
        """Required columns present, every column named once, no unknown column (unless the
        format allows extra columns); every problem is recorded, not only the first."""
        ok = True
        for column in self.required_columns:
            if column not in self.header:
                ok = False
                self.problem(1, column, "required column is missing", self._columns_hint())
        seen: set[str] = set()
        for column in self.header:
            if not column:
                ok = False
                self.problem(1, None, "a column has no name", "name every column in the header")
            elif column in seen:
                ok = False
                self.problem(1, column, "column appears twice", "keep one column of each name")
            seen.add(column)
        if not self.extra_columns_allowed:
            for column in self.extra_columns:
                if column:
                    ok = False
                    self.problem(1, column, "unknown column", self._columns_hint())
        return ok

    def _data_rows(self, reader: Any, has_nul: bool) -> list[Row]:
        """Every non-blank data row after the header, identifiers normalized and checked."""
        rows: list[Row] = []
        header = self.header
        width = len(header)
        identifiers = [c for c in self.identifier_columns if c in header]
        normalized = [c for c in self.normalized_columns if c in header]
        try:
            for values in reader:
                line = reader.line_num
                if len(values) != width:
                    if not any(v.strip() for v in values):
                        continue
                    self._wrong_width(line, values)
                    continue
                if has_nul and any("\x00" in v for v in values):
                    for column, value in zip(header, values, strict=True):
                        if "\x00" in value:
                            self.problem(line, column, "contains a NUL character (\\0)", _NUL_HINT)
                    continue
                record = dict(zip(header, values, strict=True))
                for column in identifiers:
                    value = record[column]
                    if value and not _PLAIN_IDENTIFIER.fullmatch(value):
                        record[column] = self._identifier(line, column, value)
                for column in normalized:
                    value = record[column]
                    if value and not value.isascii():
                        record[column] = normalize_identifier(value)
                if not any(v.strip() for v in values):
                    continue
                rows.append(Row(line, record))
        except csv.Error as exc:
            self.problem(reader.line_num, None, f"cannot read the row: {exc}")
        return rows

    def _wrong_width(self, line: int, values: list[str]) -> None:
        """Record a row with fewer or more values than the header has columns."""
        width = len(self.header)
        if len(values) > width:
            self.problem(
                line,
                None,
                f"has {len(values)} values but the header has {width} columns",
                "quote values that contain commas",
            )
            return
        missing = self.header[len(values) :]
        self.problem(
            line,
            missing[0],
            f"has {len(values)} values but the header has {width} columns: "
            f"no value for {', '.join(missing)}",
            "give every column a value (an empty one as an empty field, e.g. ',,'); "
            "a row cut short is never read as empty values",
        )

    def _identifier(self, line: int, column: str, value: str) -> str:
        """An identifier in its NFKC form (full-width 'Ｅ0006' is 'E0006'), checked.

        Identifiers must be printable ASCII without spaces after normalization; anything else
        (a Cyrillic 'Е', a zero-width space) is refused rather than stored as a new key.
        """
        text = normalize_identifier(value)
        if text and not _PLAIN_IDENTIFIER.fullmatch(text):
            self.problem(
                line,
                column,
                f"{value.strip()!r} is not a valid identifier",
                IDENTIFIER_HINT,
            )
        return text

    def _columns_hint(self) -> str:
        accepted = ", ".join(self.required_columns)
        if self.optional_columns:
            accepted += "; optional: " + ", ".join(self.optional_columns)
        return f"accepted columns: {accepted}"
