from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.accounts.models import Organisation
from samskab.challenges import exports, phases, services
from samskab.challenges.access import (
    get_challenge_or_404,
    get_comment_or_404,
    get_idea_or_404,
    ideas_for,
)
from samskab.challenges.closing import phase_refusal
from samskab.challenges.forms import (
    MAX_ID,
    ChallengeEditForm,
    ChallengeForm,
    CommentForm,
    CompareForm,
    FlagForm,
    IdeaEditForm,
    IdeaForm,
    ModerationForm,
    OutcomeForm,
    PhaseForm,
)
from samskab.challenges.models import (
    Challenge,
    ChallengeStatus,
    Comment,
    Flag,
    Idea,
    Ranking,
    Support,
    Visibility,
)
from samskab.challenges.ranking import counted_comparisons, next_pair_for, ranked_rows
from samskab.challenges.similar import similar_ideas
from samskab.core.errors import ServiceError
from samskab.core.exports import download, excel_csv, export_filename, xlsx_bytes
from samskab.core.feedback import attempt, form_errors
from samskab.municipalities.access import get_space_or_404, municipality_view, visible_spaces
from samskab.municipalities.models import Municipality
from samskab.municipalities.panels import CHALLENGE_PANELS, IDEA_PANELS, panels_for

SORTS = {
    "nyeste": "-created_at",
    "mest-stoettede": "-support_count",
    "mest-debatterede": "-comment_count",
}


@login_required
@municipality_view
def challenge_create(request: HttpRequest, municipality: Municipality, space: str) -> HttpResponse:
    found = get_space_or_404(request.user, municipality, space)
    if not request.user.has_perm("challenges.propose_challenge", found):
        raise PermissionDenied
    direct = request.user.has_perm("challenges.pose_challenge", found)
    form = ChallengeForm(request.POST or None, staff=direct)
    if request.method == "POST" and form.is_valid():
        challenge = services.pose_challenge(found, request.user, **form.cleaned_data)
        if direct:
            messages.success(request, _("Udfordringen er offentliggjort."))
        else:
            messages.info(
                request, _("Tak! En moderator ser på dit forslag, før det vises for andre.")
            )
        return redirect(challenge.get_absolute_url())
    return render(
        request,
        "challenges/challenge_form.html",
        {"municipality": municipality, "space": found, "form": form, "direct": direct},
    )


def _closed(
    request: HttpRequest, municipality: Municipality, challenge: Challenge, action: str
) -> HttpResponse:
    """A page the person may not use now: when the phase is why, say so (and since when) rather
    than that they lack permission."""
    reason = phase_refusal(challenge, action)
    if reason is None or not request.user.has_perm("challenges.view_challenge", challenge):
        raise PermissionDenied
    return render(
        request,
        "challenges/closed.html",
        {"municipality": municipality, "challenge": challenge, "reason": reason},
        status=403,
    )


@login_required
@municipality_view
def challenge_edit(
    request: HttpRequest, municipality: Municipality, challenge: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("challenges.manage_challenge", found):
        raise PermissionDenied
    open_dates = services.editable_dates(found)
    form = ChallengeEditForm(request.POST or None, challenge=found, open_dates=open_dates)
    if request.method == "POST" and form.is_valid():
        changes = {
            f: form.cleaned_data[f]
            for f in services.EDITABLE_CHALLENGE_FIELDS
            if f in form.fields and not form.fields[f].disabled
        }
        try:
            services.edit_challenge(found, request.user, **changes)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Udfordringen er rettet."))
            return redirect(found.get_absolute_url())
    return render(
        request,
        "challenges/challenge_edit.html",
        {
            "municipality": municipality,
            "challenge": found,
            "form": form,
            "revisions": services.challenge_revisions(request.user, found),
        },
    )


@municipality_view
def challenge_detail(
    request: HttpRequest, municipality: Municipality, challenge: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    sort = request.GET.get("sorter", "nyeste")
    ideas = (
        ideas_for(request.user, found)
        .select_related("author", "category", "on_behalf_of", "municipality")
        .order_by(SORTS.get(sort, "-created_at"), "-id")
    )
    category = _id_param(request.GET.get("kategori"))
    if category is not None:
        ideas = ideas.filter(category_id=category)
    page = Paginator(ideas, 25).get_page(request.GET.get("side"))
    supported: set[int] = set()
    if request.user.is_authenticated:
        supported = set(
            Support.objects.filter(person=request.user, idea__in=[i.pk for i in page]).values_list(
                "idea_id", flat=True
            )
        )
    user = request.user
    return render(
        request,
        "challenges/challenge_detail.html",
        {
            "municipality": municipality,
            "challenge": found,
            "page": page,
            "sort": sort if sort in SORTS else "nyeste",
            "categories": list(found.categories.all()),
            "supported": supported,
            "phases": [(p, p == found.phase) for p in phases.Phase],
            "can_submit": user.has_perm("challenges.submit_idea", found),
            # Why there is no button to propose an idea, for someone who could have used it.
            "closed_note": phase_refusal(found, phases.Action.SUBMIT)
            if user.is_authenticated and found.status == ChallengeStatus.PUBLISHED
            else None,
            "can_compare": user.has_perm("challenges.compare", found),
            "can_manage": user.has_perm("challenges.manage_challenge", found),
            "can_support": user.has_perm("challenges.support", found),
            "phase_form": PhaseForm(initial={"phase": found.phase}),
            "ranking": Ranking.objects.filter(challenge=found).first(),
            "challenge_panels": panels_for(request, found, CHALLENGE_PANELS),
        },
    )


def _id_param(value: str | None) -> int | None:
    """An id from the query string, or None for anything that cannot be one (so a hand-edited
    link lists everything instead of failing)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


@login_required
@municipality_view
def idea_create(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("challenges.submit_idea", found):
        return _closed(request, municipality, found, phases.Action.SUBMIT)
    form = IdeaForm(request.POST or None, challenge=found, person=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = None
        if data.get("on_behalf_of"):
            organisation = Organisation.objects.filter(
                pk=form.organisations.get(data["on_behalf_of"])
            ).first()
        try:
            idea = services.submit_idea(
                found,
                request.user,
                title=data["title"],
                body=data["body"],
                category=data.get("category"),
                use_pseudonym=data.get("use_pseudonym", False),
                on_behalf_of=organisation,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if idea.visibility == Visibility.PENDING:
                messages.info(
                    request, _("Tak for din idé! Den vises, når en moderator har godkendt den.")
                )
            else:
                messages.success(request, _("Tak for din idé!"))
            return redirect(idea.get_absolute_url())
    text = f"{form['title'].value() or ''} {form['body'].value() or ''}".strip()
    return render(
        request,
        "challenges/idea_form.html",
        {
            "municipality": municipality,
            "challenge": found,
            "form": form,
            "similar": similar_ideas(found, text) if text else [],
        },
    )


@municipality_view
def similar(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    """The similar-ideas box, refreshed by htmx while the person types."""
    found = get_challenge_or_404(request.user, municipality, challenge)
    text = f"{request.GET.get('title', '')} {request.GET.get('body', '')}"[:5000]
    return render(
        request,
        "challenges/_similar.html",
        {"similar": similar_ideas(found, text), "challenge": found},
    )


def _comment_tree(comments: list[Comment]) -> list[tuple[Comment, int]]:
    """Comments in thread order with their depth; one query, ordered in Python."""
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    out: list[tuple[Comment, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for comment in children.get(parent, []):
            out.append((comment, min(depth, 4)))
            walk(comment.pk, depth + 1)

    walk(None, 0)
    return out


@municipality_view
def idea_detail(
    request: HttpRequest, municipality: Municipality, challenge: int, idea: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    item = get_idea_or_404(request.user, found, idea)
    user = request.user
    moderator = user.has_perm("challenges.moderate", found)
    comments = (
        Comment.objects.filter(idea=item).select_related("author").order_by("created_at", "id")
    )
    # Hidden comments keep their place (the template shows a placeholder) so replies stay
    # readable; comments awaiting approval are shown to their author and moderators only, and to
    # others as a placeholder when replies hang under them (an edit sent back to moderation).
    visible = _shown_comments(list(comments), moderator, user.pk if user.is_authenticated else None)
    return render(
        request,
        "challenges/idea_detail.html",
        {
            "municipality": municipality,
            "challenge": found,
            "idea": item,
            "thread": _comment_tree(visible),
            "supported": user.is_authenticated
            and Support.objects.filter(idea=item, person=user).exists(),
            "can_support": item.visibility == Visibility.VISIBLE
            and user.has_perm("challenges.support", item),
            "can_comment": item.visibility == Visibility.VISIBLE
            and user.has_perm("challenges.comment", item),
            "can_flag": user.has_perm("challenges.flag", item),
            # Comments are flagged on their own (not one's own, which the template leaves out).
            "can_flag_comments": user.has_perm("challenges.flag", found),
            "can_edit": services.idea_edit_refusal(item, user) is None,
            "revisions": services.idea_revisions(user, item),
            "can_manage": user.has_perm("challenges.manage_challenge", found),
            "is_moderator": moderator,
            "comment_form": CommentForm(),
            "outcome_form": OutcomeForm(
                initial={"outcome": item.outcome, "note": item.outcome_note}
            ),
            "moderation_form": ModerationForm(),
            "idea_panels": panels_for(request, item, IDEA_PANELS),
        },
    )


@login_required
@municipality_view
def idea_edit(
    request: HttpRequest, municipality: Municipality, challenge: int, idea: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    item = get_idea_or_404(request.user, found, idea)
    if item.author_id != request.user.pk:
        raise PermissionDenied
    # Refused edits (after the idea phase, a hidden idea) say why on the form and change nothing.
    form = IdeaEditForm(request.POST or None, initial={"title": item.title, "body": item.body})
    refusal = services.idea_edit_refusal(item, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_idea(
                item, request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if item.visibility == Visibility.PENDING:
                messages.info(
                    request,
                    _("Idéen er rettet. Den vises igen, når en moderator har godkendt den."),
                )
            else:
                messages.success(request, _("Idéen er rettet."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "challenges/idea_edit.html",
        {
            "municipality": municipality,
            "challenge": found,
            "idea": item,
            "form": form,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )


def _shown_comments(
    comments: list[Comment], moderator: bool, person_id: int | None
) -> list[Comment]:
    with_replies: set[int] = set()
    shown: list[Comment] = []
    # Replies come after what they answer, so walking backwards sees every reply first.
    for comment in reversed(comments):
        if (
            comment.visibility != Visibility.PENDING
            or moderator
            or comment.author_id == person_id
            or comment.pk in with_replies
        ):
            shown.append(comment)
            if comment.parent_id:
                with_replies.add(comment.parent_id)
    return shown[::-1]


def _back_to(idea: Idea, anchor: str = "") -> HttpResponse:
    return redirect(idea.get_absolute_url() + anchor)


@login_required
@require_POST
@municipality_view
def idea_support(
    request: HttpRequest, municipality: Municipality, challenge: int, idea: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    item = get_idea_or_404(request.user, found, idea)
    if request.POST.get("action") == "withdraw":
        attempt(
            request,
            lambda: services.withdraw_support(item, request.user),
            _("Du støtter ikke længere idéen."),
        )
    else:
        attempt(request, lambda: services.support(item, request.user), _("Tak for din støtte!"))
    # Only back to a page of this site: a crafted form must not send people elsewhere.
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = item.get_absolute_url()
    # A path, never a view name: redirect() would try to reverse anything else.
    return HttpResponseRedirect(back)


@login_required
@municipality_view
def idea_comment(
    request: HttpRequest, municipality: Municipality, challenge: int, idea: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    item = get_idea_or_404(request.user, found, idea)
    form = CommentForm(request.POST or None)
    parent = None
    if request.method == "POST" and form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(idea=item, pk=parent_id).first()
            if parent is None:
                raise Http404
        try:
            comment = services.add_comment(
                item, request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if comment.visibility == Visibility.PENDING:
                messages.info(
                    request, _("Tak! Din kommentar vises, når en moderator har godkendt den.")
                )
            return _back_to(item, f"#kommentar-{comment.pk}")
    # Errors (or a GET): show the form alone, with what the person wrote.
    return render(
        request,
        "challenges/comment_form.html",
        {
            "municipality": municipality,
            "challenge": found,
            "idea": item,
            "form": form,
        },
        status=200 if request.method == "GET" else 400,
    )


@login_required
@municipality_view
def comment_edit(request: HttpRequest, municipality: Municipality, comment: int) -> HttpResponse:
    item = get_comment_or_404(request.user, municipality, comment)
    if item.author_id != request.user.pk:
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": item.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(item, request.user, body=form.cleaned_data["body"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return _back_to(item.idea, f"#kommentar-{item.pk}")
    return render(
        request,
        "challenges/comment_form.html",
        {
            "municipality": municipality,
            "challenge": item.idea.challenge,
            "idea": item.idea,
            "form": form,
            "editing": item,
        },
    )


@login_required
@require_POST
@municipality_view
def comment_delete(request: HttpRequest, municipality: Municipality, comment: int) -> HttpResponse:
    item = get_comment_or_404(request.user, municipality, comment)
    attempt(
        request, lambda: services.delete_comment(item, request.user), _("Din kommentar er slettet.")
    )
    return _back_to(item.idea, f"#kommentar-{item.pk}")


@login_required
@municipality_view
def flag_create(
    request: HttpRequest, municipality: Municipality, kind: str, pk: int
) -> HttpResponse:
    target: Idea | Comment
    if kind == "ide":
        found = Idea.objects.filter(pk=pk).values_list("challenge_id", flat=True).first()
        if found is None:
            raise Http404
        challenge = get_challenge_or_404(request.user, municipality, found)
        target = idea = get_idea_or_404(request.user, challenge, pk)
    else:
        target = get_comment_or_404(request.user, municipality, pk)
        idea = target.idea
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag(request.user, target, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Tak. En moderator ser på det."))
            return _back_to(idea)
    return render(
        request,
        "challenges/flag_form.html",
        {
            "municipality": municipality,
            "idea": idea,
            "target": target,
            "form": form,
        },
    )


@login_required
@municipality_view
def moderation_queue(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.has_perm("challenges.moderate", municipality):
        raise PermissionDenied
    # Only what lies in spaces the moderator may enter: an invite-only space stays closed.
    spaces = visible_spaces(request.user, municipality).values("pk")
    flags = list(
        Flag.objects.filter(resolved_at__isnull=True)
        .filter(
            Q(idea__challenge__space__in=spaces) | Q(comment__idea__challenge__space__in=spaces)
        )
        .select_related("idea__challenge", "comment__idea__challenge", "reporter")
        .order_by("created_at")[:200]
    )
    pending_ideas = list(
        Idea.objects.filter(visibility=Visibility.PENDING, challenge__space__in=spaces)
        .select_related("challenge", "author")
        # An edit sent back for approval: the moderator is told it is a new version.
        .annotate(n_versions=Count("revisions"))
        .order_by("created_at")[:200]
    )
    pending_comments = list(
        Comment.objects.filter(visibility=Visibility.PENDING, idea__challenge__space__in=spaces)
        .select_related("idea__challenge", "author")
        .order_by("created_at")[:200]
    )
    proposed = list(
        Challenge.objects.filter(status=ChallengeStatus.PROPOSED, space__in=spaces)
        .select_related("space", "posed_by", "municipality")
        .order_by("created_at")[:200]
    )
    return render(
        request,
        "challenges/moderation.html",
        {
            "municipality": municipality,
            "flags": flags,
            "pending_ideas": pending_ideas,
            "pending_comments": pending_comments,
            "proposed": proposed,
            "form": ModerationForm(),
        },
    )


@login_required
@require_POST
@municipality_view
def moderate(request: HttpRequest, municipality: Municipality, kind: str, pk: int) -> HttpResponse:
    model = {"ide": Idea, "kommentar": Comment}.get(kind)
    if model is None:
        raise Http404
    target = model.objects.filter(pk=pk).first()
    if target is None or not request.user.has_perm("challenges.moderate", target):
        raise Http404
    form = ModerationForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.moderate(
                target,
                request.user,
                visibility=form.cleaned_data["visibility"],
                reason=form.cleaned_data["reason"],
            ),
            _("Det er gjort. Forfatteren har fået besked."),
        )
    else:
        messages.error(request, form_errors(form))
    return redirect("challenges:moderation", municipality=municipality.slug)


@login_required
@require_POST
@municipality_view
def review(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = Challenge.objects.filter(pk=challenge).first()
    if found is None or not request.user.has_perm("challenges.moderate", found):
        raise Http404
    attempt(
        request,
        lambda: services.review_challenge(
            found,
            request.user,
            approve=request.POST.get("approve") == "1",
            reason=request.POST.get("reason", "")[:1000],
        ),
        _("Forslaget er behandlet."),
    )
    return redirect("challenges:moderation", municipality=municipality.slug)


@login_required
@require_POST
@municipality_view
def phase(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("challenges.manage_challenge", found):
        raise PermissionDenied
    form = PhaseForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.set_phase(found, request.user, form.cleaned_data["phase"]),
            _("Fasen er skiftet."),
        )
    else:
        messages.error(request, _("Vælg en fase."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
@municipality_view
def outcome(
    request: HttpRequest, municipality: Municipality, challenge: int, idea: int
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    item = get_idea_or_404(request.user, found, idea)
    if not request.user.has_perm("challenges.manage_challenge", found):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.set_outcome(item, request.user, **form.cleaned_data),
            _("Status er gemt, og de, der fulgte idéen, har fået besked."),
        )
    else:
        messages.error(request, form_errors(form))
    return _back_to(item)


@login_required
@municipality_view
def compare(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if not request.user.has_perm("challenges.compare", found):
        return _closed(request, municipality, found, phases.Action.COMPARE)
    if request.method == "POST":
        form = CompareForm(request.POST)
        if form.is_valid():
            ideas = Idea.objects.in_bulk([form.cleaned_data["left"], form.cleaned_data["right"]])
            left, right = (
                ideas.get(form.cleaned_data["left"]),
                ideas.get(form.cleaned_data["right"]),
            )
            if left is None or right is None:
                messages.error(request, _("Idéen findes ikke længere."))
            else:
                attempt(
                    request,
                    lambda: services.compare(
                        found,
                        request.user,
                        left=left,
                        right=right,
                        choice=form.cleaned_data["choice"],
                    ),
                )
        else:
            messages.error(request, _("Vælg en af de to idéer, eller »Kan ikke vælge«."))
        return redirect("challenges:compare", municipality=municipality.slug, challenge=found.pk)
    pair = next_pair_for(found, request.user)
    answered = counted_comparisons(found, request.user)
    return render(
        request,
        "challenges/compare.html",
        {
            "municipality": municipality,
            "challenge": found,
            "pair": pair,
            "answered": answered,
        },
    )


@municipality_view
def ranking(request: HttpRequest, municipality: Municipality, challenge: int) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    stored = Ranking.objects.filter(challenge=found).first()
    total = counted_comparisons(found)
    if total and (stored is None or stored.n_comparisons != total):
        # Votes arrived after the last fit: ask for a new one (debounced); show the last.
        services.schedule_ranking(found.pk)
    rows = ranked_rows(stored)
    return render(
        request,
        "challenges/ranking.html",
        {
            "municipality": municipality,
            "challenge": found,
            "ranking": stored,
            "rows": rows,
            "total": total,
            "can_compare": request.user.has_perm("challenges.compare", found),
        },
    )


@municipality_view
def export(
    request: HttpRequest, municipality: Municipality, challenge: int, fmt: str
) -> HttpResponse:
    found = get_challenge_or_404(request.user, municipality, challenge)
    if fmt not in exports.CSV_TABLES and fmt not in ("json", exports.XLSX_NAME):
        raise Http404
    data = exports.challenge_data(found)
    what = f"udfordring-{found.pk}"
    if fmt == "json":
        # The JSON stays machine-readable: the same document as the API's export.
        body = json.dumps(data, ensure_ascii=False, indent=1)
        return download(body, export_filename(municipality.slug, what, "json"))
    tables = exports.challenge_tables(data)
    if fmt == exports.XLSX_NAME:
        return download(
            xlsx_bytes(*tables.values()), export_filename(municipality.slug, what, "xlsx")
        )
    return download(
        excel_csv(tables[fmt]),
        export_filename(municipality.slug, f"{what}-{exports.TABLE_WHAT[fmt]}", "csv"),
    )
