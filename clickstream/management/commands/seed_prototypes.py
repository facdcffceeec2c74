from django.core.management.base import BaseCommand, CommandError

from clickstream.catalog import CATALOG_PATH, CatalogError, load_catalog, sync_catalog


class Command(BaseCommand):
    help = (
        "Load the destination catalog into the database. Safe to run again: "
        "entries that match the file are left unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(CATALOG_PATH),
            help="The catalog JSON file (default: %(default)s).",
        )

    def handle(self, *args, **options):
        try:
            catalog = load_catalog(options["file"])
        except CatalogError as error:
            raise CommandError(str(error)) from error

        connections, destinations = sync_catalog(catalog)
        self.stdout.write(
            f"Connection prototypes: {len(connections.created)} created, "
            f"{len(connections.updated)} updated, "
            f"{len(connections.unchanged)} unchanged."
        )
        self.stdout.write(
            f"Clickstream prototypes: {len(destinations.created)} created, "
            f"{len(destinations.updated)} updated, "
            f"{len(destinations.unchanged)} unchanged."
        )
