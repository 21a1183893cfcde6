from django.contrib import admin

from samskab.municipalities.models import Movement, Municipality, Space, SpaceInvitation


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_name"]
    search_fields = ["name", "code"]
    list_filter = ["region_name"]
    readonly_fields = ["code", "name", "slug", "region_code", "region_name"]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "created_at"]
    list_select_related = ["municipality"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "visibility"]
    list_filter = ["visibility"]
    list_select_related = ["municipality"]


@admin.register(SpaceInvitation)
class SpaceInvitationAdmin(admin.ModelAdmin):
    list_display = ["space", "person", "created_at"]
    list_select_related = ["space", "person"]
