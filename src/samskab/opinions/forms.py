from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.fields import free_text
from samskab.core.validators import validate_no_cpr
from samskab.opinions.models import STATEMENT_MAX_LENGTH, ModerationMode, ModerationState


class ConversationForm(forms.Form):
    title = free_text(_("Titel"), 200)
    question = free_text(
        _("Spørgsmål"),
        2000,
        lines=3,
        required=False,
        help_text=_("Hvad vil I gerne høre folks mening om?"),
    )
    challenge = forms.TypedChoiceField(
        label=_("Hører til udfordringen"), required=False, coerce=int, empty_value=None
    )
    moderation_mode = forms.ChoiceField(
        label=_("Moderation af nye udsagn"),
        choices=ModerationMode.choices,
        initial=ModerationMode.POST,
        widget=forms.RadioSelect,
    )
    participants_can_add = forms.BooleanField(
        label=_("Deltagerne kan tilføje deres egne udsagn"), required=False, initial=True
    )
    statements = forms.CharField(
        label=_("Udsagn at starte med"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_no_cpr],
        help_text=_("Ét udsagn pr. linje, højst 280 tegn hver."),
    )

    def __init__(self, *args: Any, challenges: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Ingen"))] + [(c.pk, c.title) for c in challenges or []]
        self.fields["challenge"].choices = choices
        if not challenges:
            del self.fields["challenge"]

    def clean_statements(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["statements"].splitlines()]
        lines = [line for line in lines if line]
        too_long = [line for line in lines if len(line) > STATEMENT_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Et udsagn må højst være %(max)d tegn: »%(text)s…«"),
                params={"max": STATEMENT_MAX_LENGTH, "text": too_long[0][:40]},
            )
        return lines


class StatementForm(forms.Form):
    text = free_text(
        _("Dit udsagn"),
        STATEMENT_MAX_LENGTH,
        lines=3,
        help_text=_(
            "Skriv én kort sætning, som andre kan være enige eller uenige i. Højst 280 tegn."
        ),
    )


class ModerationForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.TypedChoiceField(
        choices=[(ModerationState.IN, _("Godkend")), (ModerationState.OUT, _("Afvis"))],
        coerce=int,
    )
    is_meta = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=500, required=False, validators=[validate_no_cpr])
