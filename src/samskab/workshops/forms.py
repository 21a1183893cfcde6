from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.widgets import DkfdsCheckboxSelectMultiple
from samskab.workshops.models import PSEUDONYM_MAX_LENGTH, ActivityKind
from samskab.workshops.services import DEFAULT_HOURS, MAX_HOURS


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    kinds = forms.MultipleChoiceField(
        label=_("Aktiviteter"),
        choices=ActivityKind.choices,
        widget=DkfdsCheckboxSelectMultiple,
        help_text=_("De vises i den rækkefølge, de står her."),
        error_messages={"required": _("Vælg mindst én aktivitet.")},
    )
    allow_anonymous = forms.BooleanField(
        label=_("Deltagerne kan være med uden at logge ind (med et kaldenavn)"),
        required=False,
        initial=True,
    )
    hours = forms.IntegerField(
        label=_("Varighed i timer"),
        min_value=1,
        max_value=MAX_HOURS,
        initial=DEFAULT_HOURS,
        help_text=_("Deltagerkoden holder op med at virke, når tiden er gået."),
    )
    prompt_index = forms.TypedChoiceField(
        label=_("Refleksionsspørgsmål"),
        coerce=int,
        required=False,
        empty_value=0,
        help_text=_("Det spørgsmål fra refleksionsmødet, deltagerne svarer på."),
    )

    def __init__(self, *args: Any, prompts: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if prompts:
            self.fields["prompt_index"].choices = list(enumerate(prompts))
        else:
            del self.fields["prompt_index"]


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Deltagerkode"),
        max_length=20,
        help_text=_("De 6 tegn, der står på storskærmen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Skriv deltagerkoden fra storskærmen.")},
    )
    pseudonym = forms.CharField(
        label=_("Dit navn i workshoppen"),
        max_length=PSEUDONYM_MAX_LENGTH,
        help_text=_("Fx dit fornavn. Det kan ses af de andre, når du selv vælger det."),
        error_messages={
            "required": _("Skriv det navn, de andre skal se, fx dit fornavn."),
            "max_length": _("Skriv højst %(limit_value)d tegn. Du har skrevet %(show_value)d."),
        },
    )
    role = forms.ChoiceField(
        label=_("Jeg deltager som"),
        required=False,
        help_text=_("Svarene på storskærmen vises også fordelt på roller, uden navne."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if roles:
            self.fields["role"].choices = [("", _("Ingen bestemt rolle")), *roles]
        else:
            del self.fields["role"]
