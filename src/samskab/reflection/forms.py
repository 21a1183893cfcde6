from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.validators import validate_no_cpr
from samskab.core.widgets import DkfdsCheckboxSelectMultiple, DkfdsRadioSelect
from samskab.reflection.models import ENTRY_MAX_LENGTH, LEARNING_TEXT_MAX_LENGTH, Visibility

TOO_LONG = _("Skriv højst %(limit_value)d tegn. Du har skrevet %(show_value)d.")


class RoomForm(forms.Form):
    title = forms.CharField(
        label=_("Rummets navn"),
        max_length=200,
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    purpose = forms.CharField(
        label=_("Hvad skal I reflektere over?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    attached = forms.ChoiceField(label=_("Rummet hører til"))

    def __init__(self, *args: Any, targets: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attached"].choices = targets or []


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Personens e-mail"),
        help_text=_("Personen skal have en profil i Samskab og høre til kommunen."),
    )
    role = forms.ChoiceField(label=_("Er med som"))

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles or []


class SessionForm(forms.Form):
    template = forms.ChoiceField(label=_("Skabelon"))
    title = forms.CharField(
        label=_("Mødets titel"),
        max_length=200,
        required=False,
        validators=[validate_no_cpr],
        help_text=_("Tom: skabelonens navn bruges."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, templates: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates or []


class EntryForm(forms.Form):
    prompt = forms.TypedChoiceField(label=_("Spørgsmål"), coerce=int)
    text = forms.CharField(
        label=_("Din refleksion"),
        max_length=ENTRY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_cpr],
        help_text=_("Højst 4000 tegn."),
        error_messages={"required": _("Skriv din refleksion."), "max_length": TOO_LONG},
    )
    visibility = forms.ChoiceField(
        label=_("Hvem kan se den?"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=DkfdsRadioSelect,
        help_text=_(
            "En anonym refleksion gemmes uden dit navn, og vi gemmer ikke, hvem der skrev den. "
            "Derfor kan du ikke finde, rette eller slette den bagefter."
        ),
        error_messages={"required": _("Vælg, hvem der kan se din refleksion.")},
    )

    def __init__(self, *args: Any, prompts: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["prompt"].choices = list(enumerate(prompts or []))


class LearningForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    text = forms.CharField(
        label=_("Hvad har I lært?"),
        max_length=LEARNING_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_cpr],
        help_text=_("Kort og konkret, så andre kan bruge det. Højst 2000 tegn."),
        error_messages={"max_length": TOO_LONG},
    )
    tags = forms.CharField(
        label=_("Emner"),
        max_length=300,
        required=False,
        validators=[validate_no_cpr],
        help_text=_("Adskil med komma, fx: ældre, frivillige, inddragelse"),
        error_messages={"max_length": TOO_LONG},
    )
    context = forms.CharField(
        label=_("Hvor kommer den fra?"),
        max_length=300,
        required=False,
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    sources = forms.TypedMultipleChoiceField(
        label=_("Bygger på disse delte refleksioner"),
        required=False,
        coerce=int,
        widget=DkfdsCheckboxSelectMultiple,
        help_text=_("Forfatterne bliver spurgt, før læringen deles med andre kommuner."),
    )

    def __init__(self, *args: Any, sources: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if sources:
            self.fields["sources"].choices = sources
        else:
            del self.fields["sources"]


class TemplateForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
        error_messages={"max_length": TOO_LONG},
    )
    prompts = forms.CharField(
        label=_("Spørgsmål"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_no_cpr],
        help_text=_("Ét spørgsmål pr. linje, højst 12."),
        max_length=4000,
        error_messages={"max_length": TOO_LONG},
    )

    def clean_prompts(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["prompts"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Skriv mindst ét spørgsmål."))
        if len(lines) > 12 or any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("Højst 12 spørgsmål på højst 300 tegn hver."))
        return lines
