from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from samskab.notifications import services
from samskab.notifications.forms import PreferenceForm
from samskab.notifications.models import Kind


@csrf_exempt  # One-click unsubscribe (RFC 8058) is a POST from the mail client, without a form.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    person_id, kind = found
    if request.method == "POST":
        try:
            services.unsubscribe(person_id, kind)
        except services.ServiceError:  # the account is gone since the mail was sent
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "kind": Kind(kind)})
    return render(request, "notifications/unsubscribe.html", {"kind": Kind(kind)})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = services.preference(request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_preferences(
            request.user,
            request.user,
            replies=data["replies"],
            moderation=data["moderation"],
            status=data["status"],
            digest=data["digest"],
        )
        messages.success(request, _("Dine valg er gemt."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
