from django import forms
from django.contrib import admin

from clickstream.models import (
    Application,
    ClickstreamPrototype,
    ConfigField,
    Connection,
    ConnectionField,
    ConnectionPrototype,
    Integration,
)

PROTOTYPE_FIELD_COLUMNS = (
    "position",
    "property_name",
    "label",
    "field_type",
    "required",
    "default",
    "options",
    "help",
    "pattern",
    "max_length",
    "minimum",
    "maximum",
    "integer",
    "max_items",
)


class PrototypeFieldForm(forms.ModelForm):
    def clean_options(self):
        # An empty box means no options, not JSON null.
        options = self.cleaned_data["options"]
        return [] if options is None else options


class ConnectionFieldInline(admin.TabularInline):
    model = ConnectionField
    form = PrototypeFieldForm
    extra = 0
    fields = PROTOTYPE_FIELD_COLUMNS


class ConfigFieldInline(admin.TabularInline):
    model = ConfigField
    form = PrototypeFieldForm
    extra = 0
    fields = PROTOTYPE_FIELD_COLUMNS


@admin.register(ConnectionPrototype)
class ConnectionPrototypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "deprecated", "public_id", "updated_at")
    list_filter = ("deprecated",)
    search_fields = ("code", "name")
    readonly_fields = ("public_id", "created_at", "updated_at")
    inlines = [ConnectionFieldInline]


@admin.register(ClickstreamPrototype)
class ClickstreamPrototypeAdmin(admin.ModelAdmin):
    list_display = (
        "integration_code",
        "name",
        "category",
        "connection_prototype",
        "deprecated",
        "updated_at",
    )
    list_filter = ("category", "deprecated", "connection_prototype")
    search_fields = ("integration_code", "name")
    list_select_related = ("connection_prototype",)
    readonly_fields = ("public_id", "created_at", "updated_at")
    inlines = [ConfigFieldInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "source_id",
        "platform",
        "organization",
        "enabled",
        "created_at",
    )
    list_filter = ("platform", "enabled")
    search_fields = ("name", "source_id", "organization__name")
    list_select_related = ("organization",)
    readonly_fields = ("source_id", "created_at", "updated_at")
    autocomplete_fields = ("organization",)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("name", "destination", "organization", "created_at")
    list_filter = ("destination__category", "connection_prototype")
    search_fields = ("name", "public_id", "organization__name", "destination__name")
    list_select_related = ("destination", "organization")
    # Details hold other companies' credentials, so the admin never shows
    # them. Connections are created through the API, which validates their
    # details against the prototype.
    exclude = ("plain_details", "secret_details")
    readonly_fields = (
        "public_id",
        "organization",
        "destination",
        "connection_prototype",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "destination", "enabled", "created_at")
    list_filter = ("enabled", "destination")
    search_fields = ("name", "public_id", "application__name", "application__source_id")
    list_select_related = ("application", "destination")
    readonly_fields = ("public_id", "created_at", "updated_at")
    raw_id_fields = ("application", "connection")
