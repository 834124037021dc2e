"""A query whose SQL is compiled once per process and run again with another value.

Every signed-in request reads its user with the roles they hold (nine EXISTS subqueries and
the person record, one query: `policy.user_with_roles`); an API request reads its token the
same way (`auth.user_for_token`). Measured on the demo database, that read took 1.04 ms of
CPU, of which 0.06 ms was SQLite running the query: the rest was Django turning the same
queryset into the same SQL again. `CompiledQuery` keeps the SQL and the compiler's column
map per database and only swaps the one parameter that changes, then builds the model object
(with its `select_related` rows and annotations) the way Django's `ModelIterable` does.
`tests/core/test_compiled_query.py` compares it with the ORM's own answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    position: int  # of the value that changes, in `params`
    compiler: SQLCompiler
    using: str
    model: type[Model]
    span: slice  # the model's own columns
    names: list[str]  # their attribute names
    populators: list[Any]  # of the `select_related` rows
    converters: dict[int, Any]  # the fields' converters, by column (as `results_iter` finds them)

    def model_from_row(self, rows: list[Any]) -> Any:
        """The model object of the first row, as `ModelIterable` builds it."""
        row = rows[0]
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        obj = self.model.from_db(self.using, self.names, row[self.span])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in (self.compiler.annotation_col_map or {}).items():
            setattr(obj, name, row[position])
        return obj


class CompiledQuery(Generic[M]):
    """The first row of `build(value)`, with the SQL of `build(placeholder)` compiled once.

    `build` must return the same query for every value, the value appearing once among the
    query's parameters; `placeholder` is a value of the same type that no real call uses (it
    is how the value's place is found), and every value passed to `first` must be of that type
    and already what the database compares (an `int` for a primary key, not the session's
    string). The queryset must be ordered, as `first()` orders by primary key.
    """

    def __init__(self, build: Callable[[Any], QuerySet[M]], placeholder: Any) -> None:
        self._build = build
        self._placeholder = placeholder
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def first(self, value: Any, *, using: str = DEFAULT_DB_ALIAS) -> M | None:
        if type(value) is not type(self._placeholder):
            raise TypeError(f"expected {type(self._placeholder).__name__}, got {value!r}")
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        params = list(compiled.params)
        params[compiled.position] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(1)
        return compiled.model_from_row(rows) if rows else None

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(self._placeholder)
        if not queryset.ordered:
            raise ImproperlyConfigured("CompiledQuery needs an ordered queryset")
        compiler = queryset[:1].query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise ImproperlyConfigured("CompiledQuery: order by a field, not an expression")
        placeholder = self._placeholder
        positions = [
            i for i, p in enumerate(params) if type(p) is type(placeholder) and p == placeholder
        ]
        if len(positions) != 1:
            raise ImproperlyConfigured(
                f"CompiledQuery: the placeholder {placeholder!r} is {len(positions)} of the "
                "query's parameters; it must be exactly one"
            )
        select, klass_info = compiler.select, compiler.klass_info
        columns = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ImproperlyConfigured("CompiledQuery: composite primary keys are not supported")
        assert klass_info is not None  # a model query always has one
        fields = klass_info["select_fields"]
        span = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            sql=sql,
            params=tuple(params),
            position=positions[0],
            compiler=compiler,
            using=using,
            model=klass_info["model"],
            span=span,
            names=[column[0].target.attname for column in select[span]],
            # Django 5.2 (pinned); the stubs already describe 6.0, which adds `fetch_mode`.
            populators=get_related_populators(klass_info, select, using),  # type: ignore[call-arg]
            converters=compiler.get_converters(columns),
        )
