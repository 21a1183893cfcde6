from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPLIES = "replies", _("Svar på det, jeg har skrevet")
    MODERATION = (
        "moderation",
        _("Når en moderator skjuler eller genopretter noget, jeg har skrevet"),
    )
    STATUS = "status", _("Når der sker noget med idéer, jeg har skrevet eller støttet")
    DIGEST = "digest", _("Et dagligt overblik over nyt i de udfordringer, jeg deltager i")


class EmailPreference(models.Model):
    """What a person wants email about. Missing row: everything on (they took part)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    replies = models.BooleanField(default=True)
    moderation = models.BooleanField(default=True)
    status = models.BooleanField(default=True)
    digest = models.BooleanField(default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"email preferences of {self.person_id}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))


class Notification(models.Model):
    """One thing that happened to a person's ideas, challenges or statements: the in-app list
    under "Beskeder" and the mail are written by the same call (`services.notify`), so the two
    never disagree. Written in the recipient's language when it happened; addressed to one
    person, who alone may read it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(_("emne"), max_length=300)
    body = models.TextField(_("besked"))
    # A path on this site (/kommuner/…), made absolute with SITE_URL in the mail.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="notification_person_time"),
            models.Index(fields=["person", "read_at"], name="notification_person_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.subject}"


class SentMail(models.Model):
    """A mail that has gone out, by its key (a notification's, a digest's). A task run again
    after its worker died (core.task_reaper) finds the key and does not send the mail twice."""

    # Goes with the person's account, as their notifications do.
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
