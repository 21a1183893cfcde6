from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.challenges.models import Category, Comparison, Outcome
from samskab.challenges.phases import Phase
from samskab.core.validators import validate_no_cpr


class ChallengeForm(forms.Form):
    title = forms.CharField(
        label=_("Udfordringen som et spørgsmål"),
        max_length=200,
        validators=[validate_no_cpr],
        help_text=_("Fx: Hvordan kan vi sammen mindske ensomhed blandt ældre?"),
    )
    description = forms.CharField(
        label=_("Baggrund"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
        validators=[validate_no_cpr],
    )
    categories = forms.CharField(
        label=_("Kategorier"),
        required=False,
        max_length=500,
        help_text=_("Adskil med komma, fx: Natur, Kultur, Transport"),
    )
    ideas_until = forms.DateField(
        label=_("Idéer kan foreslås indtil"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    prioritisation_until = forms.DateField(
        label=_("Prioritering indtil"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decision_on = forms.DateField(
        label=_("Beslutning senest"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    allow_pseudonyms = forms.BooleanField(
        label=_("Deltagere må bruge pseudonym"), required=False, initial=True
    )
    premoderation = forms.BooleanField(
        label=_("Nye idéer og kommentarer skal godkendes, før de vises"), required=False
    )

    def clean_categories(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["categories"].split(",") if c.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dates = [data.get("ideas_until"), data.get("prioritisation_until"), data.get("decision_on")]
        known = [d for d in dates if d]
        if known != sorted(known):
            raise forms.ValidationError(
                _("Datoerne skal komme i rækkefølge: idéer, prioritering, beslutning.")
            )
        return data


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Din idé i én sætning"), max_length=150, min_length=5, validators=[validate_no_cpr]
    )
    body = forms.CharField(
        label=_("Beskriv idéen"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea,
        validators=[validate_no_cpr],
        help_text=_("Du kan bruge *kursiv*, **fed**, lister og links."),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.none(), required=False
    )
    use_pseudonym = forms.BooleanField(
        label=_("Vis mit pseudonym i stedet for mit navn"), required=False
    )
    on_behalf_of = forms.ChoiceField(
        label=_("Skriver du på vegne af en organisation?"), required=False
    )

    def __init__(self, *args: Any, challenge: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(challenge=challenge)
        self.fields["category"].queryset = categories
        if not categories.exists():
            del self.fields["category"]
        if not (challenge.allow_pseudonyms and person.pseudonym):
            del self.fields["use_pseudonym"]
        organisations = (
            [
                (a.organisation_id, a.organisation.name)
                for a in person.affiliations.filter(
                    municipality=challenge.municipality
                ).select_related("organisation")
            ]
            if person.is_authenticated
            else []
        )
        if organisations:
            self.fields["on_behalf_of"].choices = [("", _("Nej, kun mig selv")), *organisations]
            self.organisations = {str(pk): pk for pk, _name in organisations}
        else:
            del self.fields["on_behalf_of"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Din kommentar"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr],
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor skal en moderator se på det?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )


class ModerationForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Handling"), choices=[("hidden", _("Skjul")), ("visible", _("Vis / godkend"))]
    )
    reason = forms.CharField(
        label=_("Begrundelse, som forfatteren kan se"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Fase"), choices=Phase.choices)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hvad blev der af idéen?"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Begrundelse til dem, der fulgte idéen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompareForm(forms.Form):
    left = forms.IntegerField(widget=forms.HiddenInput)
    right = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=Comparison.Choice.choices)
