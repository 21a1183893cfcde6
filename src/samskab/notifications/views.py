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


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What happened to my ideas, challenges and statements, newest first. Only my own."""
    if request.method == "POST":
        raw = request.POST.get("notification", "").strip()
        one = int(raw) if raw.isdigit() and len(raw) <= 18 else None
        if raw and one is None:
            messages.error(request, _("Den notifikation findes ikke."))
            return redirect("notifications:inbox")
        changed = services.mark_read(request.user, request.user, notification_id=one)
        if one is not None and not changed:
            # Not theirs, or already read: nothing changes, and nothing is told about others'.
            messages.info(request, _("Den notifikation er allerede markeret som læst."))
        elif one is not None:
            messages.success(request, _("Markeret som læst."))
        else:
            messages.success(request, _("Alle dine notifikationer er markeret som læst."))
        return redirect("notifications:inbox")
    items = services.notifications_for(request.user)
    unread = sum(1 for n in items if n.read_at is None)
    return render(request, "notifications/inbox.html", {"items": items, "unread": unread})
