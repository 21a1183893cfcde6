from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.fields import free_text
from samskab.core.widgets import DkfdsCheckboxSelectMultiple, DkfdsRadioSelect
from samskab.reflection.models import ENTRY_MAX_LENGTH, LEARNING_TEXT_MAX_LENGTH, Visibility


class RoomForm(forms.Form):
    title = free_text(_("Rummets navn"), 200)
    purpose = free_text(_("Hvad skal I reflektere over?"), 2000, lines=3, required=False)
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
    title = free_text(
        _("Mødets titel"),
        200,
        required=False,
        help_text=_("Lader du feltet stå tomt, bruger vi skabelonens navn."),
    )

    def __init__(self, *args: Any, templates: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates or []


class EntryForm(forms.Form):
    prompt = forms.TypedChoiceField(label=_("Spørgsmål"), coerce=int)
    text = free_text(
        _("Din refleksion"),
        ENTRY_MAX_LENGTH,
        lines=5,
        help_text=_("Højst 4000 tegn."),
        error_messages={"required": _("Skriv din refleksion.")},
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
    title = free_text(_("Titel"), 200)
    text = free_text(
        _("Hvad har I lært?"),
        LEARNING_TEXT_MAX_LENGTH,
        lines=5,
        help_text=_("Kort og konkret, så andre kan bruge det. Højst 2000 tegn."),
    )
    tags = free_text(
        _("Emner"),
        300,
        required=False,
        help_text=_("Adskil med komma, fx: ældre, frivillige, inddragelse"),
    )
    context = free_text(_("Hvor kommer den fra?"), 300, required=False)
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
    name = free_text(_("Navn"), 100)
    description = free_text(_("Beskrivelse"), 1000, lines=2, required=False)
    prompts = free_text(
        _("Spørgsmål"), 4000, lines=8, help_text=_("Ét spørgsmål pr. linje, højst 12.")
    )

    def clean_prompts(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["prompts"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Skriv mindst ét spørgsmål."))
        if len(lines) > 12 or any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("Højst 12 spørgsmål på højst 300 tegn hver."))
        return lines
