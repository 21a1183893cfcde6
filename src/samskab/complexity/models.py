"""Complexity assessment on Stacey's agreement–certainty matrix, in rounds per challenge.

A challenge gets numbered rounds (1, 2, …). In an open round each person gives one rating: how far
the participants agree on the challenge and the best way to tackle it, and how certain and
predictable the results of the proposed solutions are, both on 1–5, with an optional sentence
why and the role they answer as. The math lives in `samskab.analysis.stacey`; pages compute the
summary from the ratings (a round holds tens of ratings, so there is nothing to queue).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.models import Openable
from samskab.core.validators import validate_no_cpr

SCALE_LOW = 1
SCALE_HIGH = 5
REASON_MAX_LENGTH = 500


class AssessmentRound(Openable):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        related_name="assessment_rounds",
        verbose_name=_("udfordring"),
    )
    number = models.PositiveSmallIntegerField(_("runde"))

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("vurderingsrunde")
        verbose_name_plural = _("vurderingsrunder")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="one_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "complexity:round",
            kwargs={
                "municipality": self.municipality.slug,
                "challenge": self.challenge_id,
                "number": self.number,
            },
        )


class Rating(models.Model):
    """One person's answer in one round (one per person, enforced by the database)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complexity_ratings"
    )
    agreement = models.PositiveSmallIntegerField(_("enighed"))
    certainty = models.PositiveSmallIntegerField(_("sikkerhed"))
    role = models.CharField(_("svarer som"), max_length=20, blank=True)
    reason = models.TextField(
        _("begrundelse"), max_length=REASON_MAX_LENGTH, blank=True, validators=[validate_no_cpr]
    )
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="one_rating_per_round"),
            models.CheckConstraint(
                condition=models.Q(agreement__gte=SCALE_LOW, agreement__lte=SCALE_HIGH)
                & models.Q(certainty__gte=SCALE_LOW, certainty__lte=SCALE_HIGH),
                name="rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.agreement}/{self.certainty}"


class ZoneSettings(models.Model):
    """A municipality's own zone boundaries on the 0–1 scale (analysis.stacey.ZoneThresholds)."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    high = models.FloatField(_("tæt på (fra)"), default=0.7)
    low = models.FloatField(_("langt fra (under)"), default=0.4)
    chaos = models.FloatField(_("kaos (under)"), default=0.3)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("zonegrænser")
        verbose_name_plural = _("zonegrænser")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chaos__gte=0)
                & models.Q(chaos__lte=models.F("low"))
                & models.Q(low__lt=models.F("high"))
                & models.Q(high__lte=1),
                name="zone_thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.chaos}/{self.low}/{self.high}"
