from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Prefetch

from accounts import services
from accounts.models import SignInAddress, User
from organizations.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)
    fields = ("organization", "role", "created_at")
    readonly_fields = ("created_at",)


class SignInAddressInline(admin.TabularInline):
    model = SignInAddress
    extra = 0
    can_delete = True
    fields = ("address", "created_at", "updated_at")
    readonly_fields = fields
    verbose_name = "sign-in address"
    verbose_name_plural = "sign-in addresses (first and last sign-in)"

    def has_add_permission(self, request, obj=None):
        return False


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
        "organizations_column",
        "created_at",
    )
    list_filter = ("email_confirmed", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name", "company", "public_id")
    readonly_fields = (
        "public_id",
        "pending_email",
        "token_version",
        "created_at",
        "updated_at",
        "last_login",
    )
    fieldsets = (
        (None, {"fields": ("public_id", "email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "company")}),
        (
            "Confirmation",
            {"fields": ("email_confirmed", "email_confirmed_at", "pending_email")},
        ),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "token_version",
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
    inlines = [MembershipInline, SignInAddressInline]
    actions = ["resend_confirmation", "deactivate"]

    def get_inlines(self, request, obj):
        # The add page only requests an address and a password.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        memberships = Membership.objects.select_related("organization").order_by(
            "organization__name"
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=memberships))
        )

    @admin.display(description="organizations")
    def organizations_column(self, user):
        return ", ".join(
            f"{membership.organization.name} ({membership.get_role_display()})"
            for membership in user.memberships.all()
        )

    def save_model(self, request, obj, form, change):
        # Ending the tokens here too keeps them ended if the account is
        # reactivated later.
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.end_tokens()
        super().save_model(request, obj, form, change)

    @admin.action(description="Resend the confirmation link")
    def resend_confirmation(self, request, queryset):
        users = list(queryset.filter(is_active=True, email_confirmed=False))
        for user in users:
            services.email_confirmation_send(user=user)
        self.message_user(
            request,
            f"Sent a confirmation link to {len(users)} unconfirmed active users.",
            messages.SUCCESS,
        )

    @admin.action(description="Deactivate and end their tokens")
    def deactivate(self, request, queryset):
        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            services.user_deactivate(user=user)
        self.message_user(request, f"Deactivated {len(users)} users.", messages.SUCCESS)
