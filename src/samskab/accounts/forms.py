from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samskab.accounts.models import User
from samskab.core.fields import free_text


class SignupExtraForm(forms.Form):
    """Asked for at sign-up next to email and password (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = free_text(
        _("Dit navn"),
        100,
        required=False,
        help_text=_("Vises ved det, du skriver. Du kan også nøjes med et pseudonym."),
    )
    pseudonym = free_text(
        _("Pseudonym"),
        50,
        required=False,
        help_text=_("Bruges i stedet for dit navn, hvor en proces tillader det."),
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.pseudonym = self.cleaned_data["pseudonym"]
        user.save(update_fields=["display_name", "pseudonym"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "pseudonym", "language"]
        labels = {"display_name": _("Dit navn"), "language": _("Sprog")}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Din adgangskode"),
        widget=forms.PasswordInput,
        help_text=_("Så vi ved, at det er dig."),
    )
