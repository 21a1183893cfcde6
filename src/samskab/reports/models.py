"""The council report: a challenge's (or a movement's) whole process as a dagsordenspunkt.

`Report` holds what staff write (the header and the text parts); the figures are computed from
the other apps' stored data each time (`samskab.reports.figures`). Every text edit is kept in
`ReportEdit` (append-only). Marking the report "sendt til udvalget" freezes it as a
`ReportVersion`: the figures and texts as they were, which citizens then see on the challenge.
A frozen version never changes (`ReportVersion.save` refuses an update). Staff may start a new
draft after sending (`is_draft` again): the next send freezes it as the next version, and until
then everyone else still sees the last version sent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.errors import ServiceError
from samskab.core.validators import validate_no_cpr

FROZEN_MESSAGE = _(
    "Indstillingen er sendt til udvalget og kan ikke ændres. Den sendte udgave er låst, så alle "
    "kan se, hvad udvalget fik."
)

# The text parts staff edit, in the order the edit page shows them.
TEXT_FIELDS = ("summary", "recommendation", "risks", "next_steps")
HEADER_FIELDS = ("committee", "case_kind", "case_number", "is_open")


class Report(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.OneToOneField(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    movement = models.OneToOneField(
        "municipalities.Movement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    committee = models.CharField(
        _("udvalg og vej"), max_length=300, blank=True, validators=[validate_no_cpr]
    )
    case_kind = models.CharField(
        _("sagstype"), max_length=100, blank=True, validators=[validate_no_cpr]
    )
    case_number = models.CharField(_("sagsnummer"), max_length=50, blank=True)
    is_open = models.BooleanField(_("åbent punkt"), default=True)
    summary = models.TextField(
        _("sagsresumé"), max_length=4000, blank=True, validators=[validate_no_cpr]
    )
    # One "at …" clause per line; empty means the clauses drafted from the outcome are shown.
    recommendation = models.TextField(
        _("indstilling"), max_length=4000, blank=True, validators=[validate_no_cpr]
    )
    risks = models.TextField(_("risici"), max_length=4000, blank=True, validators=[validate_no_cpr])
    next_steps = models.TextField(
        _("videre proces"), max_length=4000, blank=True, validators=[validate_no_cpr]
    )
    # False from "sendt til udvalget" until staff start a new draft (the next version).
    is_draft = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(challenge__isnull=False) | models.Q(movement__isnull=False),
                name="report_has_a_subject",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.pk}"


class ReportEdit(models.Model):
    """One change to one field of a report: who, when, what it was and what it became."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="edits")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=20)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"edit {self.pk} of report {self.report_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ServiceError(str(_("Historikken kan ikke ændres.")))
        super().save(*args, **kwargs)


class ReportVersion(models.Model):
    """The report as sent to the committee: figures and texts frozen as JSON."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    data = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_report_version_number")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of report {self.report_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ServiceError(str(FROZEN_MESSAGE))
        super().save(*args, **kwargs)


class ReportFile(models.Model):
    """A generated PDF (or .docx), kept until the figures or texts change (`fingerprint`)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=4)
    fingerprint = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "fingerprint"], name="one_report_file_per_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of report {self.report_id}"
