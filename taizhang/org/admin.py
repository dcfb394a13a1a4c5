from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Organisation, Unit, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["code", "name", "short_name", "aliases"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class TaizhangUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "organisation", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            "taizhang",
            {"fields": ["organisation", "role", "display_name", "phone", "must_change_password"]},
        ),
    ]
    inlines = [MembershipInline]
