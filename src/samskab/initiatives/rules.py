"""Named permission rules for initiatives, their partners, agreements and economy.

- Seeing an initiative (and everything in it) follows its space (`municipalities.view_space`).
- Creating one in a space: the municipality's facilitators, administrators, leaders and
  employees; from a challenge also the person who posed it.
- Managing it (text, status, partners, parts, budget lines, documents): its creator and the
  municipality's facilitators, administrators and leaders.
- Milestones (`edit_milestones`): those who manage it, and also the contact person of a partner
  that is ansvarlig for a part of the work — they carry that part and report its milestones.
- Documents (`add_document`): those who edit milestones, and anyone who speaks for one of its
  partners (to upload the evidence for a commitment); a milestone's documents need
  `edit_milestones`.
- Approving budget lines and signing agreements for the municipality: leaders and administrators.
- Committing on behalf of a partner (and correcting, reporting the actual figure, withdrawing):
  someone affiliated with the partner's organisation, or the partner person themself.
- Signing an agreement for the partner: its contact person or someone affiliated with it.
- Signing off a commitment: leaders and administrators, never the person who committed.
Tested as a matrix of role × action in tests/initiatives/test_rules.py.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from samskab.accounts.models import Affiliation, Role
from samskab.challenges.models import Challenge
from samskab.initiatives.models import (
    Agreement,
    Commitment,
    Initiative,
    Partner,
    Responsibility,
)
from samskab.municipalities.models import Space
from samskab.municipalities.rules import _role_predicate, is_administrator, is_facilitator

is_manager = _role_predicate("initiatives_is_manager", Role.MANAGER)
is_employee = _role_predicate("initiatives_is_employee", Role.EMPLOYEE)


def _initiative(obj: Any) -> Initiative | None:
    if isinstance(obj, Initiative):
        return obj
    if isinstance(obj, Agreement):
        return obj.partner.initiative
    found = getattr(obj, "initiative", None)
    return found if isinstance(found, Initiative) else None


def _partner(obj: Any) -> Partner | None:
    if isinstance(obj, Partner):
        return obj
    if isinstance(obj, Commitment | Agreement):
        return obj.partner
    return None


def _space(obj: Any) -> Space | None:
    if isinstance(obj, Space):
        return obj
    if isinstance(obj, Challenge):
        return obj.space
    initiative = _initiative(obj)
    return initiative.space if initiative is not None else None


@rules.predicate
def can_view_space(user: Any, obj: Any) -> bool:
    space = _space(obj)
    return space is not None and user.has_perm("municipalities.view_space", space)


@rules.predicate
def is_poser(user: Any, obj: Any) -> bool:
    return isinstance(obj, Challenge) and user.is_authenticated and obj.posed_by_id == user.pk


@rules.predicate
def is_creator(user: Any, obj: Any) -> bool:
    initiative = _initiative(obj)
    return bool(initiative and user.is_authenticated and initiative.created_by_id == user.pk)


@rules.predicate
def is_responsible_contact(user: Any, obj: Any) -> bool:
    initiative = _initiative(obj)
    if initiative is None or not user.is_authenticated:
        return False
    return Partner.objects.filter(
        initiative=initiative,
        contact=user,
        assignments__role=Responsibility.RESPONSIBLE,
    ).exists()


def _speaks_for(user: Any, partner: Partner | None) -> bool:
    if partner is None or not user.is_authenticated:
        return False
    if partner.person_id is not None and partner.person_id == user.pk:
        return True
    return (
        partner.organisation_id is not None
        and Affiliation.objects.filter(
            municipality_id=partner.municipality_id,
            organisation_id=partner.organisation_id,
            person_id=user.pk,
        ).exists()
    )


@rules.predicate
def speaks_for_partner(user: Any, obj: Any) -> bool:
    return _speaks_for(user, _partner(obj))


@rules.predicate
def speaks_for_a_partner(user: Any, obj: Any) -> bool:
    """Affiliated with one of the initiative's partner organisations, or a partner person."""
    initiative = _initiative(obj)
    if initiative is None or not user.is_authenticated:
        return False
    return (
        Partner.objects.filter(initiative=initiative)
        .filter(Q(person_id=user.pk) | Q(organisation__affiliations__person_id=user.pk))
        .exists()
    )


@rules.predicate
def is_partner_contact(user: Any, obj: Any) -> bool:
    partner = _partner(obj)
    return bool(partner and user.is_authenticated and partner.contact_id == user.pk)


@rules.predicate
def committed_it(user: Any, obj: Any) -> bool:
    return isinstance(obj, Commitment) and user.is_authenticated and obj.created_by_id == user.pk


decides = is_manager | is_administrator
manages = is_creator | is_facilitator | is_administrator | is_manager

rules.add_perm("initiatives.view_initiative", can_view_space)
rules.add_perm(
    "initiatives.create_initiative",
    rules.is_authenticated
    & can_view_space
    & (is_facilitator | is_administrator | is_manager | is_employee | is_poser),
)
rules.add_perm("initiatives.manage_initiative", can_view_space & manages)
rules.add_perm("initiatives.edit_milestones", can_view_space & (manages | is_responsible_contact))
# Documents: those who edit milestones, and the partners' people (their evidence).
rules.add_perm(
    "initiatives.add_document",
    can_view_space & (manages | is_responsible_contact | speaks_for_a_partner),
)
rules.add_perm("initiatives.approve_budget", can_view_space & decides)
rules.add_perm("initiatives.sign_for_municipality", can_view_space & decides)
rules.add_perm(
    "initiatives.sign_for_partner", can_view_space & (is_partner_contact | speaks_for_partner)
)
rules.add_perm("initiatives.commit_for", can_view_space & speaks_for_partner)
rules.add_perm("initiatives.sign_off", can_view_space & decides & ~committed_it)
