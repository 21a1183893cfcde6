from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samskab.core.validators import validate_no_cpr
from samskab.municipalities.models import Visibility


def _description_field(help_text: str | Promise = "") -> forms.CharField:
    """The optional free-text description a movement and a space share."""
    return forms.CharField(
        label=_("Beskrivelse"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        validators=[validate_no_cpr],
        help_text=help_text,
    )


class MovementForm(forms.Form):
    title = forms.CharField(
        label=_("Bevægelsens navn"),
        max_length=200,
        validators=[validate_no_cpr],
        initial=_("Samskabelse i vores kommune"),
    )
    description = _description_field(help_text=_("Hvad vil I sammen, og hvem skal være med?"))
    mayor_question = forms.BooleanField(
        label=_(
            "Start med borgmesterens spørgsmål: Hvordan kan bevægelsen starte i vores kommune?"
        ),
        required=False,
        initial=True,
    )


class SpaceForm(forms.Form):
    title = forms.CharField(label=_("Rummets navn"), max_length=200, validators=[validate_no_cpr])
    description = _description_field()
    visibility = forms.ChoiceField(
        label=_("Hvem kan se rummet?"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        help_text=_(
            "Offentligt: alle. Kun medarbejdere: kommunens egne folk. "
            "Kun inviterede: dem du inviterer."
        ),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail på den, du vil invitere"))
