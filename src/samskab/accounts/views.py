from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.accounts.forms import DeleteAccountForm, ProfileForm
from samskab.accounts.models import Membership
from samskab.accounts.personal_data import delete_account, export_personal_data


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Din profil er gemt."))
        response = redirect("accounts:profile")
        # The chosen language follows the person: set the same cookie the language switch sets.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
        return response
    # A person's own roles, across every municipality they take part in.
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(person=request.user)
            .select_related("municipality")
            .order_by("municipality__name", "role")
        )
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything Samskab holds about the person, as one JSON file (GDPR art. 15 and 20)."""
    body = json.dumps(export_personal_data(request.user), ensure_ascii=False, indent=1, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mine-data-samskab.json"'
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if authenticate(request, email=request.user.email, password=form.cleaned_data["password"]):
            delete_account(request, request.user)
            messages.success(request, _("Din profil er slettet. Tak for dine bidrag."))
            return redirect("home")
        form.add_error("password", _("Adgangskoden er forkert."))
    return render(request, "accounts/delete.html", {"form": form})
