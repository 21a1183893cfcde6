"""The landscape page's period chooser and filters (GET `fra`, `til`, `sektor`, `forvaltning`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.errors import ServiceError
from samskab.landscape import services
from samskab.landscape.summary import SECTOR_LABELS

DATE_ERRORS = {
    "invalid": _("Skriv datoen som år-måned-dag, fx 2026-01-31."),
}


class PeriodForm(forms.Form):
    """The period (both ends inclusive). Missing dates take the default period."""

    fra = forms.DateField(
        label=_("Fra"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    til = forms.DateField(
        label=_("Til"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, default: tuple[date, date], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"fra": default[0], "til": default[1]})
        super().__init__(*args, **kwargs)
        self.default = default

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        start = data.get("fra") or self.default[0]
        end = data.get("til") or self.default[1]
        try:
            services.check_period(start, end)
        except ServiceError as exc:
            raise forms.ValidationError(str(exc), code="period") from None
        data["fra"], data["til"] = start, end
        return data

    @property
    def period(self) -> tuple[date, date]:
        return self.cleaned_data["fra"], self.cleaned_data["til"]


class FilterForm(PeriodForm):
    """The period and the filters. `departments`: (id, label) of the forvaltninger in the
    computed document; None when there is no document to check a department against."""

    sektor = forms.ChoiceField(
        label=_("Sektor"),
        required=False,
        choices=[("", _("Alle sektorer"))] + [(k, v) for k, v in SECTOR_LABELS.items()],
        error_messages={"invalid_choice": _("Vælg en af sektorerne på listen.")},
    )
    forvaltning = forms.CharField(label=_("Forvaltning"), required=False, max_length=100)

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.departments = departments
        if departments is not None:
            self.fields["forvaltning"] = forms.ChoiceField(
                label=_("Forvaltning"),
                required=False,
                choices=[("", _("Alle forvaltninger")), *departments],
                error_messages={
                    "invalid_choice": _(
                        "Den forvaltning findes ikke i landskabet for perioden. Vælg en fra listen."
                    )
                },
            )
