"""Safe-to-fail experiments: probe, sense, respond, in an initiative's work.

Source: D. J. Snowden and M. E. Boone (2007), "A Leader's Framework for Decision Making",
Harvard Business Review 85(11): in the complex domain one cannot analyse one's way to the answer,
so one *probes* (runs several small experiments that are safe to fail), *senses* (watches the
signals that show whether a useful pattern emerges) and *responds* (amplifies what works,
dampens what does not). Snowden's "safe-to-fail probes" (Cognitive Edge, 2007) add that each
probe states beforehand what would make it amplified or dampened, and how it can be stopped.
In Stacey's agreement–certainty matrix (see `samskab.analysis.stacey`) this is the approach of
zone 4, the complexity zone; an experiment keeps the zone it was designed for, so the
portfolio shows whether experiments are being run where they fit.

An experiment's reviews are only ever added (`Review`): its status, outcome and learning are
those of its newest review, kept on the experiment so lists need no sub-query.
Written only by `samskab.experiments.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.validators import validate_no_cpr

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000
RESULT_MAX_LENGTH = 5000
# Stacey's five zones, numbered as in samskab.analysis.stacey.Zone.
ZONE_LOW, ZONE_HIGH = 1, 5


class Status(models.TextChoices):
    RUNNING = "running", _("I gang")
    AMPLIFIED = "amplified", _("Forstærket")
    DAMPENED = "dampened", _("Dæmpet")
    STOPPED = "stopped", _("Stoppet")


class Decision(models.TextChoices):
    """What a review decides; each but CONTINUE leads to the status of the same name."""

    CONTINUE = "continue", _("Fortsæt og følg med")
    AMPLIFY = "amplify", _("Forstærk")
    DAMPEN = "dampen", _("Dæmp")
    STOP = "stop", _("Stop")


STATUS_AFTER: dict[str, str] = {
    Decision.CONTINUE: Status.RUNNING,
    Decision.AMPLIFY: Status.AMPLIFIED,
    Decision.DAMPEN: Status.DAMPENED,
    Decision.STOP: Status.STOPPED,
}


def _text(label: object, max_length: int = TEXT_MAX_LENGTH, **kwargs: object) -> models.TextField:
    return models.TextField(  # type: ignore[call-overload]
        label, max_length=max_length, validators=[validate_no_cpr], **kwargs
    )


class _InMunicipality(models.Model):
    """What experiments and their reviews share: they belong to one municipality, and their
    manager sees only the municipality whose scope is open."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        abstract = True


class Experiment(_InMunicipality):
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="experiments",
        verbose_name=_("initiativ"),
    )
    title = models.CharField(_("titel"), max_length=TITLE_MAX_LENGTH, validators=[validate_no_cpr])
    hypothesis = _text(_("hypotese"))
    signals = _text(_("tegn vi holder øje med"))
    amplify_when = _text(_("vi forstærker, hvis"))
    dampen_when = _text(_("vi dæmper, hvis"))
    stop_when = _text(_("vi stopper, hvis"))
    zone = models.PositiveSmallIntegerField(_("zone i Stacey-matricen"))
    review_on = models.DateField(_("næste opfølgning"), null=True, blank=True)
    # The review date a reminder was sent for: one reminder per date, a new date a new one.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    outcome = _text(_("resultat"), RESULT_MAX_LENGTH, blank=True)
    # As long as a learning in the library may be, so that it can be offered there whole.
    learning = _text(_("læring"), blank=True)
    # The learning library's copy, once the learning was offered to it.
    library_learning = models.ForeignKey(
        "reflection.Learning", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("fulgt op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("eksperiment")
        verbose_name_plural = _("eksperimenter")
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__gte=ZONE_LOW, zone__lte=ZONE_HIGH), name="experiment_zone"
            )
        ]
        indexes = [models.Index(fields=["review_on"], name="experiment_review_on")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "experiments:detail",
            kwargs={
                "municipality": self.municipality.slug,
                "initiative": self.initiative_id,
                "experiment": self.pk,
            },
        )


class Review(_InMunicipality):
    """One review of an experiment: what was sensed and what was decided. Never edited."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("beslutning"), max_length=10, choices=Decision.choices)
    sensed = _text(_("det så vi"), RESULT_MAX_LENGTH, blank=True)
    outcome = _text(_("resultat"), RESULT_MAX_LENGTH, blank=True)
    learning = _text(_("læring"), blank=True)
    next_review_on = models.DateField(_("næste opfølgning"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="experiment_reviews",
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")

    def __str__(self) -> str:
        return f"{self.experiment_id}: {self.decision}"

    def get_absolute_url(self) -> str:
        # A review is read on its experiment's page, with the others.
        return self.experiment.get_absolute_url()
