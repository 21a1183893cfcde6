from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samskab.accounts.models import AssuranceLevel
from samskab.core.fields import free_text
from samskab.municipalities.models import Visibility


def _description_field(help_text: str | Promise = "") -> forms.CharField:
    """The optional free-text description a movement and a space share."""
    return free_text(_("Beskrivelse"), 5000, lines=10, required=False, help_text=help_text)


class MovementForm(forms.Form):
    title = free_text(_("Bevægelsens navn"), 200, initial=_("Samskabelse i vores kommune"))
    description = _description_field(help_text=_("Hvad vil I sammen, og hvem skal være med?"))
    mayor_question = forms.BooleanField(
        label=_(
            "Start med borgmesterens spørgsmål: Hvordan kan bevægelsen starte i vores kommune?"
        ),
        required=False,
        initial=True,
    )


class SpaceForm(forms.Form):
    title = free_text(_("Rummets navn"), 200)
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
    min_assurance = forms.ChoiceField(
        label=_("Hvor sikkert skal man logge ind for at deltage?"),
        choices=[("", _("Ingen krav"))] + AssuranceLevel.choices,
        required=False,
        initial="",
        help_text=_(
            "Med et krav skal man logge ind med MitID (eller kommunens eget login) på mindst "
            "det niveau for at foreslå, støtte, kommentere og stemme. Alle, der kan se rummet, "
            "kan stadig læse med. Et login med e-mail og adgangskode opfylder aldrig et krav."
        ),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail på den, du vil invitere"))
