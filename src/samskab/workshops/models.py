"""Live workshops: a facilitator runs a session in a room, participants answer on their phones.

A session holds an ordered list of activities, each pointing at the object the other apps already
keep answers in (a complexity round, an opinions conversation, a challenge in prioritisation, a
reflection meeting's prompt). Answers land in those apps' models through their service functions;
this app keeps only who takes part (`WorkshopParticipant`) and a receipt per answered item
(`AnswerReceipt`), whose unique constraint makes a re-sent answer count once. Reflection answers
get no receipt: a receipt would tell who answered anonymously (see
`reflection.services.record_workshop_answer`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.validators import validate_no_cpr

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or off a projector without mix-ups.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
PSEUDONYM_MAX_LENGTH = 40
REFLECTION_MAX_LENGTH = 1000


class ActivityKind(models.TextChoices):
    STACEY = "stacey", _("Kompleksitetsvurdering (Stacey)")
    STATEMENTS = "statements", _("Udsagn at stemme om")
    PAIRWISE = "pairwise", _("Parvis sammenligning")
    REFLECTION = "reflection", _("Refleksionsspørgsmål")


class LiveSession(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        related_name="live_sessions",
        verbose_name=_("udfordring"),
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Unique among open sessions only: a closed session's code may come back later.
    code = models.CharField(_("deltagerkode"), max_length=CODE_LENGTH)
    is_open = models.BooleanField(_("åben"), default=True)
    allow_anonymous = models.BooleanField(_("deltag uden login"), default=True)
    expires_at = models.DateTimeField(_("udløber"))
    current = models.ForeignKey(
        "workshops.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_open=True),
                name="workshop_one_open_session_per_code",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.is_open and self.expires_at > timezone.now()


class Activity(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(_("nummer"))
    kind = models.CharField(_("aktivitet"), max_length=12, choices=ActivityKind.choices)
    is_open = models.BooleanField(_("åben for svar"), default=True)
    assessment_round = models.ForeignKey(
        "complexity.AssessmentRound",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    conversation = models.ForeignKey(
        "opinions.Conversation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reflection_session = models.ForeignKey(
        "reflection.Session", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    prompt_index = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["session", "position"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="workshop_one_activity_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.position} {self.kind}"


def reflection_origin(activity: Activity) -> str:
    """How reflection tells the entries written in this workshop activity from the room's own."""
    return f"workshop:{activity.pk}"


class WorkshopParticipant(models.Model):
    """A phone in the room. `person` is the participant's account, or a guest account made for
    someone who joined without logging in (it cannot log in and holds no roles)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_participations"
    )
    is_guest = models.BooleanField(default=False)
    pseudonym = models.CharField(
        _("kaldenavn"), max_length=PSEUDONYM_MAX_LENGTH, validators=[validate_no_cpr]
    )
    role = models.CharField(_("deltager som"), max_length=20, blank=True)
    # Kept in the phone's session cookie: a phone that reconnects is the same participant.
    token = models.CharField(max_length=64, unique=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="workshop_one_participant_per_person"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class AnswerReceipt(models.Model):
    """That a participant answered one item of a Stacey, statements or pairwise activity; the
    answer itself lives in the other app. Never written for a reflection: participants with a
    receipt and no named entry would be exactly the anonymous writers."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="receipts")
    participant = models.ForeignKey(
        WorkshopParticipant, on_delete=models.CASCADE, related_name="receipts"
    )
    item = models.CharField(max_length=40, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant", "item"], name="workshop_one_answer_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.participant_id}:{self.item}"
