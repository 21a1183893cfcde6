from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.complexity.models import REASON_MAX_LENGTH, SCALE_HIGH, SCALE_LOW
from samskab.core.fields import free_text
from samskab.core.widgets import DkfdsRadioSelect

SCALE_ERRORS = {
    "required": _("Vælg et tal fra 1 til 5."),
    "invalid_choice": _("Vælg et tal fra 1 til 5."),
}


def _scale(low: str, high: str) -> list[tuple[int, str]]:
    choices = [(n, str(n)) for n in range(SCALE_LOW, SCALE_HIGH + 1)]
    choices[0] = (SCALE_LOW, f"1 – {low}")
    choices[-1] = (SCALE_HIGH, f"5 – {high}")
    return choices


class RatingForm(forms.Form):
    agreement = forms.TypedChoiceField(
        label=_("Hvor enige er I om udfordringen og om den bedste måde at gribe den an på?"),
        help_text=_("1 betyder, at I er meget uenige, og 5, at I er helt enige."),
        coerce=int,
        widget=DkfdsRadioSelect,
        error_messages=SCALE_ERRORS,
    )
    certainty = forms.TypedChoiceField(
        label=_("Hvor sikkert er det, hvad de foreslåede løsninger vil føre til?"),
        help_text=_("1 betyder, at det er helt uforudsigeligt, og 5, at det er meget sikkert."),
        coerce=int,
        widget=DkfdsRadioSelect,
        error_messages=SCALE_ERRORS,
    )
    role = forms.ChoiceField(
        label=_("Jeg svarer som"),
        required=False,
        error_messages={
            "required": _("Vælg, hvilken rolle du svarer som."),
            "invalid_choice": _("Vælg en af dine egne roller."),
        },
    )
    reason = free_text(
        _("Hvorfor? Skriv gerne en sætning"),
        REASON_MAX_LENGTH,
        lines=2,
        required=False,
        help_text=_("Højst 500 tegn. Andre kan læse din begrundelse, men ikke hvem der skrev den."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = _scale(str(_("meget uenige")), str(_("helt enige")))
        self.fields["certainty"].choices = _scale(
            str(_("helt uforudsigeligt")), str(_("meget sikkert"))
        )
        if roles:
            self.fields["role"].choices = roles
            self.fields["role"].required = True
        else:
            del self.fields["role"]


class ZoneForm(forms.Form):
    high = forms.IntegerField(
        label=_("»Tæt på« enighed og sikkerhed fra (procent)"), min_value=1, max_value=100
    )
    low = forms.IntegerField(label=_("»Langt fra« under (procent)"), min_value=0, max_value=99)
    chaos = forms.IntegerField(label=_("Kaos under (procent)"), min_value=0, max_value=99)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        high, low, chaos = data.get("high"), data.get("low"), data.get("chaos")
        if None not in (high, low, chaos) and not (chaos <= low < high):
            raise forms.ValidationError(_("Grænserne skal ligge sådan: kaos ≤ langt fra < tæt på."))
        return data
