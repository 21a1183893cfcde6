from django.contrib import admin

from samskab.opinions.models import Conversation, ConversationAnalysis, Statement


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ["text", "moderation", "is_meta", "is_seed"]
    extra = 0
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "space", "is_open", "created_at"]
    list_filter = ["is_open", "moderation_mode"]
    list_select_related = ["municipality", "space"]
    raw_id_fields = ["space", "challenge", "created_by"]
    inlines = [StatementInline]


@admin.register(ConversationAnalysis)
class ConversationAnalysisAdmin(admin.ModelAdmin):
    # The stored result is computed; the operator only looks (and may mark it dirty).
    list_display = ["conversation", "computed_at", "dirty", "pending_since", "error"]
    list_select_related = ["conversation"]
    readonly_fields = ["data", "computed_at", "version", "computed_version", "error"]
