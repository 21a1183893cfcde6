from django.contrib import admin

from samskab.complexity.models import AssessmentRound, ZoneSettings


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    # Individual ratings are not listed: the operator sees rounds, not who answered what.
    list_display = ["challenge", "number", "municipality", "is_open", "created_at"]
    list_filter = ["is_open"]
    list_select_related = ["challenge", "municipality"]
    raw_id_fields = ["challenge", "created_by"]


@admin.register(ZoneSettings)
class ZoneSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "high", "low", "chaos", "updated_at"]
    list_select_related = ["municipality"]
