from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Lockout, Membership, Organisation, Unit, User


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


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    """For a platform superuser: address lock-outs that no organisation's page shows."""

    list_display = ["scope", "key", "created", "locked_until", "unlocked_by"]
    list_filter = ["scope"]
    search_fields = ["key"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created", "expires", "last_used", "revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    exclude = ["key_hash"]
    readonly_fields = ["user", "prefix", "created", "last_used"]
