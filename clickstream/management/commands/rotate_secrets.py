from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clickstream.models import Connection
from houston.encryption import DecryptionError


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored connection secret with the first key of "
        "FIELD_ENCRYPTION_KEYS. Run it after putting a new key first, and "
        "before removing an old key. Safe to run again."
    )

    def handle(self, *args, **options):
        rotated = 0
        unreadable = []
        ids = list(Connection.objects.order_by("pk").values_list("pk", flat=True))
        for pk in ids:
            try:
                if self._rotate(pk):
                    rotated += 1
            except DecryptionError:
                unreadable.append(pk)

        self.stdout.write(f"Re-encrypted the secrets of {rotated} connections.")
        if unreadable:
            public_ids = Connection.objects.filter(pk__in=unreadable).values_list(
                "public_id", flat=True
            )
            raise CommandError(
                f"{len(unreadable)} connections have secrets that no key in "
                "FIELD_ENCRYPTION_KEYS decrypts, and were left unchanged: "
                f"{', '.join(str(public_id) for public_id in public_ids)}. "
                "Add back the key that encrypted them and run this again."
            )

    @staticmethod
    def _rotate(pk) -> bool:
        """Re-encrypt one connection's secrets. Returns False when it was
        deleted meanwhile.

        Assigning `details` again also moves into the encrypted column any
        value whose field became a password field since it was stored.
        """
        with transaction.atomic():
            # Locked, so that a concurrent update is not overwritten.
            connection = (
                Connection.objects.select_for_update(of=("self",))
                .select_related("connection_prototype")
                .filter(pk=pk)
                .first()
            )
            if connection is None:
                return False
            connection.details = connection.details
            connection.save(update_fields=["plain_details", "secret_details"])
        return True
