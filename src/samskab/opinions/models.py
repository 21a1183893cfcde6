"""The opinion map: conversations, short statements (udsagn), votes and the last analysis.

Votes are kept twice on purpose: `Vote` holds each participant's current vote on a statement
(one row per participant × statement, enforced by the database, so the latest vote wins even when
two requests race), and `VoteEvent` is the append-only history of every vote ever cast (Pol.is
exports carry the same history). The math (`samskab.analysis.opinion`) runs in the background and
its last result is stored in `ConversationAnalysis`; pages only ever read that stored result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from samskab.core.models import Openable
from samskab.core.validators import validate_no_cpr

STATEMENT_MAX_LENGTH = 280


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Forhåndsgodkendelse: nye udsagn vises først, når en moderator har godkendt dem")
    POST = "post", _("Efterfølgende moderation: nye udsagn vises med det samme")


class ModerationState(models.IntegerChoices):
    """Pol.is's own values: 1 in, 0 not yet moderated, -1 out."""

    IN = 1, _("Godkendt")
    UNMODERATED = 0, _("Afventer moderation")
    OUT = -1, _("Afvist")


class VoteValue(models.IntegerChoices):
    """Pol.is's export convention: agree +1, disagree -1, pass 0."""

    AGREE = 1, _("Enig")
    DISAGREE = -1, _("Uenig")
    PASS = 0, _("Spring over")


class Conversation(Openable):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(
        "municipalities.Space", on_delete=models.CASCADE, related_name="conversations"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("udfordring"),
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    question = models.TextField(
        _("spørgsmål"), max_length=2000, blank=True, validators=[validate_no_cpr]
    )
    moderation_mode = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    participants_can_add = models.BooleanField(_("deltagere kan tilføje udsagn"), default=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "opinions:conversation",
            kwargs={"municipality": self.municipality.slug, "conversation": self.pk},
        )

    def get_map_url(self) -> str:
        return reverse(
            "opinions:map",
            kwargs={"municipality": self.municipality.slug, "conversation": self.pk},
        )


class Statement(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    # A TextField: forms and services hold new statements to 280 characters, but a statement
    # imported from Pol.is may be longer and is kept whole.
    text = models.TextField(
        _("udsagn"), max_length=STATEMENT_MAX_LENGTH, validators=[validate_no_cpr]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_seed = models.BooleanField(_("sat af facilitator"), default=False)
    moderation = models.SmallIntegerField(
        _("moderation"), choices=ModerationState.choices, default=ModerationState.UNMODERATED
    )
    is_meta = models.BooleanField(
        _("meta-udsagn"),
        default=False,
        help_text=_("Et udsagn om selve samtalen; det tæller ikke med i meningskortet."),
    )
    moderation_reason = models.CharField(_("begrundelse"), max_length=500, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The statement's id in an imported Pol.is conversation (kept so ids survive a round trip).
    external_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("udsagn")
        verbose_name_plural = pgettext_lazy("plural", "udsagn")
        indexes = [models.Index(fields=["conversation", "moderation"])]

    def __str__(self) -> str:
        return self.text[:60]


class Participant(models.Model):
    """Someone who voted in a conversation: a Samskab person, or one imported from Pol.is.

    Imported Pol.is participants are not people in Samskab (their exports carry only an id), so
    votes hang on a participant rather than directly on a person.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opinion_participations",
    )
    external_id = models.CharField(max_length=40, blank=True)
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "person"],
                condition=models.Q(person__isnull=False),
                name="one_participant_per_person",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_participant_per_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}:{self.person_id or self.external_id}"


class Vote(models.Model):
    """A participant's current vote on a statement: one row, the latest vote wins."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("stemme"), choices=VoteValue.choices)
    role = models.CharField(_("stemmer som"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("tidspunkt"))

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="one_vote_per_participant"
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="vote_value_in_range"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class VoteEvent(models.Model):
    """Every vote ever cast, never changed or deleted: the history behind `Vote`."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="vote_events"
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class _AnalysisManager(models.Manager["ConversationAnalysis"]):
    # Pages read the stored map (`data`), never the warm-start state: leave it in the database
    # unless a query names it (`values_list("warm_state")`).
    def get_queryset(self) -> models.QuerySet[ConversationAnalysis]:
        return super().get_queryset().defer("warm_state")


class ConversationAnalysis(models.Model):
    """The last computed opinion map of a conversation, and whether it is out of date.

    `dirty`: votes or moderation changed since `data` was computed. `pending_since`: a recompute
    is queued and has not started yet, so a burst of votes enqueues one task, not one per vote.
    `version` counts changes; `computed_version` is the version `data` was computed from, so a
    slow, older recompute never overwrites a newer result. `warm_state`: what the next
    recompute of a large conversation starts from (`analysis.opinion.save_warm_start`; empty
    for small ones), stored with `data` so every worker sees it; not loaded unless asked for.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="analysis"
    )
    data = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    dirty = models.BooleanField(default=False)
    pending_since = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=0)
    computed_version = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    warm_state = models.BinaryField(null=True, blank=True, editable=False)

    objects = ScopedManager(_AnalysisManager, municipality="municipality")

    def __str__(self) -> str:
        return f"analysis of {self.conversation_id}"
