"""Forms rendered in Det Fælles Designsystem's markup, for every form in Samskab (allauth's too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class DkfdsBoundField(BoundField):
    """Adds DKFDS classes. (Django 5.2 itself links help text and errors via aria-describedby.)"""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-checkbox"
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            css = ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput):
            css = ""
        else:
            css = "form-input"
        if css:
            attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class DkfdsFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DkfdsBoundField
