"""What roles a person holds in a municipality, looked up once per request."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.accounts.models import STAFF_ROLES, Membership, Role
from samskab.core import rows
from samskab.core.groups import OTHER_GROUP

_MEMBERSHIPS_SQL = (
    f"SELECT municipality_id, role FROM {Membership._meta.db_table} WHERE person_id = %s"  # noqa: S608
)


def user_roles(user: Any, municipality_id: int) -> frozenset[str]:
    """The person's roles in one municipality; anonymous visitors hold none.

    All of a person's memberships are fetched in one query and kept on the user object, so
    checking many objects on one page costs no further queries.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[str]] | None = getattr(user, "_samskab_roles", None)
    if cache is None:
        collected: dict[int, set[str]] = {}
        # A person's own memberships span municipalities by nature; this is the one place
        # they are read across tenants.
        # Written out rather than built by the ORM: every request that checks a permission
        # asks this, a vote thousands of times a second (samskab.core.rows).
        with rows.cursor() as cursor:
            cursor.execute(_MEMBERSHIPS_SQL, [user.pk])
            for mid, role in cursor.fetchall():
                collected.setdefault(mid, set()).add(role)
        cache = {mid: frozenset(roles) for mid, roles in collected.items()}
        user._samskab_roles = cache
    return cache.get(municipality_id, frozenset())


# Roles a workshop guest (someone taking part without an account) may say they take part as.
# Self-declared, like a name tag in the room: they sort the guest's answers by role in the
# results and grant nothing, because a guest account cannot log in and holds no membership.
SELF_DECLARED_ROLES: tuple[Role, ...] = (
    Role.CITIZEN,
    Role.BUSINESS,
    Role.ASSOCIATION,
    Role.EMPLOYEE,
    Role.MANAGER,
    Role.COUNCIL_MEMBER,
)


def declarable_roles(user: Any, municipality_id: int, *, self_declared: bool = False) -> list[str]:
    """The roles a person may answer or vote as: those they hold in the municipality, in the
    roles' own order; for a workshop guest (`self_declared`), any of `SELF_DECLARED_ROLES`."""
    if self_declared:
        return [r.value for r in SELF_DECLARED_ROLES]
    held = user_roles(user, municipality_id)
    return [r.value for r in Role if r.value in held]


def prime_roles(people: list[Any]) -> None:
    """Load the memberships of many people in one query and keep them as `user_roles` does, so
    that checking permissions for each of them (the daily digest) costs no query per person."""
    collected: dict[int, dict[int, set[str]]] = {p.pk: {} for p in people}
    with scopes_disabled():
        # All active people's memberships in one query (not an IN list, which SQLite caps).
        for person_id, mid, role in Membership.objects.filter(person__is_active=True).values_list(
            "person_id", "municipality_id", "role"
        ):
            if person_id in collected:
                collected[person_id].setdefault(mid, set()).add(role)
    for person in people:
        person._samskab_roles = {
            mid: frozenset(roles) for mid, roles in collected[person.pk].items()
        }


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a membership changed."""
    if hasattr(user, "_samskab_roles"):
        del user._samskab_roles


def is_staff_of(user: Any, municipality_id: int) -> bool:
    return bool(user_roles(user, municipality_id) & STAFF_ROLES)


def has_any_role(user: Any, municipality_id: int, *roles: Role) -> bool:
    return bool(user_roles(user, municipality_id) & set(roles))


def role_label(role: str) -> str:
    """The role's name as people read it: "Borger", "Leder" …; the small roles shown together
    are "Andre", a role no one declared is "Ikke oplyst", and a role from imported data that
    Samskab does not know is shown as given."""
    if not role:
        return _("Ikke oplyst")
    if role == OTHER_GROUP:
        return _("Andre")
    try:
        return str(Role(role).label)
    except ValueError:
        return role
