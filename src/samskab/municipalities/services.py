"""State changes for movements and spaces: one function per use case, each atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samskab.accounts.models import User
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.municipalities.data import danish_slug
from samskab.municipalities.models import (
    Movement,
    Municipality,
    Space,
    SpaceInvitation,
    Visibility,
)
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify


def _require(actor: Any, perm: str, obj: Any, refusal: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise ServiceError(refusal)


def open_movement(
    municipality: Municipality, actor: Any, *, title: str, description: str = ""
) -> Movement:
    _require(
        actor,
        "municipalities.open_movement",
        municipality,
        _("Kun kommunens administratorer og borgmesteren kan starte bevægelsen."),
    )
    try:
        with transaction.atomic():
            movement = Movement.objects.create(
                municipality=municipality,
                title=title,
                description=description,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            record(municipality.pk, actor, "movement.opened", movement, title=title)
    except IntegrityError:
        # Two administrators pressing the button at once: the database keeps one movement.
        raise ServiceError(_("Kommunen har allerede en bevægelse.")) from None
    return movement


def _free_slug(municipality: Municipality, title: str) -> str:
    base = danish_slug(title)[:90] or "rum"
    taken = set(
        Space.objects.filter(municipality=municipality, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_space(
    movement: Movement,
    actor: Any,
    *,
    title: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    min_assurance: str = "",
) -> Space:
    municipality = movement.municipality
    # Those who may open the movement may also give it a space: the mayor's starting question
    # (MOVEMENT_STARTERS) runs as whoever opened the movement.
    if not (
        actor is not None
        and (
            actor.has_perm("municipalities.add_space", municipality)
            or actor.has_perm("municipalities.open_movement", municipality)
        )
    ):
        raise ServiceError(_("Kun kommunens administratorer og facilitatorer kan oprette rum."))
    with transaction.atomic():
        space = Space.objects.create(
            municipality=municipality,
            movement=movement,
            title=title,
            slug=_free_slug(municipality, title),
            description=description,
            visibility=visibility,
            min_assurance=min_assurance,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            municipality.pk,
            actor,
            "space.created",
            space,
            visibility=visibility,
            min_assurance=min_assurance,
        )
    return space


def invite_to_space(space: Space, actor: Any, *, email: str) -> SpaceInvitation:
    _require(
        actor,
        "municipalities.invite_to_space",
        space,
        _("Kun kommunens administratorer og facilitatorer kan invitere til rum."),
    )
    person = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if person is None:
        raise ServiceError(
            _("Der er ingen profil med den e-mail. Bed personen oprette en profil først.")
        )
    if space.visibility != Visibility.INVITE:
        raise ServiceError(_("Kun rum for inviterede har invitationer."))
    with transaction.atomic():
        invitation, created = SpaceInvitation.objects.get_or_create(
            municipality=space.municipality,
            space=space,
            person=person,
            defaults={"invited_by": actor},
        )
        if not created:
            raise ServiceError(_("Personen er allerede inviteret."))
        record(space.municipality_id, actor, "space.invited", space, person=person.pk)
        # In the language the invited person chose, not the inviter's; the mail and the
        # in-app entry go out the one way every notice does (signature, link, language).
        notify(
            person,
            Kind.STATUS,
            in_language(
                person, lambda: _("Du er inviteret til %(space)s") % {"space": space.title}
            ),
            in_language(
                person,
                lambda: (
                    _("Du er inviteret til rummet »%(space)s« i %(municipality)s.")
                    % {"space": space.title, "municipality": space.municipality}
                ),
            ),
            link=space.get_absolute_url(),
            municipality=space.municipality,
        )
    return invitation
