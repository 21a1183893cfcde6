"""The operator's view of initiatives: read-only. Changes go through the services (audited), and
a commitment's history is append-only, so nothing here can add, change or delete its entries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samskab.initiatives.models import (
    Agreement,
    BudgetLine,
    Commitment,
    CommitmentEntry,
    Initiative,
    Partner,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


PARTNER = ["partner__organisation", "partner__person"]

# Each model's list in the admin, as options to the read-only admin.
LISTS: dict[Any, dict[str, list[str]]] = {
    Initiative: {
        "list_display": ["title", "municipality", "status", "progress", "created_at"],
        "list_filter": ["status"],
        "list_select_related": ["municipality"],
        "search_fields": ["title"],
    },
    Partner: {
        "list_display": ["__str__", "initiative", "is_municipal", "joined_at"],
        "list_select_related": ["initiative", "organisation", "person"],
    },
    Agreement: {
        "list_display": [
            "partner",
            "version",
            "signed_for_municipality_at",
            "signed_for_partner_at",
        ],
        "list_select_related": PARTNER,
    },
    BudgetLine: {
        "list_display": ["title", "initiative", "amount", "approved_at"],
        "list_select_related": ["initiative"],
    },
    Commitment: {
        "list_display": ["__str__", "initiative", "kind", "created_at"],
        "list_select_related": ["initiative", *PARTNER],
    },
    CommitmentEntry: {
        "list_display": ["commitment", "seq", "action", "planned_value", "actual_value", "at"],
        "list_filter": ["action"],
        "list_select_related": [f"commitment__{name}" for name in PARTNER],
    },
}

for model, options in LISTS.items():
    admin.site.register(model, ReadOnlyAdmin, **options)
