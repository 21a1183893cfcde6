"""Radio buttons in Det Fælles Designsystem's markup (input.form-radio + label)."""

from __future__ import annotations

from typing import Any

from django import forms


class DkfdsRadioSelect(forms.RadioSelect):
    template_name = "complexity/widgets/choices.html"
    option_template_name = "complexity/widgets/choice_option.html"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__({"class": "form-radio", **(attrs or {})}, **kwargs)
