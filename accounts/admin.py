from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "company",
        "email_confirmed",
        "is_active",
        "is_staff",
        "last_login",
        "created_at",
    )
    list_filter = ("email_confirmed", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name", "company", "public_id")
    readonly_fields = ("public_id", "created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("public_id", "email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "company")}),
        ("Confirmation", {"fields": ("email_confirmed", "email_confirmed_at")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )
