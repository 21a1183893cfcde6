"""State changes for live workshops: one function per use case, each atomic and audited.

Answers go into the other apps through their service functions (`complexity.services.rate`,
`opinions.services.cast_vote`, `challenges.services.compare`,
`reflection.services.record_workshop_answer`). Reflection keeps its own privacy rules: an
anonymous answer leaves no receipt here and no trace there, so workshops never touches
reflection's tables itself.

Someone who joins without logging in gets a guest account that cannot log in and holds no
roles, so the other apps' one-answer-per-person constraints hold for them too.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from django_tasks import task

from samskab.accounts.personal_data import anonymise
from samskab.accounts.roles import declarable_roles
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Challenge, Idea, Phase
from samskab.complexity import services as complexity_services
from samskab.complexity.models import AssessmentRound
from samskab.core import periods
from samskab.core import services as core_services
from samskab.core.activity import Activity as Act
from samskab.core.activity import ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import CPR_MESSAGE, clean_free_text, contains_cpr
from samskab.opinions import services as opinion_services
from samskab.opinions.models import Conversation, Statement
from samskab.reflection import services as reflection_services
from samskab.workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PSEUDONYM_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    Activity,
    ActivityKind,
    AnswerReceipt,
    LiveSession,
    WorkshopParticipant,
    reflection_origin,
)

__all__ = ["ServiceError"]

DEFAULT_HOURS = 4
MAX_HOURS = 24
# Failed join attempts (wrong, expired or closed code) allowed per window, per IP address and per
# browser session: (how many, per how many seconds). 25^6 codes make guessing hopeless at this
# pace, and a room full of phones behind one address can still mistype now and then.
JOIN_LIMITS = {"ip": (100, 600), "s": (10, 600)}
GUEST_DOMAIN = "workshop.samskab.invalid"


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _run_refusal() -> str:
    return _("Du har ikke adgang til at styre denne workshop.")


def _may_run(session: LiveSession, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(
        "workshops.run_workshop", session
    ):
        raise ServiceError(_run_refusal())


# --------------------------------------------------------------------------------------------
# Facilitator
# --------------------------------------------------------------------------------------------


def create_session(
    challenge: Challenge,
    actor: Any,
    *,
    title: str,
    kinds: list[str],
    allow_anonymous: bool = True,
    hours: int = DEFAULT_HOURS,
    conversation: Conversation | None = None,
    reflection_session: reflection_services.Session | None = None,
    prompt_index: int = 0,
    code: str = "",
    assessment_round: AssessmentRound | None = None,
) -> LiveSession:
    """Open a workshop with the chosen activities, in the order of `ActivityKind`.

    The Stacey activity uses `assessment_round` when it is an open round of the challenge, and
    otherwise opens the challenge's next round. The reflection activity needs an open meeting of
    the challenge in a room the facilitator may enter: the big screen shows what is written to it.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(
        "workshops.run_workshop", challenge
    ):
        raise ServiceError(_("Du har ikke adgang til at holde workshops om denne udfordring."))
    title = clean_free_text(title, limit=200, empty=_("Giv workshoppen en titel."))
    chosen = [k for k in ActivityKind.values if k in kinds]
    if not chosen:
        raise ServiceError(_("Vælg mindst én aktivitet."))
    if not 1 <= hours <= MAX_HOURS:
        raise ServiceError(_("Vælg en varighed fra 1 til %(max)d timer.") % {"max": MAX_HOURS})
    if ActivityKind.STATEMENTS in chosen and (
        conversation is None or conversation.municipality_id != challenge.municipality_id
    ):
        raise ServiceError(_("Udfordringen har ingen samtale med udsagn at stemme om."))
    if ActivityKind.PAIRWISE in chosen and challenge.phase != Phase.PRIORITISATION:
        raise ServiceError(
            _("Parvis sammenligning kræver, at udfordringen er i prioriteringsfasen.")
        )
    if ActivityKind.REFLECTION in chosen and (
        not reflection_services.may_use_in_workshop(reflection_session, actor, challenge)
        or not 0 <= prompt_index < len(reflection_session.prompts)
    ):
        raise ServiceError(_("Udfordringen har intet åbent refleksionsmøde med spørgsmål."))
    with transaction.atomic():
        round_ = None
        if ActivityKind.STACEY in chosen:
            if (
                assessment_round is not None
                and assessment_round.challenge_id == challenge.pk
                and assessment_round.is_open
            ):
                round_ = assessment_round
            else:
                round_ = complexity_services.open_round(challenge, actor)
        session = None
        for attempt in range(10):
            wanted = normalise_code(code) if code and attempt == 0 else _new_code()
            try:
                with transaction.atomic():
                    session = LiveSession.objects.create(
                        municipality_id=challenge.municipality_id,
                        challenge=challenge,
                        title=title,
                        facilitator=actor,
                        code=wanted,
                        allow_anonymous=allow_anonymous,
                        expires_at=timezone.now() + timedelta(hours=hours),
                    )
                break
            except IntegrityError:  # the code is taken by another open session: draw again
                continue
        if session is None:
            raise ServiceError(_("Der kunne ikke laves en deltagerkode. Prøv igen."))
        activities = []
        for position, kind in enumerate(chosen, start=1):
            activities.append(
                Activity.objects.create(
                    municipality_id=challenge.municipality_id,
                    session=session,
                    position=position,
                    kind=kind,
                    assessment_round=round_ if kind == ActivityKind.STACEY else None,
                    conversation=conversation if kind == ActivityKind.STATEMENTS else None,
                    reflection_session=(
                        reflection_session if kind == ActivityKind.REFLECTION else None
                    ),
                    prompt_index=prompt_index if kind == ActivityKind.REFLECTION else 0,
                )
            )
        session.current = activities[0]
        session.save(update_fields=["current"])
        record(
            challenge.municipality_id,
            actor,
            "workshop.opened",
            session,
            challenge=challenge.pk,
            kinds=chosen,
        )
        # A laptop install has no cron: opening a workshop also forgets old workshops' guests.
        transaction.on_commit(forget_guests_task.enqueue)
    return session


def move(session: LiveSession, actor: Any, *, step: int) -> LiveSession:
    """Show the next (step 1) or previous (step -1) activity."""
    _may_run(session, actor)
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        activities = list(Activity.objects.filter(session=session).order_by("position"))
        ids = [a.pk for a in activities]
        index = ids.index(locked.current_id) if locked.current_id in ids else 0
        target = activities[max(0, min(len(activities) - 1, index + step))]
        locked.current = target
        locked.save(update_fields=["current"])
        record(session.municipality_id, actor, "workshop.moved", session, activity=target.pk)
    session.current = target
    session.current_id = target.pk
    return session


def set_activity_open(activity: Activity, actor: Any, *, is_open: bool) -> Activity:
    return core_services.set_open(
        activity,
        actor,
        is_open=is_open,
        perm="workshops.run_workshop",
        action_prefix="workshop_activity",
        refusal=_run_refusal(),
    )


def set_session_open(session: LiveSession, actor: Any, *, is_open: bool) -> LiveSession:
    def extend(locked: LiveSession) -> None:
        # A workshop reopened after it expired gets a new day, so its code works again.
        if is_open and locked.expires_at <= timezone.now():
            locked.expires_at = timezone.now() + timedelta(hours=DEFAULT_HOURS)

    try:
        core_services.set_open(
            session,
            actor,
            is_open=is_open,
            perm="workshops.run_workshop",
            action_prefix="workshop",
            refusal=_run_refusal(),
            before_save=extend,
            also_saves=("expires_at",),
        )
    except IntegrityError:
        raise ServiceError(
            _("Deltagerkoden bruges nu af en anden åben workshop. Opret en ny workshop.")
        ) from None
    session.refresh_from_db(fields=["expires_at"])
    return session


# --------------------------------------------------------------------------------------------
# Joining
# --------------------------------------------------------------------------------------------


class JoinLimited(ServiceError):
    pass


def _join_key(key: str) -> str:
    return f"rate:workshop_join_failed:{key}"


def check_join_rate(*keys: str) -> None:
    """Refuse a join from a phone (IP address or browser session) that has guessed wrong codes
    too often lately. Only failed attempts count: a whole room on one Wi-Fi shares an IP."""
    for key in keys:
        limit = JOIN_LIMITS[key.split(":", 1)[0]][0]
        if (cache.get(_join_key(key)) or 0) >= limit:
            raise JoinLimited(
                _("Du har prøvet mange forkerte koder. Vent et par minutter, og prøv så igen.")
            )


def count_failed_join(*keys: str) -> None:
    for key in keys:
        window = JOIN_LIMITS[key.split(":", 1)[0]][1]
        if not cache.add(_join_key(key), 1, timeout=window):
            try:
                cache.incr(_join_key(key))
            except ValueError:  # expired between add and incr
                cache.add(_join_key(key), 1, timeout=window)


def find_session(code: str) -> LiveSession:
    """The open, unexpired session with this code. Call with scopes disabled: the code is what
    picks the municipality."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        raise ServiceError(
            _("Deltagerkoden har %(n)d tegn. Tjek koden på skærmen, og prøv igen.")
            % {"n": CODE_LENGTH}
        )
    session = (
        LiveSession.objects.filter(code=code, is_open=True)
        .select_related("municipality", "challenge", "current")
        .first()
    )
    if session is None:
        raise ServiceError(
            _("Vi kender ikke den deltagerkode, eller workshoppen er slut. Tjek koden på skærmen.")
        )
    if session.expires_at <= timezone.now():
        raise ServiceError(_("Workshoppen er udløbet. Spørg facilitatoren om en ny kode."))
    return session


def join(
    session: LiveSession,
    user: Any,
    *,
    pseudonym: str,
    role: str = "",
    token: str | None = None,
) -> WorkshopParticipant:
    """Join as oneself (logged in) or as a guest (when the session allows it). `token` is the
    one this browser got from an earlier join: the same phone joining again (the form sent
    twice, a new name) is the same participant, so the big screen counts it once."""
    if not session.is_live:
        raise ServiceError(_("Workshoppen er slut, så du kan ikke deltage længere."))
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise ServiceError(_("Skriv det navn, de andre skal se, fx dit fornavn."))
    if len(pseudonym) > PSEUDONYM_MAX_LENGTH:
        raise ServiceError(
            _("Navnet må højst være %(max)d tegn. Dit er %(length)d tegn.")
            % {"max": PSEUDONYM_MAX_LENGTH, "length": len(pseudonym)}
        )
    if contains_cpr(pseudonym):
        raise ServiceError(str(CPR_MESSAGE))
    logged_in = getattr(user, "is_authenticated", False)
    if not logged_in and not session.allow_anonymous:
        raise ServiceError(_("Log ind for at deltage i denne workshop."))
    if role and role not in declarable_roles(
        user, session.municipality_id, self_declared=not logged_in
    ):
        if not logged_in:
            raise ServiceError(_("Vælg en af rollerne på listen, eller ingen bestemt rolle."))
        raise ServiceError(_("Du kan kun deltage som en rolle, du har i kommunen."))
    with transaction.atomic():
        again = participant_for(session, token)
        if again is not None and (again.is_guest if not logged_in else again.person_id == user.pk):
            again.pseudonym = pseudonym
            again.role = role
            again.save(update_fields=["pseudonym", "role"])
            return again
        token = secrets.token_urlsafe(32)
        if logged_in:
            found = WorkshopParticipant.objects.filter(session=session, person=user).first()
            if found is not None:
                found.pseudonym = pseudonym
                found.role = role
                found.save(update_fields=["pseudonym", "role"])
                return found
            person = user
        else:
            person = get_user_model().objects.create_user(
                f"gaest-{secrets.token_hex(12)}@{GUEST_DOMAIN}",
                None,
                pseudonym=pseudonym,
                is_active=False,
            )
        try:
            with transaction.atomic():
                participant = WorkshopParticipant.objects.create(
                    municipality_id=session.municipality_id,
                    session=session,
                    person=person,
                    is_guest=not logged_in,
                    pseudonym=pseudonym,
                    role=role,
                    token=token,
                )
        except IntegrityError:  # the same person joined twice at once
            return WorkshopParticipant.objects.get(session=session, person=person)
        # A guest's join is recorded without an actor: the guest account is nobody.
        record(session.municipality_id, user, "workshop.joined", session)
    return participant


@task()
def forget_guests_task() -> int:
    """`forget_guests` in the background: queued each time a workshop is opened, since a laptop
    has no cron to run `samskab forget_workshop_guests`."""
    with scopes_disabled():
        return forget_guests()


def forget_guests(*, days: int | None = None) -> int:
    """Anonymise the guest accounts of workshops that ended more than `days` ago (the setting
    SAMSKAB_WORKSHOP_GUEST_DAYS by default); returns how many.

    A guest's answers stay where they are and keep counting, as a deleted person's do; the
    pseudonym, the role in the room and the participation go. Run with scopes disabled: it
    sweeps every municipality.
    """
    if days is None:
        days = settings.SAMSKAB_WORKSHOP_GUEST_DAYS
    ended_before = timezone.now() - timedelta(days=days)
    guests = (
        WorkshopParticipant.objects.filter(is_guest=True, session__expires_at__lt=ended_before)
        .select_related("person")
        .order_by("pk")
    )
    per_municipality: dict[int, Any] = {}
    counts: dict[int, int] = {}
    with transaction.atomic():
        for participant in list(guests.select_related("municipality")):
            anonymise(participant.person)
            per_municipality[participant.municipality_id] = participant.municipality
            counts[participant.municipality_id] = counts.get(participant.municipality_id, 0) + 1
        for municipality_id, n in counts.items():
            # No actor: the sweep runs by itself. No guest ids: they are the people forgotten.
            record(
                municipality_id,
                None,
                "workshop.guests_forgotten",
                per_municipality[municipality_id],
                n=n,
                days=days,
            )
    return sum(counts.values())


def participant_for(session: LiveSession, token: str | None) -> WorkshopParticipant | None:
    if not token:
        return None
    return (
        WorkshopParticipant.objects.filter(session=session, token=token)
        .select_related("person")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------------------------


def _check_open(session: LiveSession, activity: Activity) -> None:
    fresh = (
        LiveSession.objects.filter(pk=session.pk)
        .values_list("is_open", "expires_at", "current_id")
        .first()
    )
    if fresh is None or not fresh[0] or fresh[1] <= timezone.now():
        raise ServiceError(_("Workshoppen er slut, så dit svar kan ikke gemmes."))
    if not Activity.objects.filter(pk=activity.pk, is_open=True).exists():
        raise ServiceError(_("Aktiviteten er lukket, så dit svar kan ikke gemmes."))


def _receipt(activity: Activity, participant: WorkshopParticipant, item: str) -> bool:
    """Take the receipt for this item; False when the participant already answered it."""
    try:
        with transaction.atomic():
            AnswerReceipt.objects.create(
                municipality_id=activity.municipality_id,
                activity=activity,
                participant=participant,
                item=item,
            )
    except IntegrityError:
        return False
    return True


def answer(activity: Activity, participant: WorkshopParticipant, data: dict[str, Any]) -> bool:
    """Record one answer; True when it counted, False when it was a re-sent answer.

    The receipt and the answer are written in one transaction, so an answer the other app
    refuses leaves no receipt, and a phone that sends the same answer twice (a lost connection,
    a double tap) is counted once.
    """
    session = participant.session
    if activity.session_id != session.pk:
        raise ServiceError(_("Aktiviteten hører ikke til denne workshop."))
    _check_open(session, activity)
    person = participant.person
    role = participant.role or None
    with transaction.atomic():
        if activity.kind == ActivityKind.STACEY:
            agreement, certainty = _int(data.get("agreement")), _int(data.get("certainty"))
            if not _receipt(activity, participant, ""):
                return False
            complexity_services.rate(
                activity.assessment_round,
                person,
                agreement=agreement,
                certainty=certainty,
                role=role,
                self_declared_role=participant.is_guest,
            )
        elif activity.kind == ActivityKind.STATEMENTS:
            conversation = activity.conversation
            statement = Statement.objects.filter(
                pk=_int(data.get("statement")), conversation=conversation
            ).first()
            if statement is None:
                raise ServiceError(_("Udsagnet findes ikke længere."))
            if not _receipt(activity, participant, str(statement.pk)):
                return False
            opinion_services.cast_vote(
                conversation,
                statement,
                person,
                value=_int(data.get("value")),
                role=role,
                self_declared_role=participant.is_guest,
            )
        elif activity.kind == ActivityKind.PAIRWISE:
            challenge = session.challenge
            ideas = Idea.objects.in_bulk([_int(data.get("left")), _int(data.get("right"))])
            left, right = ideas.get(_int(data.get("left"))), ideas.get(_int(data.get("right")))
            if left is None or right is None:
                raise ServiceError(_("De to idéer skal være forskellige idéer fra udfordringen."))
            item = "-".join(str(pk) for pk in sorted([left.pk, right.pk]))
            if not _receipt(activity, participant, item):
                return False
            challenge_services.compare(
                challenge, person, left=left, right=right, choice=str(data.get("choice", ""))
            )
        elif activity.kind == ActivityKind.REFLECTION:
            text = clean_free_text(
                str(data.get("text", "")), limit=REFLECTION_MAX_LENGTH, empty=_("Skriv dit svar.")
            )
            # No receipt: a receipt for an anonymous answer would say who wrote one. Reflection
            # keeps "one answer per participant" in a way that does not (see
            # `record_workshop_answer`), counting against everyone who joined.
            return reflection_services.record_workshop_answer(
                activity.reflection_session,
                person,
                origin=reflection_origin(activity),
                prompt_index=activity.prompt_index,
                text=text,
                visibility=str(data.get("visibility") or ""),
                role=participant.role,
                limit=WorkshopParticipant.objects.filter(session=session).count(),
            )
        else:  # pragma: no cover - the choices are closed
            raise ServiceError(_("Ukendt aktivitet."))
    return True


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -999


def answered_items(activity: Activity, participant: WorkshopParticipant) -> set[str]:
    if activity.kind == ActivityKind.REFLECTION:
        # Only a named answer is known; an anonymous one is, by design, known to no one.
        answered = reflection_services.workshop_answered(
            reflection_origin(activity), participant.person
        )
        return {""} if answered else set()
    return set(
        AnswerReceipt.objects.filter(activity=activity, participant=participant).values_list(
            "item", flat=True
        )
    )


def next_statement_for(activity: Activity, participant: WorkshopParticipant) -> Statement | None:
    return opinion_services.next_statement(activity.conversation, participant.person)


def next_pair_for(activity: Activity, participant: WorkshopParticipant) -> tuple[Idea, Idea] | None:
    return challenge_services.next_pair_for(activity.session.challenge, participant.person)


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every workshop that existed by `end`, never public (its pages are the
    facilitator's), with its challenge as parent. Activities, kind "workshop": the facilitator
    running it (on the local day it was created) and each participant joining (on the day of
    `joined_at`), with the person only for someone who joined logged in; a guest is no one, so
    counts without a person. What was answered lands in the other apps and is listed there;
    nothing here tells who answered a reflection anonymously. Two queries."""
    kwargs = {"municipality": municipality}
    since, until = periods.bounds(start, end)
    arenas, activities = [], []
    for pk, title, challenge_id, facilitator, active, created_at in LiveSession.objects.filter(
        **kwargs, created_at__lt=until
    ).values_list(
        "pk", "title", "challenge_id", "facilitator_id", "facilitator__is_active", "created_at"
    ):
        key = f"workshop:{pk}"
        arenas.append(
            Arena(
                key=key,
                kind="workshop",
                label=title,
                public=False,
                url=reverse(
                    "workshops:control", kwargs={"municipality": municipality.slug, "session": pk}
                ),
                parent=f"challenge:{challenge_id}",
            )
        )
        if since <= created_at < until:
            activities.append(
                Act("workshop", periods.day(created_at), key, periods.known(facilitator, active))
            )
    for session_id, person, active, is_guest, joined_at in WorkshopParticipant.objects.filter(
        **kwargs, **periods.within("joined_at", start, end)
    ).values_list("session_id", "person_id", "person__is_active", "is_guest", "joined_at"):
        activities.append(
            Act(
                "workshop",
                periods.day(joined_at),
                f"workshop:{session_id}",
                None if is_guest else periods.known(person, active),
            )
        )
    return ActivityReport(tuple(arenas), tuple(activities))


# -- for the start page and the challenge page (samskab.home) ----------------------------------


def workshops_for_challenge(user: Any, challenge: Any, *, limit: int = 20) -> list[LiveSession]:
    """A challenge's workshops, newest first, for someone who may run them (else none: the
    participants come in by the code). One query."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "workshops.run_workshop", challenge
    ):
        return []
    return list(
        LiveSession.objects.filter(municipality=challenge.municipality_id, challenge=challenge)
        .select_related("municipality", "challenge")
        .order_by("-created_at", "-pk")[:limit]
    )


def open_workshops_run_by(user: Any, municipality: Any, *, limit: int = 20) -> list[LiveSession]:
    """The open, unexpired workshops here that the person started. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        LiveSession.objects.filter(
            municipality=municipality,
            facilitator=user,
            is_open=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("municipality", "challenge")
        .order_by("-created_at", "-pk")[:limit]
    )
