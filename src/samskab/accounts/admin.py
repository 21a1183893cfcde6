from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from samskab.accounts.models import Affiliation, Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "pseudonym", "is_staff", "is_active"]
    search_fields = ["email", "display_name", "pseudonym"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Navn"), {"fields": ("display_name", "pseudonym", "language")}),
        (_("Adgang"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups"]
    list_filter = ["is_staff", "is_active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "municipality", "role"]
    list_filter = ["role"]
    list_select_related = ["person", "municipality"]
    autocomplete_fields = ["person"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "municipality"]
    list_filter = ["kind"]
    list_select_related = ["municipality"]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "staff_level"]
    list_select_related = ["person", "organisation"]
