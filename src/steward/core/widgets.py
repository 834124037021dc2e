"""The form renderer: Django's widget templates for inputs, selects and text areas written in
Python, byte for byte (`FORM_RENDERER` in settings).

Django renders every widget through its template engine: an `<input>` is three templates
(`text.html` includes `input.html`, which includes `attrs.html`) and a `<select>` one more
include per option. The filter forms of the list pages and the edit forms render hundreds of
them, a few percent of the policy matrix's CPU. `FormRenderer` writes these widgets directly,
with what the templates call (`render_value_in_context` for `{{ value }}`, the
`stringformat` filter), so the output is the same; any other template, a template whose text
is not the one written for here (another Django version), or a value the template would call
goes through the engine as before. tests/core/test_widgets.py renders widgets both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_ATTRS = (
    "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
    "{% endfor %}"
)
_INCLUDE_ATTRS = '{% include "django/forms/widgets/attrs.html" %}'
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
# The templates' text this module writes, as Django 5.2 ships it.
_EXPECTED = {
    "attrs.html": _ATTRS,
    "input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"'
        "{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        f"{_INCLUDE_ATTRS}>\n"
    ),
    "select.html": (
        f'<select name="{{{{ widget.name }}}}"{_INCLUDE_ATTRS}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n"
        "  {% include option.template_name with widget=option %}{% endfor %}"
        "{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    ),
    "select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        f"{_INCLUDE_ATTRS}>{{{{ widget.label }}}}</option>\n"
    ),
    "textarea.html": (
        f'<textarea name="{{{{ widget.name }}}}"{_INCLUDE_ATTRS}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
}
_INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]


def _shipped(name: str) -> str:
    path = Path(django.forms.__file__).parent / "templates" / _WIDGETS / name
    return path.read_text() if path.exists() else ""


def _fast_templates() -> dict[str, str]:
    """{template name: kind} of the widget templates whose text is the one written for here."""
    if any(_shipped(name) != text for name, text in _EXPECTED.items()):
        return {}
    found = {
        f"{_WIDGETS}{n}.html": "input" for n in _INPUTS if _shipped(f"{n}.html") == _INCLUDE_INPUT
    }
    return {**found, f"{_WIDGETS}select.html": "select", f"{_WIDGETS}textarea.html": "textarea"}


class _Called(Exception):
    """A value the template would call (a callable): left to the template engine."""


def _text(value: Any, context: Context) -> str:
    """`{{ value }}`."""
    if callable(value):
        raise _Called
    return str(render_value_in_context(value, context))


def _formatted(value: Any, context: Context) -> str:
    """`{{ value|stringformat:'s' }}` (a filter that keeps a safe value safe)."""
    if callable(value):
        raise _Called
    result = stringformat(value, "s")
    return _text(mark_safe(result) if isinstance(value, SafeData) else result, context)


def _attrs(attrs: Mapping[str, Any], context: Context) -> str:
    """`attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if callable(value):
            raise _Called
        if value is not False:
            parts.append(" " + _text(name, context))
            if value is not True:
                parts.append(f'="{_formatted(value, context)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any], context: Context) -> str:
    value = widget["value"]
    if callable(value):
        raise _Called
    shown = f' value="{_formatted(value, context)}"' if value != None else ""  # noqa: E711 - the template's `!=`
    return (
        f'<input type="{_text(widget["type"], context)}" name="{_text(widget["name"], context)}"'
        f"{shown}{_attrs(widget['attrs'], context)}>\n\n"
    )


def _select(widget: Mapping[str, Any], context: Context) -> str:
    parts = [f'<select name="{_text(widget["name"], context)}"{_attrs(widget["attrs"], context)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if callable(group_name):
            raise _Called
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name, context)}">')
        for option in group_choices:
            if option["template_name"] != f"{_WIDGETS}select_option.html":
                raise _Called
            parts.append(
                f'\n  <option value="{_formatted(option["value"], context)}"'
                f"{_attrs(option['attrs'], context)}>{_text(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any], context: Context) -> str:
    value = widget["value"]
    if callable(value):
        raise _Called
    text = _text(value, context) if value else ""
    return (
        f'<textarea name="{_text(widget["name"], context)}"{_attrs(widget["attrs"], context)}>\n'
        f"{text}</textarea>\n"
    )


_WRITERS = {"input": _input, "select": _select, "textarea": _textarea}


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with the common widgets written in Python (same bytes)."""

    def __init__(self) -> None:
        super().__init__()
        self._fast = _fast_templates()
        self._context = Context(autoescape=True)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        kind = self._fast.get(template_name)
        widget = context.get("widget")
        if kind is not None and request is None and isinstance(widget, Mapping):
            try:
                return _WRITERS[kind](widget, self._context).strip()
            except _Called:
                pass
        return super().render(template_name, context, request)  # type: ignore[no-any-return]
