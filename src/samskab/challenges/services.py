"""State changes for challenges: one function per use case, atomic, audited, notifying on commit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samskab.accounts.models import Organisation
from samskab.challenges import phases
from samskab.challenges.access import get_challenge_or_404 as get_challenge_or_404
from samskab.challenges.access import ideas_for as ideas_for
from samskab.challenges.closing import EDIT, phase_refusal
from samskab.challenges.models import (
    CURRENT_COMPARISON,
    Category,
    Challenge,
    ChallengeRevision,
    ChallengeStatus,
    Comment,
    Comparison,
    Flag,
    Idea,
    IdeaRevision,
    Outcome,
    Support,
    Visibility,
)
from samskab.challenges.ranking import next_pair_for as next_pair_for
from samskab.core import periods
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.ratelimit import check_rate
from samskab.core.validators import CPR_MESSAGE, contains_cpr
from samskab.municipalities.models import Space
from samskab.municipalities.models import Visibility as SpaceVisibility
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify

EDIT_WINDOW = timedelta(minutes=15)


def _is(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _refuse_cpr(*texts: str) -> None:
    # Categories and reasons reach here from forms, the API and the CLI alike; the service is the
    # one place all of them pass.
    if any(contains_cpr(t) for t in texts):
        raise ServiceError(str(CPR_MESSAGE))


# --- challenges --------------------------------------------------------------------------------


def pose_challenge(
    space: Space,
    actor: Any,
    *,
    title: str,
    description: str = "",
    ideas_until: date | None = None,
    prioritisation_until: date | None = None,
    decision_on: date | None = None,
    allow_pseudonyms: bool = True,
    premoderation: bool = False,
    categories: list[str] | None = None,
) -> Challenge:
    """Pose a challenge. People whose role may not pose one directly propose it for moderation."""
    direct = actor.has_perm("challenges.pose_challenge", space)
    if not direct and not actor.has_perm("challenges.propose_challenge", space):
        # Not even a proposal: the space is one the person may not enter (or no one is logged in).
        raise ServiceError(_("Du kan ikke foreslå en udfordring her."))
    if not direct and (ideas_until or prioritisation_until or decision_on or premoderation):
        raise ServiceError(
            _("Datoerne og forhåndsgodkendelsen sætter kommunen, når den godkender forslaget.")
        )
    names = list(dict.fromkeys(n.strip()[:80] for n in categories or [] if n.strip()))
    _refuse_cpr(title, description, *names)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            municipality=space.municipality,
            space=space,
            title=title,
            description=description,
            posed_by=_is(actor),
            status=ChallengeStatus.PUBLISHED if direct else ChallengeStatus.PROPOSED,
            ideas_until=ideas_until,
            prioritisation_until=prioritisation_until,
            decision_on=decision_on,
            allow_pseudonyms=allow_pseudonyms,
            premoderation=premoderation,
        )
        for name in names:
            Category.objects.create(municipality=space.municipality, challenge=challenge, name=name)
        record(
            challenge.municipality_id, actor, "challenge.posed", challenge, status=challenge.status
        )
    return challenge


def review_challenge(challenge: Challenge, actor: Any, *, approve: bool, reason: str = "") -> None:
    if not actor.has_perm("challenges.moderate", challenge):
        raise ServiceError(_("Kun moderatorer kan gøre dette."))
    _refuse_cpr(reason)
    if challenge.status != ChallengeStatus.PROPOSED:
        raise ServiceError(_("Udfordringen er allerede behandlet."))
    with transaction.atomic():
        challenge.status = ChallengeStatus.PUBLISHED if approve else ChallengeStatus.REJECTED
        challenge.save(update_fields=["status"])
        record(
            challenge.municipality_id,
            actor,
            "challenge.reviewed",
            challenge,
            approved=approve,
            reason=reason,
        )
        author = challenge.posed_by
        if author is not None:
            notify(
                author,
                Kind.MODERATION,
                in_language(
                    author, lambda: _("Din udfordring: %(title)s") % {"title": challenge.title}
                ),
                in_language(
                    author,
                    lambda: (
                        _("Din udfordring er godkendt og kan nu ses af andre.")
                        if approve
                        else _("Din udfordring er ikke godkendt. Begrundelse: %(reason)s")
                        % {"reason": reason or "–"}
                    ),
                ),
                link=challenge.get_absolute_url(),
                municipality=challenge.municipality,
            )


def set_phase(challenge: Challenge, actor: Any, phase: str) -> None:
    if not actor.has_perm("challenges.manage_challenge", challenge):
        raise ServiceError(_("Du kan ikke skifte fase for denne udfordring."))
    if phase not in phases.ORDER:
        raise ServiceError(_("Ukendt fase."))
    if phase == challenge.phase:
        return
    with transaction.atomic():
        old = challenge.phase
        challenge.phase = phase
        challenge.save(update_fields=["phase"])
        record(challenge.municipality_id, actor, "challenge.phase", challenge, old=old, new=phase)
        label = phases.Phase(phase)
        authors = {i.author for i in challenge.ideas.select_related("author") if i.author_id}
        for author in authors:
            notify(
                author,
                Kind.STATUS,
                in_language(author, lambda: _("Ny fase: %(title)s") % {"title": challenge.title}),
                in_language(
                    author,
                    lambda: (
                        _("Udfordringen »%(title)s« er gået videre til fasen: %(phase)s.")
                        % {"title": challenge.title, "phase": label.label}
                    ),
                ),
                link=challenge.get_absolute_url(),
                municipality=challenge.municipality,
            )


# What may change in a published challenge, and which phase's end each date marks: a date of a
# phase that has already run is history and stays as it was.
CHALLENGE_TEXT_FIELDS = ("title", "description")
CHALLENGE_SETTINGS = ("allow_pseudonyms", "premoderation")
PHASE_DATES = {
    "ideas_until": phases.Phase.IDEAS,
    "prioritisation_until": phases.Phase.PRIORITISATION,
    "decision_on": phases.Phase.DECISION,
}
EDITABLE_CHALLENGE_FIELDS = (*CHALLENGE_TEXT_FIELDS, *PHASE_DATES, *CHALLENGE_SETTINGS)
_DATE_LABELS = {
    "ideas_until": gettext_lazy("Datoen for idéfasens slutning"),
    "prioritisation_until": gettext_lazy("Datoen for prioriteringens slutning"),
    "decision_on": gettext_lazy("Datoen for beslutningen"),
}


def editable_dates(challenge: Challenge) -> list[str]:
    """The phase dates that may still change: those of the current phase and the ones after."""
    current = phases.ORDER.index(challenge.phase) if challenge.phase in phases.ORDER else 0
    return [f for f, p in PHASE_DATES.items() if phases.ORDER.index(p) >= current]


def edit_challenge(challenge: Challenge, actor: Any, **changes: Any) -> Challenge:
    """Change a published challenge: its title and description (marked "Redigeret <dato>" on the
    page), the dates of phases still to come or running, and its settings. The poser (once it
    is published) and process runners may. The earlier version is kept in ChallengeRevision."""
    if not actor.has_perm("challenges.manage_challenge", challenge):
        raise ServiceError(_("Du kan ikke rette denne udfordring."))
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise ServiceError(_("Kun en offentliggjort udfordring kan rettes her."))
    unknown = set(changes) - set(EDITABLE_CHALLENGE_FIELDS)
    if unknown:
        raise ServiceError(_("Det felt kan ikke rettes."))
    if "title" in changes:
        changes["title"] = str(changes["title"]).strip()
        if not changes["title"]:
            raise ServiceError(_("Udfordringen skal have en titel."))
    _refuse_cpr(*(str(changes.get(f, "")) for f in CHALLENGE_TEXT_FIELDS))
    changed = {f: v for f, v in changes.items() if getattr(challenge, f) != v}
    if not changed:
        return challenge
    open_dates = editable_dates(challenge)
    for field in PHASE_DATES:
        if field in changed and field not in open_dates:
            raise ServiceError(
                _("%(what)s kan ikke ændres, fordi den fase allerede er slut.")
                % {"what": _DATE_LABELS[field]}
            )
    dates = [changed.get(f, getattr(challenge, f)) for f in PHASE_DATES]
    known = [d for d in dates if d]
    if known != sorted(known):
        raise ServiceError(_("Datoerne skal komme i rækkefølge: idéer, prioritering, beslutning."))
    with transaction.atomic():
        before = {
            f: (v.isoformat() if isinstance(v, date) else v)
            for f in EDITABLE_CHALLENGE_FIELDS
            for v in [getattr(challenge, f)]
        }
        revision = ChallengeRevision.objects.create(
            municipality_id=challenge.municipality_id,
            challenge=challenge,
            data=before,
            edited_by=_is(actor),
        )
        for field, value in changed.items():
            setattr(challenge, field, value)
        fields = list(changed)
        if set(changed) & set(CHALLENGE_TEXT_FIELDS):
            challenge.edited_at = timezone.now()
            fields.append("edited_at")
        challenge.save(update_fields=fields)
        record(
            challenge.municipality_id,
            actor,
            "challenge.edited",
            challenge,
            fields=sorted(changed),
            revision=revision.pk,
        )
    return challenge


def challenge_revisions(user: Any, challenge: Challenge) -> list[ChallengeRevision]:
    """Earlier versions of the challenge, newest first, for those who may run it. One query."""
    if not user.has_perm("challenges.manage_challenge", challenge):
        return []
    return list(challenge.revisions.select_related("edited_by"))


# --- ideas -------------------------------------------------------------------------------------


def submit_idea(
    challenge: Challenge,
    actor: Any,
    *,
    title: str,
    body: str,
    category: Category | None = None,
    on_behalf_of: Organisation | None = None,
    use_pseudonym: bool = False,
) -> Idea:
    if not actor.has_perm("challenges.submit_idea", challenge):
        raise ServiceError(
            phase_refusal(challenge, phases.Action.SUBMIT)
            or _("Du kan ikke foreslå idéer til denne udfordring.")
        )
    title = title.strip()
    if Idea.objects.filter(challenge=challenge, author=actor, title__iexact=title).exists():
        raise ServiceError(_("Du har allerede foreslået en idé med den titel."))
    if category is not None and category.challenge_id != challenge.pk:
        raise ServiceError(_("Kategorien hører ikke til udfordringen."))
    if on_behalf_of is not None and not on_behalf_of.affiliations.filter(person=actor).exists():
        raise ServiceError(_("Du kan kun skrive på vegne af en organisation, du er tilknyttet."))
    check_rate(actor.pk, "idea")
    with transaction.atomic():
        idea = Idea.objects.create(
            municipality=challenge.municipality,
            challenge=challenge,
            author=actor,
            title=title,
            body=body,
            category=category,
            on_behalf_of=on_behalf_of,
            use_pseudonym=use_pseudonym and challenge.allow_pseudonyms,
            visibility=Visibility.PENDING if challenge.premoderation else Visibility.VISIBLE,
        )
        record(challenge.municipality_id, actor, "idea.submitted", idea)
    return idea


def idea_edit_refusal(idea: Idea, actor: Any) -> str | None:
    """Why the person may not edit this idea now (None if they may): the rule edit_idea
    applies, for pages that say it before anyone types."""
    if not getattr(actor, "is_authenticated", False) or idea.author_id != actor.pk:
        return _("Du kan kun rette dine egne idéer.")
    if idea.visibility == Visibility.HIDDEN:
        return _(
            "En moderator har skjult idéen, så den kan ikke rettes. Er du uenig i "
            "begrundelsen, kan du skrive til kommunen."
        )
    if not actor.has_perm("challenges.edit_idea", idea):
        return phase_refusal(idea.challenge, EDIT) or _(
            "Du kan ikke rette idéen i denne udfordring."
        )
    return None


def edit_idea(idea: Idea, actor: Any, *, title: str, body: str) -> Idea:
    """The author changes their idea's title and text while the challenge collects ideas (its
    idea phase). Before anyone has commented on or supported it the change is silent; after,
    the page shows "Redigeret <dato>". A hidden idea cannot be changed; under pre-moderation the
    new text waits for a moderator again. The earlier text is kept in IdeaRevision."""
    refusal = idea_edit_refusal(idea, actor)
    if refusal:
        raise ServiceError(refusal)
    challenge = idea.challenge
    title = title.strip()
    if not title:
        raise ServiceError(_("Idéen skal have en titel."))
    _refuse_cpr(title, body)
    if title == idea.title and body == idea.body:
        return idea
    duplicate = Idea.objects.filter(challenge=challenge, author=actor, title__iexact=title)
    if duplicate.exclude(pk=idea.pk).exists():
        raise ServiceError(_("Du har allerede foreslået en idé med den titel."))
    check_rate(actor.pk, "idea")
    with transaction.atomic():
        # Read again under a lock: a comment or support arriving meanwhile decides the mark.
        current = Idea.objects.select_for_update().get(pk=idea.pk)
        revision = IdeaRevision.objects.create(
            municipality_id=idea.municipality_id,
            idea=idea,
            title=current.title,
            body=current.body,
            edited_by=actor,
        )
        old = current.visibility
        idea.title, idea.body = title, body
        fields = ["title", "body", "visibility"]
        if current.comment_count or current.support_count or current.edited_at:
            idea.edited_at = timezone.now()
            fields.append("edited_at")
        # As for comments: new text nobody has reviewed waits for a moderator again.
        if challenge.premoderation and old == Visibility.VISIBLE:
            idea.visibility = Visibility.PENDING
        idea.save(update_fields=fields)
        record(
            idea.municipality_id,
            actor,
            "idea.edited",
            idea,
            revision=revision.pk,
            old=old,
            new=idea.visibility,
        )
    return idea


def idea_revisions(user: Any, idea: Idea) -> list[IdeaRevision]:
    """Earlier versions of the idea, newest first, for its author and moderators. One query."""
    mine = getattr(user, "is_authenticated", False) and idea.author_id == user.pk
    if not mine and not user.has_perm("challenges.moderate", idea):
        return []
    return list(idea.revisions.all())


def set_outcome(idea: Idea, actor: Any, *, outcome: str, note: str = "") -> None:
    """Tell people what became of an idea; its author and supporters get a mail."""
    if not actor.has_perm("challenges.manage_challenge", idea.challenge):
        raise ServiceError(_("Du kan ikke give idéer status i denne udfordring."))
    _refuse_cpr(note)
    if outcome not in Outcome.values:
        raise ServiceError(_("Ukendt status."))
    with transaction.atomic():
        idea.outcome, idea.outcome_note = outcome, note
        idea.save(update_fields=["outcome", "outcome_note"])
        record(idea.municipality_id, actor, "idea.outcome", idea, outcome=outcome)
        people = idea_people([idea])
        label = Outcome(outcome)
        for person in people:
            notify(
                person,
                Kind.STATUS,
                in_language(person, lambda: _("Nyt om idéen: %(title)s") % {"title": idea.title}),
                in_language(
                    person,
                    lambda: (
                        _("Idéen »%(title)s« har fået status: %(status)s.\n\n%(note)s")
                        % {"title": idea.title, "status": label.label, "note": note}
                    ),
                ),
                link=idea.get_absolute_url(),
                municipality=idea.municipality,
            )


def idea_people(ideas: list[Idea]) -> set[Any]:
    """Whom to tell what becomes of these ideas: their authors and supporters (two queries)."""
    ids = [idea.pk for idea in ideas]
    people = {s.person for s in Support.objects.filter(idea__in=ids).select_related("person")}
    people.update(i.author for i in Idea.objects.filter(pk__in=ids).select_related("author"))
    people.discard(None)
    return people


def visible_ideas(user: Any, challenge: Challenge, ids: list[int]) -> list[Idea]:
    """The ideas with these ids in the challenge that the person may see (none if they may not
    see the challenge), in one query."""
    if not user.has_perm("challenges.view_challenge", challenge):
        return []
    return list(ideas_for(user, challenge).filter(pk__in=ids).select_related("challenge"))


# --- support -----------------------------------------------------------------------------------


def support(idea: Idea, actor: Any) -> None:
    if getattr(actor, "is_authenticated", False) and idea.author_id == actor.pk:
        raise ServiceError(_("Du kan ikke støtte din egen idé."))
    if idea.visibility != Visibility.VISIBLE:
        raise ServiceError(_("Idéen kan ikke støttes, fordi den ikke er synlig for andre."))
    if not actor.has_perm("challenges.support", idea):
        raise ServiceError(
            phase_refusal(idea.challenge, phases.Action.SUPPORT)
            or _("Du kan ikke støtte idéer i denne udfordring.")
        )
    try:
        with transaction.atomic():
            Support.objects.create(municipality=idea.municipality, idea=idea, person=actor)
            # F() keeps the count exact when many people click at once.
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
            record(idea.municipality_id, actor, "idea.supported", idea)
    except IntegrityError:
        raise ServiceError(_("Du støtter allerede idéen.")) from None


def withdraw_support(idea: Idea, actor: Any) -> None:
    # The same rule as giving support: once the phase closes, the counts the decision rests on
    # stay as they were. Asked about the challenge, so support given before authors were kept
    # from supporting their own ideas can still be withdrawn.
    if not actor.has_perm("challenges.support", idea.challenge):
        raise ServiceError(
            phase_refusal(idea.challenge, phases.Action.SUPPORT)
            or _("Du kan ikke ændre din støtte i denne udfordring.")
        )
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(idea=idea, person=actor).delete()
        if not deleted:
            raise ServiceError(_("Du støtter ikke idéen."))
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
        record(idea.municipality_id, actor, "idea.support_withdrawn", idea)


# --- comments ----------------------------------------------------------------------------------


def add_comment(idea: Idea, actor: Any, *, body: str, parent: Comment | None = None) -> Comment:
    if idea.visibility != Visibility.VISIBLE or not actor.has_perm("challenges.comment", idea):
        raise ServiceError(
            phase_refusal(idea.challenge, phases.Action.COMMENT) or _("Du kan ikke kommentere her.")
        )
    if parent is not None and (parent.idea_id != idea.pk or parent.deleted_at is not None):
        raise ServiceError(_("Du kan ikke svare på den kommentar."))
    check_rate(actor.pk, "comment")
    challenge = idea.challenge
    with transaction.atomic():
        comment = Comment.objects.create(
            municipality=idea.municipality,
            idea=idea,
            parent=parent,
            author=actor,
            body=body,
            use_pseudonym=challenge.allow_pseudonyms
            and bool(actor.pseudonym)
            and not actor.display_name,
            visibility=Visibility.PENDING if challenge.premoderation else Visibility.VISIBLE,
        )
        if comment.visibility == Visibility.VISIBLE:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
            _notify_reply(comment, actor)
        record(idea.municipality_id, actor, "comment.added", comment)
    return comment


def _notify_reply(comment: Comment, actor: Any) -> None:
    target = comment.parent.author if comment.parent else comment.idea.author
    if target is None or target.pk == actor.pk:
        return
    idea = comment.idea
    link = idea.get_absolute_url()
    notify(
        target,
        Kind.REPLIES,
        in_language(target, lambda: _("Nyt svar: %(title)s") % {"title": idea.title}),
        in_language(
            target,
            lambda: (
                _(
                    "Der er kommet et svar på det, du skrev om »%(title)s«:\n\n%(body)s\n\n"
                    "Læs det her: %(link)s"
                )
                % {"title": idea.title, "body": comment.body, "link": settings.SITE_URL + link}
            ),
        ),
        link=link,
        municipality=idea.municipality,
    )


def edit_comment(comment: Comment, actor: Any, *, body: str) -> None:
    if comment.author_id != actor.pk or comment.deleted_at is not None:
        raise ServiceError(_("Du kan kun rette dine egne kommentarer."))
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise ServiceError(_("Du kan kun rette en kommentar i de første 15 minutter."))
    with transaction.atomic():
        old = comment.visibility
        comment.body, comment.edited_at = body, timezone.now()
        # Under pre-moderation an edit is new text nobody has reviewed, so the comment waits for a
        # moderator again and is not shown meanwhile, rather than keep showing the approved text:
        # people mostly edit in the first minutes to take something back (a name, an address, a
        # harsh word), and a municipality must not keep publishing what the author withdrew.
        # Replies keep their place; the author sees the new text marked as waiting.
        if comment.idea.challenge.premoderation and old == Visibility.VISIBLE:
            comment.visibility = Visibility.PENDING
        comment.save(update_fields=["body", "edited_at", "visibility"])
        _count_delta(comment, old, comment.visibility)
        record(
            comment.municipality_id,
            actor,
            "comment.edited",
            comment,
            old=old,
            new=comment.visibility,
        )


def delete_comment(comment: Comment, actor: Any) -> None:
    """The author deletes: the text goes, a tombstone keeps the thread readable."""
    if comment.author_id != actor.pk or comment.deleted_at is not None:
        raise ServiceError(_("Du kan kun slette dine egne kommentarer."))
    with transaction.atomic():
        was_visible = comment.visibility == Visibility.VISIBLE
        comment.body, comment.deleted_at = "", timezone.now()
        comment.save(update_fields=["body", "deleted_at"])
        if was_visible:
            Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") - 1)
        record(comment.municipality_id, actor, "comment.deleted", comment)


# --- moderation --------------------------------------------------------------------------------


def flag(actor: Any, target: Idea | Comment, *, reason: str) -> Flag:
    idea = target if isinstance(target, Idea) else target.idea
    if getattr(actor, "is_authenticated", False) and target.author_id == actor.pk:
        raise ServiceError(
            _("Du kan ikke anmelde din egen idé.")
            if isinstance(target, Idea)
            else _("Du kan ikke anmelde din egen kommentar.")
        )
    # Asked about the target: nobody flags what they wrote (rules.is_author).
    if not actor.has_perm("challenges.flag", target):
        raise ServiceError(_("Du kan ikke anmelde her."))
    check_rate(actor.pk, "flag")
    try:
        with transaction.atomic():
            created = Flag.objects.create(
                municipality=idea.municipality,
                idea=target if isinstance(target, Idea) else None,
                comment=target if isinstance(target, Comment) else None,
                reporter=actor,
                reason=reason,
            )
            record(idea.municipality_id, actor, "flag.created", target, reason=reason)
    except IntegrityError:
        raise ServiceError(
            _("Du har allerede anmeldt dette. En moderator kigger på det.")
        ) from None
    return created


def _count_delta(target: Idea | Comment, old: str, new: str) -> None:
    if isinstance(target, Comment) and target.deleted_at is None and old != new:
        delta = (new == Visibility.VISIBLE) - (old == Visibility.VISIBLE)
        if delta:
            Idea.objects.filter(pk=target.idea_id).update(comment_count=F("comment_count") + delta)


_MODERATION_TEXT = {
    Visibility.HIDDEN: gettext_lazy(
        "En moderator har skjult det, du skrev om »%(title)s«. Begrundelse: %(reason)s"
    ),
    Visibility.VISIBLE: gettext_lazy(
        "Det, du skrev om »%(title)s«, kan nu ses af alle. %(reason)s"
    ),
}


def moderate(target: Idea | Comment, actor: Any, *, visibility: str, reason: str) -> None:
    """Hide, restore or approve an idea or comment, with a reason the author sees."""
    if not actor.has_perm("challenges.moderate", target):
        raise ServiceError(_("Kun moderatorer kan gøre dette."))
    if visibility not in (Visibility.HIDDEN, Visibility.VISIBLE):
        raise ServiceError(_("Vælg, om det skal skjules eller vises."))
    if visibility == Visibility.HIDDEN and not reason.strip():
        raise ServiceError(_("Skriv en begrundelse, som forfatteren kan se."))
    _refuse_cpr(reason)
    with transaction.atomic():
        old = target.visibility
        target.visibility, target.moderation_reason = visibility, reason
        target.save(update_fields=["visibility", "moderation_reason"])
        _count_delta(target, old, visibility)
        flags = Flag.objects.filter(resolved_at__isnull=True)
        flags = (
            flags.filter(idea=target) if isinstance(target, Idea) else flags.filter(comment=target)
        )
        flags.update(resolved_at=timezone.now(), resolved_by=actor)
        record(
            target.municipality_id,
            actor,
            f"{target._meta.model_name}.moderated",
            target,
            old=old,
            new=visibility,
            reason=reason,
        )
        author = target.author
        idea = target if isinstance(target, Idea) else target.idea
        if author is not None and old != visibility:
            text = _MODERATION_TEXT[Visibility(visibility)]
            notify(
                author,
                Kind.MODERATION,
                in_language(author, lambda: _("Besked fra moderator")),
                in_language(author, lambda: str(text) % {"title": idea.title, "reason": reason}),
                link=idea.get_absolute_url(),
                municipality=idea.municipality,
            )


# --- pairwise ----------------------------------------------------------------------------------


def compare(
    challenge: Challenge, actor: Any, *, left: Idea, right: Idea, choice: str
) -> Comparison:
    """Record which of two ideas matters more. One vote per person per pair: a new answer
    replaces the person's earlier one in the ranking (the old row stays as history), and the
    same answer again changes nothing."""
    if not actor.has_perm("challenges.compare", challenge):
        raise ServiceError(
            phase_refusal(challenge, phases.Action.COMPARE)
            or _("Du kan ikke sammenligne idéer i denne udfordring.")
        )
    if choice not in Comparison.Choice.values:
        raise ServiceError(_("Vælg en af de to idéer, eller »Kan ikke vælge«."))
    if left.pk == right.pk or {left.challenge_id, right.challenge_id} != {challenge.pk}:
        raise ServiceError(_("De to idéer skal være forskellige idéer fra udfordringen."))
    if left.visibility != Visibility.VISIBLE or right.visibility != Visibility.VISIBLE:
        raise ServiceError(_("Idéen kan ikke længere ses."))
    check_rate(
        actor.pk,
        "compare",
        _("Du har sammenlignet mange idéer på kort tid. Hold en lille pause, og prøv så igen."),
    )
    answer = Comparison(
        municipality=challenge.municipality,
        challenge=challenge,
        person=actor,
        left=left,
        right=right,
        choice=choice,
    )
    try:
        return _replace_answer(answer, actor)
    except IntegrityError:
        pass
    # The same person answered the same pair at the same moment (two tabs, a double click) and
    # that answer is now the current one: put this one on top of it, as if it came second.
    try:
        return _replace_answer(answer, actor)
    except IntegrityError:
        raise ServiceError(_("Dit svar blev ikke gemt. Prøv igen.")) from None


def _replace_answer(answer: Comparison, actor: Any) -> Comparison:
    """Save `answer` as the person's current one for its pair; the database allows only one."""
    with transaction.atomic():
        pair = Q(left_id=answer.left_id, right_id=answer.right_id) | Q(
            left_id=answer.right_id, right_id=answer.left_id
        )
        current = (
            Comparison.objects.select_for_update()
            .filter(pair, CURRENT_COMPARISON, person=actor)
            .first()
        )
        if current is not None and current.winner_id == answer.winner_id:
            return current
        if current is not None:
            Comparison.objects.filter(pk=current.pk).update(superseded_at=timezone.now())
        answer.pk = None
        answer.save(force_insert=True)
        record(
            answer.municipality_id,
            actor,
            "comparison.made",
            answer,
            replaces=current.pk if current is not None else None,
        )
        challenge_id = answer.challenge_id
        transaction.on_commit(lambda: schedule_ranking(challenge_id))
    return answer


RANKING_DEBOUNCE_S = 5


def schedule_ranking(challenge_id: int) -> None:
    """Recompute the ranking soon; a burst of votes triggers one computation, not one each."""
    from samskab.challenges.tasks import recompute_ranking

    if cache.add(f"ranking-pending:{challenge_id}", 1, timeout=RANKING_DEBOUNCE_S):
        recompute_ranking.enqueue(challenge_id)


MAYOR_QUESTION = gettext_lazy("Hvordan kan bevægelsen starte i vores kommune?")
MAYOR_QUESTION_BACKGROUND = gettext_lazy(
    "Samskabelse skal ikke styres oppefra, men et godt første skridt er at spørge: Hvordan kan "
    "bevægelsen starte netop her? Kom med dine idéer – store som små – til, hvem der skal "
    "involveres, og hvad vi skal tage fat på først."
)


def start_with_mayor_question(movement: Any, actor: Any) -> Challenge:
    """The template offered when a movement opens: the mayor's open question, in its own space."""
    from samskab.municipalities.services import create_space

    space = create_space(
        movement,
        actor,
        title=str(gettext_lazy("Bevægelsens start")),
        description=str(gettext_lazy("Her begynder samskabelsen i kommunen.")),
    )
    return pose_challenge(
        space, actor, title=str(MAYOR_QUESTION), description=str(MAYOR_QUESTION_BACKGROUND)
    )


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every published challenge that existed by `end` (a proposed or rejected one is not
    listed), public when it lies in a public space; its categories as "category:<slug of the
    name>", so challenges sharing a category name are suggested ties. Activities, each on the
    local day of its `created_at`: the challenge posed (its poser), ideas (the author, and the
    organisation it was posted on behalf of), comments (target: the author of the comment
    replied to, else of the idea), supports (target: the idea's author and organisation) and
    pairwise comparisons. Only what everyone in the arena sees counts: ideas and comments
    waiting for or hidden by moderation, and deleted comments, are left out, and so are the
    comments and supports of such ideas. An inactive account (a workshop guest, a deleted
    person) is listed without its person. Six queries, whatever the amount."""
    kwargs = {"municipality": municipality}
    since, until = periods.bounds(start, end)
    in_period = periods.within("created_at", start, end)
    published = Challenge.objects.filter(
        **kwargs, status=ChallengeStatus.PUBLISHED, created_at__lt=until
    )
    rows = published.values_list(
        "pk", "title", "space__visibility", "posed_by_id", "posed_by__is_active", "created_at"
    )
    categories: dict[int, list[str]] = {}
    for challenge_id, name in (
        Category.objects.filter(**kwargs, challenge__in=published.values("pk"))
        .order_by("challenge_id", "name")
        .values_list("challenge_id", "name")
    ):
        categories.setdefault(challenge_id, []).append(
            f"category:{slugify(name, allow_unicode=True) or name}"
        )
    arenas, activities = [], []
    for pk, title, visibility, poser, active, created_at in rows:
        key = f"challenge:{pk}"
        arenas.append(
            Arena(
                key=key,
                kind="challenge",
                label=title,
                public=visibility == SpaceVisibility.PUBLIC,
                url=reverse(
                    "challenges:detail",
                    kwargs={"municipality": municipality.slug, "challenge": pk},
                ),
                categories=tuple(categories.get(pk, ())),
            )
        )
        if since <= created_at < until:
            activities.append(
                Activity("challenge", periods.day(created_at), key, periods.known(poser, active))
            )
    shown = {
        **kwargs,
        "visibility": Visibility.VISIBLE,
        "challenge__status": ChallengeStatus.PUBLISHED,
    }
    for challenge_id, author, active, org, created_at in Idea.objects.filter(
        **shown, **in_period
    ).values_list(
        "challenge_id", "author_id", "author__is_active", "on_behalf_of_id", "created_at"
    ):
        activities.append(
            Activity(
                "idea",
                periods.day(created_at),
                f"challenge:{challenge_id}",
                person_id=periods.known(author, active),
                organisation_id=org,
            )
        )
    for row in Comment.objects.filter(
        **kwargs,
        **in_period,
        visibility=Visibility.VISIBLE,
        deleted_at__isnull=True,
        idea__visibility=Visibility.VISIBLE,
        idea__challenge__status=ChallengeStatus.PUBLISHED,
    ).values_list(
        "idea__challenge_id",
        "author_id",
        "author__is_active",
        "created_at",
        "parent_id",
        "parent__author_id",
        "parent__author__is_active",
        "idea__author_id",
        "idea__author__is_active",
        "idea__on_behalf_of_id",
    ):
        challenge_id, author, active, created_at, parent, p_author, p_active = row[:7]
        i_author, i_active, i_org = row[7:]
        if parent is not None:
            target, target_org = periods.known(p_author, p_active), None
        else:
            target, target_org = periods.known(i_author, i_active), i_org
        activities.append(
            Activity(
                "comment",
                periods.day(created_at),
                f"challenge:{challenge_id}",
                person_id=periods.known(author, active),
                target_person_id=target,
                target_organisation_id=target_org,
            )
        )
    for (
        challenge_id,
        person,
        active,
        i_author,
        i_active,
        i_org,
        created_at,
    ) in Support.objects.filter(
        **kwargs,
        **in_period,
        idea__visibility=Visibility.VISIBLE,
        idea__challenge__status=ChallengeStatus.PUBLISHED,
    ).values_list(
        "idea__challenge_id",
        "person_id",
        "person__is_active",
        "idea__author_id",
        "idea__author__is_active",
        "idea__on_behalf_of_id",
        "created_at",
    ):
        activities.append(
            Activity(
                "support",
                periods.day(created_at),
                f"challenge:{challenge_id}",
                person_id=periods.known(person, active),
                target_person_id=periods.known(i_author, i_active),
                target_organisation_id=i_org,
            )
        )
    for challenge_id, person, active, created_at in Comparison.objects.filter(
        **kwargs, **in_period, challenge__status=ChallengeStatus.PUBLISHED
    ).values_list("challenge_id", "person_id", "person__is_active", "created_at"):
        activities.append(
            Activity(
                "comparison",
                periods.day(created_at),
                f"challenge:{challenge_id}",
                person_id=periods.known(person, active),
            )
        )
    return ActivityReport(tuple(arenas), tuple(activities))


# --------------------------------------------------------------------------------------------
# The movement dashboard's read functions (samskab.landscape.dashboard)
# --------------------------------------------------------------------------------------------


def challenges_by_phase(user: Any, municipality: Any) -> dict[str, int]:
    """How many published challenges, in spaces the person may enter, are in each phase now
    (every phase present, 0 where none). Two queries, whatever the number of challenges."""
    from samskab.municipalities.access import visible_spaces

    counts = dict.fromkeys(phases.ORDER, 0)
    rows = (
        Challenge.objects.filter(
            municipality=municipality,
            status=ChallengeStatus.PUBLISHED,
            space__in=visible_spaces(user, municipality).values("pk"),
        )
        .order_by()
        .values_list("phase")
        .annotate(n=Count("pk"))
        .values_list("phase", "n")
    )
    for phase, n in rows:
        counts[phase] = counts.get(phase, 0) + n
    return counts


# -- for the start page (samskab.home) ---------------------------------------------------------


def open_challenges(user: Any, municipality: Any, *, limit: int = 50) -> list[Challenge]:
    """Published challenges still open for taking part (every phase but follow-up), in spaces
    the person may enter, earliest phase first. One query."""
    from samskab.municipalities.access import visible_spaces

    found = list(
        Challenge.objects.filter(
            municipality=municipality,
            status=ChallengeStatus.PUBLISHED,
            space__in=visible_spaces(user, municipality).values("pk"),
        )
        .exclude(phase=phases.Phase.FOLLOW_UP)
        .select_related("municipality", "space")
        .order_by("-created_at", "-pk")[:limit]
    )
    found.sort(key=lambda c: phases.ORDER.index(c.phase) if c.phase in phases.ORDER else 99)
    return found


def is_mayor_question(challenge: Challenge) -> bool:
    """Whether the challenge is the mayor's open question a movement can start with (in any
    language the platform speaks: it is stored in the language it was posed in)."""
    from django.utils import translation

    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(MAYOR_QUESTION))
    return challenge.title in titles


def recent_ideas(user: Any, municipality: Any, *, limit: int = 5) -> list[Idea]:
    """The newest visible ideas in published challenges the person may see. One query."""
    from samskab.municipalities.access import visible_spaces

    return list(
        Idea.objects.filter(
            municipality=municipality,
            visibility=Visibility.VISIBLE,
            challenge__status=ChallengeStatus.PUBLISHED,
            challenge__space__in=visible_spaces(user, municipality).values("pk"),
        )
        .select_related("challenge__municipality", "municipality")
        .order_by("-created_at", "-pk")[:limit]
    )


def my_ideas(user: Any, *, limit: int = 20) -> list[Idea]:
    """The person's own ideas in every municipality, newest first, with what became of them
    (outcome and note). Their own rows, so read across municipalities. One query."""
    from django_scopes import scopes_disabled

    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        return list(
            Idea.objects.filter(author=user)
            .select_related("challenge__municipality", "municipality")
            .order_by("-created_at", "-pk")[:limit]
        )


def moderation_waiting(user: Any, municipality: Any) -> int:
    """How many items wait for a moderator in spaces the person may enter: open flags, ideas
    and comments awaiting approval, proposed challenges (what the moderation queue lists).
    0 for someone who may not moderate here. One query."""
    from samskab.municipalities.access import visible_spaces

    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "challenges.moderate", municipality
    ):
        return 0
    spaces = visible_spaces(user, municipality).values("pk")
    parts = [
        Flag.objects.filter(municipality=municipality, resolved_at__isnull=True)
        .filter(
            Q(idea__challenge__space__in=spaces) | Q(comment__idea__challenge__space__in=spaces)
        )
        .values("pk"),
        Idea.objects.filter(
            municipality=municipality, visibility=Visibility.PENDING, challenge__space__in=spaces
        ).values("pk"),
        Comment.objects.filter(
            municipality=municipality,
            visibility=Visibility.PENDING,
            idea__challenge__space__in=spaces,
        ).values("pk"),
        Challenge.objects.filter(
            municipality=municipality, status=ChallengeStatus.PROPOSED, space__in=spaces
        ).values("pk"),
    ]
    first, *rest = (p.order_by() for p in parts)
    return first.union(*rest, all=True).count()


# -- for the council report ---------------------------------------------------------------------


def report_figures(user: Any, challenge: Challenge) -> dict[str, Any] | None:
    """What the council report shows of a challenge: its visible ideas (newest first) with their
    outcome and support, the stored ranking with its uncertainty, and who took part by role
    (authors, supporters and those who compared; roles counted per person). None unless the
    person may see the challenge. Six queries, whatever the number of ideas or people."""
    from samskab.challenges.models import Ranking

    if not user.has_perm("challenges.view_challenge", challenge):
        return None
    ideas = list(
        Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
        .order_by("-support_count", "pk")
        .values("pk", "title", "outcome", "support_count", "comment_count")
    )
    ranking = Ranking.objects.filter(challenge=challenge).first()
    titles = {i["pk"]: i["title"] for i in ideas}
    ranked = [
        {
            "title": titles[r["idea"]],
            "position": r["position"],
            "score": r["score"],
            "low": r["low"],
            "high": r["high"],
            "needs_more_votes": r["needs_more_votes"],
        }
        for r in (ranking.data if ranking else [])
        if r["idea"] in titles
    ]
    participants = _roles_of_participants([challenge.pk], challenge.municipality_id)
    return {
        "ideas": ideas,
        "ranking": ranked,
        "comparisons": ranking.n_comparisons if ranking else 0,
        "participants": len(participants),
        "roles": participants,
    }


# -- for search ---------------------------------------------------------------------------------


def search_challenges(user: Any, municipality: Any, query: str, *, limit: int = 20) -> list[Any]:
    """Published challenges in spaces the person may enter whose title or description holds
    every word of the query (samskab.core.search), newest first. One query."""
    from samskab.core import search
    from samskab.municipalities.access import visible_spaces

    found = Challenge.objects.filter(
        municipality=municipality,
        status=ChallengeStatus.PUBLISHED,
        space__in=visible_spaces(user, municipality).values("pk"),
    )
    return list(
        search.search(found, query, ["title", "description"])
        .select_related("municipality")
        .order_by("-created_at", "-pk")[:limit]
    )


def search_ideas(user: Any, municipality: Any, query: str, *, limit: int = 20) -> list[Any]:
    """Ideas the person may see (visible ones and their own) in published challenges in spaces
    they may enter, by title and text, newest first. One query."""
    from samskab.core import search
    from samskab.municipalities.access import visible_spaces

    seen = Q(visibility=Visibility.VISIBLE)
    if getattr(user, "is_authenticated", False):
        seen |= Q(author=user)
    found = Idea.objects.filter(
        seen,
        municipality=municipality,
        challenge__status=ChallengeStatus.PUBLISHED,
        challenge__space__in=visible_spaces(user, municipality).values("pk"),
    )
    return list(
        search.search(found, query, ["title", "body"])
        .select_related("municipality", "challenge")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- read for reports ---


def movement_report_figures(user: Any, municipality: Any) -> dict[str, Any]:
    """What the movement's council report shows of all its challenges together: each published
    challenge in a space the person may enter (title, phase, visible ideas, selected ideas), the
    visible ideas counted by outcome with their support and comments, and who took part
    (authors, supporters and those who compared; roles per person, each person once across
    the challenges). Five queries, whatever the number of challenges, ideas or people."""
    from samskab.municipalities.access import visible_spaces

    found = list(
        Challenge.objects.filter(
            municipality=municipality,
            status=ChallengeStatus.PUBLISHED,
            space__in=visible_spaces(user, municipality).values("pk"),
        )
        .order_by("created_at", "pk")
        .values("pk", "title", "phase")
    )
    ids = [c["pk"] for c in found]
    ideas = list(
        Idea.objects.filter(challenge__in=ids, visibility=Visibility.VISIBLE).values(
            "challenge_id", "title", "outcome", "support_count", "comment_count"
        )
    )
    participants = _roles_of_participants(ids, municipality.pk)
    per: dict[int, dict[str, Any]] = {c["pk"]: {**c, "ideas": 0, "selected": []} for c in found}
    for i in ideas:
        row = per[i["challenge_id"]]
        row["ideas"] += 1
        if i["outcome"] in ("selected", "implemented"):
            row["selected"].append(i["title"])
    return {
        "challenges": list(per.values()),
        "ideas": ideas,
        "participants": len(participants),
        "roles": participants,
    }


def _roles_of_participants(challenge_ids: list[int], municipality_id: int) -> list[list[str]]:
    """Everyone who took part in these challenges (wrote an idea, supported one or compared
    two), once each, in person order: their roles in the municipality. Four queries."""
    from samskab.accounts.models import Membership

    people = set(
        Idea.objects.filter(challenge__in=challenge_ids, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    people.update(
        Support.objects.filter(idea__challenge__in=challenge_ids).values_list(
            "person_id", flat=True
        )
    )
    people.update(
        Comparison.objects.filter(challenge__in=challenge_ids, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    roles: dict[int, set[str]] = {}
    for person, role in Membership.objects.filter(
        municipality_id=municipality_id, person_id__in=people
    ).values_list("person_id", "role"):
        roles.setdefault(person, set()).add(role)
    return [sorted(roles.get(p, ())) for p in sorted(people)]
