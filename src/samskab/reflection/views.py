from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from samskab.accounts.roles import role_label
from samskab.challenges.models import Challenge, ChallengeStatus
from samskab.core.feedback import attempt
from samskab.municipalities.access import get_movement, municipality_view
from samskab.municipalities.models import Municipality
from samskab.reflection import search, services
from samskab.reflection.access import get_learning_or_404, get_room_or_404, get_session_or_404
from samskab.reflection.forms import (
    EntryForm,
    LearningForm,
    MemberForm,
    RoomForm,
    SessionForm,
    TemplateForm,
)
from samskab.reflection.models import (
    Consent,
    Entry,
    Learning,
    LearningAuthor,
    RoomMember,
    Visibility,
)

# --------------------------------------------------------------------------------------------
# Rooms
# --------------------------------------------------------------------------------------------


@login_required
@municipality_view
def room_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    rooms = list(
        services.rooms_for(request.user, municipality)
        .select_related("municipality", "movement", "challenge")
        # Counted in a subquery: for a member the list is filtered on their own membership,
        # and a Count over that same join would count only them ("Medlemmer 1").
        .annotate(
            n_members=Coalesce(
                Subquery(
                    RoomMember.objects.filter(room=OuterRef("pk"))
                    .order_by()
                    .values("room")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            )
        )
        .order_by("title", "id")
    )
    return render(
        request,
        "reflection/room_list.html",
        {
            "municipality": municipality,
            "rooms": rooms,
            "can_add": request.user.has_perm("reflection.add_room", municipality),
            "can_templates": request.user.has_perm("reflection.manage_templates", municipality),
            "can_library": request.user.has_perm("reflection.view_library", municipality),
        },
    )


def _targets(request: HttpRequest, municipality: Municipality) -> list[tuple[str, str]]:
    movement = get_movement(municipality)
    targets = []
    if movement is not None:
        targets.append(("movement", _("Hele bevægelsen: %(title)s") % {"title": movement.title}))
    challenges = (
        Challenge.objects.filter(municipality=municipality, status=ChallengeStatus.PUBLISHED)
        .select_related("space")
        .order_by("title")
    )
    for challenge in challenges:
        if request.user.has_perm("municipalities.view_space", challenge.space):
            targets.append(
                (
                    f"challenge-{challenge.pk}",
                    _("Udfordring: %(title)s") % {"title": challenge.title},
                )
            )
    return targets


@login_required
@municipality_view
def room_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("reflection.add_room", municipality):
        raise PermissionDenied
    targets = _targets(request, municipality)
    initial = {}
    asked = request.GET.get("udfordring", "")
    if asked.isdigit():
        initial["attached"] = f"challenge-{asked}"
    form = RoomForm(request.POST or None, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        movement = challenge = None
        if data["attached"] == "movement":
            movement = get_movement(municipality)
        else:
            challenge = Challenge.objects.filter(
                municipality=municipality, pk=int(data["attached"].split("-")[1])
            ).first()
        try:
            room = services.create_room(
                municipality,
                request.user,
                title=data["title"],
                purpose=data["purpose"],
                movement=movement,
                challenge=challenge,
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Rummet er oprettet. Inviter nu deltagerne."))
            return redirect(room.get_absolute_url())
    return render(
        request,
        "reflection/room_form.html",
        {"municipality": municipality, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _render_room(
    request: HttpRequest,
    municipality: Municipality,
    room,
    member_form: MemberForm | None = None,
    session_form: SessionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    facilitates = user.has_perm("reflection.facilitate_room", room)
    templates = services.templates_for(municipality)
    members = list(
        RoomMember.objects.filter(room=room).select_related("person").order_by("role", "id")
    )
    return render(
        request,
        "reflection/room.html",
        {
            "municipality": municipality,
            "room": room,
            "members": [(m, role_label(m.role)) for m in members],
            "sessions": list(
                room.sessions.select_related("municipality").order_by("-created_at", "-id")
            ),
            "learnings": list(
                Learning.objects.filter(room=room)
                .select_related("municipality")
                .order_by("-created_at", "-id")
            ),
            "facilitates": facilitates,
            "member_form": member_form or MemberForm(roles=services.role_choices()),
            "session_form": session_form
            or SessionForm(templates=[(t.key, t.name) for t in templates]),
        },
        status=status,
    )


@login_required
@municipality_view
def room_detail(request: HttpRequest, municipality: Municipality, room: int) -> HttpResponse:
    found = get_room_or_404(request.user, municipality, room)
    return _render_room(request, municipality, found)


@require_POST
@login_required
@municipality_view
def member_add(request: HttpRequest, municipality: Municipality, room: int) -> HttpResponse:
    found = get_room_or_404(request.user, municipality, room)
    if not request.user.has_perm("reflection.facilitate_room", found):
        raise PermissionDenied
    form = MemberForm(request.POST, roles=services.role_choices())
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        try:
            services.invite_member(found, request.user, email=email, role=form.cleaned_data["role"])
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            # The same answer whoever the address belongs to, or if it belongs to no one.
            messages.success(
                request,
                _(
                    "Hvis %(email)s hører til en person i %(municipality)s, har vi sendt en "
                    "invitation, og personen er nu med i rummet."
                )
                % {"email": email, "municipality": municipality.name},
            )
            return redirect(found.get_absolute_url())
    return _render_room(request, municipality, found, member_form=form, status=400)


@require_POST
@login_required
@municipality_view
def session_start(request: HttpRequest, municipality: Municipality, room: int) -> HttpResponse:
    found = get_room_or_404(request.user, municipality, room)
    if not request.user.has_perm("reflection.facilitate_room", found):
        raise PermissionDenied
    templates = services.templates_for(municipality)
    form = SessionForm(request.POST, templates=[(t.key, t.name) for t in templates])
    if form.is_valid():
        template = next(t for t in templates if t.key == form.cleaned_data["template"])
        try:
            session = services.start_session(
                found, request.user, template=template, title=form.cleaned_data["title"]
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Mødet er startet."))
            return redirect(session.get_absolute_url())
    return _render_room(request, municipality, found, session_form=form, status=400)


# --------------------------------------------------------------------------------------------
# Sessions and entries
# --------------------------------------------------------------------------------------------


def _render_session(
    request: HttpRequest, municipality: Municipality, session, form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    facilitates = user.has_perm("reflection.facilitate_room", session)
    can_write = user.has_perm("reflection.write_entry", session)
    if form is None and can_write:
        form = EntryForm(prompts=session.prompts)
    return render(
        request,
        "reflection/session.html",
        {
            "municipality": municipality,
            "room": session.room,
            "session": session,
            "prompts": services.session_view(session, user),
            "form": form,
            "can_write": can_write,
            "is_member": services.membership(session.room, user) is not None,
            "facilitates": facilitates,
            "patterns": services.patterns(session) if facilitates else None,
            "can_add_learning": user.has_perm("reflection.add_learning", session.room),
        },
        status=status,
    )


@login_required
@municipality_view
def session_detail(
    request: HttpRequest, municipality: Municipality, room: int, session: int
) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, room, session)
    return _render_session(request, municipality, found)


@require_POST
@login_required
@municipality_view
def entry_write(
    request: HttpRequest, municipality: Municipality, room: int, session: int
) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, room, session)
    form = EntryForm(request.POST, prompts=found.prompts)
    if services.membership(found.room, request.user) is None:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.write_entry(
                found,
                request.user,
                prompt_index=data["prompt"],
                text=data["text"],
                visibility=data["visibility"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                {
                    Visibility.PRIVATE: _("Din private refleksion er gemt. Kun du kan se den."),
                    Visibility.SHARED: _("Din refleksion er delt med rummet."),
                    Visibility.ANONYMOUS: _("Din refleksion er delt anonymt med rummet."),
                }[data["visibility"]],
            )
            return redirect(found.get_absolute_url() + "#skriv")
    elif not found.is_open:
        form.add_error(None, _("Mødet er lukket, så du kan ikke skrive mere her."))
    return _render_session(request, municipality, found, form=form, status=400)


@require_POST
@login_required
@municipality_view
def entry_share(
    request: HttpRequest, municipality: Municipality, room: int, session: int, entry: int
) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, room, session)
    own = Entry.objects.filter(session=found, pk=entry, author=request.user).first()
    if own is None:
        raise Http404
    services.share_entry(own, request.user)
    messages.success(request, _("Din refleksion er delt med rummet."))
    return redirect(found.get_absolute_url())


@require_POST
@login_required
@municipality_view
def session_toggle(
    request: HttpRequest, municipality: Municipality, room: int, session: int
) -> HttpResponse:
    found = get_session_or_404(request.user, municipality, room, session)
    if not request.user.has_perm("reflection.facilitate_room", found):
        raise PermissionDenied
    is_open = request.POST.get("open") == "1"
    attempt(
        request,
        lambda: services.set_session_open(found, request.user, is_open=is_open),
        _("Mødet er åbent igen.") if is_open else _("Mødet er lukket."),
    )
    return redirect(found.get_absolute_url())


# --------------------------------------------------------------------------------------------
# Learnings
# --------------------------------------------------------------------------------------------


@login_required
@municipality_view
def learning_create(request: HttpRequest, municipality: Municipality, room: int) -> HttpResponse:
    found = get_room_or_404(request.user, municipality, room)
    if not request.user.has_perm("reflection.add_learning", found):
        raise PermissionDenied
    shared = list(
        Entry.objects.filter(session__room=found, visibility=Visibility.SHARED)
        .select_related("author")
        .order_by("-created_at", "-id")[:200]
    )
    sources = [(e.pk, f"{e.author.public_name}: {Truncator(e.text).chars(80)}") for e in shared]
    initial = {"context": _("Refleksionsrummet »%(title)s«") % {"title": found.title}}
    form = LearningForm(request.POST or None, sources=sources, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data.get("sources") or [])
        try:
            learning = services.create_learning(
                municipality,
                request.user,
                title=data["title"],
                text=data["text"],
                tags=data["tags"],
                context=data["context"],
                room=found,
                source_entries=[e for e in shared if e.pk in chosen],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Læringen er gemt i kommunens bibliotek."))
            return redirect(learning.get_absolute_url())
    return render(
        request,
        "reflection/learning_form.html",
        {"municipality": municipality, "room": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@municipality_view
def library(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("reflection.view_library", municipality):
        raise PermissionDenied
    query = search.clean_query(request.GET.get("q", ""))[:200]
    learnings = list(services.library(municipality, query))
    asked = list(
        LearningAuthor.objects.filter(
            municipality=municipality, person=request.user, consent=Consent.ASKED
        ).select_related("learning__municipality")
    )
    return render(
        request,
        "reflection/library.html",
        {
            "municipality": municipality,
            "learnings": learnings,
            "query": query,
            "asked": asked,
        },
    )


def shared_library(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q", ""))[:200]
    # The one place learnings are read across municipalities: published ones only.
    with scopes_disabled():
        learnings = list(services.shared_library(query)[:200])
    return render(
        request, "reflection/shared_library.html", {"learnings": learnings, "query": query}
    )


def shared_learning(request: HttpRequest, learning: int) -> HttpResponse:
    with scopes_disabled():
        found = (
            Learning.objects.filter(pk=learning, published_at__isnull=False)
            .select_related("municipality")
            .first()
        )
    if found is None:
        raise Http404
    return render(request, "reflection/shared_learning.html", {"learning": found})


@login_required
@municipality_view
def learning_detail(
    request: HttpRequest, municipality: Municipality, learning: int
) -> HttpResponse:
    found = get_learning_or_404(request.user, municipality, learning)
    user = request.user
    can_publish = user.has_perm("reflection.publish_learning", found)
    authors = list(
        LearningAuthor.objects.filter(learning=found).select_related("person").order_by("id")
    )
    mine = next((a for a in authors if a.person_id == user.pk), None)
    return render(
        request,
        "reflection/learning.html",
        {
            "municipality": municipality,
            "learning": found,
            "authors": authors if can_publish else [],
            "mine": mine,
            "can_publish": can_publish,
            "all_given": bool(authors) and all(a.consent == Consent.GIVEN for a in authors),
            "any_unasked": any(a.consent == "" for a in authors),
        },
    )


@require_POST
@login_required
@municipality_view
def learning_consent(
    request: HttpRequest, municipality: Municipality, learning: int
) -> HttpResponse:
    found = get_learning_or_404(request.user, municipality, learning)
    if not request.user.has_perm("reflection.answer_consent", found):
        raise PermissionDenied
    give = request.POST.get("answer") == "yes"
    services.answer_consent(found, request.user, give=give)
    messages.success(
        request,
        _("Tak. Du har sagt ja til, at læringen må deles med andre kommuner.")
        if give
        else _("Tak. Læringen bliver ikke delt med andre kommuner."),
    )
    return redirect(found.get_absolute_url())


@require_POST
@login_required
@municipality_view
def learning_ask(request: HttpRequest, municipality: Municipality, learning: int) -> HttpResponse:
    found = get_learning_or_404(request.user, municipality, learning)
    if not request.user.has_perm("reflection.publish_learning", found):
        raise PermissionDenied
    services.ask_consent(found, request.user)
    messages.success(request, _("Forfatterne er spurgt. De svarer på læringens side."))
    return redirect(found.get_absolute_url())


@require_POST
@login_required
@municipality_view
def learning_publish(
    request: HttpRequest, municipality: Municipality, learning: int
) -> HttpResponse:
    found = get_learning_or_404(request.user, municipality, learning)
    if not request.user.has_perm("reflection.publish_learning", found):
        raise PermissionDenied
    if request.POST.get("publish") == "0":
        services.unpublish_learning(found, request.user)
        messages.success(request, _("Læringen er kun i kommunens eget bibliotek nu."))
    else:
        attempt(
            request,
            lambda: services.publish_learning(found, request.user),
            _("Læringen er delt med alle kommuner."),
        )
    return redirect(found.get_absolute_url())


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


@login_required
@municipality_view
def template_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("reflection.manage_templates", municipality):
        raise PermissionDenied
    return render(
        request,
        "reflection/template_list.html",
        {"municipality": municipality, "templates": services.templates_for(municipality)},
    )


@login_required
@municipality_view
def template_edit(request: HttpRequest, municipality: Municipality, key: str = "") -> HttpResponse:
    if not request.user.has_perm("reflection.manage_templates", municipality):
        raise PermissionDenied
    existing = services.get_template(municipality, key) if key else None
    if key and existing is None:
        raise Http404
    initial = {}
    if existing is not None:
        initial = {
            "name": existing.name,
            "description": existing.description,
            "prompts": "\n".join(existing.prompts),
        }
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from django.utils.text import slugify

        new_key = key or slugify(data["name"])[:40] or "skabelon"
        if not key:
            taken = {t.key for t in services.templates_for(municipality)}
            base, n = new_key, 2
            while new_key in taken:
                new_key, n = f"{base}-{n}", n + 1
        try:
            services.save_template(
                municipality,
                request.user,
                key=new_key,
                name=data["name"],
                description=data["description"],
                prompts=data["prompts"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Skabelonen er gemt."))
            return redirect("reflection:templates", municipality.slug)
    return render(
        request,
        "reflection/template_form.html",
        {"municipality": municipality, "form": form, "template": existing},
        status=400 if request.method == "POST" else 200,
    )
