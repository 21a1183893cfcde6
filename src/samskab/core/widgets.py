"""Radio buttons and checkboxes in Det Fælles Designsystem's markup (input + label)."""

from __future__ import annotations

from typing import Any

from django import forms


class DkfdsRadioSelect(forms.RadioSelect):
    template_name = "core/widgets/choices.html"
    option_template_name = "core/widgets/choice_option.html"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__({"class": "form-radio", **(attrs or {})}, **kwargs)


class DkfdsCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "core/widgets/choices.html"
    option_template_name = "core/widgets/choice_option.html"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__({"class": "form-checkbox", **(attrs or {})}, **kwargs)
