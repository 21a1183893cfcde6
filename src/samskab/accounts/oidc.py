"""Login through a municipality's identity provider (OpenID Connect), and the roles its claims give.

Two halves:

- `load_providers` reads the providers from the environment (``SAMSKAB_OIDC_PROVIDERS_FILE``
  naming a JSON or TOML file, or ``SAMSKAB_OIDC_PROVIDERS`` holding JSON) when settings load,
  checks every key, and turns each into one app of django-allauth's ``openid_connect``
  provider. Samskab's own mapping (municipalities, button, claims → roles) travels in the app's
  ``settings["samskab"]``. It imports no model: settings call it before Django is set up.
- `check_login` and `apply_login` are the one service the allauth adapter calls at every login:
  the claims are checked (email present, no silent merge, every group known), CPR numbers in
  them are thrown away, and the person's roles, affiliations and assurance level are made to
  match what the provider says — granted and removed, each change audited.

No CPR number is ever requested (no scope asks for one), stored or logged: a claim that holds one
is dropped before allauth stores the provider's answer, and a subject id that is one refuses the
login.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

ENV_FILE = "SAMSKAB_OIDC_PROVIDERS_FILE"
ENV_JSON = "SAMSKAB_OIDC_PROVIDERS"

# Samskab's role values (accounts.models.Role), repeated here because settings load before
# models can be imported; tests/accounts/test_oidc_config.py checks that the two agree.
ROLE_VALUES = frozenset(
    {
        "borger",
        "virksomhed",
        "forening",
        "medarbejder",
        "leder",
        "politiker",
        "borgmester",
        "facilitator",
        "moderator",
        "administrator",
    }
)
# accounts.models.StaffLevel, by name.
STAFF_LEVELS = {"director": 1, "head": 2, "manager": 3, "employee": 4}
# NSIS assurance levels, lowest first; the `acr` values the Danish NSIS profile defines.
ASSURANCE_LEVELS = ("low", "substantial", "high")
NSIS_ACR = {
    "https://data.gov.dk/concept/core/nsis/loa/Low": "low",
    "https://data.gov.dk/concept/core/nsis/loa/Substantial": "substantial",
    "https://data.gov.dk/concept/core/nsis/loa/High": "high",
}
BUTTONS = ("employee", "mitid", "mitid_erhverv")
# Claims that name a CPR number outright (OIOSAML/NemLog-in attribute names and the plain ones a
# broker may pass on). Dropped whatever their value; any other claim whose value reads as a CPR
# number is dropped too.
CPR_CLAIM_NAMES = frozenset(
    {
        "cpr",
        "cpr_number",
        "cprnumber",
        "cpr-number",
        "dk:gov:saml:attribute:cprnumberidentifier",
        "https://data.gov.dk/model/core/eid/cprnumber",
        "https://data.gov.dk/model/core/eid/person/cpr",
    }
)

_PROVIDER_KEYS = {
    "id",
    "name",
    "municipalities",
    "button",
    "issuer",
    "client_id",
    "secret",
    "secret_env",
    "scopes",
    "pkce",
    "verified_email",
    "token_auth_method",
    "claims",
    "roles",
    "default_roles",
    "unknown_groups",
    "assurance",
    "staff_levels",
    "organisation_match",
}
_CLAIM_KEYS = {"email", "name", "groups", "acr", "organisation", "cvr", "staff_level"}
_DEFAULT_CLAIMS = {"email": "email", "name": "name", "groups": "groups", "acr": "acr"}


@dataclass(frozen=True)
class ProviderConfig:
    """One identity provider as Samskab maps it (the part allauth does not know about)."""

    id: str
    name: str
    municipalities: tuple[str, ...]
    button: str
    claims: dict[str, str]
    roles: dict[str, str]
    default_roles: tuple[str, ...] = ()
    unknown_groups: str = "refuse"
    assurance: dict[str, str] = field(default_factory=dict)
    staff_levels: dict[str, int] = field(default_factory=dict)
    organisation_match: str = "name"

    @property
    def managed_roles(self) -> frozenset[str]:
        """The roles this provider decides: granted when claimed, removed when not. A role
        outside them (a facilitator appointed by hand) is never touched by a login."""
        return frozenset(self.roles.values()) | frozenset(self.default_roles)

    def as_settings(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "municipalities": list(self.municipalities),
            "button": self.button,
            "claims": dict(self.claims),
            "roles": dict(self.roles),
            "default_roles": list(self.default_roles),
            "unknown_groups": self.unknown_groups,
            "assurance": dict(self.assurance),
            "staff_levels": dict(self.staff_levels),
            "organisation_match": self.organisation_match,
        }

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> ProviderConfig:
        return cls(
            id=data["id"],
            name=data["name"],
            municipalities=tuple(data["municipalities"]),
            button=data["button"],
            claims=dict(data["claims"]),
            roles=dict(data["roles"]),
            default_roles=tuple(data.get("default_roles", ())),
            unknown_groups=data.get("unknown_groups", "refuse"),
            assurance=dict(data.get("assurance", {})),
            staff_levels=dict(data.get("staff_levels", {})),
            organisation_match=data.get("organisation_match", "name"),
        )


# --- Configuration ------------------------------------------------------------------------------


def _fail(where: str, key: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"OpenID Connect-udbyder {where}: nøglen {key!r} {problem}")


def _read_source(environ: Mapping[str, str]) -> tuple[str, Any] | None:
    path = environ.get(ENV_FILE, "").strip()
    if path:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{ENV_FILE} peger på {path!r}, som ikke kan læses: {exc.strerror}"
            ) from exc
        try:
            if file.suffix.lower() == ".toml":
                return path, tomllib.loads(text)
            return path, json.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise ImproperlyConfigured(f"{ENV_FILE}={path!r} kan ikke læses: {exc}") from exc
    raw = environ.get(ENV_JSON, "").strip()
    if raw:
        try:
            return ENV_JSON, json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{ENV_JSON} er ikke gyldig JSON: {exc}") from exc
    return None


def _strings(where: str, key: str, value: Any, *, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(where, key, "skal være en liste af tekster")
    if not value and not allow_empty:
        raise _fail(where, key, "må ikke være tom")
    return value


def _text(where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, "mangler eller er tom")
    return value.strip()


def _provider(entry: Any, index: int, environ: Mapping[str, str]) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"OpenID Connect-udbyder nr. {index + 1} er ikke et objekt")
    pid = entry.get("id")
    where = repr(pid) if isinstance(pid, str) and pid else f"nr. {index + 1}"
    unknown = sorted(set(entry) - _PROVIDER_KEYS)
    if unknown:
        raise _fail(where, unknown[0], "kendes ikke")
    pid = _text(where, entry, "id")
    if not pid.replace("-", "").replace("_", "").isalnum() or not pid.isascii():
        raise _fail(where, "id", "må kun have bogstaverne a-z, tal, - og _ (den indgår i adressen)")
    name = _text(where, entry, "name")
    municipalities = _strings(where, "municipalities", entry.get("municipalities"))
    for code in municipalities:
        if not (code.isdigit() and len(code) == 4):
            raise _fail(
                where, "municipalities", f"skal være firecifrede kommunekoder, ikke {code!r}"
            )
    button = entry.get("button", "employee")
    if button not in BUTTONS:
        raise _fail(where, "button", f"skal være en af {', '.join(BUTTONS)}")
    issuer = _text(where, entry, "issuer")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise _fail(where, "issuer", "skal være en https-adresse")
    client_id = _text(where, entry, "client_id")
    if "secret_env" in entry:
        secret_env = _text(where, entry, "secret_env")
        secret = environ.get(secret_env, "")
        if not secret:
            raise _fail(where, "secret_env", f"nævner {secret_env}, som ikke er sat")
    else:
        secret = entry.get("secret", "")
        if not isinstance(secret, str):
            raise _fail(where, "secret", "skal være en tekst")
    scopes = _strings(where, "scopes", entry.get("scopes", ["openid", "profile", "email"]))
    if "openid" not in scopes:
        raise _fail(where, "scopes", "skal indeholde 'openid'")
    if any("cpr" in s.lower() for s in scopes):
        raise _fail(where, "scopes", "må ikke bede om CPR-nummeret – Samskab gemmer aldrig CPR")
    for flag in ("pkce", "verified_email"):
        if flag in entry and not isinstance(entry[flag], bool):
            raise _fail(where, flag, "skal være true eller false")
    pkce = entry.get("pkce", True)
    if not pkce and not secret:
        raise _fail(where, "pkce", "kan ikke slås fra for en klient uden hemmelighed")
    token_auth_method = entry.get("token_auth_method")
    if token_auth_method not in (None, "client_secret_basic", "client_secret_post"):
        raise _fail(where, "token_auth_method", "skal være client_secret_basic eller _post")

    claims_in = entry.get("claims", {})
    if not isinstance(claims_in, dict):
        raise _fail(where, "claims", "skal være et objekt")
    unknown = sorted(set(claims_in) - _CLAIM_KEYS)
    if unknown:
        raise _fail(where, f"claims.{unknown[0]}", "kendes ikke")
    claims = {**_DEFAULT_CLAIMS, **claims_in}
    for key, value in claims.items():
        if not isinstance(value, str) or not value:
            raise _fail(where, f"claims.{key}", "skal være navnet på en claim")

    roles = entry.get("roles", {})
    if not isinstance(roles, dict):
        raise _fail(where, "roles", "skal være et objekt fra gruppe til rolle")
    for group, role in roles.items():
        if role not in ROLE_VALUES:
            raise _fail(
                where,
                f"roles.{group}",
                f"giver rollen {role!r}, som Samskab ikke kender "
                f"(kendte: {', '.join(sorted(ROLE_VALUES))})",
            )
    default_roles = _strings(
        where, "default_roles", entry.get("default_roles", []), allow_empty=True
    )
    for role in default_roles:
        if role not in ROLE_VALUES:
            raise _fail(where, "default_roles", f"nævner rollen {role!r}, som Samskab ikke kender")
    unknown_groups = entry.get("unknown_groups", "refuse")
    if unknown_groups not in ("refuse", "ignore"):
        raise _fail(where, "unknown_groups", "skal være refuse eller ignore")

    assurance = entry.get("assurance", NSIS_ACR)
    if not isinstance(assurance, dict) or any(
        v not in ASSURANCE_LEVELS for v in assurance.values()
    ):
        raise _fail(
            where, "assurance", f"skal give acr-værdier et af {', '.join(ASSURANCE_LEVELS)}"
        )
    staff_levels_in = entry.get("staff_levels", {})
    if not isinstance(staff_levels_in, dict) or any(
        v not in STAFF_LEVELS for v in staff_levels_in.values()
    ):
        raise _fail(where, "staff_levels", f"skal give værdier et af {', '.join(STAFF_LEVELS)}")
    organisation_match = entry.get("organisation_match", "name")
    if organisation_match not in ("name", "cvr"):
        raise _fail(where, "organisation_match", "skal være name eller cvr")

    config = ProviderConfig(
        id=pid,
        name=name,
        municipalities=tuple(municipalities),
        button=button,
        claims=claims,
        roles=dict(roles),
        default_roles=tuple(default_roles),
        unknown_groups=unknown_groups,
        assurance=dict(assurance),
        staff_levels={k: STAFF_LEVELS[v] for k, v in staff_levels_in.items()},
        organisation_match=organisation_match,
    )
    app_settings: dict[str, Any] = {
        "server_url": issuer,
        "scope": scopes,
        "oauth_pkce_enabled": pkce,
        "samskab": config.as_settings(),
    }
    if "verified_email" in entry:
        app_settings["verified_email"] = entry["verified_email"]
    if token_auth_method:
        app_settings["token_auth_method"] = token_auth_method
    return {
        "provider_id": pid,
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": app_settings,
    }


def load_providers(environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The allauth ``openid_connect`` APPS the environment configures (none when unset).

    Accepts ``{"providers": [...]}`` or a bare list (JSON), or ``[[providers]]`` tables (TOML).
    Any problem stops startup with a message naming the provider and the key."""
    source = _read_source(environ)
    if source is None:
        return []
    origin, data = source
    entries = data.get("providers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"{origin}: forventede en liste 'providers' af udbydere")
    apps = [_provider(entry, i, environ) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for app in apps:
        if app["provider_id"] in seen:
            raise _fail(repr(app["provider_id"]), "id", "bruges af to udbydere")
        seen.add(app["provider_id"])
    return apps


# --- At every login -----------------------------------------------------------------------------


class LoginRefused(Exception):
    """A login the claims do not allow. `message` is for the person; `reason` for the log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def config_of(app: Any) -> ProviderConfig | None:
    """Samskab's mapping for an allauth app, or None for an app Samskab did not configure."""
    data = (getattr(app, "settings", None) or {}).get("samskab")
    return ProviderConfig.from_settings(data) if data else None


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_cpr_value(value: Any) -> bool:
    """Whether a claim's value holds a CPR number (the project's one CPR check). An identifier
    shaped as a UUID (Entra's object and group ids) never counts: its hex digits can happen to
    read as a date and four digits."""
    from samskab.core.validators import contains_cpr

    return isinstance(value, str) and not _UUID.match(value.strip()) and contains_cpr(value)


def is_cpr_claim(name: str, value: Any) -> bool:
    """Whether a claim is a CPR number: by its name, or by its (text) value."""
    lowered = name.lower()
    return lowered in CPR_CLAIM_NAMES or "cpr" in lowered or is_cpr_value(value)


def without_cpr(data: Any) -> Any:
    """The provider's answer with every CPR number removed: claims named as one or holding one,
    and list items holding one (nested answers too)."""
    if isinstance(data, list):
        return [without_cpr(item) for item in data if not is_cpr_value(item)]
    if not isinstance(data, dict):
        return data
    return {key: without_cpr(value) for key, value in data.items() if not is_cpr_claim(key, value)}


def merged_claims(data: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of one login: the ID token's, with the userinfo endpoint's on top."""
    claims: dict[str, Any] = {}
    for part in ("id_token", "userinfo"):
        if isinstance(data.get(part), dict):
            claims.update(data[part])
    return claims or dict(data)


def _values(claims: Mapping[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v)]
    return [str(value)] if str(value) else []


def wanted_roles(config: ProviderConfig, claims: Mapping[str, Any]) -> tuple[set[str], list[str]]:
    """The roles the claims give, and the groups the mapping does not know."""
    groups = _values(claims, config.claims["groups"])
    roles = set(config.default_roles)
    unknown = []
    for group in groups:
        if group in config.roles:
            roles.add(config.roles[group])
        else:
            unknown.append(group)
    return roles, unknown


def assurance_of(config: ProviderConfig, claims: Mapping[str, Any]) -> str:
    values = _values(claims, config.claims["acr"])
    return config.assurance.get(values[0], "") if values else ""


def check_claims(config: ProviderConfig, claims: Mapping[str, Any], *, email_taken: bool) -> None:
    """Refuse a login the claims do not allow; nothing is created or changed before this passes."""
    from django.utils.translation import gettext as _

    if not _values(claims, config.claims["email"]):
        raise LoginRefused(
            "missing_email",
            _(
                "Dit login sendte ingen e-mailadresse, så vi kan ikke logge dig ind. "
                "Kontakt din kommunes it-afdeling, eller log ind med e-mail og adgangskode."
            ),
        )
    if email_taken:
        raise LoginRefused(
            "email_taken",
            _(
                "Der findes allerede en profil med din e-mailadresse. Log ind med e-mail og "
                "adgangskode først, og forbind derefter dit login under »Kontoforbindelser«. "
                "Vi forbinder aldrig to profiler uden dit samtykke."
            ),
        )
    __, unknown = wanted_roles(config, claims)
    if unknown and config.unknown_groups == "refuse":
        raise LoginRefused(
            "unknown_group",
            _(
                "Dit login gav en rolle, som Samskab ikke kender, så vi har ikke logget dig ind. "
                "Kontakt din kommunes it-afdeling."
            ),
        )


def _municipalities(config: ProviderConfig) -> list[Any]:
    from samskab.accounts.models import Membership

    # The municipality model through the membership's key: accounts does not import
    # municipalities (which imports accounts).
    municipality = Membership._meta.get_field("municipality").related_model
    return list(municipality.objects.filter(code__in=config.municipalities).order_by("code"))


def record_refusal(config: ProviderConfig, reason: str) -> None:
    """One audit event per refused attempt, in each of the provider's municipalities. It names
    the provider and the reason, never a claim (a claim could hold personal data)."""
    from samskab.core.models import record

    for municipality in _municipalities(config):
        record(
            municipality.pk, None, "login.refused", municipality, provider=config.id, reason=reason
        )


def apply_claims(person: Any, config: ProviderConfig, claims: Mapping[str, Any]) -> dict[str, Any]:
    """Make the person's roles, affiliations and assurance level match the claims of this login.

    Only the roles the provider decides (`managed_roles`) are granted or removed; each change is
    audited. Returns what changed, for tests and the log."""
    from django.db import transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from samskab.accounts.models import ExternalLogin, Membership
    from samskab.accounts.roles import forget_roles
    from samskab.core.models import record

    wanted, __ = wanted_roles(config, claims)
    managed = config.managed_roles
    granted: list[tuple[str, str]] = []
    removed: list[tuple[str, str]] = []
    level = assurance_of(config, claims)
    with transaction.atomic(), scopes_disabled():
        for municipality in _municipalities(config):
            held = {
                m.role: m
                for m in Membership.objects.filter(
                    person=person, municipality=municipality, role__in=managed
                )
            }
            for role in sorted(wanted - set(held)):
                membership = Membership.objects.create(
                    municipality=municipality, person=person, role=role
                )
                record(
                    municipality.pk,
                    person,
                    "membership.granted_by_login",
                    membership,
                    role=role,
                    provider=config.id,
                )
                granted.append((municipality.code, role))
            for role in sorted(set(held) - wanted):
                membership = held[role]
                record(
                    municipality.pk,
                    person,
                    "membership.removed_by_login",
                    membership,
                    role=role,
                    provider=config.id,
                )
                membership.delete()
                removed.append((municipality.code, role))
            _apply_affiliation(person, config, claims, municipality)
        ExternalLogin.objects.update_or_create(
            person=person,
            provider_id=config.id,
            defaults={"assurance": level, "last_login_at": timezone.now()},
        )
        name = _values(claims, config.claims["name"])
        if name and not person.display_name and not is_cpr_claim("name", name[0]):
            person.display_name = name[0][:100]
            person.save(update_fields=["display_name"])
    forget_roles(person)
    return {"granted": granted, "removed": removed, "assurance": level}


def _apply_affiliation(
    person: Any, config: ProviderConfig, claims: Mapping[str, Any], municipality: Any
) -> None:
    """Tie the person to the unit (by name) or business (by CVR) the claims name, with the staff
    level they give. An organisation Samskab does not have is not created from a claim. A tie
    this provider's claims made earlier, which they no longer give, is removed (audited); a tie
    made by hand is never touched."""
    from samskab.accounts.models import Affiliation
    from samskab.core.models import record

    organisation = _claimed_organisation(config, claims, municipality)
    stale = Affiliation.objects.filter(
        person=person, municipality=municipality, from_provider=config.id
    ).select_related("organisation")
    if organisation is not None:
        stale = stale.exclude(organisation=organisation)
    for affiliation in stale:
        record(
            municipality.pk,
            person,
            "affiliation.removed_by_login",
            affiliation,
            organisation=affiliation.organisation_id,
            provider=config.id,
        )
        affiliation.delete()
    if organisation is None:
        return
    level_claim = config.claims.get("staff_level")
    levels = _values(claims, level_claim) if level_claim else []
    staff_level = config.staff_levels.get(levels[0]) if levels else None
    affiliation, created = Affiliation.objects.get_or_create(
        person=person,
        organisation=organisation,
        defaults={
            "municipality": municipality,
            "staff_level": staff_level,
            "from_provider": config.id,
        },
    )
    if created:
        record(
            municipality.pk,
            person,
            "affiliation.added_by_login",
            affiliation,
            organisation=organisation.pk,
            provider=config.id,
        )
    elif staff_level is not None and affiliation.staff_level != staff_level:
        affiliation.staff_level = staff_level
        affiliation.save(update_fields=["staff_level"])
        record(
            municipality.pk,
            person,
            "affiliation.changed_by_login",
            affiliation,
            staff_level=staff_level,
            provider=config.id,
        )


def _claimed_organisation(
    config: ProviderConfig, claims: Mapping[str, Any], municipality: Any
) -> Any:
    """The organisation of `municipality` the claims name, or None (no claim, or none such)."""
    from samskab.accounts.models import Organisation, OrganisationKind

    claim = config.claims.get("cvr" if config.organisation_match == "cvr" else "organisation")
    values = _values(claims, claim) if claim else []
    if not values:
        return None
    organisations = Organisation.objects.filter(municipality=municipality)
    if config.organisation_match == "cvr":
        return organisations.filter(cvr=values[0]).first()
    return organisations.filter(kind=OrganisationKind.DEPARTMENT, name__iexact=values[0]).first()


def session_assurance(request: Any, user: Any = None) -> str:
    """The NSIS assurance level of this session's login ("" for a password login, or a
    provider that sends none): the level of the provider this session logged in through.
    `user` is the session's person where `request.user` cannot be read yet (the middleware)."""
    from allauth.account.authentication import get_authentication_records

    from samskab.accounts.models import ExternalLogin

    if user is None:
        user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    records = [
        r for r in get_authentication_records(request, user) if r.get("method") == "socialaccount"
    ]
    if not records:
        return ""
    login = ExternalLogin.objects.filter(
        person=user, provider_id=records[-1].get("provider")
    ).first()
    return login.assurance if login else ""


def meets_assurance(request: Any, minimum: str) -> bool:
    """Whether this session's login reached the NSIS level `minimum` ("low", "substantial",
    "high"; "" asks for none), for a space that requires one."""
    if not minimum:
        return True
    level = session_assurance(request)
    if level not in ASSURANCE_LEVELS:
        return False
    return ASSURANCE_LEVELS.index(level) >= ASSURANCE_LEVELS.index(minimum)


def first_value(claims: Mapping[str, Any], name: str) -> str:
    values = _values(claims, name)
    return values[0] if values else ""


def email_in_use(email: str) -> bool:
    """Whether a profile already has this address (as its login or as a confirmed address)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


class CprSubject(PermissionDenied):
    """The provider identifies the person by a CPR number: the login cannot be stored."""


def describe_error(error: Any, exception: Any, context: Mapping[str, Any]) -> tuple[str, str]:
    """Why a login through a provider failed, for the log and in plain Danish for the person."""
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error
    from django.utils.translation import gettext as _
    from requests import RequestException

    if isinstance(exception, CprSubject):
        return "cpr_subject", _(
            "Din login-udbyder sender dit CPR-nummer som id. Samskab gemmer aldrig CPR-numre, "
            "så vi kan ikke logge dig ind. Kontakt din kommunes it-afdeling."
        )
    if isinstance(exception, OAuth2Error) and "id_token" in str(exception):
        # The ID token failed its check: a signature that is not the provider's, another
        # client's token, or an expired one. Nothing of it is used.
        return "bad_id_token", _(
            "Svaret fra login-udbyderen kunne ikke bekræftes, så du er ikke logget ind, og "
            "intet er ændret. Prøv igen om lidt. Sker det igen, så kontakt din kommunes "
            "it-afdeling."
        )
    if isinstance(exception, RequestException | ValueError | KeyError):
        return "provider_unreachable", _(
            "Vi kunne ikke få forbindelse til login-udbyderen. Prøv igen om lidt, eller log "
            "ind med e-mail og adgangskode."
        )
    if error == "cancelled":
        return "cancelled", _("Du afbrød login. Du er ikke logget ind.")
    if "state_id" in context and "state" not in context:
        return "bad_state", _(
            "Login kunne ikke gennemføres, fordi det var udløbet eller startet i et andet "
            "vindue. Prøv at logge ind igen."
        )
    return "provider_error", _(
        "Login hos udbyderen lykkedes ikke, så du er ikke logget ind. Prøv igen, eller "
        "kontakt din kommunes it-afdeling."
    )


# --- The person's own data ----------------------------------------------------------------------


def export_logins(person: Any) -> list[dict[str, Any]]:
    """The providers the person logs in through (for "Mine data"): no claim is kept to export."""
    from allauth.socialaccount.models import SocialAccount

    from samskab.accounts.models import ExternalLogin

    linked = set(SocialAccount.objects.filter(user=person).values_list("provider", flat=True))
    rows = [
        {
            "provider": login.provider_id,
            "assurance": login.assurance,
            "last_login_at": login.last_login_at.isoformat(),
        }
        for login in ExternalLogin.objects.filter(person=person).order_by("provider_id")
    ]
    rows += [{"provider": p} for p in sorted(linked - {r["provider"] for r in rows})]
    return rows


def erase_logins(person: Any) -> None:
    """On deletion the tie to the provider goes too: the same login later starts a new, empty
    profile instead of reaching the anonymised one."""
    from allauth.socialaccount.models import SocialAccount

    from samskab.accounts.models import ExternalLogin

    SocialAccount.objects.filter(user=person).delete()
    ExternalLogin.objects.filter(person=person).delete()


# --- Logging out at the provider too ------------------------------------------------------------


def end_session_url(request: Any, after: str) -> str | None:
    """RP-initiated logout: when this session was logged in through a provider that offers it,
    the address that logs the person out there too and sends them back to `after`. None when
    the session came another way, or the provider cannot be asked (the logout here still
    happens)."""
    from urllib.parse import urlencode

    from allauth.account.authentication import get_authentication_records
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
    from requests import RequestException

    records = [
        r
        for r in get_authentication_records(request, getattr(request, "user", None))
        if r.get("method") == "socialaccount"
    ]
    if not records:
        return None
    provider_id = records[-1].get("provider", "")
    try:
        provider = get_adapter(request).get_provider(request, provider_id)
    except (SocialApp.DoesNotExist, ImproperlyConfigured):
        return None
    if config_of(provider.app) is None:
        return None
    try:
        discovery = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config
    except (RequestException, ValueError):
        return None
    endpoint = discovery.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": provider.app.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(after),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
