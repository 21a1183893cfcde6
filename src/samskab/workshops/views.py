"""Pages for live workshops: the facilitator's pages (create, control, big screen) inside the
municipality, and the participants' pages under /deltag/, reached by the join code alone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope, scopes_disabled

from samskab.accounts.roles import declarable_roles, role_label
from samskab.challenges.services import get_challenge_or_404
from samskab.core.ratelimit import client_ip
from samskab.municipalities.access import get_permitted_or_404, municipality_view
from samskab.municipalities.models import Municipality
from samskab.opinions.models import Conversation
from samskab.reflection import services as reflection_services
from samskab.workshops import board, services
from samskab.workshops.forms import JoinForm, SessionForm
from samskab.workshops.models import Activity, ActivityKind, LiveSession

SESSION_KEY = "workshop_tokens"


def get_session_or_404(user: Any, municipality: Municipality, pk: int) -> LiveSession:
    """The workshop, if it is in this municipality and the person may run it; else 404."""
    sessions = LiveSession.objects.select_related("municipality", "challenge__space", "current")
    return get_permitted_or_404(user, sessions, municipality, pk, "workshops.run_workshop")


def _join_url(request: HttpRequest, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("workshops:join") + f"?kode={session.code}")


def _qr_svg(url: str) -> str:
    try:
        import segno
    except ImportError:  # segno is optional until it is in the dependencies
        return ""
    # Our own URL made into SVG by segno: no user text goes into it.
    return mark_safe(  # noqa: S308
        segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff", omitsize=True)
    )


# --------------------------------------------------------------------------------------------
# Facilitator
# --------------------------------------------------------------------------------------------


def _linked(
    challenge: Any, user: Any
) -> tuple[Conversation | None, reflection_services.Session | None]:
    """The challenge's open conversation, and its newest open reflection meeting in a room the
    facilitator may enter (what the workshop writes there, the room reads)."""
    conversation = (
        Conversation.objects.filter(challenge=challenge, is_open=True)
        .order_by("-created_at")
        .first()
    )
    return conversation, reflection_services.workshop_session_for(challenge, user)


@login_required
@municipality_view
def create(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("workshops.run_workshop", found):
        raise PermissionDenied
    conversation, reflection = _linked(found, request.user)
    prompts = [board.prompt_text(p) for p in reflection.prompts] if reflection else []
    form = SessionForm(request.POST or None, initial={"title": found.title}, prompts=prompts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.create_session(
                    found,
                    request.user,
                    title=form.cleaned_data["title"],
                    kinds=form.cleaned_data["kinds"],
                    allow_anonymous=form.cleaned_data["allow_anonymous"],
                    hours=form.cleaned_data["hours"],
                    conversation=conversation,
                    reflection_session=reflection,
                    prompt_index=form.cleaned_data.get("prompt_index") or 0,
                )
            except services.ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("Workshoppen er åben. Vis koden på storskærmen."))
                return redirect("workshops:control", municipality.slug, session.pk)
        status = 400
    return render(
        request,
        "workshops/create.html",
        {
            "municipality": municipality,
            "challenge": found,
            "form": form,
            "conversation": conversation,
            "reflection": reflection,
        },
        status=status,
    )


@login_required
@municipality_view
def control(request: HttpRequest, municipality: Municipality, session: int) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, session)
    activities = list(Activity.objects.filter(session=found).order_by("position"))
    return render(
        request,
        "workshops/control.html",
        {
            "municipality": municipality,
            "session": found,
            "activities": activities,
            "join_url": _join_url(request, found),
            "qr": _qr_svg(_join_url(request, found)),
            "n_participants": found.participants.count(),
        },
    )


@require_POST
@login_required
@municipality_view
def steer(request: HttpRequest, municipality: Municipality, session: int) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, session)
    action = request.POST.get("action", "")
    try:
        if action in ("next", "previous"):
            services.move(found, request.user, step=1 if action == "next" else -1)
        elif action in ("open", "close"):
            services.set_session_open(found, request.user, is_open=action == "open")
        elif action in ("open_activity", "close_activity") and found.current:
            services.set_activity_open(
                found.current, request.user, is_open=action == "open_activity"
            )
        else:
            messages.error(request, _("Vælg, hvad der skal ske."))
    except services.ServiceError as e:
        messages.error(request, str(e))
    return redirect("workshops:control", municipality.slug, found.pk)


@login_required
@municipality_view
def screen(request: HttpRequest, municipality: Municipality, session: int) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, session)
    return render(
        request,
        "workshops/screen.html",
        {
            "municipality": municipality,
            "session": found,
            "join_url": _join_url(request, found),
            "join_path": reverse("workshops:join"),
            # What people type from across the room: the address without the scheme and code.
            "join_short": request.get_host() + reverse("workshops:join"),
            "qr": _qr_svg(_join_url(request, found)),
            **board.fit_screen(board.board(found)),
        },
    )


@login_required
@municipality_view
def screen_live(request: HttpRequest, municipality: Municipality, session: int) -> HttpResponse:
    """The big screen's live part, fetched every second: a constant number of queries."""
    found = get_session_or_404(request.user, municipality, session)
    return render(
        request,
        "workshops/_board.html",
        {"municipality": municipality, "session": found, **board.fit_screen(board.board(found))},
    )


# --------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------


def _find_by_code(code: str) -> LiveSession:
    with scopes_disabled():
        return services.find_session(code)


def _roles(request: HttpRequest, session: LiveSession | None) -> list[tuple[str, str]]:
    """The roles to offer: a logged-in person's own; a guest may say which they come as."""
    if session is None:
        return []
    guest = not request.user.is_authenticated
    if guest and not session.allow_anonymous:
        return []
    return [
        (r, role_label(r))
        for r in declarable_roles(request.user, session.municipality_id, self_declared=guest)
    ]


def _join_keys(request: HttpRequest) -> list[str]:
    """Who a wrong code is counted against: the address and this browser. A browser without a
    session gets one, so clearing cookies is what it takes to start again, and the address
    limit still counts."""
    if request.session.session_key is None:
        request.session.save()
    return [f"ip:{client_ip(request)}", f"s:{request.session.session_key}"]


def _attempt(request: HttpRequest, code: str) -> LiveSession:
    """Look a code up as one attempt: refused once this browser or address has guessed wrong
    too often, and counted when wrong. Right codes are never counted, so a room full of phones
    on one Wi-Fi typing the code from the screen is never locked out."""
    keys = _join_keys(request)
    services.check_join_rate(*keys)
    try:
        return _find_by_code(code)
    except services.ServiceError:
        services.count_failed_join(*keys)
        raise


def join(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code") or request.GET.get("kode") or ""
    session = None
    if code and request.method != "POST":
        # A look with a code (the QR code's link) tells a real code from a made-up one, so it
        # is an attempt like the form's, on every method.
        try:
            session = _attempt(request, code)
        except services.ServiceError as e:
            messages.error(request, str(e))
            session = None
    if session is not None and _participant(request, session) is not None:
        return redirect("workshops:play", session.code)
    status = 200
    initial = {"code": code, "pseudonym": getattr(request.user, "pseudonym", "") or ""}
    form = JoinForm(request.POST or None, initial=initial, roles=_roles(request, session))
    if request.method == "POST":
        status = 400
        try:
            session = _attempt(request, code)
        except services.ServiceError as e:
            form = JoinForm(request.POST, roles=[])
            form.is_valid()
            form.add_error("code", str(e))
            session = None
        if session is not None:
            form = JoinForm(request.POST, roles=_roles(request, session))
            if form.is_valid():
                try:
                    with scope(municipality=session.municipality):
                        participant = services.join(
                            session,
                            request.user,
                            pseudonym=form.cleaned_data["pseudonym"],
                            role=form.cleaned_data.get("role") or "",
                            token=request.session.get(SESSION_KEY, {}).get(str(session.pk)),
                        )
                except services.ServiceError as e:
                    form.add_error(None, str(e))
                else:
                    tokens = dict(request.session.get(SESSION_KEY, {}))
                    tokens[str(session.pk)] = participant.token
                    request.session[SESSION_KEY] = tokens
                    return redirect("workshops:play", session.code)
    return render(request, "workshops/join.html", {"form": form, "session": session}, status=status)


def _participant(request: HttpRequest, session: LiveSession) -> Any:
    token = request.session.get(SESSION_KEY, {}).get(str(session.pk))
    with scope(municipality=session.municipality):
        return services.participant_for(session, token)


def _live_or_join(request: HttpRequest, code: str) -> tuple[LiveSession | None, Any, str]:
    try:
        session = _find_by_code(code)
    except services.ServiceError as e:
        return None, None, str(e)
    participant = _participant(request, session)
    return session, participant, ""


def play(request: HttpRequest, code: str) -> HttpResponse:
    """The phone's page: the current activity's question, or "wait for the next one"."""
    if not request.session.get(SESSION_KEY):
        # A browser that has joined nothing gets the same answer for any code, real or not:
        # the join page, where looking the code up is a counted attempt.
        return redirect(reverse("workshops:join") + "?" + urlencode({"kode": code}))
    session, participant, error = _live_or_join(request, code)
    if session is None or participant is None:
        if error:
            messages.error(request, error)
        return redirect(reverse("workshops:join") + (f"?kode={code}" if not error else ""))
    error_message = ""
    status = 200
    with scope(municipality=session.municipality):
        participant.session = session
        activity = session.current
        if request.method == "POST":
            try:
                target = Activity.objects.filter(
                    session=session, pk=services._int(request.POST.get("activity"))
                ).first()
                if target is None:
                    raise services.ServiceError(_("Aktiviteten hører ikke til denne workshop."))
                services.answer(target, participant, request.POST)
            except services.ServiceError as e:
                error_message = str(e)
                status = 400
            else:
                # In the message cookie, not the database: after an anonymous answer nothing on
                # the server may remember that this phone answered.
                messages.success(request, _("Tak for dit svar."))
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=204, headers={"HX-Refresh": "true"})
                return redirect("workshops:play", session.code)
        context = {
            "session": session,
            "participant": participant,
            "activity": activity,
            "error": error_message,
            "posted": request.POST if status == 400 else {},
        }
        context.update(_question(activity, participant))
    return render(request, "workshops/play.html", context, status=status)


def _question(activity: Activity | None, participant: Any) -> dict[str, Any]:
    """What the phone shows for the activity, or `done` when there is nothing left to answer."""
    if activity is None:
        return {"done": True}
    if not activity.is_open:
        return {"done": True, "closed": True}
    answered = services.answered_items(activity, participant)
    if activity.kind == ActivityKind.STACEY:
        return {"done": "" in answered, "scale": [1, 2, 3, 4, 5]}
    if activity.kind == ActivityKind.STATEMENTS:
        statement = services.next_statement_for(activity, participant)
        return {"done": statement is None, "statement": statement}
    if activity.kind == ActivityKind.PAIRWISE:
        pair = services.next_pair_for(activity, participant)
        return {"done": pair is None, "pair": pair}
    if activity.kind == ActivityKind.REFLECTION:
        prompts = activity.reflection_session.prompts
        prompt = prompts[activity.prompt_index] if activity.prompt_index < len(prompts) else ""
        return {"done": "" in answered, "prompt": board.prompt_text(prompt)}
    return {"done": True}


def waiting(request: HttpRequest, code: str) -> HttpResponse:
    """Polled by a waiting phone: 204 while the same activity is on, a refresh when it moves."""
    try:
        session = _find_by_code(code)
    except services.ServiceError:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if _participant(request, session) is None:
        # Only a phone that joined learns anything here; to anyone else a real code answers
        # like a made-up one.
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    shown = request.GET.get("activity", "")
    is_open = session.current is not None and session.current.is_open
    current = f"{session.current_id or ''}-{int(is_open)}"
    if shown == current:
        return HttpResponse(status=204)
    return HttpResponse(status=204, headers={"HX-Refresh": "true"})
