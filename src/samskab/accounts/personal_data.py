"""A person's own data: export all of it, or delete the account and keep the contributions.

Each capability registers an exporter from its AppConfig.ready(), so the export grows with the
product without accounts knowing every app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django_scopes import scopes_disabled

from samskab.accounts import oidc
from samskab.accounts.models import Affiliation, Membership, User

EXPORTERS: dict[str, Callable[[User], Any]] = {}
# Called inside the deletion's transaction (scopes disabled) for data that is no contribution to
# anyone, e.g. private reflections, which would otherwise outlive the person who wrote them.
ERASERS: dict[str, Callable[[User], None]] = {}


def _profile(person: User) -> dict[str, Any]:
    with scopes_disabled():
        return {
            "email": person.email,
            "display_name": person.display_name,
            "pseudonym": person.pseudonym,
            "language": person.language,
            "date_joined": person.date_joined.isoformat(),
            "roles": [
                {"municipality": m.municipality.code, "role": m.role}
                for m in Membership.objects.filter(person=person).select_related("municipality")
            ],
            "affiliations": [
                {"organisation": a.organisation.name, "title": a.title, "level": a.staff_level}
                for a in Affiliation.objects.filter(person=person).select_related("organisation")
            ],
        }


EXPORTERS["profile"] = _profile
# Logins through a municipality's identity provider (accounts.oidc).
EXPORTERS["external_logins"] = oidc.export_logins
ERASERS["external_logins"] = oidc.erase_logins


def export_personal_data(person: User) -> dict[str, Any]:
    with scopes_disabled():
        return {name: exporter(person) for name, exporter in EXPORTERS.items()}


def delete_account(request: HttpRequest, person: User) -> None:
    """The person deletes their own account (see `anonymise`) and is logged out."""
    anonymise(person)
    logout(request)


def anonymise(person: User, actor: Any = None) -> None:
    """What the person wrote stays (as "Slettet deltager"), who they were goes.

    Each municipality the person belonged to gets a line in its log (`actor`: the person, when
    they delete their own account; none for the system's own sweeps). The line names the account
    only by its id, which from now on points at "Slettet deltager" and nothing more.
    """
    from samskab.core.models import record

    with transaction.atomic(), scopes_disabled():
        municipality_ids = sorted(
            set(Membership.objects.filter(person=person).values_list("municipality_id", flat=True))
        )
        for erase in ERASERS.values():
            erase(person)
        Membership.objects.filter(person=person).delete()
        Affiliation.objects.filter(person=person).delete()
        person.email = f"slettet-{person.pk}@slettet.invalid"
        person.display_name = ""
        person.pseudonym = ""
        person.is_active = False
        person.is_staff = False
        person.is_superuser = False
        person.set_unusable_password()
        person.save()
        person.emailaddress_set.all().delete()
        for municipality_id in municipality_ids:
            record(municipality_id, actor, "account.anonymised", person)
