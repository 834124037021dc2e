"""Tables of the list pages (django-tables2), one way for every app; see docs/design-system.md.

An app declares its tables in `<app>/tables.py` as subclasses of `StewardTable`:
- columns format values as the rest of the product does (`NumberColumn`, `MoneyColumn`,
  `DateColumn`, `DateTimeColumn`; choices show their labels), links show names, never slugs or ids;
- every column sorts by its header (`?sort=name`, `?sort=-name`) unless `orderable=False`;
- pages hold `per_page` rows (`?page=2`); a page number past the end shows the last page;
- a sensitive column is declared with `restricted(column, FieldClass.X)`: it is left out of the
  page and of the CSV download for a user who may not see that class on every row (the one
  policy decides, `policy.may_see_field_class`); `visible=False` columns go to the CSV only.

`csv_response(table, name)` downloads every row of a table (filtered and sorted as on the page,
not only the current page): numbers without separators and ISO dates, so spreadsheets read them.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django_tables2 import utils as tables_utils
from django_tables2.tables import TableOptions

from steward.core import policy
from steward.core.filters import StewardFilterSet
from steward.core.policy import FieldClass
from steward.core.templatetags.steward_format import (
    date_,
    datetime,
    format_number,
    isodate,
    money,
)

PER_PAGE = 50
MAX_PER_PAGE = 500
CSV_CHUNK = 2000  # rows read at a time by a CSV download of `csv_fields`

_library_signature = tables_utils.signature
_signatures: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}


def _cached_signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    """django-tables2 asks `inspect.signature` of a column's render or value method for every
    cell (half of a 2,000-row CSV's time); a function's parameters do not change, so ask once
    per function (bound or not: a bound method's leaves out its first parameter)."""
    function = getattr(fn, "__func__", fn)
    key = (function, function is not fn)
    found = _signatures.get(key)
    if found is None:
        if len(_signatures) > 4096:  # functions made per request would otherwise pile up
            _signatures.clear()
        found = _signatures[key] = _library_signature(fn)
    return found


tables_utils.signature = _cached_signature


def restricted(column: tables.Column, field_class: FieldClass) -> tables.Column:
    """`column` shows a field of `field_class`: only users who may see it on every row get it."""
    column.field_class = field_class  # type: ignore[attr-defined]
    return column


class NumberColumn(tables.Column):
    """A number with thousands separators on the page (`decimals` fixed or automatic)."""

    def __init__(self, *args: Any, decimals: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)
        self.decimals = decimals

    def render(self, value: Any) -> str:
        return format_number(value, self.decimals)

    def value(self, value: Any) -> Any:
        return value


class MoneyColumn(NumberColumn):
    """An amount in whole units; `currency` is the accessor of the row's currency, if any."""

    def __init__(self, *args: Any, currency: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def render(self, value: Any, record: Any) -> str:  # type: ignore[override]
        code = tables.A(self.currency).resolve(record, quiet=True) if self.currency else ""
        return money(value, code or "")


class DateColumn(tables.Column):
    """A date in the product's one format ("2 Dec 2026"); ISO in the CSV."""

    def render(self, value: date) -> str:
        return date_(value)

    def value(self, value: date) -> str:
        return isodate(value)


class DateTimeColumn(tables.Column):
    """A moment in the product's one format ("2 Dec 2026 14:05", local time); ISO 8601 with
    its offset in the CSV."""

    def render(self, value: Any) -> str:
        return datetime(timezone.localtime(value) if timezone.is_aware(value) else value)

    def value(self, value: Any) -> str:
        return value.isoformat(timespec="seconds") if value is not None else ""


class StewardTable(tables.Table):
    """A list page's table: Bootstrap 5, the product's formatting, sorting, pagination and the
    policy's column rules. Construct with `actor=` (the user the rows are shown to)."""

    class Meta:
        template_name = "components/data_table.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = PER_PAGE
        empty_text = "Nothing matches."
        order_by_field = "sort"
        page_field = "page"

    # How the rows are counted under the table: ("person", "people").
    noun: tuple[str, str] = ("row", "rows")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Meta" not in cls.__dict__:
            # django-tables2 reads only a class's own Meta: a table that declares none would
            # lose the template, page size and parameter names above.
            cls._meta = TableOptions(cls.Meta, cls.__name__)

    def __init__(self, data: Any, *, actor: Any, **kwargs: Any) -> None:
        asked = kwargs.get("exclude") or self._meta.exclude or ()
        kwargs["exclude"] = [*asked, *self.denied_columns(actor)]
        super().__init__(data, **kwargs)
        self.actor = actor

    @classmethod
    def hidden_for(cls, actor: Any) -> set[str]:
        """Columns an app's own rule withholds from `actor` (an app's rules module asks the
        policy, e.g. who may see hiring money); override when a column is not one field
        class of a person. Applied like `restricted` columns, on the page and in the CSV."""
        return set()

    @classmethod
    def denied_columns(cls, actor: Any) -> set[str]:
        """The columns `actor` may not see: restricted classes, then the app's own rule."""
        denied = {
            name
            for name, column in cls.base_columns.items()
            if getattr(column, "field_class", None) is not None
            and not policy.may_see_field_class(actor, column.field_class)
        }
        return denied | cls.hidden_for(actor)

    def configure(self, request: HttpRequest, *, paginate: bool = True) -> StewardTable:
        """Sort by `?sort=` (unknown columns are ignored) and show page `?page=` (a page that is
        not a number shows the first, one past the end the last)."""
        self.request = request
        order_by = request.GET.getlist(self.prefixed_order_by_field)
        if order_by:
            self.order_by = order_by
        if paginate:
            page = request.GET.get(self.prefixed_page_field, "1")
            try:
                self.paginate(page=int(page) if page.isdigit() else page)
            except PageNotAnInteger:
                self.page = self.paginator.page(1)
            except EmptyPage:
                self.page = self.paginator.page(self.paginator.num_pages)
        return self

    @property
    def count_text(self) -> str:
        """ "1,234 people" (all pages)."""
        count = self.paginator.count if hasattr(self, "paginator") else len(self.rows)
        return f"{format_number(count)} {self.noun[0] if count == 1 else self.noun[1]}"

    def csv_rows(self) -> Iterable[list[Any]]:
        """The header and every row as plain values, the columns the user may see only."""
        denied = self.denied_columns(self.actor)
        for column in self.columns.iterall():
            # The constructor excluded them; a second look costs nothing and fails closed.
            if column.name in denied:
                raise PermissionError(f"column {column.name} is not for this user")
        if type(self).csv_values is StewardTable.csv_values:
            return self.as_values()
        return self._plain_rows()

    def csv_fields(self) -> tuple[str, ...]:
        """The fields `csv_values` reads, when a table reads them as columns: its records are
        then dicts of these fields (`QuerySet.values`, in chunks) instead of model objects."""
        return ()

    def csv_values(self, record: Any) -> dict[str, Any]:
        """A long table's CSV row as {column name: plain value}, when django-tables2's cell
        by cell export is too slow (about 0.3 ms a cell: 11,000 deployments take 4 s). A table
        that overrides it must give a value for every column it declares. With `csv_fields`,
        `record` is a dict of those fields (a model object per row costs about 0.15 ms more:
        90,000 commits with their deployment and repository took 12 s)."""
        raise NotImplementedError

    def _plain_rows(self) -> Iterable[list[Any]]:
        columns = [c for c in self.columns.iterall() if not c.column.exclude_from_export]
        yield [force_str(c.header, strings_only=True) for c in columns]
        names = [c.name for c in columns]
        records: Iterable[Any] = self.data
        fields = self.csv_fields()
        if fields:
            # The sorted queryset: its ordering and filters stay, only these columns are read.
            records = self.data.data.values(*fields).iterator(chunk_size=CSV_CHUNK)
        for record in records:
            values = self.csv_values(record)
            yield [values[name] for name in names]


def _plain(value: Any) -> str:
    """A cell as plain text: a cell rendered as HTML (a link, a badge) loses its markup."""
    if value.__class__ is str:  # most cells (not SafeString, a subclass): the fast way
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if isinstance(value, SafeData):
        return html.unescape(strip_tags(str(value)))
    return force_str(value)


def csv_response(table: StewardTable, filename: str) -> HttpResponse:
    """Every row of `table` (all pages) as a CSV download named `filename`."""
    # Written to a string and encoded once: `HttpResponse.write` per row cost a third as much
    # as reading the row.
    text = io.StringIO()
    writer = csv.writer(text)
    for row in table.csv_rows():
        writer.writerow([_plain(v) for v in row])
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_response(
    request: HttpRequest,
    *,
    rows: Any,
    table: type[StewardTable],
    filters: type[StewardFilterSet],
    template: str,
    context: dict[str, Any] | None = None,
    csv_url: str | None = None,
    csv_filename: str | None = None,
    table_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list page (or, with `csv_filename`, its CSV download): `rows` (already limited to what
    the user may see, by a selector) filtered by `filters` from the query string, shown in
    `table` sorted and paginated. A bad filter value answers 400: the page with the error
    beside its field and no rows, or a plain-text error instead of a CSV."""
    filterset = filters(request.GET, rows, actor=request.user)
    shown = table(filterset.qs, actor=request.user, **(table_kwargs or {}))
    bad = not filterset.form.is_valid()
    if csv_filename is not None:
        if bad:
            message = "\n".join(filterset.problems)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        shown.configure(request, paginate=False)
        return csv_response(shown, csv_filename)
    shown.configure(request)
    query = request.GET.copy()
    query.pop(shown.prefixed_page_field, None)
    if csv_url is not None and query:
        csv_url = f"{csv_url}?{query.urlencode()}"
    page = {**(context or {}), "table": shown, "filter": filterset, "csv_url": csv_url}
    return render(request, template, page, status=400 if bad else 200)
