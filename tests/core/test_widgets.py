"""core.widgets.FormRenderer writes Django's common widget templates in Python: the same bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from steward.core import widgets
from steward.core.forms import PickerInput, date_input
from steward.core.widgets import FormRenderer

TRICKY = "a < b & 'c' \"d\" é"
CHOICES: list[Any] = [
    ("", "---------"),
    (1, "One"),
    ("two", gettext_lazy("Two")),
    (Decimal("3.5"), mark_safe("<b>three</b>")),
    ("Group", [("g1", TRICKY), (date(2027, 1, 2), date(2027, 1, 2))]),
    (None, 12345),
]
ATTRS = {"class": "form-control is-invalid", "required": True, "disabled": False, "x": None}

WIDGETS: list[tuple[forms.Widget, Any]] = [
    (forms.TextInput(), None),
    (forms.TextInput(attrs=ATTRS), TRICKY),
    (forms.TextInput(), mark_safe("<i>safe</i>")),
    (forms.NumberInput(attrs={"step": "0.01"}), Decimal("1234567.50")),
    (forms.NumberInput(), 0),
    (forms.EmailInput(), "a@b.example"),
    (forms.URLInput(), "https://x.example/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), 42),
    (forms.DateInput(), date(2027, 1, 2)),
    (date_input(), date(2027, 1, 2)),
    (forms.DateTimeInput(), datetime(2027, 1, 2, 3, 4, tzinfo=UTC)),
    (forms.TimeInput(), None),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), False),
    (forms.Textarea(), None),
    (forms.Textarea(attrs={"rows": 3}), f"line one\n{TRICKY}"),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=CHOICES, attrs=ATTRS), "two"),
    (forms.Select(choices=CHOICES), "g1"),
    (forms.SelectMultiple(choices=CHOICES), ["two", "g1", "1"]),
    (forms.NullBooleanSelect(), True),
    (forms.NullBooleanSelect(), None),
    (PickerInput("search", label=str), "Ada Lovelace"),
]


def _both(widget: forms.Widget, value: Any, renderer: FormRenderer) -> tuple[str, str]:
    attrs = {"id": "id_field"}
    return (
        widget.render("field", value, attrs, renderer=DjangoTemplates()),
        widget.render("field", value, attrs, renderer=renderer),
    )


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda v: type(v).__name__)
def test_widgets_written_in_python_are_the_templates_bytes(
    widget: forms.Widget, value: Any
) -> None:
    template, ours = _both(widget, value, FormRenderer())
    assert ours == template


def test_the_common_widgets_take_the_fast_way_and_the_comparison_can_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = FormRenderer()._fast
    assert {"django/forms/widgets/text.html", "django/forms/widgets/select.html"} <= set(fast)
    assert "django/forms/widgets/radio.html" not in fast  # left to the templates
    text = widgets._text
    monkeypatch.setattr(widgets, "_text", lambda value, context: text(value, context) + "!")
    for widget, value in WIDGETS[:2] + WIDGETS[17:19]:
        template, ours = _both(widget, value, FormRenderer())
        assert ours != template


def test_a_template_of_another_text_turns_the_fast_way_off(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = widgets._shipped
    monkeypatch.setattr(
        widgets, "_shipped", lambda name: shipped(name) + (" " if name == "attrs.html" else "")
    )
    assert FormRenderer()._fast == {}


def test_a_callable_value_is_left_to_the_template() -> None:
    widget = forms.TextInput(attrs={"data-x": lambda: "called"})
    template, ours = _both(widget, "v", FormRenderer())
    assert ours == template and 'data-x="called"' in ours
