"""Initiatives: ideas carried into action, who carries them, with what, and what came of it.

Written only by `samskab.initiatives.services`; other apps read through its read functions.
The economy's history is append-only: a commitment is never edited, each change (a correction,
the actual figure, a withdrawal, a sign-off) is a new `CommitmentEntry` with who and why, and a
commitment's state is its newest entry. Money is Decimal, two places, never a float.

References that history rests on are RESTRICT, not CASCADE: a partner, budget line or evidence
cannot be deleted on its own while commitments point at it, yet deleting the whole initiative
(or municipality) removes them together, which PROTECT would refuse.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.validators import validate_no_cpr

# Absurd amounts are refused: no single line, commitment or budget exceeds a billion kroner.
MAX_KRONER = Decimal("1000000000.00")
# An hour is valued at a stated rate; 0 and 100,000 kr an hour are mistakes, not rates.
MIN_HOUR_RATE = Decimal("1.00")
MAX_HOUR_RATE = Decimal("10000.00")
MAX_HOURS = Decimal("1000000.00")

# max_digits 14 holds 999,999,999,999.99: room for sums of many lines above MAX_KRONER each.
MONEY = {"max_digits": 14, "decimal_places": 2}


def _money(verbose_name: object, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, **MONEY, **kwargs)  # type: ignore[arg-type]


def _title(label: object) -> models.CharField:
    return models.CharField(label, max_length=200, validators=[validate_no_cpr])  # type: ignore[call-overload]


def _text(
    label: object,
    max_length: int,
    *,
    blank: bool = True,
    field: type[models.Field] = models.TextField,
) -> models.Field:
    """Free text, never with a CPR number in it; optional unless `blank` is False."""
    return field(label, max_length=max_length, blank=blank, validators=[validate_no_cpr])


def _optional(
    to: object, on_delete: object, label: object, related_name: str = "+"
) -> models.ForeignKey:
    """A reference that may be left out."""
    return models.ForeignKey(  # type: ignore[call-overload]
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=label,
    )


class _Scoped(models.Model):
    """Every row here belongs to one municipality, and is only found within it."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        abstract = True


class _Titled(_Scoped):
    title = _title(_("titel"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    """An initiative's status; each has a default progress (Decidim's accountability does so)."""

    PLANNING = "planning", _("Under planlægning")
    STARTED = "started", _("I gang")
    ADVANCED = "advanced", _("Langt fremme")
    DONE = "done", _("Gennemført")
    PAUSED = "paused", _("Sat på pause")
    STOPPED = "stopped", _("Stoppet")


DEFAULT_PROGRESS: dict[str, int] = {
    Status.PLANNING: 0,
    Status.STARTED: 25,
    Status.ADVANCED: 75,
    Status.DONE: 100,
}


class Initiative(_Titled):
    # Who may see it follows the space, as for challenges; the movement is the space's.
    space = models.ForeignKey(
        "municipalities.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("rum")
    )
    challenge = _optional("challenges.Challenge", models.SET_NULL, _("udfordring"))
    parent = _optional("self", models.RESTRICT, _("del af"), related_name="children")
    purpose = _text(_("formål"), 5000)
    target_group = _text(_("målgruppe"), 2000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNING
    )
    # 0–100. Set from the status's default, or by hand; a parent's is computed from its children.
    progress = models.PositiveSmallIntegerField(
        _("fremdrift (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # A sub-initiative's weight in its parent's progress (Decidim: weighted mean of children).
    weight = models.DecimalField(
        _("vægt"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("samskabelsesinitiativ")
        verbose_name_plural = _("samskabelsesinitiativer")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="initiative_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="initiative_progress_max"),
        ]

    def get_absolute_url(self) -> str:
        return reverse(
            "initiatives:detail",
            kwargs={"municipality": self.municipality.slug, "initiative": self.pk},
        )


class InitiativeIdea(_Scoped):
    """An idea the initiative carries forward; its author and supporters are told what becomes
    of it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="idea_links")
    idea = models.ForeignKey("challenges.Idea", on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "idea"], name="one_link_per_idea")
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} ← idé {self.idea_id}"


class Update(_Scoped):
    """The public timeline: a status change or a news item, never edited."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"))
    note = models.TextField(_("bemærkning"), max_length=5000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.progress} %)"


class Document(_Titled):
    """A file belonging to an initiative (a milestone's report, a commitment's evidence, a signed
    agreement); served only to those who may see the initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("fil"), upload_to="initiatives/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class Milestone(_Titled):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    description = _text(_("beskrivelse"), 5000)
    due_on = models.DateField(_("dato"))
    reached_on = models.DateField(_("nået"), null=True, blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="milestones")

    class Meta:
        ordering = ["due_on", "id"]


class Partner(_Scoped):
    """An organisation (a municipal unit, an association, a business) or a person taking part."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="partners")
    organisation = _optional("accounts.Organisation", models.RESTRICT, _("organisation"))
    # A person taking part on their own (a citizen, a volunteer) has no organisation.
    person = _optional(settings.AUTH_USER_MODEL, models.SET_NULL, _("person"))
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("kontaktperson"),
    )
    # Counted as the municipality's own share of the economy (a municipal unit is; the rest not).
    is_municipal = models.BooleanField(_("kommunal"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="partner_is_someone",
            ),
            models.UniqueConstraint(
                fields=["initiative", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_partner_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["initiative", "person"],
                condition=Q(organisation__isnull=True, person__isnull=False),
                name="one_partner_per_person",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.person or "–")


class Agreement(_Scoped):
    """A samarbejdsaftale between the initiative and one partner. Changing a signed agreement
    clears its signatures and raises its version: what was signed is what is shown."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="agreement")
    purpose = _text(_("formål"), 5000, blank=False)
    target_group = _text(_("målgruppe"), 2000)
    tasks = _text(_("hvem gør hvad"), 5000)
    volunteer_boundary = _text(
        _("hvor frivilligt arbejde slutter, og medarbejdernes arbejde begynder"), 5000
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    termination = _text(_("sådan afsluttes samarbejdet"), 2000)
    personal_data = _text(_("persondata"), 2000)
    works_with_children = models.BooleanField(_("arbejder med børn under 15 år"), default=False)
    # Børneattest: required by law for those working with children under 15.
    child_certificates_checked = models.BooleanField(_("børneattester er indhentet"), default=False)
    version = models.PositiveIntegerField(default=1)
    signed_for_municipality_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_for_municipality_at = models.DateTimeField(null=True, blank=True)
    signed_for_partner_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_for_partner_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} v{self.version}"


class WorkPart(_Titled):
    """A part of the work, with a responsibility matrix: exactly one ansvarlig."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="parts")
    description = _text(_("beskrivelse"), 2000)

    class Meta:
        ordering = ["id"]


class Responsibility(models.TextChoices):
    RESPONSIBLE = "responsible", _("Ansvarlig")
    CONTRIBUTOR = "contributor", _("Bidragyder")
    ADVISER = "adviser", _("Rådgiver")
    INFORMED = "informed", _("Informeret")


class Assignment(_Scoped):
    part = models.ForeignKey(WorkPart, on_delete=models.CASCADE, related_name="assignments")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("rolle"), max_length=12, choices=Responsibility.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "partner"], name="one_role_per_partner"),
            models.UniqueConstraint(
                fields=["part"],
                condition=Q(role="responsible"),
                name="one_responsible_per_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class BudgetLine(_Titled):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="budget_lines"
    )
    title = _title(_("budgetpost"))
    amount = _money(_("beløb (kr.)"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_KRONER), name="budget_line_amount"
            )
        ]


class CommitmentKind(models.TextChoices):
    MONEY = "money", _("Kroner")
    HOURS = "hours", _("Timer")
    PREMISES = "premises", _("Lokaler")
    IN_KIND = "in_kind", _("Naturalier")


class Commitment(_Scoped):
    """What one partner commits; its figures live in its entries, newest first."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(Partner, on_delete=models.RESTRICT, related_name="commitments")
    budget_line = _optional(
        BudgetLine, models.RESTRICT, _("budgetpost"), related_name="commitments"
    )
    kind = models.CharField(_("type"), max_length=10, choices=CommitmentKind.choices)
    description = _text(_("beskrivelse"), 500, field=models.CharField)
    # For hours, premises and in kind: how the value in kroner was set (e.g. "timer til
    # erstatningsværdien af tilsvarende arbejde", "markedsleje").
    valuation_rule = _text(_("værdiansættelse"), 500, field=models.CharField)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.partner}"


class EntryAction(models.TextChoices):
    COMMITTED = "committed", _("Tilsagn")
    CORRECTED = "corrected", _("Rettelse")
    ACTUAL = "actual", _("Faktisk forbrug")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")
    SIGNED_OFF = "signed_off", _("Godkendt")


class CommitmentEntry(_Scoped):
    """One step in a commitment's history. Rows are only ever added."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=EntryAction.choices)
    # Hours for HOURS, else kroner; the value in kroner is stored too, so sums need no rate.
    planned_quantity = models.DecimalField(**MONEY)  # type: ignore[call-overload]
    actual_quantity = models.DecimalField(**MONEY, null=True, blank=True)  # type: ignore[call-overload]
    hour_rate = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, verbose_name=_("timepris (kr.)")
    )
    planned_value = _money(_("planlagt (kr.)"))
    actual_value = _money(_("faktisk (kr.)"), null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    evidence = models.ForeignKey(
        Document, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("begrundelse"), max_length=2000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commitment_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "seq"], name="one_entry_per_step"),
            models.CheckConstraint(condition=Q(planned_value__gte=0), name="entry_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} #{self.seq} {self.action}"
