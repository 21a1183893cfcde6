"""State changes for complexity assessment: one function per use case, each atomic and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.accounts.roles import declarable_roles
from samskab.analysis.stacey import ZoneThresholds
from samskab.challenges.models import Challenge, ChallengeStatus
from samskab.complexity.models import (
    REASON_MAX_LENGTH,
    SCALE_HIGH,
    SCALE_LOW,
    AssessmentRound,
    Rating,
    ZoneSettings,
)

# What a live summary of a round looks like (the workshop's big screen shows one).
from samskab.complexity.presentation import summarise as summarise
from samskab.complexity.presentation import zone_name as zone_name
from samskab.core import periods
from samskab.core import services as core_services
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import contains_cpr
from samskab.municipalities.models import Visibility as SpaceVisibility

__all__ = ["ServiceError"]


def thresholds_for(municipality_id: int) -> ZoneThresholds:
    zs = ZoneSettings.objects.filter(municipality_id=municipality_id).first()
    if zs is None:
        return ZoneThresholds()
    return ZoneThresholds(high=zs.high, low=zs.low, chaos=zs.chaos)


def set_thresholds(
    municipality: Any, actor: Any, *, high: float, low: float, chaos: float
) -> ZoneSettings:
    if actor is None or not actor.has_perm("complexity.change_zones", municipality):
        raise ServiceError(
            _("Kun kommunens facilitatorer og administratorer kan ændre grænserne for zonerne.")
        )
    try:
        ZoneThresholds(high=high, low=low, chaos=chaos)
    except ValueError:
        raise ServiceError(
            _("Grænserne skal ligge sådan: 0 ≤ kaos ≤ langt fra < tæt på ≤ 1.")
        ) from None
    with transaction.atomic():
        zs, _created = ZoneSettings.objects.update_or_create(
            municipality=municipality, defaults={"high": high, "low": low, "chaos": chaos}
        )
        record(
            municipality.pk, actor, "complexity.zones_changed", zs, high=high, low=low, chaos=chaos
        )
    return zs


def rounds_of(challenge: Challenge) -> list[AssessmentRound]:
    return list(
        AssessmentRound.objects.filter(challenge=challenge)
        .select_related("municipality", "challenge")
        .order_by("number")
    )


def open_round(challenge: Challenge, actor: Any) -> AssessmentRound:
    """Open the next round; any round still open is closed first (one open round at a time)."""
    if actor is None or not actor.has_perm("complexity.manage_assessment", challenge):
        raise ServiceError(_("Du kan ikke åbne en ny runde for denne udfordring."))
    with transaction.atomic():
        # Lock the challenge row so two facilitators clicking at once get rounds n and n+1.
        Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
        last = AssessmentRound.objects.filter(challenge=challenge).order_by("-number").first()
        now = timezone.now()
        AssessmentRound.objects.filter(challenge=challenge, is_open=True).update(
            is_open=False, closed_at=now
        )
        created = AssessmentRound.objects.create(
            municipality_id=challenge.municipality_id,
            challenge=challenge,
            number=(last.number if last else 0) + 1,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            challenge.municipality_id,
            actor,
            "complexity.round_opened",
            created,
            challenge=challenge.pk,
            number=created.number,
        )
    return created


def set_round_open(round_: AssessmentRound, actor: Any, *, is_open: bool) -> AssessmentRound:
    """Close a round, or reopen it; reopening closes the challenge's other open round (one open
    round at a time)."""

    def close_the_others(locked: AssessmentRound) -> None:
        if is_open:
            AssessmentRound.objects.filter(challenge_id=locked.challenge_id, is_open=True).exclude(
                pk=locked.pk
            ).update(is_open=False, closed_at=timezone.now())

    return core_services.set_open(
        round_,
        actor,
        is_open=is_open,
        perm="complexity.manage_assessment",
        action_prefix="complexity.round",
        refusal=_("Du kan ikke lukke eller åbne denne runde."),
        before_save=close_the_others,
    )


def _check_value(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not SCALE_LOW <= value <= SCALE_HIGH
    ):
        raise ServiceError(
            _("Vælg et tal fra %(low)d til %(high)d.") % {"low": SCALE_LOW, "high": SCALE_HIGH}
        )
    return value


def rate(
    round_: AssessmentRound,
    person: Any,
    *,
    agreement: int,
    certainty: int,
    role: str | None = None,
    self_declared_role: bool = False,
    reason: str = "",
) -> Rating:
    """Give or change one's rating in an open round (the latest answer counts).

    `role` must be one the person holds, or, for a workshop guest (`self_declared_role`), one
    of the roles a guest may declare."""
    agreement = _check_value(agreement)
    certainty = _check_value(certainty)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(
            _("Begrundelsen må højst være %(max)d tegn. Din er %(length)d tegn.")
            % {"max": REASON_MAX_LENGTH, "length": len(reason)}
        )
    if contains_cpr(reason):
        raise ServiceError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv den uden CPR-nummeret – "
                "vi gemmer aldrig CPR-numre."
            )
        )
    roles = declarable_roles(person, round_.municipality_id, self_declared=self_declared_role)
    if role and role not in roles:
        raise ServiceError(_("Du kan kun svare som en rolle, du har i kommunen."))
    with transaction.atomic():
        # Lock the round, so a rating never lands in a round that was closed meanwhile.
        locked = AssessmentRound.objects.select_for_update().filter(pk=round_.pk).first()
        if locked is None or not locked.is_open:
            raise ServiceError(_("Runden er lukket, så dit svar kan ikke gemmes længere."))
        fields = {
            "agreement": agreement,
            "certainty": certainty,
            "role": role or "",
            "reason": reason,
        }
        rating = Rating.objects.filter(round=round_, person=person).first()
        if rating is None:
            try:
                with transaction.atomic():
                    rating = Rating.objects.create(
                        municipality_id=round_.municipality_id,
                        round=round_,
                        person=person,
                        **fields,
                    )
            except IntegrityError:  # the same person answered twice at once: keep the latest
                rating = Rating.objects.get(round=round_, person=person)
        for name, value in fields.items():
            setattr(rating, name, value)
        rating.save()
        record(round_.municipality_id, person, "complexity.rated", round_)
    return rating


def my_rating(round_: AssessmentRound, user: Any) -> Rating | None:
    if not user.is_authenticated:
        return None
    return Rating.objects.filter(round=round_, person=user).first()


def ratings_of(round_: AssessmentRound) -> list[Rating]:
    return list(
        Rating.objects.filter(round=round_).only("agreement", "certainty", "role", "reason")
    )


def ratings_by_round(rounds: list[AssessmentRound]) -> dict[int, list[Rating]]:
    """Every rating of the given rounds in one query, grouped by round."""
    grouped: dict[int, list[Rating]] = {r.pk: [] for r in rounds}
    for rating in Rating.objects.filter(round__in=[r.pk for r in rounds]).only(
        "round_id", "agreement", "certainty", "role", "reason"
    ):
        grouped[rating.round_id].append(rating)
    return grouped


def latest_zone(challenge: Challenge) -> int | None:
    """The zone (1–5) the challenge's newest answered round places it in, or None before anyone
    has answered. Call inside the challenge's municipality scope."""
    newest = (
        AssessmentRound.objects.filter(challenge=challenge, ratings__isnull=False)
        .order_by("-number")
        .first()
    )
    if newest is None:
        return None
    summary = summarise(ratings_of(newest), thresholds_for(challenge.municipality_id))
    return int(summary.overall.zone) if summary is not None else None


def assessments_for_challenge(challenge: Challenge, user: Any) -> list[AssessmentRound]:
    """The assessment rounds of a challenge, for the challenge page to link to.

    Empty unless the person may see the challenge. Call inside the challenge's municipality
    scope.
    """
    if not user.has_perm("complexity.view_assessment", challenge):
        return []
    return rounds_of(challenge)


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every assessment round of a published challenge that existed by `end`, its
    challenge as parent, public when the challenge is (it lies in a public space). Activities:
    each rating ("rating", the person, on the local day it was first given; changing it later
    does not move it). Two queries."""
    kwargs = {"municipality": municipality, "challenge__status": ChallengeStatus.PUBLISHED}
    _since, until = periods.bounds(start, end)
    arenas = [
        Arena(
            key=f"round:{pk}",
            kind="round",
            label=_("%(challenge)s, vurderingsrunde %(number)d")
            % {"challenge": title, "number": number},
            public=visibility == SpaceVisibility.PUBLIC,
            url=reverse(
                "complexity:round",
                kwargs={
                    "municipality": municipality.slug,
                    "challenge": challenge_id,
                    "number": number,
                },
            ),
            parent=f"challenge:{challenge_id}",
        )
        for pk, number, challenge_id, title, visibility in AssessmentRound.objects.filter(
            **kwargs, created_at__lt=until
        ).values_list(
            "pk", "number", "challenge_id", "challenge__title", "challenge__space__visibility"
        )
    ]
    activities = [
        Activity("rating", periods.day(created_at), f"round:{round_id}", periods.known(p, active))
        for round_id, p, active, created_at in Rating.objects.filter(
            municipality=municipality,
            round__challenge__status=ChallengeStatus.PUBLISHED,
            **periods.within("created_at", start, end),
        ).values_list("round_id", "person_id", "person__is_active", "created_at")
    ]
    return ActivityReport(tuple(arenas), tuple(activities))


# --------------------------------------------------------------------------------------------
# The movement dashboard's read functions (samskab.landscape.dashboard)
# --------------------------------------------------------------------------------------------


def zone_counts(user: Any, municipality: Any) -> dict[int | None, int]:
    """How many published challenges, in spaces the person may enter, the newest answered round
    places in each Stacey zone (1–5), as `latest_zone` does for one; None: not rated yet. Every
    zone present, 0 where none. Three queries, whatever the number of challenges and ratings."""
    from collections import namedtuple

    from samskab.challenges.models import ChallengeStatus
    from samskab.municipalities.access import visible_spaces

    challenges = Challenge.objects.filter(
        municipality=municipality,
        status=ChallengeStatus.PUBLISHED,
        space__in=visible_spaces(user, municipality).values("pk"),
    )
    challenge_ids = list(challenges.values_list("pk", flat=True))
    answer = namedtuple("answer", "agreement certainty role")
    newest: dict[int, tuple[int, list[Any]]] = {}
    for challenge_id, number, agreement, certainty, role in (
        Rating.objects.filter(
            municipality=municipality, round__challenge__in=challenges.values("pk")
        )
        .order_by()
        .values_list("round__challenge_id", "round__number", "agreement", "certainty", "role")
    ):
        seen = newest.get(challenge_id)
        if seen is None or number > seen[0]:
            newest[challenge_id] = seen = (number, [])
        if number == seen[0]:
            seen[1].append(answer(agreement, certainty, role))
    counts: dict[int | None, int] = {zone: 0 for zone in (1, 2, 3, 4, 5)}
    counts[None] = 0
    thresholds = thresholds_for(municipality.pk) if newest else None
    for challenge_id in challenge_ids:
        rated = newest.get(challenge_id)
        summary = summarise(rated[1], thresholds) if rated and thresholds else None
        counts[int(summary.overall.zone) if summary is not None else None] += 1
    return counts


# --- read for people ---------------------------------------------------------------------------


def challenges_with_rounds(challenge_ids: list[int]) -> set[int]:
    """Which of these challenges have had an assessment round (one query); the caller chose the
    challenges, from those the person may see."""
    return set(
        AssessmentRound.objects.filter(challenge_id__in=challenge_ids)
        .values_list("challenge_id", flat=True)
        .distinct()
    )
