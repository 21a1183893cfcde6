"""Reflection rooms (refleksionsrum), their sessions and entries, and the learning library.

Privacy is the feature, and the tables are shaped by it:

* A **private** entry (`Entry`, visibility "private") is read only through
  `services.entries_visible_to`, which returns it to its author alone. It is not registered in
  the admin site, not in the API, not in any export but its author's own.
* An **anonymous** entry lives in its own table, `AnonymousEntry`, which has no author column,
  no timestamp and a random UUID as its primary key. We decided not to keep even a salted hash
  of the author: a hash keyed with the server's secret can be reversed by anyone holding the
  secret and the user table (there are only so many people in a room), so it protects against
  nobody who could read the table in the first place. Without it nothing in the database links
  an anonymous entry to a person; the price is that the author cannot find, edit or export it
  later, and the form says so before they choose anonymous. Sequential ids and creation times
  would let anyone line an anonymous entry up with the same person's other entries or audit
  events, hence the UUID (entries are listed in UUID order, which is random) and no timestamp;
  no audit event is written for an anonymous entry. On SQLite every table also has a hidden
  rowid that counts up as rows are written; a trigger (migration 0003) gives each anonymous row a
  random rowid instead, so not even the file's own order tells which entry came first.
* An entry written in a live workshop carries the workshop activity in `origin` (blank when
  written in the room), so the workshop's big screen shows what was written there and nothing
  else of the room. Workshops write through `services.record_workshop_answer` only.

A room is attached to one thing: the movement or a challenge (initiatives do not exist yet).
Each attachment is its own nullable foreign key with a check that exactly one is set, so the
database keeps the tenancy and integrity a generic foreign key would not; an initiative becomes
one more column and one more term in the check.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from samskab.core.models import Openable
from samskab.core.validators import validate_no_cpr

ENTRY_MAX_LENGTH = 4000
LEARNING_TEXT_MAX_LENGTH = 2000


class ReflectionTemplate(models.Model):
    """A reflection format: a name and its prompts, in order.

    Templates with no municipality are the platform's own (Stacey, Gibbs, After Action Review,
    What/So what/Now what: seeded by a data migration) and shared by every municipality. A
    facilitator edits one by saving the municipality's own copy, so one municipality's edit never
    changes another's. Not a municipality-owned row in the scoped sense, so its manager is plain
    and every lookup goes through `available_to()`.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.SlugField(_("nøgle"), max_length=50)
    name = models.CharField(_("navn"), max_length=100, validators=[validate_no_cpr])
    description = models.TextField(
        _("beskrivelse"), max_length=1000, blank=True, validators=[validate_no_cpr]
    )
    prompts = models.JSONField(_("spørgsmål"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("refleksionsskabelon")
        verbose_name_plural = _("refleksionsskabeloner")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "key"], name="template_key_unique_in_municipality"
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(municipality__isnull=True),
                name="platform_template_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    movement = models.ForeignKey(
        "municipalities.Movement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflection_rooms",
        verbose_name=_("bevægelse"),
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflection_rooms",
        verbose_name=_("udfordring"),
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    purpose = models.TextField(
        _("formål"), max_length=2000, blank=True, validators=[validate_no_cpr]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refleksionsrum")
        verbose_name_plural = pgettext_lazy("plural", "refleksionsrum")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(movement__isnull=False, challenge__isnull=True)
                    | models.Q(movement__isnull=True, challenge__isnull=False)
                ),
                name="room_attached_to_exactly_one",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "reflection:room", kwargs={"municipality": self.municipality.slug, "room": self.pk}
        )

    @property
    def attached_to(self) -> models.Model | None:
        return self.challenge or self.movement


class RoomMember(models.Model):
    """A person in a room, with the role they take part as (leder, medarbejder, borger …)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_memberships"
    )
    role = models.CharField(_("rolle"), max_length=20)
    is_facilitator = models.BooleanField(_("facilitator i rummet"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["room", "id"]
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmer")
        constraints = [
            models.UniqueConstraint(fields=["room", "person"], name="one_membership_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.room_id}"


class Session(Openable):
    """One reflection meeting in a room. Its prompts are copied from the template when it
    starts, so editing the template later never changes what people answered."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    template = models.ForeignKey(
        ReflectionTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template_name = models.CharField(_("skabelon"), max_length=100)
    prompts = models.JSONField(default=list)
    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refleksionsmøde")
        verbose_name_plural = _("refleksionsmøder")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "reflection:session",
            kwargs={
                "municipality": self.municipality.slug,
                "room": self.room_id,
                "session": self.pk,
            },
        )


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Privat – kun du kan se den")
    SHARED = "shared", _("Delt med rummet – med dit navn")
    ANONYMOUS = "anonymous", _("Anonym i rummet – uden dit navn")


class Entry(models.Model):
    """A private or shared reflection, with its author. Anonymous ones are `AnonymousEntry`."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="entries")
    prompt_index = models.PositiveSmallIntegerField(_("spørgsmål"))
    text = models.TextField(
        _("refleksion"), max_length=ENTRY_MAX_LENGTH, validators=[validate_no_cpr]
    )
    visibility = models.CharField(
        _("synlighed"),
        max_length=10,
        choices=[
            (Visibility.PRIVATE.value, Visibility.PRIVATE.label),
            (Visibility.SHARED.value, Visibility.SHARED.label),
        ],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_entries"
    )
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    origin = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["prompt_index", "created_at", "id"]
        verbose_name = _("refleksion")
        verbose_name_plural = _("refleksioner")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["private", "shared"]),
                name="entry_private_or_shared",
            ),
            # One named answer per person per workshop activity (a re-sent answer counts once).
            models.UniqueConstraint(
                fields=["origin", "author"],
                condition=~models.Q(origin=""),
                name="entry_one_per_workshop_activity",
            ),
        ]
        indexes = [models.Index(fields=["session", "origin"], name="entry_session_origin")]

    def __str__(self) -> str:
        # Never the text: a private entry must not show up in logs or admin lists by accident.
        return f"entry {self.pk}"


class AnonymousEntry(models.Model):
    """A reflection shared with the room without a name: no author, no time, random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="anonymous_entries")
    prompt_index = models.PositiveSmallIntegerField(_("spørgsmål"))
    text = models.TextField(
        _("refleksion"), max_length=ENTRY_MAX_LENGTH, validators=[validate_no_cpr]
    )
    # The workshop activity it was written in, or blank: where, never who or when.
    origin = models.CharField(max_length=40, blank=True, default="", editable=False)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["prompt_index", "id"]
        verbose_name = _("anonym refleksion")
        verbose_name_plural = _("anonyme refleksioner")
        indexes = [models.Index(fields=["session", "origin"], name="anonymous_session_origin")]

    def __str__(self) -> str:
        return "anonymous entry"


class Learning(models.Model):
    """An insight worth sharing, in the municipality's library and, with every author's consent,
    in the library all municipalities share."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="learnings"
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_cpr])
    text = models.TextField(
        _("læring"), max_length=LEARNING_TEXT_MAX_LENGTH, validators=[validate_no_cpr]
    )
    tags = models.JSONField(_("emner"), default=list, blank=True)
    context = models.CharField(
        _("hvor den kommer fra"), max_length=300, blank=True, validators=[validate_no_cpr]
    )
    # Lower-cased, normalised title + text + tags: what the simple search matches against.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    published_at = models.DateTimeField(_("delt med alle kommuner"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("læring")
        verbose_name_plural = pgettext_lazy("plural", "læringer")
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "reflection:learning",
            kwargs={"municipality": self.municipality.slug, "learning": self.pk},
        )


class Consent(models.TextChoices):
    ASKED = "asked", _("Spurgt")
    GIVEN = "given", _("Givet")
    REFUSED = "refused", _("Afslået")


class LearningAuthor(models.Model):
    """One author of a learning and their answer to sharing it with other municipalities."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    learning = models.ForeignKey(Learning, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_authorships"
    )
    consent = models.CharField(_("samtykke"), max_length=10, choices=Consent.choices, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["learning", "id"]
        verbose_name = _("forfatter")
        verbose_name_plural = _("forfattere")
        constraints = [
            models.UniqueConstraint(fields=["learning", "person"], name="one_author_row")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.learning_id}: {self.consent}"
