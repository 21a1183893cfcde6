from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.accounts.roles import declarable_roles, role_label
from samskab.challenges.models import Challenge
from samskab.core.feedback import attempt
from samskab.municipalities.access import get_space_or_404, municipality_view
from samskab.municipalities.models import Municipality
from samskab.opinions import presentation, services
from samskab.opinions.access import get_conversation_or_404
from samskab.opinions.forms import ConversationForm, ModerationForm, StatementForm
from samskab.opinions.models import (
    Conversation,
    ConversationAnalysis,
    ModerationState,
    Participant,
    Statement,
    Vote,
    VoteValue,
)


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("conversation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def _analysis(conversation: Conversation) -> ConversationAnalysis | None:
    return ConversationAnalysis.objects.filter(conversation=conversation).first()


@municipality_view
def space_conversations(
    request: HttpRequest, municipality: Municipality, space: str
) -> HttpResponse:
    found = get_space_or_404(request.user, municipality, space)
    conversations = list(
        Conversation.objects.filter(space=found)
        .select_related("municipality")
        # Subqueries, not two joined COUNTs: joining statements × participants would multiply
        # rows (hundreds of statements × thousands of participants per conversation).
        .annotate(
            n_statements=_count(
                Statement.objects.filter(conversation=OuterRef("pk"), moderation=ModerationState.IN)
            ),
            n_participants=_count(Participant.objects.filter(conversation=OuterRef("pk"))),
        )
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "opinions/space_conversations.html",
        {
            "municipality": municipality,
            "space": found,
            "conversations": conversations,
            "can_add": request.user.has_perm("opinions.add_conversation", found),
        },
    )


@login_required
@municipality_view
def conversation_create(
    request: HttpRequest, municipality: Municipality, space: str
) -> HttpResponse:
    found = get_space_or_404(request.user, municipality, space)
    if not request.user.has_perm("opinions.add_conversation", found):
        raise PermissionDenied
    challenges = list(Challenge.objects.filter(space=found).order_by("title"))
    form = ConversationForm(request.POST or None, challenges=challenges)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        challenge = next((c for c in challenges if c.pk == data.get("challenge")), None)
        try:
            conversation = services.create_conversation(
                found,
                request.user,
                title=data["title"],
                question=data["question"],
                challenge=challenge,
                moderation_mode=data["moderation_mode"],
                participants_can_add=data["participants_can_add"],
                statements=data["statements"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Samtalen er oprettet."))
            return redirect(conversation.get_absolute_url())
    return render(
        request,
        "opinions/conversation_form.html",
        {"municipality": municipality, "space": found, "form": form},
    )


def _vote_card_context(request: HttpRequest, conversation: Conversation) -> dict:
    user = request.user
    statement = None
    asked = request.GET.get("udsagn", "")
    if asked.isdigit():
        statement = services.votable_statements(conversation).filter(pk=int(asked)).first()
    if statement is None:
        statement = services.next_statement(conversation, user)
    roles = declarable_roles(user, conversation.municipality_id)
    n_votable = services.votable_statements(conversation).count()
    n_voted = (
        Vote.objects.filter(conversation=conversation, participant__person=user).count()
        if user.is_authenticated
        else 0
    )
    return {
        "conversation": conversation,
        "statement": statement,
        "roles": [(r, role_label(r)) for r in roles],
        "current_role": services.current_role(conversation, user) if roles else "",
        "can_vote": user.has_perm("opinions.vote", conversation),
        "n_votable": n_votable,
        "n_voted": n_voted,
        "values": VoteValue,
    }


def _render_conversation(
    request: HttpRequest,
    municipality: Municipality,
    conversation: Conversation,
    statement_form: StatementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    analysis = _analysis(conversation)
    my_votes = []
    if user.is_authenticated:
        my_votes = list(
            Vote.objects.filter(conversation=conversation, participant__person=user)
            .select_related("statement")
            .order_by("-created_at", "-id")[:50]
        )
    context = {
        "municipality": municipality,
        "space": conversation.space,
        "conversation": conversation,
        "analysis": analysis,
        "statement_form": statement_form or StatementForm(),
        "can_add_statement": user.has_perm("opinions.add_statement", conversation),
        "can_moderate": user.has_perm("opinions.moderate_conversation", conversation),
        "can_change": user.has_perm("opinions.change_conversation", conversation),
        "n_waiting": Statement.objects.filter(
            conversation=conversation, moderation=ModerationState.UNMODERATED
        ).count(),
        "my_votes": my_votes,
        **_vote_card_context(request, conversation),
    }
    return render(request, "opinions/conversation.html", context, status=status)


@municipality_view
def conversation_detail(
    request: HttpRequest, municipality: Municipality, conversation: int
) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    return _render_conversation(request, municipality, found)


@require_POST
@login_required
@municipality_view
def vote(request: HttpRequest, municipality: Municipality, conversation: int) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    htmx = request.headers.get("HX-Request") == "true"
    statement_id = request.POST.get("statement", "")
    value = request.POST.get("value", "")
    statement = (
        Statement.objects.filter(conversation=found, pk=int(statement_id)).first()
        if statement_id.isdigit()
        else None
    )
    error = ""
    if statement is None:
        error = _("Udsagnet findes ikke i denne samtale.")
    elif value not in {"1", "-1", "0"}:
        error = _("Vælg enig, uenig eller spring over.")
    else:
        try:
            services.cast_vote(
                found,
                statement,
                request.user,
                value=int(value),
                role=request.POST.get("role") or None,
            )
        except services.ServiceError as exc:
            error = str(exc)
    if htmx:
        context = _vote_card_context(request, found)
        context["error"] = error
        context["voted"] = not error
        return render(request, "opinions/_vote_card.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Tak! Din stemme er gemt."))
    return redirect(found.get_absolute_url() + "#stem")


@require_POST
@login_required
@municipality_view
def statement_add(
    request: HttpRequest, municipality: Municipality, conversation: int
) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    if not found.is_open:
        # The real reason, not "you may not": the conversation has closed.
        messages.error(request, _("Samtalen er lukket, så der kan ikke komme nye udsagn."))
        return _render_conversation(request, municipality, found, status=403)
    if not request.user.has_perm("opinions.add_statement", found):
        raise PermissionDenied
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            statement = services.add_statement(found, request.user, text=form.cleaned_data["text"])
        except services.ServiceError as exc:
            form.add_error("text", str(exc))
        else:
            if services.is_votable(statement, found):
                messages.success(request, _("Tak! Dit udsagn er med i samtalen."))
            else:
                messages.success(
                    request,
                    _("Tak! Dit udsagn vises, så snart en moderator har godkendt det."),
                )
            return redirect(found.get_absolute_url())
    return _render_conversation(request, municipality, found, statement_form=form, status=400)


@login_required
@municipality_view
def moderation(request: HttpRequest, municipality: Municipality, conversation: int) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    if not request.user.has_perm("opinions.moderate_conversation", found):
        raise PermissionDenied
    if request.method == "POST":
        form = ModerationForm(request.POST)
        statement = None
        if form.is_valid():
            statement = Statement.objects.filter(
                conversation=found, pk=form.cleaned_data["statement"]
            ).first()
        if statement is None:
            messages.error(request, _("Vi kan ikke finde udsagnet. Prøv igen."))
        else:
            data = form.cleaned_data
            try:
                services.moderate_statement(
                    statement,
                    request.user,
                    state=data["state"],
                    is_meta=data["is_meta"],
                    reason=data["reason"],
                )
            except services.ServiceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Udsagnet er godkendt.")
                    if data["state"] == ModerationState.IN
                    else _("Udsagnet er afvist."),
                )
        return redirect("opinions:moderation", municipality.slug, found.pk)
    statements = Statement.objects.filter(conversation=found).select_related("author")
    return render(
        request,
        "opinions/moderation.html",
        {
            "municipality": municipality,
            "space": found.space,
            "conversation": found,
            "waiting": list(
                statements.filter(moderation=ModerationState.UNMODERATED).order_by("created_at")
            ),
            "decided": list(
                statements.exclude(moderation=ModerationState.UNMODERATED).order_by(
                    "-moderated_at", "-id"
                )[:100]
            ),
            "states": ModerationState,
        },
    )


@require_POST
@login_required
@municipality_view
def conversation_toggle(
    request: HttpRequest, municipality: Municipality, conversation: int
) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    if not request.user.has_perm("opinions.change_conversation", found):
        raise PermissionDenied
    reopen = request.POST.get("open") == "1"
    attempt(
        request,
        lambda: services.set_open(found, request.user, is_open=reopen),
        _("Samtalen er åben igen.") if reopen else _("Samtalen er lukket."),
    )
    return redirect(found.get_absolute_url())


@municipality_view
def opinion_map(
    request: HttpRequest, municipality: Municipality, conversation: int
) -> HttpResponse:
    found = get_conversation_or_404(request.user, municipality, conversation)
    analysis = _analysis(found)
    data = services.public_result(analysis.data) if analysis is not None else {}
    texts = {
        str(pk): text
        for pk, text in Statement.objects.filter(conversation=found).values_list("pk", "text")
    }
    me = None
    if request.user.is_authenticated:
        pid = (
            Participant.objects.filter(conversation=found, person=request.user)
            .values_list("pk", flat=True)
            .first()
        )
        me = str(pid) if pid is not None else None
    return render(
        request,
        "opinions/map.html",
        {
            "municipality": municipality,
            "space": found.space,
            "conversation": found,
            "analysis": analysis,
            "has_result": bool(data.get("n_votes")),
            "map": presentation.build(data, texts, me) if data.get("n_votes") else None,
        },
    )
