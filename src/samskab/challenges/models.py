"""Challenges, the ideas people submit to them, threaded comments, support and moderation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.challenges.phases import Phase
from samskab.core.validators import validate_no_cpr


class ChallengeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Foreslået – afventer godkendelse")
    PUBLISHED = "published", _("Offentliggjort")
    REJECTED = "rejected", _("Ikke godkendt")


class Challenge(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="challenges"
    )
    space = models.ForeignKey(
        "municipalities.Space", on_delete=models.CASCADE, related_name="challenges"
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    description = models.TextField(
        _("beskrivelse"), max_length=10_000, blank=True, validators=[validate_no_cpr]
    )
    posed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ChallengeStatus.choices,
        default=ChallengeStatus.PUBLISHED,
    )
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices, default=Phase.IDEAS)
    ideas_until = models.DateField(_("idéer indtil"), null=True, blank=True)
    prioritisation_until = models.DateField(_("prioritering indtil"), null=True, blank=True)
    decision_on = models.DateField(_("beslutning senest"), null=True, blank=True)
    allow_pseudonyms = models.BooleanField(
        _("tillad pseudonymer"),
        default=True,
        help_text=_("Deltagere kan vise deres pseudonym i stedet for deres navn."),
    )
    premoderation = models.BooleanField(
        _("forhåndsgodkendelse"),
        default=False,
        help_text=_("Nye idéer og kommentarer vises først, når en moderator har godkendt dem."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # Set when the poser or a process runner changed what people had already read (the page
    # shows "Redigeret <dato>"); the earlier text is kept in ChallengeRevision.
    edited_at = models.DateTimeField(_("redigeret"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("udfordring")
        verbose_name_plural = _("udfordringer")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "challenges:detail",
            kwargs={"municipality": self.municipality.slug, "challenge": self.pk},
        )


class Category(models.Model):
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("navn"), max_length=80)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    """Moderation state of an idea or comment."""

    PENDING = "pending", _("Afventer godkendelse")
    VISIBLE = "visible", _("Synlig")
    HIDDEN = "hidden", _("Skjult af moderator")


class Outcome(models.TextChoices):
    """What became of an idea: what people are told in the follow-up."""

    OPEN = "open", _("Åben")
    CONSIDERING = "considering", _("Overvejes")
    SELECTED = "selected", _("Valgt")
    NOT_SELECTED = "not_selected", _("Ikke valgt")
    IMPLEMENTED = "implemented", _("Gennemført")


class Idea(models.Model):
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ideas"
    )
    on_behalf_of = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("på vegne af"),
    )
    use_pseudonym = models.BooleanField(_("vis mit pseudonym"), default=False)
    title = models.CharField(_("titel"), max_length=150, validators=[validate_no_cpr])
    body = models.TextField(_("beskrivelse"), max_length=5000, validators=[validate_no_cpr])
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("kategori")
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE, db_index=True
    )
    moderation_reason = models.TextField(_("begrundelse fra moderator"), blank=True)
    outcome = models.CharField(
        _("status"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN
    )
    outcome_note = models.TextField(_("begrundelse"), blank=True, max_length=2000)
    # Kept in step by the services with F() updates, so lists need no COUNT per row.
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # Moves on every save (moderation, edits), so caches of a challenge's ideas, such as the
    # similar-ideas index, can tell that something changed even when the set of ids did not.
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    # Set when the author changed the text after someone had commented on or supported it: the
    # page then shows "Redigeret <dato>". Every earlier version is kept in IdeaRevision.
    edited_at = models.DateTimeField(_("redigeret"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")
        indexes = [
            models.Index(fields=["challenge", "visibility", "-created_at"]),
            models.Index(fields=["challenge", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A save limited to some fields (as moderation does) would leave updated_at behind.
        fields = kwargs.get("update_fields")
        if fields:  # an empty list means save nothing, and stays so
            kwargs["update_fields"] = {*fields, "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "challenges:idea",
            kwargs={
                "municipality": self.municipality.slug,
                "challenge": self.challenge_id,
                "idea": self.pk,
            },
        )


class IdeaRevision(models.Model):
    """An earlier version of an idea's text, kept when its author edits it: nothing a person
    submitted is lost, and a moderator can see what was changed."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(_("titel"), max_length=150)
    body = models.TextField(_("beskrivelse"), max_length=5000)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When this version was replaced by the next.
    replaced_at = models.DateTimeField(_("erstattet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-replaced_at", "-id"]
        verbose_name = _("tidligere version af en idé")
        verbose_name_plural = _("tidligere versioner af idéer")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.title}"


class ChallengeRevision(models.Model):
    """The fields of a challenge as they were before an edit (title, description, dates and
    settings), so what people answered to can always be read again."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField(default=dict)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(_("erstattet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-replaced_at", "-id"]
        verbose_name = _("tidligere version af en udfordring")
        verbose_name_plural = _("tidligere versioner af udfordringer")

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.data.get('title', '')}"


class Comment(models.Model):
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    use_pseudonym = models.BooleanField(default=False)
    body = models.TextField(_("kommentar"), max_length=3000, validators=[validate_no_cpr])
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    moderation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleting leaves a tombstone: the text goes, the place in the thread stays.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Support(models.Model):
    """One per person per idea: the database enforces it, so double clicks cannot count twice."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.idea_id}"


class Flag(models.Model):
    """Someone asks a moderator to look at an idea or a comment, with a reason."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, related_name="flags")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("begrundelse"), max_length=1000, validators=[validate_no_cpr])
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False, comment__isnull=True)
                | models.Q(idea__isnull=True, comment__isnull=False),
                name="flag_targets_one_thing",
            ),
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=models.Q(resolved_at__isnull=True, idea__isnull=False),
                name="one_open_flag_per_idea",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=models.Q(resolved_at__isnull=True, comment__isnull=False),
                name="one_open_flag_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class Comparison(models.Model):
    """One pairwise answer: which of two ideas matters more (or can't decide)."""

    class Choice(models.TextChoices):
        LEFT = "left", _("Venstre")
        RIGHT = "right", _("Højre")
        TIE = "tie", _("Kan ikke vælge")

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="comparisons")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comparisons"
    )
    left = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=5, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A later answer to the same pair replaces this one in the ranking; the row stays as history.
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        indexes = [models.Index(fields=["challenge", "person"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(left=models.F("right")), name="comparison_two_ideas"
            ),
            # One vote per person per pair, whichever side each idea was shown on.
            models.UniqueConstraint(
                Least("left", "right"),
                Greatest("left", "right"),
                "person",
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_comparison_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} vs {self.right_id}: {self.choice}"

    @property
    def winner_id(self) -> int | None:
        """The idea chosen, or None for »can't decide«: the answer, whatever the sides."""
        if self.choice == self.Choice.TIE:
            return None
        return self.left_id if self.choice == self.Choice.LEFT else self.right_id


# The answers the ranking counts: each person's latest per pair.
CURRENT_COMPARISON = models.Q(superseded_at__isnull=True)


class Ranking(models.Model):
    """The last computed pairwise ranking of a challenge; recomputed in the background."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="ranking")
    computed_at = models.DateTimeField()
    n_comparisons = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=list)

    objects = ScopedManager(municipality="municipality")

    def __str__(self) -> str:
        return f"ranking of {self.challenge_id}"
