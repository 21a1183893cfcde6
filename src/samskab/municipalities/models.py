"""Municipalities (tenants), their movement and its spaces.

Every municipality-owned model carries a `municipality` foreign key and a django-scopes
`ScopedManager`: a query on it fails loudly unless a municipality scope is active, so a view cannot
forget to filter by tenant (pretix's pattern). Cross-municipality reads (the front page, a
person's own memberships) say so explicitly with `scopes_disabled()`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from samskab.accounts.models import AssuranceLevel


def default_challenge_roles() -> list[str]:
    """Who may pose a challenge directly unless the municipality decides otherwise."""
    return ["leder", "borgmester", "politiker", "medarbejder", "facilitator", "administrator"]


class Municipality(models.Model):
    """One of Denmark's 98 municipalities. Public facts; loaded from fixtures/kommuner.csv."""

    code = models.CharField(_("kommunekode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    slug = models.SlugField(_("adresse"), max_length=100, unique=True)
    region_code = models.CharField(_("regionskode"), max_length=4)
    region_name = models.CharField(_("region"), max_length=100)
    challenge_roles = models.JSONField(
        _("roller, der kan stille udfordringer"),
        default=default_challenge_roles,
        help_text=_("Andre kan foreslå en udfordring, som en moderator så godkender."),
    )
    accessibility_statement_url = models.URLField(
        _("link til tilgængelighedserklæring"),
        blank=True,
        help_text=_("Kommunens egen erklæring. Tom: platformens fælles erklæring bruges."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return f"{self.name} Kommune"

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"municipality": self.slug})

    @property
    def accessibility_url(self) -> str:
        return self.accessibility_statement_url or settings.SAMSKAB_DEFAULT_ACCESSIBILITY_URL


class Movement(models.Model):
    """A municipality's whole co-creation effort: one per municipality, so nothing is an island."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="movement", verbose_name=_("kommune")
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("bevægelse")
        verbose_name_plural = _("bevægelser")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"municipality": self.municipality.slug})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Offentligt")
    STAFF = "staff", _("Kun medarbejdere")
    INVITE = "invite", _("Kun inviterede")


class Space(models.Model):
    """A room inside the movement where challenges live; who may enter depends on visibility."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("kommune")
    )
    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("bevægelse")
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=100)
    description = models.TextField(_("beskrivelse"), max_length=5000, blank=True)
    visibility = models.CharField(
        _("synlighed"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The NSIS level a login must reach to take part here ("" = any login will do). Seeing the
    # space follows `visibility` alone.
    min_assurance = models.CharField(
        _("krævet sikringsniveau"), max_length=20, choices=AssuranceLevel.choices, blank=True
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["title"]
        verbose_name = _("rum")
        verbose_name_plural = pgettext_lazy("plural", "rum")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="space_slug_unique_in_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "municipalities:space",
            kwargs={"municipality": self.municipality.slug, "space": self.slug},
        )


class SpaceInvitation(models.Model):
    """A person invited into an invite-only space."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitationer")
        constraints = [
            models.UniqueConstraint(fields=["space", "person"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.space}"
