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
