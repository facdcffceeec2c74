from django.contrib import admin
from django.db.models import Count

from organizations.models import ApiKey, Invitation, Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ("email", "role", "invited_by", "sent_at", "accepted_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Invitations are sent through the API, which mails the link.
        return False


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    # The key hash stays out of the admin; the prefix identifies the key.
    fields = ("name", "prefix", "role", "created_by", "last_used_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # A key is shown once at creation, which only the API can do.
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "member_count", "created_at", "updated_at")
    search_fields = ("name", "public_id")
    readonly_fields = ("public_id", "created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [MembershipInline, InvitationInline, ApiKeyInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(number_of_members=Count("memberships", distinct=True))
        )

    @admin.display(description="Members", ordering="number_of_members")
    def member_count(self, organization):
        return organization.number_of_members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "organization__name")
    list_select_related = ("user", "organization")
    autocomplete_fields = ("user", "organization")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organization",
        "role",
        "status",
        "sent_at",
        "invited_by",
    )
    list_filter = ("role",)
    search_fields = ("email", "organization__name", "public_id")
    list_select_related = ("organization", "invited_by")
    readonly_fields = (
        "public_id",
        "organization",
        "email",
        "invited_by",
        "sent_at",
        "accepted_at",
        "accepted_by",
        "created_at",
        "updated_at",
    )
    fields = (*readonly_fields[:3], "role", *readonly_fields[3:], "revoked_at")

    def has_add_permission(self, request):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "organization",
        "role",
        "created_by",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("role",)
    search_fields = ("name", "prefix", "organization__name")
    list_select_related = ("organization", "created_by")
    fields = (
        "public_id",
        "name",
        "prefix",
        "organization",
        "role",
        "created_by",
        "last_used_at",
        "revoked_at",
        "created_at",
    )
    readonly_fields = (
        "public_id",
        "prefix",
        "organization",
        "created_by",
        "last_used_at",
        "created_at",
    )

    def has_add_permission(self, request):
        return False
