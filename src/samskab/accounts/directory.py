"""The directory of one municipality: its organisations, who is affiliated with which, and the
roles people hold. Plain read functions for the landscape and anything else that needs the whole
directory at once; each is one query, whatever the size of the municipality. Call them inside the
municipality's scope (django_scopes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django_scopes import scopes_disabled

from samskab.accounts.models import Affiliation, Membership, Organisation


@dataclass(frozen=True)
class Org:
    """An organisation: `kind` is "department", "business" or "association"; `level` 1
    (forvaltning), 2 (afdeling) or 3 (team) for a department, otherwise None; `parent_id` the
    department it belongs under (None at the top and for businesses and associations)."""

    id: int
    name: str
    kind: str
    level: int | None
    parent_id: int | None


@dataclass(frozen=True)
class Aff:
    """A person's tie to an organisation; `staff_level` 1 (direktør) to 4 (medarbejder), or
    None where it is not recorded."""

    person_id: int
    organisation_id: int
    staff_level: int | None


def organisations(municipality: Any) -> list[Org]:
    """Every organisation of the municipality, ordered by kind, level and name. One query."""
    rows = (
        Organisation.objects.filter(municipality=municipality)
        .order_by("kind", "level", "name", "pk")
        .values_list("pk", "name", "kind", "level", "parent_id")
    )
    return [Org(*row) for row in rows]


def affiliations(municipality: Any) -> list[Aff]:
    """Every affiliation in the municipality (only to its own organisations). One query."""
    rows = (
        Affiliation.objects.filter(
            municipality=municipality, organisation__municipality=municipality
        )
        .order_by("person_id", "organisation_id")
        .values_list("person_id", "organisation_id", "staff_level")
    )
    return [Aff(*row) for row in rows]


def roles_by_person(municipality: Any) -> dict[int, frozenset[str]]:
    """The roles each person holds in the municipality (the `Role` values). One query."""
    roles: defaultdict[int, set[str]] = defaultdict(set)
    for person_id, role in Membership.objects.filter(municipality=municipality).values_list(
        "person_id", "role"
    ):
        roles[person_id].add(role)
    return {person_id: frozenset(held) for person_id, held in roles.items()}


def municipalities_with_people() -> list[int]:
    """The ids of the municipalities where at least one person holds a role (those with anything
    to show in a landscape). One query, across all municipalities (no scope needed)."""
    with scopes_disabled():
        return sorted(set(Membership.objects.values_list("municipality_id", flat=True)))
