from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.challenges.models import Category, Comparison, Outcome
from samskab.challenges.phases import Phase
from samskab.core.fields import free_text

# The largest id the database holds (a 64-bit key). Anything larger is no id at all, and SQLite
# would fail on it (OverflowError) instead of finding nothing.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """A hidden or posted id: a whole number from 1 to MAX_ID, else a form error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class CategoryChoiceField(forms.ModelChoiceField):
    """A category of the challenge; an id no database could hold is an invalid choice."""

    # Django's Danish catalogue leaves ModelChoiceField's message untranslated.
    default_error_messages = {"invalid_choice": _("Vælg en af udfordringens kategorier.")}

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            text = str(value).strip()
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().to_python(value)


class ChallengeForm(forms.Form):
    title = free_text(
        _("Udfordringen som et spørgsmål"),
        200,
        help_text=_("Fx: Hvordan kan vi sammen mindske ensomhed blandt ældre?"),
    )
    description = free_text(_("Baggrund"), 10_000, lines=10, required=False)
    categories = free_text(
        _("Kategorier"),
        500,
        required=False,
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

    #: What the municipality sets when it poses a challenge or approves a proposal; a citizen
    #: proposing one fills in the question, the background and the categories.
    STAFF_ONLY = ("ideas_until", "prioritisation_until", "decision_on", "premoderation")

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            for name in self.STAFF_ONLY:
                del self.fields[name]

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


class ChallengeEditForm(ChallengeForm):
    """Editing a published challenge: the same fields but categories (ideas point at them), and
    the date of a phase that has already run shown but locked."""

    def __init__(self, *args: Any, challenge: Any, open_dates: list[str], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                f: getattr(challenge, f)
                for f in (
                    "title",
                    "description",
                    "ideas_until",
                    "prioritisation_until",
                    "decision_on",
                    "allow_pseudonyms",
                    "premoderation",
                )
            },
        )
        super().__init__(*args, **kwargs)
        del self.fields["categories"]
        for name in ("ideas_until", "prioritisation_until", "decision_on"):
            if name not in open_dates:
                field = self.fields[name]
                field.disabled = True
                field.help_text = _("Fasen er slut, så datoen ligger fast.")


class IdeaEditForm(forms.Form):
    title = free_text(_("Din idé i én sætning"), 150, min_length=5)
    body = free_text(
        _("Beskriv idéen"),
        5000,
        lines=10,
        min_length=10,
        help_text=_("Du kan bruge *kursiv*, **fed**, lister og links."),
    )


class IdeaForm(forms.Form):
    title = free_text(_("Din idé i én sætning"), 150, min_length=5)
    body = free_text(
        _("Beskriv idéen"),
        5000,
        lines=10,
        min_length=10,
        help_text=_("Du kan bruge *kursiv*, **fed**, lister og links."),
    )
    category = CategoryChoiceField(
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
    body = free_text(_("Din kommentar"), 3000, lines=4)
    parent = IdField(required=False)


class FlagForm(forms.Form):
    reason = free_text(_("Hvorfor skal en moderator se på det?"), 1000, lines=3)


class ModerationForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Handling"),
        choices=[("hidden", _("Skjul")), ("visible", _("Vis / godkend"))],
        error_messages={
            "required": _("Vælg en handling."),
            "invalid_choice": _("Vælg en handling."),
        },
    )
    reason = free_text(_("Begrundelse, som forfatteren kan se"), 1000, lines=2, required=False)


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Fase"), choices=Phase.choices)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hvad blev der af idéen?"),
        choices=Outcome.choices,
        error_messages={"required": _("Vælg en status."), "invalid_choice": _("Vælg en status.")},
    )
    note = free_text(_("Begrundelse til dem, der fulgte idéen"), 2000, lines=3, required=False)


class CompareForm(forms.Form):
    left = IdField()
    right = IdField()
    choice = forms.ChoiceField(choices=Comparison.Choice.choices)
