"""State changes and reads for reflection rooms and the learning library.

Every read of entries goes through `session_view` (or the exporter, for the person's own data):
private entries come back to their author only, anonymous entries never carry an author, a time
or an order that could be lined up with anything else.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.accounts.models import Role, User
from samskab.accounts.roles import role_label, user_roles
from samskab.core import periods
from samskab.core import services as core_services
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import CPR_MESSAGE, clean_free_text, contains_cpr
from samskab.municipalities.models import Municipality
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify
from samskab.reflection import search
from samskab.reflection.models import (
    ENTRY_MAX_LENGTH,
    LEARNING_TEXT_MAX_LENGTH,
    AnonymousEntry,
    Consent,
    Entry,
    Learning,
    LearningAuthor,
    ReflectionTemplate,
    Room,
    RoomMember,
    Session,
    Visibility,
)
from samskab.reflection.seed import seed_templates

__all__ = ["ServiceError"]


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def role_choices() -> list[tuple[str, str]]:
    """The roles a member can take part as in a room."""
    return [(r.value, str(r.label)) for r in Role]


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


def templates_for(municipality: Municipality) -> list[ReflectionTemplate]:
    """The platform's templates and the municipality's own; its own copy replaces the
    platform's template with the same key."""
    if not ReflectionTemplate.objects.filter(municipality__isnull=True).exists():
        seed_templates(ReflectionTemplate)
    found: dict[str, ReflectionTemplate] = {}
    for template in ReflectionTemplate.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("municipality_id", "name"):
        if template.municipality_id is not None or template.key not in found:
            found[template.key] = template
    return sorted(found.values(), key=lambda t: t.name.casefold())


def get_template(municipality: Municipality, key: str) -> ReflectionTemplate | None:
    return next((t for t in templates_for(municipality) if t.key == key), None)


def save_template(
    municipality: Municipality,
    actor: Any,
    *,
    key: str,
    name: str,
    description: str,
    prompts: list[str],
) -> ReflectionTemplate:
    """Create or edit the municipality's own template (editing a platform template saves a
    copy for this municipality only)."""
    if not _may(actor, "reflection.manage_templates", municipality):
        raise ServiceError(_("Kun facilitatorer og administratorer kan ændre skabeloner."))
    prompts = [p for p in (" ".join(p.split()) for p in prompts) if p]
    if not prompts:
        raise ServiceError(_("Skriv mindst ét spørgsmål."))
    if len(prompts) > 12 or any(len(p) > 300 for p in prompts):
        raise ServiceError(_("Højst 12 spørgsmål på højst 300 tegn hver."))
    with transaction.atomic():
        template, _created = ReflectionTemplate.objects.update_or_create(
            municipality=municipality,
            key=key,
            defaults={"name": name, "description": description, "prompts": prompts},
        )
        record(municipality.pk, actor, "reflection.template_saved", template, key=key)
    return template


# --------------------------------------------------------------------------------------------
# Rooms and members
# --------------------------------------------------------------------------------------------


def membership(room: Room, user: Any) -> RoomMember | None:
    """The person's membership of the room (cached on the room object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, RoomMember | None] = room.__dict__.setdefault("_members_cache", {})
    if user.pk not in cache:
        cache[user.pk] = RoomMember.objects.filter(room=room, person=user).first()
    return cache[user.pk]


def create_room(
    municipality: Municipality,
    actor: Any,
    *,
    title: str,
    purpose: str = "",
    movement: Any = None,
    challenge: Any = None,
    role: str = "",
) -> Room:
    if not _may(actor, "reflection.add_room", municipality):
        raise ServiceError(_("Du har ikke adgang til at oprette refleksionsrum."))
    if (movement is None) == (challenge is None):
        raise ServiceError(_("Vælg, hvad rummet hører til."))
    for target in (movement, challenge):
        if target is not None and target.municipality_id != municipality.pk:
            raise ServiceError(_("Vælg, hvad rummet hører til."))
    with transaction.atomic():
        room = Room.objects.create(
            municipality=municipality,
            movement=movement,
            challenge=challenge,
            title=title,
            purpose=purpose,
            created_by=_actor(actor),
        )
        if _actor(actor) is not None:
            held = [r.value for r in Role if r.value in user_roles(actor, municipality.pk)]
            RoomMember.objects.create(
                municipality=municipality,
                room=room,
                person=actor,
                role=role or (held[0] if held else Role.FACILITATOR.value),
                is_facilitator=True,
            )
        record(municipality.pk, actor, "reflection.room_created", room, title=title)
    return room


def _may(actor: Any, permission: str, obj: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm(permission, obj))


def _belongs_to(person: User, municipality_id: int) -> bool:
    """Whether the person holds a role in the municipality: only then may they join its rooms."""
    return person.is_active and bool(user_roles(person, municipality_id))


def add_member(room: Room, actor: Any, person: User, *, role: str) -> RoomMember:
    if not _may(actor, "reflection.facilitate_room", room):
        raise ServiceError(_("Kun de, der leder rummet, kan invitere til det."))
    if role not in {r.value for r in Role}:
        raise ServiceError(_("Vælg en rolle."))
    if not _belongs_to(person, room.municipality_id):
        raise ServiceError(_("Kun personer, der hører til kommunen, kan komme med i rummet."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = RoomMember.objects.create(
                    municipality_id=room.municipality_id, room=room, person=person, role=role
                )
        except IntegrityError:
            raise ServiceError(_("Personen er allerede med i rummet.")) from None
        record(room.municipality_id, actor, "reflection.member_added", room, person=person.pk)
    room.__dict__.pop("_members_cache", None)
    return member


def invite_member(room: Room, actor: Any, *, email: str, role: str) -> None:
    """Let the person with this address into the room and tell them by mail, if they belong to
    the room's municipality. Returns nothing, and does the same visible things whether or not
    anyone has the address, so the answer cannot be used to find out who uses Samskab: an
    unknown address, a person of another municipality or someone already in the room get no
    mail and change nothing."""
    if not _may(actor, "reflection.facilitate_room", room):
        raise ServiceError(_("Kun de, der leder rummet, kan invitere til det."))
    if role not in {r.value for r in Role}:
        raise ServiceError(_("Vælg en rolle."))
    address = (email or "").strip().lower()
    with transaction.atomic():
        # Without the address or who it belongs to: the log must not answer the question either.
        record(room.municipality_id, actor, "reflection.member_invited", room, role=role)
        person = User.objects.filter(email=address, is_active=True).first()
        if person is None or not _belongs_to(person, room.municipality_id):
            return
        if RoomMember.objects.filter(room=room, person=person).exists():
            return
        add_member(room, actor, person, role=role)
        # The mail and the in-app entry go out the one way every notice does: in the invited
        # person's language, signed with the municipality's and Samskab's name, with a link.
        notify(
            person,
            Kind.STATUS,
            in_language(
                person,
                lambda: (
                    _("Du er inviteret til refleksionsrummet »%(room)s«") % {"room": room.title}
                ),
            ),
            in_language(
                person,
                lambda: (
                    _(
                        "%(name)s har inviteret dig til refleksionsrummet »%(room)s« i "
                        "%(municipality)s. Du er allerede med, så du kan gå direkte ind."
                    )
                    % {
                        "name": actor.public_name,
                        "room": room.title,
                        "municipality": room.municipality.name,
                    }
                ),
            ),
            link=room.get_absolute_url(),
            municipality=room.municipality,
        )


def rooms_for(user: Any, municipality: Municipality) -> QuerySet[Room]:
    """Rooms the person may enter: their own, or every room for facilitators/administrators."""
    roles = user_roles(user, municipality.pk)
    rooms = Room.objects.filter(municipality=municipality)
    if getattr(user, "is_superuser", False) or roles & {Role.FACILITATOR, Role.ADMINISTRATOR}:
        return rooms
    if not getattr(user, "is_authenticated", False):
        return rooms.none()
    return rooms.filter(members__person=user)


def rooms_for_challenge(challenge: Any, user: Any) -> list[Room]:
    """The reflection rooms attached to a challenge that the person may enter, for the
    challenge page. Call inside the challenge's municipality scope."""
    if not user.has_perm("challenges.view_challenge", challenge):
        return []
    return list(
        rooms_for(user, challenge.municipality)
        .filter(challenge=challenge)
        .select_related("municipality")
        .order_by("title", "id")
    )


# --------------------------------------------------------------------------------------------
# Sessions and entries
# --------------------------------------------------------------------------------------------


def start_session(
    room: Room, actor: Any, *, template: ReflectionTemplate, title: str = ""
) -> Session:
    if not _may(actor, "reflection.facilitate_room", room):
        raise ServiceError(_("Kun de, der leder rummet, kan starte et møde."))
    if template.municipality_id not in (None, room.municipality_id):
        raise ServiceError(_("Vælg en skabelon."))
    with transaction.atomic():
        session = Session.objects.create(
            municipality_id=room.municipality_id,
            room=room,
            title=title or template.name,
            template=template,
            template_name=template.name,
            prompts=list(template.prompts),
            created_by=_actor(actor),
        )
        record(room.municipality_id, actor, "reflection.session_started", session)
    return session


def set_session_open(session: Session, actor: Any, *, is_open: bool) -> Session:
    return core_services.set_open(
        session,
        actor,
        is_open=is_open,
        perm="reflection.facilitate_room",
        action_prefix="reflection.session",
        refusal=_("Kun de, der leder rummet, kan åbne og lukke mødet."),
    )


def write_entry(
    session: Session, person: Any, *, prompt_index: int, text: str, visibility: str
) -> Entry | AnonymousEntry:
    """Write a reflection. Anonymous ones keep nothing that points back to the person."""
    if not getattr(person, "is_authenticated", False):
        raise ServiceError(_("Log ind for at skrive."))
    if visibility not in Visibility.values:
        raise ServiceError(_("Vælg, hvem der kan se din refleksion."))
    if not isinstance(prompt_index, int) or not 0 <= prompt_index < len(session.prompts):
        raise ServiceError(_("Vælg et af mødets spørgsmål."))
    text = clean_free_text(text, limit=ENTRY_MAX_LENGTH, empty=_("Skriv din refleksion."))
    member = membership(session.room, person)
    if member is None:
        raise ServiceError(_("Kun rummets medlemmer kan skrive her."))
    with transaction.atomic():
        # Lock the session, so nothing lands in a session that was closed meanwhile.
        locked = Session.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None or not locked.is_open:
            raise ServiceError(_("Mødet er lukket, så du kan ikke skrive mere her."))
        if visibility == Visibility.ANONYMOUS:
            return _write_anonymous(session, prompt_index, text)
        entry = Entry.objects.create(
            municipality_id=session.municipality_id,
            session=session,
            prompt_index=prompt_index,
            text=text,
            visibility=visibility,
            author=person,
            role=member.role,
        )
        record(
            session.municipality_id,
            person,
            "reflection.entry_written",
            entry,
            visibility=visibility,
        )
    return entry


def share_entry(entry: Entry, person: Any) -> Entry:
    """The author shares a private entry with the room (with their name)."""
    if entry.author_id != getattr(person, "pk", None):
        raise ServiceError(_("Du kan kun dele dine egne refleksioner."))
    with transaction.atomic():
        entry.visibility = Visibility.SHARED
        entry.save(update_fields=["visibility"])
        record(entry.municipality_id, person, "reflection.entry_shared", entry)
    return entry


@dataclass
class PromptView:
    index: int
    text: str
    mine: list[Entry] = field(default_factory=list)
    shared: list[Entry] = field(default_factory=list)
    anonymous: list[str] = field(default_factory=list)


def session_view(session: Session, user: Any) -> list[PromptView]:
    """What the person sees of a session, prompt by prompt.

    `mine`: the person's own entries, private ones included. `shared`: everyone's shared
    entries. `anonymous`: the anonymous texts only, in random (UUID) order. Private entries of
    others are never read from the database at all.
    """
    prompts = [PromptView(k, text) for k, text in enumerate(session.prompts)]
    uid = user.pk if getattr(user, "is_authenticated", False) else None
    condition = Q(visibility=Visibility.SHARED)
    if uid is not None:
        condition |= Q(author_id=uid)
    for entry in (
        Entry.objects.filter(session=session)
        .filter(condition)
        .select_related("author")
        .order_by("created_at", "id")
    ):
        if entry.prompt_index >= len(prompts):
            continue
        if entry.author_id == uid:
            prompts[entry.prompt_index].mine.append(entry)
        if entry.visibility == Visibility.SHARED:
            prompts[entry.prompt_index].shared.append(entry)
    for index, text in (
        AnonymousEntry.objects.filter(session=session)
        .order_by("id")
        .values_list("prompt_index", "text")
    ):
        if index < len(prompts):
            prompts[index].anonymous.append(text)
    return prompts


def patterns(session: Session) -> dict[str, Any]:
    """For the facilitator: shared entries per role per prompt, and anonymous ones per prompt.
    Private entries are not read or counted here."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for index, role in Entry.objects.filter(
        session=session, visibility=Visibility.SHARED
    ).values_list("prompt_index", "role"):
        counts[(index, role)] += 1
    anonymous: dict[int, int] = defaultdict(int)
    for (index,) in AnonymousEntry.objects.filter(session=session).values_list("prompt_index"):
        anonymous[index] += 1
    roles = sorted(
        {role for _index, role in counts},
        key=lambda r: [x.value for x in Role].index(r) if r in Role.values else 99,
    )
    rows = [
        {
            "prompt": text,
            "cells": [counts.get((k, role), 0) for role in roles],
            "anonymous": anonymous.get(k, 0),
        }
        for k, text in enumerate(session.prompts)
    ]
    return {"roles": [role_label(r) for r in roles], "rows": rows}


# --------------------------------------------------------------------------------------------
# Live workshops: the only way samskab.workshops reads or writes reflections
# --------------------------------------------------------------------------------------------


def workshop_session_for(challenge: Any, user: Any) -> Session | None:
    """The newest open meeting in a room of the challenge that the person may enter: the one a
    workshop they run on the challenge may take its reflection question from."""
    rooms = rooms_for(user, challenge.municipality).filter(challenge=challenge)
    return (
        Session.objects.filter(room__in=rooms, is_open=True)
        .select_related("room")
        .order_by("-created_at", "-id")
        .first()
    )


def may_use_in_workshop(session: Session | None, user: Any, challenge: Any) -> bool:
    """Whether a workshop the person opens on the challenge may put this meeting's questions to
    the room. Only someone who may enter the meeting's room may: what the workshop writes lands
    in that room."""
    return (
        session is not None
        and session.is_open
        and session.municipality_id == challenge.municipality_id
        and session.room.challenge_id == challenge.pk
        and user.has_perm("reflection.view_room", session.room)
    )


def record_workshop_answer(
    session: Session,
    person: Any,
    *,
    origin: str,
    prompt_index: int,
    text: str,
    visibility: str,
    role: str = "",
    limit: int,
) -> bool:
    """Write an answer given in a live workshop; False when it was already written (a re-sent
    answer). `origin` names the workshop activity; the caller vouches that `person` takes part in
    it, and `may_use_in_workshop` was checked when the workshop was opened.

    An anonymous answer is written exactly like one in the room: its own table, no author, no
    time, no audit event, a random id (and rowid), and nothing else in the database changes, so
    the database looks the same whether a participant answered anonymously or not at all.

    That is also why "one answer per participant" cannot be kept per person for anonymous
    answers: to refuse a person's second anonymous answer we would have to store that they gave
    a first one, which is the link we promise not to keep. So the activity as a whole takes no
    more answers, named and anonymous together, than `limit` (its number of participants), a
    person gives at most one named answer, and an identical anonymous text counts once (a double
    tap or a lost connection). Someone sending several anonymous answers can at most use up the
    answers of those who have not answered; more answers take more participants.
    """
    if visibility not in (Visibility.SHARED, Visibility.ANONYMOUS):
        raise ServiceError(_("Vælg, om dit svar vises med dit navn eller anonymt."))
    if not isinstance(prompt_index, int) or not 0 <= prompt_index < len(session.prompts):
        raise ServiceError(_("Vælg et af mødets spørgsmål."))
    if not origin:
        raise ServiceError(_("Svaret hører ikke til en workshop."))
    text = clean_free_text(text, limit=ENTRY_MAX_LENGTH, empty=_("Skriv dit svar."))
    with transaction.atomic():
        # The lock keeps the count below `limit` true until this answer is written.
        locked = Session.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None or not locked.is_open:
            raise ServiceError(_("Mødet er lukket, så du kan ikke skrive mere her."))
        named = Entry.objects.filter(session=session, origin=origin)
        anonymous = AnonymousEntry.objects.filter(session=session, origin=origin)
        if visibility == Visibility.SHARED and named.filter(author=person).exists():
            return False
        if visibility == Visibility.ANONYMOUS and anonymous.filter(text=text).exists():
            return False
        if named.count() + anonymous.count() >= limit:
            raise ServiceError(
                _(
                    "Aktiviteten har allerede fået et svar for hver deltager, så der kan ikke "
                    "komme flere."
                )
            )
        if visibility == Visibility.ANONYMOUS:
            _write_anonymous(session, prompt_index, text, origin=origin)
            return True
        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    municipality_id=session.municipality_id,
                    session=session,
                    prompt_index=prompt_index,
                    text=text,
                    visibility=Visibility.SHARED,
                    author=person,
                    role=role,
                    origin=origin,
                )
        except IntegrityError:  # the same person's answer arrived twice at once
            return False
        record(
            session.municipality_id,
            person,
            "reflection.entry_written",
            entry,
            visibility=Visibility.SHARED.value,
            origin=origin,
        )
    return True


def _write_anonymous(
    session: Session, prompt_index: int, text: str, *, origin: str = ""
) -> AnonymousEntry:
    """The one way an anonymous entry is written, in the room or in a workshop (call inside the
    transaction that locked the session). No audit event: its time and actor would tie the entry
    to the person. The row is then written again with the meeting's other anonymous rows, so
    PostgreSQL's row order and transaction ids do not say when, next to whose other writes, it
    came."""
    entry = AnonymousEntry.objects.create(
        municipality_id=session.municipality_id,
        session=session,
        prompt_index=prompt_index,
        text=text,
        origin=origin,
    )
    _reshuffle_anonymous(session)
    return entry


def _reshuffle_anonymous(session: Session) -> None:
    """Write the meeting's anonymous rows again, all in one go and in random order.

    The database keeps an order of writing even for a table without times: PostgreSQL stores
    each row's writing transaction (`xmin`, a counter shared by every table) and its place in the
    file (`ctid`). Lined up with a person's other rows, that order could point out whose
    anonymous answer is whose. Rewritten together, the rows share one transaction and lie in
    random order. (On SQLite a trigger gives each row a random rowid; see the models.)
    """
    rows = list(AnonymousEntry.objects.filter(session=session))
    secrets.SystemRandom().shuffle(rows)
    AnonymousEntry.objects.filter(session=session).delete()
    AnonymousEntry.objects.bulk_create(rows)


def workshop_answered(origin: str, person: Any) -> bool:
    """Whether the person gave a named answer in the workshop activity. There is no such
    question for anonymous answers: nothing records who gave them."""
    return Entry.objects.filter(origin=origin, author_id=getattr(person, "pk", None)).exists()


@dataclass
class WorkshopAnswers:
    prompt: Any
    # (author id, text) of the named answers, in the order they were given.
    shared: list[tuple[int, str]] = field(default_factory=list)
    # The anonymous texts, in random (UUID) order.
    anonymous: list[str] = field(default_factory=list)


def workshop_answers(session_id: int, prompt_index: int, origin: str) -> WorkshopAnswers:
    """What a workshop's big screen shows: the answers given in that workshop activity and
    nothing else of the room (never a private entry, never one written in the room). Three
    queries however many answers there are."""
    prompts = Session.objects.filter(pk=session_id).values_list("prompts", flat=True).first()
    prompts = prompts or []
    found = WorkshopAnswers(
        prompt=prompts[prompt_index] if 0 <= prompt_index < len(prompts) else ""
    )
    if not origin:
        return found
    found.shared = list(
        Entry.objects.filter(
            session_id=session_id,
            origin=origin,
            prompt_index=prompt_index,
            visibility=Visibility.SHARED,
        )
        .order_by("created_at", "id")
        .values_list("author_id", "text")
    )
    found.anonymous = list(
        AnonymousEntry.objects.filter(
            session_id=session_id, origin=origin, prompt_index=prompt_index
        )
        .order_by("id")
        .values_list("text", flat=True)
    )
    return found


# --------------------------------------------------------------------------------------------
# Learnings
# --------------------------------------------------------------------------------------------


def _clean_learning(
    title: str, text: str, tags: list[str] | str, context: str
) -> tuple[str, str, list[str]]:
    title = clean_free_text(title, limit=200, empty=_("Giv læringen en titel."))
    text = clean_free_text(text, limit=LEARNING_TEXT_MAX_LENGTH, empty=_("Skriv selve læringen."))
    cleaned_tags = search.clean_tags(tags)
    if contains_cpr(context) or any(contains_cpr(t) for t in cleaned_tags):
        raise ServiceError(str(CPR_MESSAGE))
    return title, text, cleaned_tags


def create_learning(
    municipality: Municipality,
    actor: Any,
    *,
    title: str,
    text: str,
    tags: list[str] | str = (),
    context: str = "",
    room: Room | None = None,
    source_entries: list[Entry] = (),
) -> Learning:
    """A learning in the municipality's library. Its authors are the person writing it and the
    authors of the shared entries it grew from; each is asked before it leaves the
    municipality."""
    # From a room: those who run it; without one: those who run the municipality's processes.
    if not _may(actor, "reflection.add_learning", room or municipality):
        raise ServiceError(_("Kun de, der leder rummet, kan skrive en læring."))
    if room is not None and room.municipality_id != municipality.pk:
        raise ServiceError(_("Vælg et rum i kommunen."))
    title, text, tags = _clean_learning(title, text, tags, context)
    for entry in source_entries:
        if entry.visibility != Visibility.SHARED or (room and entry.session.room_id != room.pk):
            raise ServiceError(_("En læring kan kun bygge på refleksioner, der er delt i rummet."))
    authors = {e.author_id for e in source_entries}
    return _store_learning(municipality, actor, title, text, tags, context, room, authors)


def add_learning_from(
    municipality: Municipality,
    actor: Any,
    *,
    title: str,
    text: str,
    context: str,
    authors: list[User],
    tags: list[str] | str = (),
) -> Learning:
    """A learning that grew outside a room, from work `authors` did (an experiment's design and
    reviews, say): in the municipality's library at once and, as for a room's learnings, shared
    with other municipalities only when every author says yes. The actor is one of the authors,
    or runs the municipality's processes."""
    author_ids = {a.pk for a in authors if a is not None}
    if not (
        _may(actor, "reflection.add_learning", municipality)
        or (_actor(actor) is not None and actor.pk in author_ids)
    ):
        raise ServiceError(_("Kun dem, der stod for arbejdet, kan lægge læringen i biblioteket."))
    title, text, tags = _clean_learning(title, text, tags, context)
    return _store_learning(municipality, actor, title, text, tags, context, None, author_ids)


def _store_learning(
    municipality: Municipality,
    actor: Any,
    title: str,
    text: str,
    tags: list[str],
    context: str,
    room: Room | None,
    authors: set[int],
) -> Learning:
    with transaction.atomic():
        learning = Learning.objects.create(
            municipality=municipality,
            room=room,
            title=title,
            text=text,
            tags=tags,
            context=context[:300],
            search_text=search.search_text(title, text, tags),
            created_by=_actor(actor),
        )
        if _actor(actor) is not None:
            authors.add(actor.pk)
        for person_id in sorted(authors):
            LearningAuthor.objects.create(
                municipality=municipality, learning=learning, person_id=person_id
            )
        record(municipality.pk, actor, "reflection.learning_created", learning, title=title)
    return learning


def ask_consent(learning: Learning, actor: Any) -> int:
    """Ask every author who has not answered yet. Returns how many were asked."""
    if not _may(actor, "reflection.publish_learning", learning):
        raise ServiceError(_("Kun den, der skrev læringen, eller en facilitator kan gøre det."))
    with transaction.atomic():
        now = timezone.now()
        asked = LearningAuthor.objects.filter(learning=learning, consent="").update(
            consent=Consent.ASKED, asked_at=now
        )
        record(learning.municipality_id, actor, "reflection.consent_asked", learning, n=asked)
    return asked


def answer_consent(learning: Learning, person: Any, *, give: bool) -> LearningAuthor:
    with transaction.atomic():
        author = (
            LearningAuthor.objects.select_for_update()
            .filter(learning=learning, person_id=getattr(person, "pk", None))
            .first()
        )
        if author is None:
            raise ServiceError(_("Du er ikke forfatter til denne læring."))
        author.consent = Consent.GIVEN if give else Consent.REFUSED
        author.answered_at = timezone.now()
        if author.asked_at is None:
            author.asked_at = author.answered_at
        author.save(update_fields=["consent", "answered_at", "asked_at"])
        if not give and learning.published_at is not None:
            # Withdrawing consent takes the learning out of the shared library at once.
            learning.published_at = None
            learning.save(update_fields=["published_at"])
        record(
            learning.municipality_id,
            person,
            "reflection.consent_given" if give else "reflection.consent_refused",
            learning,
        )
    return author


def publish_learning(learning: Learning, actor: Any) -> Learning:
    """Share the learning with every municipality: only when every author has said yes."""
    if not _may(actor, "reflection.publish_learning", learning):
        raise ServiceError(_("Kun den, der skrev læringen, eller en facilitator kan gøre det."))
    with transaction.atomic():
        locked = Learning.objects.select_for_update().get(pk=learning.pk)
        consents = list(
            LearningAuthor.objects.filter(learning=locked).values_list("consent", flat=True)
        )
        if not consents or any(c != Consent.GIVEN for c in consents):
            raise ServiceError(
                _("Alle forfattere skal have sagt ja, før læringen kan deles med andre kommuner.")
            )
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        record(learning.municipality_id, actor, "reflection.learning_published", locked)
    learning.published_at = locked.published_at
    return learning


def unpublish_learning(learning: Learning, actor: Any) -> Learning:
    """Take the learning back to the municipality's own library."""
    if not _may(actor, "reflection.publish_learning", learning):
        raise ServiceError(_("Kun den, der skrev læringen, eller en facilitator kan gøre det."))
    with transaction.atomic():
        learning.published_at = None
        learning.save(update_fields=["published_at"])
        record(learning.municipality_id, actor, "reflection.learning_unpublished", learning)
    return learning


def library(municipality: Municipality, query: str = "") -> QuerySet[Learning]:
    learnings = Learning.objects.filter(municipality=municipality).select_related("municipality")
    return search.search(learnings, query).order_by("-created_at", "-id")


def shared_library(query: str = "") -> QuerySet[Learning]:
    """Published learnings of every municipality. Call with scopes disabled: reading across
    municipalities is this library's purpose, and only published rows are read."""
    learnings = Learning.objects.filter(published_at__isnull=False).select_related("municipality")
    return search.search(learnings, query).order_by("-published_at", "-id")


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every room that existed by `end`, never public (only its members see it), with its
    challenge as parent when it has one. Activities, all of kind "room": a person becoming a
    member (on the local day of `created_at`), an entry shared with the room under a name (its
    author, on the day it was written) and an anonymous entry (no person; it keeps no time, so it
    is dated the day its meeting started). Private entries are never listed. Four queries."""
    kwargs = {"municipality": municipality}
    _since, until = periods.bounds(start, end)
    arenas = [
        Arena(
            key=f"room:{pk}",
            kind="room",
            label=title,
            public=False,
            url=reverse("reflection:room", kwargs={"municipality": municipality.slug, "room": pk}),
            parent=f"challenge:{challenge_id}" if challenge_id else "",
        )
        for pk, title, challenge_id in Room.objects.filter(
            **kwargs, created_at__lt=until
        ).values_list("pk", "title", "challenge_id")
    ]
    activities = [
        Activity("room", periods.day(created_at), f"room:{room_id}", periods.known(person, active))
        for room_id, person, active, created_at in RoomMember.objects.filter(
            **kwargs, **periods.within("created_at", start, end)
        ).values_list("room_id", "person_id", "person__is_active", "created_at")
    ]
    activities += [
        Activity("room", periods.day(created_at), f"room:{room_id}", periods.known(person, active))
        for room_id, person, active, created_at in Entry.objects.filter(
            **kwargs, **periods.within("created_at", start, end), visibility=Visibility.SHARED
        ).values_list("session__room_id", "author_id", "author__is_active", "created_at")
    ]
    activities += [
        Activity("room", periods.day(started_at), f"room:{room_id}")
        for room_id, started_at in AnonymousEntry.objects.filter(
            **kwargs, **periods.within("session__created_at", start, end)
        ).values_list("session__room_id", "session__created_at")
    ]
    return ActivityReport(tuple(arenas), tuple(activities))


# -- for the start page (samskab.home) ---------------------------------------------------------


def learnings_awaiting_consent(user: Any, municipality: Municipality) -> list[Learning]:
    """Learnings here that ask the person, as an author, to consent to sharing them with other
    municipalities and that they have not answered. Their own rows only. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Learning.objects.filter(
            municipality=municipality,
            authors__person=user,
            authors__consent=Consent.ASKED,
            authors__answered_at__isnull=True,
        )
        .select_related("municipality")
        .order_by("-created_at", "-pk")
        .distinct()[:20]
    )


# -- for the council report ---------------------------------------------------------------------


def learnings_for_challenge(challenge: Any, user: Any) -> list[Learning]:
    """What the challenge's reflection rooms chose to share: the learnings written from its rooms
    (a learning is shared by choice; private entries never become one without consent). None
    unless the person may see the challenge. One query."""
    if not user.has_perm("challenges.view_challenge", challenge):
        return []
    return list(
        Learning.objects.filter(room__challenge=challenge)
        .only("title", "text", "created_at")
        .order_by("created_at", "id")
    )


# -- for search ---------------------------------------------------------------------------------


def search_learnings(
    user: Any, municipality: Municipality, query: str, *, limit: int = 20
) -> list[Any]:
    """Learnings the person may read: the municipality's whole library for its staff, its
    published learnings for everyone else (as the shared library shows them). By title, text
    and tags, newest first. One query."""
    learnings = Learning.objects.filter(municipality=municipality)
    if not user.has_perm("reflection.view_library", municipality):
        learnings = learnings.filter(published_at__isnull=False)
    return list(
        search.search(learnings, query)
        .select_related("municipality")
        .order_by("-created_at", "-id")[:limit]
    )


# --- read for reports ---


def learnings_for_movement(movement: Any, user: Any) -> list[Learning]:
    """What the movement's reflection rooms, and those of its challenges, chose to share: the
    learnings written from them, for the movement's council report. Only for those who may see
    the movement's landscape (its own staff); else none. One query."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "landscape.view_landscape", movement.municipality
    ):
        return []
    return list(
        Learning.objects.filter(municipality_id=movement.municipality_id, room__isnull=False)
        .filter(Q(room__movement=movement) | Q(room__challenge__space__movement=movement))
        .only("title", "text", "created_at")
        .order_by("created_at", "id")
    )
