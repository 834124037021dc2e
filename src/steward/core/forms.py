"""Forms that write through a service: errors from the service are shown beside their fields.

Pickers: a person or team is chosen by name. The text input asks a small HTMX endpoint for
suggestions as the user types (a `<datalist>`, so no script of our own is needed) and the form
resolves the chosen label back to the row, among the rows the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from steward.core.errors import InvalidFields


class PickerInput(forms.TextInput):
    """A text input with suggestions fetched by HTMX from `source` (a URL name) as one types."""

    def __init__(self, source: str, label: Callable[[Any], str], attrs: Any = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.label = label

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        options = f"{attrs.get('id', name)}-options" if attrs else f"{name}-options"
        attrs = {
            **(attrs or {}),
            "list": options,
            "autocomplete": "off",
            "placeholder": "Type a name",
            "hx-get": f"{reverse(self.source)}?field={name}",
            "hx-trigger": "input changed delay:150ms, focus once",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        }
        context = super().get_context(name, value, attrs)
        context["widget"]["options_id"] = options
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Model):
            return self.label(value)
        return super().format_value(value)

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        options = f"{(attrs or {}).get('id', name)}-options"
        return format_html('{}<datalist id="{}"></datalist>', html, options)


class PickerField(forms.Field):
    """A row picked by its label; `rows` (set by the form) is what the user may choose from."""

    def __init__(
        self,
        *,
        source: str,
        display: Callable[[Any], str],
        resolve: Callable[[QuerySet[Any], str], list[Any]],
        noun: str,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", PickerInput(source, display))
        super().__init__(**kwargs)
        self.rows: QuerySet[Any] | None = None
        self.resolve = resolve
        self.noun = noun
        self.label_of = display

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return self.label_of(value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Model) or value in (None, ""):
            return value or None
        text = str(value).strip()
        if not text:
            return None
        assert self.rows is not None, "the form sets the rows the user may pick from"
        found = self.resolve(self.rows, text)
        if not found:
            raise forms.ValidationError(f"no {self.noun} named {text!r}: pick one from the list")
        if len(found) > 1:
            names = "; ".join(self.label_of(r) for r in found[:5])
            nouns = f"{self.noun[:-1]}ies" if self.noun.endswith("y") else f"{self.noun}s"
            raise forms.ValidationError(f"{len(found)} {nouns} match {text!r}: {names}")
        return found[0]


class ServiceForm(forms.Form):
    """A form whose `perform` calls one service; the service's field errors land in the form."""

    def __init__(self, *args: Any, actor: Any, instance: Any = None, **kwargs: Any) -> None:
        self.actor = actor
        self.instance = instance
        super().__init__(*args, **kwargs)

    def perform(self, data: dict[str, Any]) -> Any:
        """Call the service with the cleaned data; returns what it made or changed."""
        raise NotImplementedError

    def call(self, service: Callable[..., Any], data: dict[str, Any], **extra: Any) -> Any:
        """`service` as the actor with every field of the form by its name (for forms whose
        fields are the service's arguments); `extra` adds arguments or replaces a field's."""
        return service(**{"actor": self.actor, **{f: data[f] for f in self.fields}, **extra})

    def submit(self) -> Any | None:
        """Validate, then call the service; None when anything is wrong (errors on the form)."""
        if not self.is_valid():
            return None
        try:
            # One transaction: a form that calls two services writes both or neither.
            with transaction.atomic():
                return self.perform(self.cleaned_data)
        except InvalidFields as exc:
            for field, messages in exc.field_messages().items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            return None


def date_input() -> forms.DateInput:
    """A browser date picker."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
