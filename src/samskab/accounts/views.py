from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.accounts.forms import ProfileForm
from samskab.accounts.models import Membership


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Din profil er gemt."))
        response = redirect("accounts:profile")
        # The chosen language follows the person: set the same cookie the language switch sets.
        from django.conf import settings

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
