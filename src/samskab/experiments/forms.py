from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.fields import free_text
from samskab.core.widgets import DkfdsRadioSelect
from samskab.experiments.models import (
    RESULT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Decision,
)

# The browser's date picker sends ISO dates; shown back the same way when the form is re-shown.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Skriv datoen som dd.mm.åååå."), "required": _("Vælg en dato.")}


def _text(label: Any, help_text: Any = "", *, required: bool = True, max_length: int = 0) -> Any:
    return free_text(
        label, max_length or TEXT_MAX_LENGTH, lines=3, help_text=help_text, required=required
    )


class DesignForm(forms.Form):
    title = free_text(_("Titel"), TITLE_MAX_LENGTH)
    hypothesis = _text(
        _("Hypotese"), _("Hvad tror I, der sker, når I prøver det? Fx: »Hvis …, så …«.")
    )
    signals = _text(
        _("Tegn I holder øje med"),
        _("Hvad vil I kunne se, høre eller tælle, som viser, om det virker?"),
    )
    amplify_when = _text(_("I forstærker eksperimentet, hvis …"))
    dampen_when = _text(_("I dæmper eksperimentet, hvis …"))
    stop_when = _text(
        _("I stopper eksperimentet, hvis …"),
        _("Et sikkert eksperiment kan stoppes, før det gør skade."),
    )
    review_on = forms.DateField(
        label=_("Hvornår følger I op?"), widget=DATE, error_messages=DATE_ERRORS
    )
    zone = forms.TypedChoiceField(
        label=_("Hvilken zone i Stacey-matricen er udfordringen i?"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=DkfdsRadioSelect,
        error_messages={"invalid_choice": _("Vælg en af de fem zoner.")},
    )

    def __init__(
        self,
        *args: Any,
        zones: list[tuple[int, str]],
        assessed: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = zones
        if assessed:
            self.fields["zone"].help_text = _(
                "Udfordringen er senest vurderet i zonen »%(zone)s«. Vælg en anden, hvis I mener, "
                "den har flyttet sig."
            ) % {"zone": assessed}
        else:
            self.fields["zone"].required = True
            self.fields["zone"].error_messages["required"] = _("Vælg en af de fem zoner.")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Hvad beslutter I?"),
        choices=Decision.choices,
        widget=DkfdsRadioSelect,
        error_messages=dict.fromkeys(
            ("required", "invalid_choice"),
            _("Vælg, om I fortsætter, forstærker, dæmper eller stopper."),
        ),
    )
    sensed = _text(
        _("Hvad har I set?"),
        _("De tegn, I holdt øje med: hvad viste de?"),
        required=False,
        max_length=RESULT_MAX_LENGTH,
    )
    outcome = _text(_("Resultat"), required=False, max_length=RESULT_MAX_LENGTH)
    learning = _text(
        _("Hvad har I lært?"),
        _("Kort og brugbart for andre. Det kan lægges i læringsbiblioteket."),
        required=False,
    )
    next_review_on = forms.DateField(
        label=_("Næste opfølgning"),
        help_text=_(
            "Skal udfyldes, hvis I fortsætter. Kan udfyldes, hvis I forstærker eller dæmper."
        ),
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller JSON)"),
        help_text=_("Samme format som eksporten. CSV med semikolon, som Excel gemmer den."),
        error_messages={"required": _("Vælg en fil."), "empty": _("Filen er tom.")},
    )
    valid_only = forms.BooleanField(
        label=_("Importer de gyldige rækker, selv om nogle rækker afvises"), required=False
    )

    def __init__(self, *args: Any, initiatives: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initiatives = {str(i.pk): i for i in initiatives}
        self.fields["initiative"] = forms.ChoiceField(
            label=_("Initiativ"),
            help_text=_(
                "Eksperimenterne kommer ind i dette initiativ. Vælger du ikke et, kommer hvert "
                "eksperiment ind i det initiativ, filens kolonne »Initiativ nummer« peger på."
            ),
            required=False,
            choices=[("", "–"), *((key, i.title) for key, i in self.initiatives.items())],
            error_messages={"invalid_choice": _("Vælg et af initiativerne.")},
        )
        self.order_fields(["file", "initiative", "valid_only"])

    def clean_initiative(self) -> Any:
        return self.initiatives.get(self.cleaned_data.get("initiative") or "")
