"""People, their roles in each municipality, and the organisations they act for."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from samskab.core.validators import validate_no_cpr


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self,
        email: str,
        password: str | None = None,
        *,
        email_verified: bool = False,
        **fields: object,
    ) -> User:
        """A person with a login. Signing up confirms the address by mail (so sign-up cannot
        tell whether an address is registered); a person created by an operator, the demo or a
        test is `email_verified` and can log in at once."""
        if not email:
            raise ValueError("A person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        if email_verified:
            mark_email_verified(user)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, email_verified=True, **fields)


def mark_email_verified(user: User) -> None:
    """Record the person's login address as confirmed (allauth refuses a login otherwise)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; no CPR number is ever stored (validators refuse one)."""

    email = models.EmailField(_("e-mail"), unique=True)
    display_name = models.CharField(
        _("navn"), max_length=100, blank=True, validators=[validate_no_cpr]
    )
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=50,
        blank=True,
        validators=[validate_no_cpr],
        help_text=_("Vises i stedet for dit navn, hvor en proces tillader det."),
    )
    language = models.CharField(
        _("sprog"), max_length=5, choices=[("da", "Dansk"), ("en", "English")], default="da"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("adgang til administrationen"), default=False)
    date_joined = models.DateTimeField(_("oprettet"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name others see. Never the email address: that stays private."""
        if not self.is_active and self.email.endswith("@slettet.invalid"):
            return str(_("Slettet deltager"))
        return self.display_name or self.pseudonym or str(_("Anonym deltager"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Role(models.TextChoices):
    CITIZEN = "borger", _("Borger")
    BUSINESS = "virksomhed", _("Virksomhed")
    ASSOCIATION = "forening", _("Forening")
    EMPLOYEE = "medarbejder", _("Medarbejder")
    MANAGER = "leder", _("Leder")
    COUNCIL_MEMBER = "politiker", _("Politiker")
    MAYOR = "borgmester", _("Borgmester")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    ADMINISTRATOR = "administrator", _("Administrator")


# Who counts as "the municipality's own people" for staff-only spaces: its employees and leaders,
# its politicians (the council is part of the municipal organisation), and those who run the
# processes on its behalf.
STAFF_ROLES = frozenset(
    {
        Role.EMPLOYEE,
        Role.MANAGER,
        Role.COUNCIL_MEMBER,
        Role.MAYOR,
        Role.FACILITATOR,
        Role.MODERATOR,
        Role.ADMINISTRATOR,
    }
)


class Membership(models.Model):
    """A person's role in one municipality. A person can hold several, in several municipalities."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("rolle i kommune")
        verbose_name_plural = _("roller i kommuner")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "person", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.municipality.name})"


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("Kommunal enhed")
    BUSINESS = "business", _("Virksomhed")
    ASSOCIATION = "association", _("Forening")


class DepartmentLevel(models.IntegerChoices):
    """The municipality's own hierarchy, top to bottom."""

    ADMINISTRATION = 1, _("Forvaltning")
    UNIT = 2, _("Afdeling")
    TEAM = 3, _("Team")


class Organisation(models.Model):
    """A business, an association, or a unit of the municipality's own organisation."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("navn"), max_length=200, validators=[validate_no_cpr])
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    level = models.PositiveSmallIntegerField(
        _("niveau"), choices=DepartmentLevel.choices, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("hører under"),
    )
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        blank=True,
        help_text=_("Virksomheders og foreningers offentlige CVR-nummer (8 cifre)."),
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["kind", "level", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.cvr and not (self.cvr.isdigit() and len(self.cvr) == 8):
            raise ValidationError({"cvr": _("Et CVR-nummer er 8 cifre.")})
        if self.kind != OrganisationKind.DEPARTMENT:
            if self.level is not None or self.parent_id is not None:
                raise ValidationError(_("Kun kommunale enheder har niveau og overordnet enhed."))
            return
        if self.level is None:
            raise ValidationError({"level": _("Vælg enhedens niveau.")})
        if self.level == DepartmentLevel.ADMINISTRATION:
            if self.parent_id is not None:
                raise ValidationError({"parent": _("En forvaltning hører ikke under en anden.")})
            return
        parent = self.parent
        if (
            parent is None
            or parent.kind != OrganisationKind.DEPARTMENT
            or parent.level != self.level - 1
            or parent.municipality_id != self.municipality_id
        ):
            raise ValidationError(
                {
                    "parent": _(
                        "En afdeling hører under en forvaltning, og et team under en afdeling "
                        "i samme kommune."
                    )
                }
            )


class StaffLevel(models.IntegerChoices):
    """Where a person sits in the hierarchy, so involvement 'from top to bottom' can be shown."""

    DIRECTOR = 1, _("Direktør")
    HEAD = 2, _("Chef")
    MANAGER = 3, _("Leder")
    EMPLOYEE = 4, _("Medarbejder")


class Affiliation(models.Model):
    """A person's tie to an organisation: staff of a unit, or the person a business acts through."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    staff_level = models.PositiveSmallIntegerField(
        _("niveau i organisationen"), choices=StaffLevel.choices, null=True, blank=True
    )
    title = models.CharField(_("stilling"), max_length=100, blank=True)
    # The identity provider whose claims made this tie ("" when made by hand). A login through
    # that provider removes it again when the claims no longer give it; a hand-made one stays.
    from_provider = models.CharField(_("fra login-udbyder"), max_length=100, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="one_affiliation_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation}"


class AssuranceLevel(models.TextChoices):
    """NSIS assurance levels an identity provider reports (`acr`)."""

    LOW = "low", _("Lav")
    SUBSTANTIAL = "substantial", _("Betydelig")
    HIGH = "high", _("Høj")


class ExternalLogin(models.Model):
    """A person's latest login through one identity provider (OpenID Connect): when, and how
    securely it was verified. Holds no claim: CPR numbers and other identity data stay away."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_logins")
    provider_id = models.CharField(_("login-udbyder"), max_length=100)
    assurance = models.CharField(
        _("sikringsniveau"), max_length=20, choices=AssuranceLevel.choices, blank=True
    )
    last_login_at = models.DateTimeField(_("seneste login"), default=timezone.now)

    class Meta:
        verbose_name = _("login via udbyder")
        verbose_name_plural = _("logins via udbydere")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "provider_id"], name="one_external_login_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.provider_id}"
