import houston.fields
from django.db import migrations, models


def split_secrets(apps, schema_editor):
    """Move the values of password fields into the encrypted column."""
    Connection = apps.get_model("clickstream", "Connection")
    ConnectionField = apps.get_model("clickstream", "ConnectionField")
    for connection in Connection.objects.all().iterator():
        secret = set(
            ConnectionField.objects.filter(
                prototype_id=connection.connection_prototype_id,
                field_type="password",
            ).values_list("property_name", flat=True)
        )
        details = connection.plain_details
        connection.secret_details = {
            key: value for key, value in details.items() if key in secret
        }
        connection.plain_details = {
            key: value for key, value in details.items() if key not in secret
        }
        connection.save(update_fields=["plain_details", "secret_details"])


def join_secrets(apps, schema_editor):
    Connection = apps.get_model("clickstream", "Connection")
    for connection in Connection.objects.all().iterator():
        connection.plain_details = {
            **connection.plain_details,
            **connection.secret_details,
        }
        connection.save(update_fields=["plain_details"])


class Migration(migrations.Migration):

    dependencies = [
        ("clickstream", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="connection",
            old_name="details",
            new_name="plain_details",
        ),
        migrations.AlterField(
            model_name="connection",
            name="plain_details",
            field=models.JSONField(
                blank=True, default=dict, help_text="The values of non-secret fields."
            ),
        ),
        migrations.AddField(
            model_name="connection",
            name="secret_details",
            field=houston.fields.EncryptedJSONField(
                blank=True,
                default=dict,
                help_text="The values of password fields, encrypted.",
            ),
        ),
        migrations.RunPython(split_secrets, join_secrets),
        migrations.AddField(
            model_name="clickstreamprototype",
            name="deprecated",
            field=models.BooleanField(
                default=False,
                help_text="Dropped from the catalog file but kept because "
                "connections or integrations use it. A deprecated entry takes "
                "no new connections or integrations.",
            ),
        ),
        migrations.AddField(
            model_name="connectionprototype",
            name="deprecated",
            field=models.BooleanField(
                default=False,
                help_text="Dropped from the catalog file but kept because "
                "connections or destinations use it.",
            ),
        ),
        migrations.AlterModelOptions(
            name="application",
            options={"ordering": ["created_at", "pk"]},
        ),
        migrations.AlterModelOptions(
            name="connection",
            options={"ordering": ["created_at", "pk"]},
        ),
        migrations.AlterModelOptions(
            name="integration",
            options={"ordering": ["created_at", "pk"]},
        ),
    ]
