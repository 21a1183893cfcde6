from __future__ import annotations

from typing import Any

from django.db.models import Q

from samskab.initiatives.models import (
    Agreement,
    Commitment,
    CommitmentEntry,
    Initiative,
    Partner,
    Update,
)


def export(person: Any) -> dict[str, Any]:
    """What the person did in initiatives: created, updated, committed, signed (called with
    scopes disabled)."""
    return {
        "initiatives_created": list(
            Initiative.objects.filter(created_by=person)
            .order_by("created_at", "id")
            .values("id", "title", "purpose", "target_group", "created_at")
        ),
        "status_updates": list(
            Update.objects.filter(by=person)
            .order_by("at", "id")
            .values("initiative_id", "status", "progress", "note", "at")
        ),
        "partnerships": list(
            Partner.objects.filter(Q(person=person) | Q(contact=person))
            .order_by("joined_at", "id")
            .values("initiative_id", "organisation_id", "person_id", "contact_id", "joined_at")
        ),
        "commitments": list(
            Commitment.objects.filter(created_by=person)
            .order_by("created_at", "id")
            .values("id", "initiative_id", "partner_id", "kind", "description", "created_at")
        ),
        "commitment_entries": list(
            CommitmentEntry.objects.filter(by=person)
            .order_by("at", "id")
            .values(
                "commitment_id",
                "seq",
                "action",
                "planned_quantity",
                "actual_quantity",
                "hour_rate",
                "planned_value",
                "actual_value",
                "reason",
                "at",
            )
        ),
        "agreements_signed": list(
            Agreement.objects.filter(
                Q(signed_for_municipality_by=person) | Q(signed_for_partner_by=person)
            )
            .order_by("id")
            .values(
                "id",
                "partner_id",
                "version",
                "signed_for_municipality_by_id",
                "signed_for_municipality_at",
                "signed_for_partner_by_id",
                "signed_for_partner_at",
            )
        ),
    }
