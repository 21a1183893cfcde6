"""The operator's view of reflection. Entries (private, shared or anonymous) are not registered
at all: the admin site is no way around a private reflection (models.py)."""

from django.contrib import admin

from samskab.reflection.models import Learning, ReflectionTemplate, Room, Session


@admin.register(ReflectionTemplate)
class ReflectionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "municipality", "updated_at"]
    list_select_related = ["municipality"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "created_at"]
    list_select_related = ["municipality"]
    raw_id_fields = ["movement", "challenge", "created_by"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "room", "template_name", "is_open", "created_at"]
    list_select_related = ["room"]
    raw_id_fields = ["room", "template", "created_by"]


@admin.register(Learning)
class LearningAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "published_at", "created_at"]
    list_select_related = ["municipality"]
    list_filter = ["published_at"]
    raw_id_fields = ["room", "created_by"]
    readonly_fields = ["search_text"]
